"""Topic packages (klyngepakker): JSON files holding a topic, its measures and indicators."""

from __future__ import annotations

import json
from pathlib import Path

from klyngedesk.core.model import UNITS, Indicator, Measure, Topic
from klyngedesk.i18n import KlyngeError
from klyngedesk.resources import resource_path

PACKAGE_FORMAT = "klyngedesk-topic-package"


def builtin_package_paths() -> list[Path]:
    return sorted(resource_path("packages").glob("*.json"))


def load_package(path: str | Path) -> Topic:
    """Read and check a topic package; a malformed one raises KlyngeError naming the field."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise KlyngeError("The topic package {file} cannot be read: {error}", file=path.name, error=str(exc)) from None
    return topic_from_package(data, source=path.name)


def _need(obj: dict, field: str, where: str, source: str):
    if not isinstance(obj, dict) or field not in obj or obj[field] in (None, ""):
        raise KlyngeError("The topic package {file} lacks the field {field}.", file=source, field=f"{where}.{field}")
    return obj[field]


def topic_from_package(data: dict, source: str = "package") -> Topic:
    if not isinstance(data, dict) or data.get("format") != PACKAGE_FORMAT:
        raise KlyngeError("{file} is not a KlyngeDesk topic package (the field format must be {fmt}).",
                          file=source, fmt=PACKAGE_FORMAT)
    head = _need(data, "topic", "", source)
    measures = tuple(Measure(_need(m, "key", f"measures[{i}]", source), _need(m, "title", f"measures[{i}]", source),
                             m.get("description", "")) for i, m in enumerate(data.get("measures", [])))
    keys = {m.key for m in measures}
    indicators = []
    for i, d in enumerate(data.get("indicators", [])):
        where = f"indicators[{i}]"
        unit = _need(d, "unit", where, source)
        if unit not in UNITS:
            raise KlyngeError("The topic package {file} has an unknown unit in {field}: {value}.",
                              file=source, field=f"{where}.unit", value=unit)
        kind = d.get("denominator_kind", "measure")
        for field in ("numerator", "denominator") if kind == "measure" else ("numerator",):
            if _need(d, field, where, source) not in keys:
                raise KlyngeError("The topic package {file} refers to an unknown measure in {field}: {value}.",
                                  file=source, field=f"{where}.{field}", value=d[field])
        target = d.get("target") or {}
        indicators.append(Indicator(
            key=_need(d, "key", where, source), title=_need(d, "title", where, source),
            numerator=d["numerator"], denominator=d.get("denominator") if kind == "measure" else None,
            denominator_kind=kind, unit=unit, description=d.get("description", ""),
            per_year=bool(d.get("per_year", False)), direction=d.get("direction"),
            target_value=target.get("value"), target_source=target.get("source"), group_key=d.get("group")))
    return Topic(_need(head, "key", "topic", source), _need(head, "title", "topic", source),
                 head.get("description", ""), measures, tuple(indicators), data)


def builtin_topic(key: str) -> Topic:
    for path in builtin_package_paths():
        topic = load_package(path)
        if topic.key == key:
            return topic
    raise KlyngeError("Unknown topic {key}.", key=key)
