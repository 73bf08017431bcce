"""Topic packages (klyngepakker): the versioned JSON format, validation, import into and export from a project.

The format is described by resources/packages/schema.json (JSON Schema, format version 1) and in the
README. A package read from anywhere is checked against the schema and then for consistency (keys
unique, indicators refer to measures that exist); the first problem raises a KlyngeError naming the
field, e.g. ``indicators[2].unit``.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from klyngedesk.core.model import Indicator, Measure, ReferenceValue, Topic
from klyngedesk.core.package_schema import SchemaProblem, validate
from klyngedesk.core.store.diagnose import explain_os
from klyngedesk.i18n import KlyngeError, tr
from klyngedesk.resources import resource_path

PACKAGE_FORMAT = "klyngedesk-topic-package"
FORMAT_VERSION = 1
SCHEMA_FILE = "schema.json"
_META = ("revision", "authors", "updated")


@cache
def package_schema() -> dict:
    """The JSON Schema of the topic-package format."""
    return json.loads(resource_path("packages", SCHEMA_FILE).read_text(encoding="utf-8"))


def builtin_package_paths() -> list[Path]:
    return sorted(p for p in resource_path("packages").glob("*.json") if p.name != SCHEMA_FILE)


def read_package(path: str | Path) -> dict:
    """Read and check a package file; returns the package in canonical form."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise explain_os(exc, path) from None
    except UnicodeDecodeError:
        raise KlyngeError("The topic package {file} is not UTF-8 text. Save it again as UTF-8 (JSON) or ask the "
                          "sender for a new copy.", file=path.name) from None
    except json.JSONDecodeError as exc:
        raise KlyngeError("The topic package {file} is not valid JSON (line {line}, column {column}). Ask the "
                          "sender for a new copy.", file=path.name, line=exc.lineno, column=exc.colno) from None
    return check_package(data, source=path.name)


def load_package(path: str | Path) -> Topic:
    """Read and check a topic package; a malformed one raises KlyngeError naming the field."""
    path = Path(path)
    return topic_from_package(read_package(path), source=path.name)


def builtin_packages() -> list[dict]:
    """Every built-in package, checked, in canonical form."""
    return [read_package(p) for p in builtin_package_paths()]


def builtin_topic(key: str) -> Topic:
    for data in builtin_packages():
        if data["topic"]["key"] == key:
            return topic_from_package(data, source=key)
    raise KlyngeError("Unknown topic {key}.", key=key)


# --- checking -------------------------------------------------------------------------------
def _type_word(kind: str) -> str:
    return {"string": tr("text"), "integer": tr("a whole number"), "number": tr("a number"),
            "boolean": tr("true or false"), "array": tr("a list"), "object": tr("a group of fields")}.get(kind, kind)


def _schema_error(problem: SchemaProblem, source: str) -> KlyngeError:
    f, d = problem.field, problem.detail
    if problem.kind == "missing":
        return KlyngeError("The topic package {file} lacks the field {field}.", file=source, field=f)
    if problem.kind == "unknown":
        return KlyngeError("The topic package {file} has an unknown field {field}.", file=source, field=f)
    if problem.kind == "type":
        return KlyngeError("In the topic package {file}, the field {field} must be {expected}.",
                           file=source, field=f, expected=_type_word(d))
    if problem.kind in ("enum", "const"):
        choices = ", ".join(str(c) for c in (d if isinstance(d, list) else [d]))
        return KlyngeError("In the topic package {file}, the field {field} must be one of: {choices}.",
                           file=source, field=f, choices=choices)
    if problem.kind == "empty":
        return KlyngeError("In the topic package {file}, the field {field} must not be empty.", file=source, field=f)
    if problem.kind == "too_few":
        return KlyngeError("In the topic package {file}, the list {field} needs at least {n} entries.",
                           file=source, field=f, n=d)
    if problem.kind == "pattern":
        return KlyngeError("In the topic package {file}, the field {field} has a value of the wrong form "
                           "(expected: {pattern}).", file=source, field=f, pattern=d)
    return KlyngeError("In the topic package {file}, the field {field} is out of range ({limit}).",
                       file=source, field=f, limit=d)


