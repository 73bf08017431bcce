"""A small JSON Schema checker (the subset the topic-package schema uses) that names the failing field."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,), "array": (list,), "string": (str,), "integer": (int,), "number": (int, float),
    "boolean": (bool,),
}


@dataclass(frozen=True)
class SchemaProblem:
    """One place where a document breaks its schema. `kind` says how; `detail` is the expected thing."""

    field: str
    kind: str  # missing | unknown | type | enum | const | minimum | maximum | pattern | empty | too_few
    detail: Any = None


def _is_type(value: Any, name: str) -> bool:
    if isinstance(value, bool) and name in ("integer", "number"):
        return False
    return isinstance(value, _TYPES[name])


def _join(path: str, name: str | int) -> str:
    if isinstance(name, int):
        return f"{path}[{name}]"
    return f"{path}.{name}" if path else name


def validate(instance: Any, schema: dict, root: dict | None = None, path: str = "") -> list[SchemaProblem]:
    """All the ways `instance` breaks `schema`, outermost first (so the first one is the one to show)."""
    root = root if root is not None else schema
    if "$ref" in schema:
        target = root
        for part in schema["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        schema = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
    where = path or "(top)"
    if "const" in schema and instance != schema["const"]:
        return [SchemaProblem(where, "const", schema["const"])]
    if "enum" in schema and instance not in schema["enum"]:
        return [SchemaProblem(where, "enum", schema["enum"])]
    kind = schema.get("type")
    if kind and not _is_type(instance, kind):
        return [SchemaProblem(where, "type", kind)]
    problems: list[SchemaProblem] = []
    if isinstance(instance, dict):
        for name in schema.get("required", ()):
            if name not in instance:
                problems.append(SchemaProblem(_join(path, name), "missing"))
        known = schema.get("properties", {})
        for name, value in instance.items():
            if name in known:
                problems += validate(value, known[name], root, _join(path, name))
            elif schema.get("additionalProperties") is False:
                problems.append(SchemaProblem(_join(path, name), "unknown"))
    elif isinstance(instance, list):
        if len(instance) < schema.get("minItems", 0):
            problems.append(SchemaProblem(where, "too_few", schema["minItems"]))
        if "items" in schema:
            for i, item in enumerate(instance):
                problems += validate(item, schema["items"], root, _join(path, i))
    elif isinstance(instance, str):
        if len(instance.strip()) < schema.get("minLength", 0):
            problems.append(SchemaProblem(where, "empty"))
        elif "pattern" in schema and not re.search(schema["pattern"], instance):
            problems.append(SchemaProblem(where, "pattern", schema["pattern"]))
    elif _is_type(instance, "number"):
        if "minimum" in schema and instance < schema["minimum"]:
            problems.append(SchemaProblem(where, "minimum", schema["minimum"]))
        if "maximum" in schema and instance > schema["maximum"]:
            problems.append(SchemaProblem(where, "maximum", schema["maximum"]))
    return problems
