"""Validate HSDS 3.0 data against the official schemas (strict or not).

The schemas and examples are the official HSDS 3.0 files, copied unchanged into
kiosk/resources/data/hsds/ with their SOURCE.md and LICENSE (CC BY-SA 4.0).
"""

from __future__ import annotations

import copy
import csv
import io
import json
import zipfile
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from kiosk import ROOT

HSDS = ROOT / "kiosk" / "resources" / "data" / "hsds"
SCHEMA_DIR = HSDS / "schema"


def _strict(node: Any) -> Any:
    """A copy of a schema with additionalProperties false on every object: no unknown fields."""
    if isinstance(node, dict):
        result = {key: _strict(value) for key, value in node.items()}
        if "properties" in result and "additionalProperties" not in result:
            result["additionalProperties"] = False
        return result
    if isinstance(node, list):
        return [_strict(item) for item in node]
    return node


@cache
def validator(name: str, strict: bool) -> Draft202012Validator:
    """A validator for one HSDS object schema (e.g. "service"), with bare-filename $refs."""
    schemas = {
        p.name: json.loads(p.read_text())
        for p in SCHEMA_DIR.glob("*.json")
        if p.name != "openapi.json"
    }
    if strict:
        schemas = {key: _strict(copy.deepcopy(value)) for key, value in schemas.items()}
    registry = Registry().with_resources(
        (key, DRAFT202012.create_resource(value)) for key, value in schemas.items()
    )
    return Draft202012Validator(
        schemas[f"{name}.json"], registry=registry, format_checker=FormatChecker()
    )


def errors(name: str, item: Any, strict: bool = True) -> list[str]:
    """Every schema error for one object, as readable strings."""
    return [
        f"{list(e.absolute_path)}: {e.message}" for e in validator(name, strict).iter_errors(item)
    ]


def _typed(value: str, field: dict[str, Any]) -> Any:
    if field["type"] == "number":
        number = float(value)
        return int(number) if number.is_integer() else number
    return value


def package_errors(  # noqa: PLR0912  (one check after another, as the spec lists them)
    content: bytes, strict: bool = True
) -> list[str]:
    """Check an HSDS CSV package zip against the official datapackage.json and the schemas.

    Each table must be listed in the official descriptor with exactly its fields; each row must
    meet the required/enum constraints, have a unique primary key, resolve its foreign keys
    inside the package, and (as an object) validate against its HSDS schema.
    """
    official = {
        r["name"]: r for r in json.loads((HSDS / "datapackage.json").read_text())["resources"]
    }
    archive = zipfile.ZipFile(io.BytesIO(content))
    shipped = json.loads(archive.read("datapackage.json"))
    problems: list[str] = []
    rows_by_table: dict[str, list[dict[str, str]]] = {}
    for resource in shipped["resources"]:
        name = resource["name"]
        spec = official.get(name)
        if spec is None:
            problems.append(f"{name}: not an HSDS table")
            continue
        if resource != spec:
            problems.append(f"{name}: descriptor differs from the official one")
        text = archive.read(spec["path"]).decode("utf-8")
        reader = csv.DictReader(io.StringIO(text))
        fields = {f["name"]: f for f in spec["schema"]["fields"]}
        if reader.fieldnames != list(fields):
            problems.append(f"{name}: header {reader.fieldnames} != {list(fields)}")
            continue
        rows = list(reader)
        rows_by_table[name] = rows
        keys: set[str] = set()
        for number, row in enumerate(rows, start=1):
            for field_name, field in fields.items():
                value = row[field_name]
                constraints = field.get("constraints", {})
                if constraints.get("required") and value == "":
                    problems.append(f"{name} row {number}: {field_name} is required")
                if value and "enum" in constraints and value not in constraints["enum"]:
                    problems.append(f"{name} row {number}: {field_name} not in enum")
            key = row[spec["schema"]["primaryKey"]]
            if key in keys:
                problems.append(f"{name} row {number}: duplicate key {key}")
            keys.add(key)
            item = {k: _typed(v, fields[k]) for k, v in row.items() if v != ""}
            problems += [f"{name} row {number}: {e}" for e in errors(name, item, strict)]
    for resource in shipped["resources"]:
        name = resource["name"]
        for fk in official[name]["schema"].get("foreignKeys", []):
            target = fk["reference"]["resource"]
            targets = {r[fk["reference"]["fields"]] for r in rows_by_table.get(target, [])}
            for number, row in enumerate(rows_by_table.get(name, []), start=1):
                value = row.get(fk["fields"], "")
                if value and value not in targets:
                    problems.append(f"{name} row {number}: {fk['fields']} {value} dangles")
    return problems


def example_package() -> bytes:
    """The official examples/csv folder as a zip package."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for path in sorted((HSDS / "examples" / "csv").iterdir()):
            archive.write(path, Path(path).name)
    return out.getvalue()
