"""Anonymisation for group material: code draws, consents, small-number suppression, leak check."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from klyngedesk.core.anonymise.build import anonymise, anonymised_table
    from klyngedesk.core.anonymise.codes import (
        code_label,
        consenting_names,
        draw_codes,
        freeze_codes,
        meeting_codes,
        new_codes,
    )
    from klyngedesk.core.anonymise.leak import IdentityLeak, LeakChecker, check_no_leak, leak_checker
    from klyngedesk.core.anonymise.types import (
        AnonymisedComposition,
        AnonymisedIndicator,
        AnonymisedRow,
        AnonymisedTable,
        Change,
        RoundValues,
    )

# Each name comes from its module when first used, so that the codes alone (the demo, the window's start) do
# not import the audit, collate and pandas.
_HOME = {"anonymise": "build", "anonymised_table": "build", "code_label": "codes", "consenting_names": "codes",
         "draw_codes": "codes", "freeze_codes": "codes", "meeting_codes": "codes", "new_codes": "codes",
         "IdentityLeak": "leak", "LeakChecker": "leak", "check_no_leak": "leak", "leak_checker": "leak",
         "AnonymisedComposition": "types", "AnonymisedIndicator": "types", "AnonymisedRow": "types",
         "AnonymisedTable": "types", "Change": "types", "RoundValues": "types"}

__all__ = ["AnonymisedComposition", "AnonymisedIndicator", "AnonymisedRow", "AnonymisedTable", "Change", "IdentityLeak",
           "LeakChecker", "RoundValues", "anonymise", "anonymised_table", "check_no_leak", "code_label",
           "consenting_names", "draw_codes", "freeze_codes", "leak_checker", "meeting_codes", "new_codes"]


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value
