"""From the identified indicator table to the anonymised table that group material is rendered from."""

from __future__ import annotations

from klyngedesk.core.anonymise.types import AnonymisedTable
from klyngedesk.core.collate.table import IndicatorTable
from klyngedesk.core.store import Project


def anonymise(table: IndicatorTable, codes: dict[str, str], *, meeting: str, named: dict[str, str] | None = None,
              threshold: int = 5, list_size_display: str = "bands") -> AnonymisedTable:
    """Replace clinic keys by codes (or by name for consenting clinics in `named`: key -> display name),
    suppress counts under `threshold` with complementary suppression (totals, other clinics, before/after
    differences, composition remainders), show list sizes as bands/hidden/exact, and recompute the
    cluster median/quartiles/min/max over the rows shown. Pure function: no project access.
    """
    raise NotImplementedError  # implemented in the next commit


def anonymised_table(project: Project, meeting: str, topic: str, *, period: str | None = None,
                     compare: str | None = None) -> AnonymisedTable:
    """The anonymised table for a meeting: its drawn codes, its consents, the project's threshold and
    list-size setting; period/compare default to the meeting's period and baseline. Refused (KlyngeError)
    when no codes have been drawn for the meeting. The result passes `check_no_leak` or this raises.
    """
    raise NotImplementedError  # implemented in the next commit