def check_package(data: Any, source: str = "package") -> dict:
    """Check a package (schema, then consistency) and return it in canonical form."""
    if not isinstance(data, dict) or data.get("format") != PACKAGE_FORMAT:
        raise KlyngeError("{file} is not a KlyngeDesk topic package (the field format must be {fmt}).",
                          file=source, fmt=PACKAGE_FORMAT)
    version = data.get("version")
    if isinstance(version, int) and not isinstance(version, bool) and version > FORMAT_VERSION:
        raise KlyngeError("The topic package {file} has format version {version}; this KlyngeDesk reads up to "
                          "version {supported}. Update KlyngeDesk.", file=source, version=version,
                          supported=FORMAT_VERSION)
    problems = validate(data, package_schema())
    if problems:
        raise _schema_error(problems[0], source)
    _check_consistency(data, source)
    return canonical_package(data)


def _unique(items: list[dict], name: str, source: str) -> set[str]:
    seen: set[str] = set()
    for i, item in enumerate(items):
        if item["key"] in seen:
            raise KlyngeError("The topic package {file} uses the key {value} twice ({field}).",
                              file=source, value=item["key"], field=f"{name}[{i}].key")
        seen.add(item["key"])
    return seen


def _check_consistency(data: dict, source: str) -> None:
    measures = _unique(data["measures"], "measures", source)
    indicators = _unique(data["indicators"], "indicators", source)
    for i, ind in enumerate(data["indicators"]):
        where = f"indicators[{i}]"
        if ind["numerator"] not in measures:
            raise KlyngeError("The topic package {file} refers to an unknown measure in {field}: {value}.",
                              file=source, field=f"{where}.numerator", value=ind["numerator"])
        if ind.get("denominator_kind", "measure") == "measure":
            if "denominator" not in ind:
                raise KlyngeError("The topic package {file} lacks the field {field}.", file=source,
                                  field=f"{where}.denominator")
            if ind["denominator"] not in measures:
                raise KlyngeError("The topic package {file} refers to an unknown measure in {field}: {value}.",
                                  file=source, field=f"{where}.denominator", value=ind["denominator"])
        elif "denominator" in ind:
            raise KlyngeError("In the topic package {file}, the field {field} is only allowed with "
                              "denominator_kind measure.", file=source, field=f"{where}.denominator")
    for i, ref in enumerate(data.get("references", [])):
        if ref["indicator"] not in indicators:
            raise KlyngeError("The topic package {file} refers to an unknown indicator in {field}: {value}.",
                              file=source, field=f"references[{i}].indicator", value=ref["indicator"])


# --- canonical form -------------------------------------------------------------------------
def _clean(d: dict, defaults: dict) -> dict:
    """Fill defaults and drop optional fields that are empty, so equal packages compare equal."""
    out = {**defaults, **d}
    return {k: v for k, v in out.items() if k in defaults or v not in (None, "", [])}


def canonical_package(data: dict) -> dict:
    """The package with defaults filled in and optional empty fields dropped (what export writes)."""
    out: dict[str, Any] = {"format": PACKAGE_FORMAT, "version": FORMAT_VERSION}
    out |= {k: data[k] for k in _META if data.get(k)}
    out["topic"] = _clean(data["topic"], {"key": None, "title": None, "description": ""})
    if data.get("data_source"):
        out["data_source"] = data["data_source"]
    out["measures"] = [_clean(m, {"key": None, "title": None, "description": ""}) for m in data["measures"]]
    indicators = []
    for ind in data["indicators"]:
        clean = _clean(ind, {"key": None, "title": None, "description": "", "numerator": None,
                             "denominator_kind": "measure", "unit": None, "per_year": False})
        if "target" in clean:
            clean["target"] = {"verified": False, **clean["target"]}
        indicators.append(clean)
    out["indicators"] = indicators
    out["questions"] = list(data.get("questions", []))
    if data.get("questions_en"):
        out["questions_en"] = list(data["questions_en"])
    out["speakers"] = [_clean(s, {"name": None, "organisation": "", "problem_statement": ""})
                       for s in data.get("speakers", [])]
    out["references"] = [_clean(r, {"indicator": None, "scope": None, "value": None, "source": None})
                         for r in data.get("references", [])]
    return out


