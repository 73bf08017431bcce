"""Units a file states for its columns: a row of units under the header ('antal', '%') and share marks in a
heading ('kol_lfu (%)', 'Andel kol_lfu'), so that a column of percentages is never read as counts."""

from __future__ import annotations

import re

from klyngedesk.core.ingest.cells import normalise_text

# A heading's share mark: '%', '(pct.)', 'procent', 'i %', 'andel (af)', 'percent', 'share (of)', '‰', 'promille'
_SHARE = re.compile(r"\(\s*(?:%|‰|pct\.?|procent|percent|promille)\s*\)|,?\s*\bi\s+(?:%|‰)|%|‰|\bpct\b\.?"
                    r"|\bprocent\b|\bpercent(?:age)?\b|\bpromille\b|\bandel(?:en)?\b(?:\s+af\b)?|\bshare\b(?:\s+of\b)?",
                    re.I)
_COUNT_UNITS = {"antal", "n", "n=", "tal", "count", "number", "personer", "patienter", "antal patienter",
                "borgere", "ordinationer", "recepter", "kr", "kr.", "dkk", "dage", "år", "enhed", "stk", "stk."}


def share_mark(text: str | None) -> str | None:
    """The mark in a heading or unit that says its numbers are a share ('%', 'andel'), or None."""
    m = _SHARE.search(normalise_text(text)) if text else None
    return m.group(0).strip(" ,") if m else None


def without_share_marks(text: str) -> str:
    """A heading with its share marks taken out ('kol_lfu (%)' -> 'kol_lfu'), to find the measure it names."""
    return " ".join(_SHARE.sub(" ", normalise_text(text)).strip(" ,-:").split())


def is_unit_row(row: list) -> bool:
    """A row under the header whose every cell is a unit ('antal', '%', 'pct.'): the header's second row."""
    cells = [v for v in row if not (v is None or isinstance(v, str) and not v.strip())]
    if not cells or not all(isinstance(v, str) for v in cells):
        return False
    return all(_unit(v) for v in cells)


def _unit(text: str) -> bool:
    s = normalise_text(text).lower().strip("() []")
    return s in _COUNT_UNITS or bool(s) and not without_share_marks(s)
