"""The reference register: region and national values per indicator and period, typed in or read from a file."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path

from klyngedesk.core.model import ReferenceValue
from klyngedesk.i18n import KlyngeError, tr

SCOPES = ("region", "national")
_SCOPE_WORDS = {"region": "region", "regional": "region", "regionen": "region", "national": "national",
                "nationalt": "national", "land": "national", "landet": "national", "hele landet": "national",
                "landsplan": "national", "danmark": "national"}
# Column names a reference file may use (Danish or English), and the field each one fills.
_COLUMNS = {"indikator": "indicator", "indicator": "indicator", "niveau": "scope", "scope": "scope",
            "vaerdi": "value", "værdi": "value", "value": "value", "kilde": "source", "source": "source",
            "periode": "period", "period": "period", "dato": "recorded", "recorded": "recorded", "date": "recorded"}
REFERENCE_COLUMNS = ("indikator", "niveau", "vaerdi", "kilde", "periode", "dato")


def scope_of(text: str) -> str | None:
    """'Region' -> region, 'hele landet' -> national; None when not recognised."""
    return _SCOPE_WORDS.get(str(text or "").strip().lower())


def parse_number(text) -> float | None:
    """A number typed the Danish or English way ('1.234,5', '36,0 %', '350'); None when it is not one."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return float(text)
    s = str(text or "").strip().replace("\u2212", "-").replace("%", "").replace(" ", "").replace("\u00a0", "")
    if re.fullmatch(r"-?\d{1,3}(\.\d{3})+(,\d+)?", s) or re.fullmatch(r"-?\d+,\d+", s):
        s = s.replace(".", "").replace(",", ".")
    try:
        return float(s)
    except ValueError:
        return None


def add_reference_value(project, indicator: str, scope: str, value: float, source: str, *,
                        period: str | None = None, recorded: str | date | None = None) -> ReferenceValue:
    """Check and store one reference value typed in by the coordinator."""
    ref = _checked(project, indicator, scope, value, source, period, recorded)
    project.add_reference(ref)
    project.audit("reference_add", indicator=ref.indicator, scope=ref.scope, period=ref.period)
    return ref


def _checked(project, indicator, scope, value, source, period, recorded, where: str = "") -> ReferenceValue:
    indicators = {i.key for t in project.topics() for i in t.indicators}
    if indicator not in indicators:
        raise KlyngeError("{where}Unknown indicator {key}.", where=where, key=indicator)
    the_scope = scope if scope in SCOPES else scope_of(scope)
    if the_scope is None:
        raise KlyngeError("{where}The level must be region or national, not {value}.", where=where, value=scope)
    number = parse_number(value)
    if number is None:
        raise KlyngeError("{where}The value {value} is not a number.", where=where, value=value)
    if not str(source or "").strip():
        raise KlyngeError("{where}A reference value needs its source (who published it).", where=where)
    if period and period not in {p.key for p in project.periods()}:
        raise KlyngeError("{where}Unknown period {key}.", where=where, key=period)
    stamp = recorded.isoformat() if isinstance(recorded, date) else str(recorded or date.today().isoformat())
    return ReferenceValue(indicator, "region" if the_scope == "region" else "national", number, str(source).strip(), period or None, stamp)


def read_reference_rows(path: str | Path) -> list[dict]:
    """The rows of a CSV (; or , or tab) or xlsx file with the columns indikator, niveau, vaerdi, kilde[, periode, dato]."""
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True, data_only=True)
        try:
            rows = [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
        finally:
            wb.close()
    else:
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252")
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=";,\t") if text.strip() else csv.excel
        rows = list(csv.reader(io.StringIO(text), dialect))
    rows = [r for r in rows if any(c not in (None, "") for c in r)]
    if not rows:
        raise KlyngeError("The file {file} holds no reference values.", file=path.name)
    header = [_COLUMNS.get(str(c or "").strip().lower()) for c in rows[0]]
    for needed, danish in (("indicator", "indikator"), ("scope", "niveau"), ("value", "vaerdi"), ("source", "kilde")):
        if needed not in header:
            raise KlyngeError("The file {file} lacks the column {column}.", file=path.name, column=danish)
    return [{field: (row[i] if i < len(row) else None) for i, field in enumerate(header) if field}
            for row in rows[1:]]


def import_references(project, path: str | Path) -> list[ReferenceValue]:
    """Read a reference file and store every row in one transaction; any bad row refuses the whole file."""
    path = Path(path)
    refs = []
    for n, row in enumerate(read_reference_rows(path), start=2):
        refs.append(_checked(project, str(row.get("indicator") or "").strip(), str(row.get("scope") or ""),
                             row.get("value"), row.get("source"), str(row.get("period") or "").strip() or None,
                             _date_text(row.get("recorded")), where=tr("{file}, row {row}: ", file=path.name, row=n)))
    with project.transaction():
        for ref in refs:
            project.add_reference(ref)
        project.audit("reference_import", file=path.name, values=len(refs))
    return refs


def _date_text(value) -> str | None:
    if isinstance(value, date):
        return value.isoformat()[:10]
    return str(value).strip() if value not in (None, "") else None


def reference_lines(project, topic: str, period: str | None) -> dict[str, list[ReferenceValue]]:
    """Per indicator of a topic, one reference value per scope (region first): the period's own value if there
    is one, else a value without a period; among equals the latest recorded, then the latest added."""
    keys = {i.key for i in project.topic(topic).indicators}
    best: dict[tuple[str, str], tuple[tuple, ReferenceValue]] = {}
    for order, ref in enumerate(project.references()):
        if ref.indicator not in keys or ref.period not in (period, None):
            continue
        rank = (ref.period is not None, ref.recorded or "", order)
        slot = (ref.indicator, ref.scope)
        if slot not in best or rank > best[slot][0]:
            best[slot] = (rank, ref)
    out: dict[str, list[ReferenceValue]] = {}
    for (indicator, _scope), (_, ref) in sorted(best.items(), key=lambda kv: (kv[0][0], SCOPES.index(kv[0][1]))):
        out.setdefault(indicator, []).append(ref)
    return out
