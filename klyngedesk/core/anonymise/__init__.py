"""Anonymisation for group material: code draws, consents, small-number suppression, leak check."""

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

__all__ = ["AnonymisedComposition", "AnonymisedIndicator", "AnonymisedRow", "AnonymisedTable", "Change", "IdentityLeak",
           "LeakChecker", "RoundValues", "anonymise", "anonymised_table", "check_no_leak", "code_label",
           "consenting_names", "draw_codes", "freeze_codes", "leak_checker", "meeting_codes", "new_codes"]