def topic_from_package(data: dict, source: str = "package") -> Topic:
    """The Topic (measures and indicators) a package describes; the package itself rides along."""
    data = check_package(data, source)
    head = data["topic"]
    measures = tuple(Measure(m["key"], m["title"], m["description"]) for m in data["measures"])
    indicators = tuple(Indicator(
        key=d["key"], title=d["title"], numerator=d["numerator"],
        denominator=d.get("denominator") if d["denominator_kind"] == "measure" else None,
        denominator_kind=d["denominator_kind"], unit=d["unit"], description=d["description"],
        per_year=d["per_year"], direction=d.get("direction"),
        target_value=d.get("target", {}).get("value"), target_source=d.get("target", {}).get("source"),
        group_key=d.get("group")) for d in data["indicators"])
    return Topic(head["key"], head["title"], head["description"], measures, indicators, data)


# --- import into / export from a project ----------------------------------------------------
def _ref_key(ref: dict) -> tuple:
    return ref["indicator"], ref["scope"], ref.get("period"), float(ref["value"]), ref["source"]


def import_package(project, package: dict | str | Path, *, source: str | None = None) -> Topic:
    """Add a package's topic to a project with its reference values; one transaction, all or nothing.

    References whose period the project does not have yet stay in the package (export keeps them).
    """
    if isinstance(package, (str, Path)):
        source = source or Path(package).name
        package = read_package(package)
    topic = topic_from_package(package, source or "package")
    periods = {p.key for p in project.periods()}
    with project.transaction():
        project.add_topic(topic)
        for ref in topic.package["references"]:
            if ref.get("period") in (None, *periods):
                project.add_reference(ReferenceValue(ref["indicator"], ref["scope"], float(ref["value"]),
                                                     ref["source"], ref.get("period"), ref.get("recorded", "")))
        project.audit("package_import", topic=topic.key, source=source or "")
    return topic


def package_from_project(project, key: str) -> dict:
    """The topic as the project holds it now, as a package: stored fields win over the original package."""
    topic = project.topic(key)
    base = topic.package if topic.package.get("format") == PACKAGE_FORMAT else {}
    by_key = {name: {d["key"]: d for d in base.get(name, [])} for name in ("measures", "indicators")}
    out: dict[str, Any] = {k: base[k] for k in (*_META, "data_source") if base.get(k)}
    out["topic"] = {**base.get("topic", {}), "key": topic.key, "title": topic.title,
                    "description": topic.description}
    out["measures"] = [{**by_key["measures"].get(m.key, {}), "key": m.key, "title": m.title,
                        "description": m.description} for m in topic.measures]
    out["indicators"] = [_indicator_dict(ind, by_key["indicators"].get(ind.key, {})) for ind in topic.indicators]
    out["questions"] = base.get("questions", [])
    if base.get("questions_en"):
        out["questions_en"] = base["questions_en"]
    out["speakers"] = base.get("speakers", [])
    refs = list(base.get("references", []))
    seen = {_ref_key(r) for r in refs}
    keys = {ind.key for ind in topic.indicators}
    for ref in project.references():
        d = {"indicator": ref.indicator, "scope": ref.scope, "value": ref.value, "source": ref.source}
        d |= {k: v for k, v in (("period", ref.period), ("recorded", ref.recorded)) if v}
        if ref.indicator in keys and _ref_key(d) not in seen:
            refs.append(d)
            seen.add(_ref_key(d))
    out["references"] = refs
    return check_package({"format": PACKAGE_FORMAT, "version": FORMAT_VERSION, **out}, source=key)


