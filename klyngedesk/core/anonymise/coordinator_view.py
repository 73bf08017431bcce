"""The coordinator's own confidential view: every clinic by its name, nothing hidden (never group material)."""

from __future__ import annotations

from klyngedesk.core.anonymise.build import anonymise
from klyngedesk.core.anonymise.types import AnonymisedTable
from klyngedesk.core.collate.collate import collate
from klyngedesk.core.store import Project


def coordinator_table(project: Project, topic: str, period: str, compare: str | None = None) -> AnonymisedTable:
    """One round as the charts draw it, for the coordinator's eyes only: every clinic named by the name the
    window shows (its short name when set; its key as the
    code), no small-number suppression, exact list sizes. The pack never renders this table; it is what the
    window shows when no meeting is chosen."""
    table = collate(project, topic, period, compare)
    names = {c.key: c.shown_name for c in project.clinics()}   # the short name where one is set
    # Nothing is hidden (threshold 0, every clinic named, exact list sizes): there is nothing for the audit
    # to protect, and its disclosure model of 1,700 clinics took a minute.
    return anonymise(table, {k: k for k in names}, meeting="", named=names, threshold=0,
                     list_size_display="exact", audited=False)
