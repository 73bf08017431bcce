"""Period labels in the reader's language: the store keeps Danish labels ("1. halvår 2026"), English shows "H1 2026"."""

from __future__ import annotations

import re

_DANISH = re.compile(r"^\s*([1-4])\.\s*(halvår|kvartal)\s+(\d{4})\s*$", re.IGNORECASE)
_WHOLE_YEAR = re.compile(r"^\s*(?:hele\s+)?(?:år(?:et)?\s+)?(\d{4})\s*$", re.IGNORECASE)


def period_label(label: str, lang: str = "da") -> str:
    """A stored period label as the reader should see it; labels of another shape are shown as typed."""
    if lang == "da":
        return label
    match = _DANISH.match(label)
    if match:
        number, kind, year = match.groups()
        if kind.lower() == "halvår" and number in "12":
            return f"H{number} {year}"
        if kind.lower() == "kvartal":
            return f"Q{number} {year}"
    match = _WHOLE_YEAR.match(label)
    return match.group(1) if match else label