def _indicator_dict(ind: Indicator, base: dict) -> dict:
    d = {k: v for k, v in base.items() if k not in ("denominator", "direction", "group", "target")}
    d |= {"key": ind.key, "title": ind.title, "description": ind.description, "numerator": ind.numerator,
          "denominator_kind": ind.denominator_kind, "unit": ind.unit, "per_year": ind.per_year}
    if ind.denominator_kind == "measure":
        d["denominator"] = ind.denominator
    if ind.direction:
        d["direction"] = ind.direction
    if ind.group_key:
        d["group"] = ind.group_key
    if ind.target_value is not None:
        old = base.get("target", {})
        same = old.get("value") == ind.target_value and old.get("source") == ind.target_source
        d["target"] = {"value": ind.target_value, "source": ind.target_source or "",
                       "verified": bool(old.get("verified")) and same}
    return d


def package_json(data: dict) -> str:
    """A package as the text of a .json file (UTF-8, readable Danish letters, stable order)."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def export_package(project, key: str, path: str | Path) -> Path:
    """Write the project's topic `key` as a package file."""
    path = Path(path)
    path.write_text(package_json(package_from_project(project, key)), encoding="utf-8")
    return path


def package_summary(data: dict) -> dict:
    """A short description of a package for lists: key, title, counts, revision."""
    return {"key": data["topic"]["key"], "title": data["topic"]["title"], "revision": data.get("revision"),
            "measures": len(data["measures"]), "indicators": len(data["indicators"]),
            "targets": sum(1 for d in data["indicators"] if "target" in d)}


# --- texts in the reader's language ----------------------------------------------------------
def text_in(item: dict, name: str, lang: str, default: str = "") -> str:
    """A package text in the reader's language: `name_en` for English when the package has it, else `name`."""
    if lang == "en" and isinstance(item.get(f"{name}_en"), str) and item[f"{name}_en"].strip():
        return item[f"{name}_en"]
    value = item.get(name)
    return value if isinstance(value, str) and value.strip() else default


def _by_key(package: dict, kind: str, key: str | None) -> dict:
    for item in package.get(kind, []) if isinstance(package, dict) else []:
        if isinstance(item, dict) and item.get("key") == key:
            return item
    return {}


def topic_title(topic: Topic, lang: str) -> str:
    """The topic's title as the project holds it, or the package's English title for English."""
    head = topic.package.get("topic", {}) if isinstance(topic.package, dict) else {}
    return text_in(head, "title", lang, topic.title) if lang == "en" else topic.title


def topic_description(topic: Topic, lang: str) -> str:
    head = topic.package.get("topic", {}) if isinstance(topic.package, dict) else {}
    return text_in(head, "description", lang, topic.description) if lang == "en" else topic.description


def indicator_text(topic: Topic, key: str, name: str, lang: str, default: str = "") -> str:
    """An indicator's `title`, `rationale`, ... in the reader's language (the stored title for Danish)."""
    return text_in(_by_key(topic.package, "indicators", key), name, lang, default)


def measure_text(topic: Topic, key: str | None, name: str, lang: str, default: str = "") -> str:
    return text_in(_by_key(topic.package, "measures", key), name, lang, default)


def indicator_guideline(topic: Topic, key: str, lang: str) -> tuple[str, str]:
    """(what the guideline says, its source) for an indicator; empty strings when the package has none."""
    guide = _by_key(topic.package, "indicators", key).get("guideline")
    if not isinstance(guide, dict):
        return "", ""
    return text_in(guide, "text", lang), text_in(guide, "source", lang)


def topic_questions(topic: Topic, lang: str) -> list[str]:
    """The package's discussion questions, in English when the package has them in English."""
    package = topic.package if isinstance(topic.package, dict) else {}
    english = package.get("questions_en") if lang == "en" else None
    items = english if isinstance(english, list) and english else package.get("questions", [])
    return [q for q in items if isinstance(q, str)]
