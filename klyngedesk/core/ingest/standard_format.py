"""Writing the KlyngeDesk standard format (CSV with ';', decimal comma, UTF-8), e.g. for exports and self-tests."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from klyngedesk.core.ingest.tables import STANDARD_COLUMNS


def standard_number(value: float | None) -> str:
    """A value as the standard format writes it: no thousands separator, decimal comma."""
    if value is None:
        return ""
    if float(value).is_integer():
        return str(int(value))
    return repr(float(value)).replace(".", ",")


def write_standard_csv(path: str | Path, rows: Iterable[tuple[str, str, str, str, float | str | None]]) -> Path:
    """Rows of (ydernummer, praksis, maaling, periode, vaerdi); a text vaerdi such as '<5' is written as is."""
    path = Path(path)
    lines = [";".join(STANDARD_COLUMNS)]
    for yder, name, measure, period, value in rows:
        shown = value if isinstance(value, str) else standard_number(value)
        lines.append(";".join(str(x).replace(";", ",") for x in (yder, name, measure, period, shown)))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
