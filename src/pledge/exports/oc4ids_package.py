"""OC4IDS project packages: every project of a programme in one document, and the check
that a package is valid against the official OC4IDS 0.9.5 schemas and codelists.

The schemas and codelists ship with pledge (``pledge/data/oc4ids``, Apache-2.0, with
their licence). The package schema refers to the project schema by its published
address; the check resolves that address to the shipped file, so nothing is fetched.
Closed codelists are enumerations in the schemas themselves; the open ones are checked
here: a code outside an open codelist is allowed by the standard, and
:func:`codelist_extensions` names each one so that a publisher sees which are its own.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any

from pledge.exports.oc4ids import json_when

__all__ = ["OC4IDS_VERSION", "codelist_extensions", "project_package", "schema_errors"]

OC4IDS_VERSION = "0.9"
"""The schema version a package names (major.minor, as the package schema asks)."""

_DATA = "data/oc4ids"


def project_package(projects: Sequence[Mapping[str, Any]], *, uri: str, publisher: str,
                    published: datetime) -> dict[str, Any]:
    """An OC4IDS project package of ``projects`` (project documents).

    ``uri``: where the package is (or a URN naming it); ``published``: when its contents
    last changed (the package is made on demand, so the standard asks for that date, not
    the time of the request); ``publisher``: who publishes it.
    """
    return {"uri": uri, "publishedDate": json_when(published), "version": OC4IDS_VERSION,
            "publisher": {"name": publisher}, "projects": list(projects)}


def _text(name: str) -> str:
    return resources.files("pledge").joinpath(f"{_DATA}/{name}").read_text(encoding="utf-8")


@cache
def _validator() -> Any:
    """A draft-04 validator of the package schema, the project schema resolved locally."""
    import jsonschema
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    project = json.loads(_text("project-schema.json"))
    package = json.loads(_text("project-package-schema.json"))
    registry = Registry().with_resources(
        (doc["id"], Resource.from_contents(doc, default_specification=DRAFT4))
        for doc in (project, package))
    return jsonschema.Draft4Validator(package, registry=registry,
                                      format_checker=jsonschema.FormatChecker())


def schema_errors(package: Mapping[str, Any], limit: int = 50) -> list[str]:
    """What makes ``package`` invalid against the OC4IDS package schema (and, through
    it, the project schema and its closed codelists): at most ``limit`` messages, each
    naming the place (``projects/3/budget/amount/amount: ...``); empty when valid."""
    errors = []
    for error in _validator().iter_errors(package):
        where = "/".join(str(p) for p in error.absolute_path) or "(package)"
        errors.append(f"{where}: {error.message}")
        if len(errors) >= limit:
            break
    return errors


@cache
def _codelist(name: str) -> frozenset[str]:
    rows = csv.DictReader(_text(f"codelists/{name}").splitlines())
    return frozenset(row["Code"] for row in rows)


def _resolve(node: Mapping[str, Any], schema: Mapping[str, Any]) -> Mapping[str, Any]:
    """``node`` with its local ``$ref`` (``#/definitions/X``) followed."""
    while "$ref" in node:
        ref = str(node["$ref"])
        node = schema["definitions"][ref.rsplit("/", 1)[-1]]
    return node


def _open_codes(doc: Any, node: Mapping[str, Any], schema: Mapping[str, Any], path: str,
                found: dict[str, set[str]]) -> None:
    """Walk ``doc`` beside its schema ``node``; note each value of a field whose codelist
    is open and does not hold it, under the field's path (list positions left out)."""
    node = _resolve(node, schema)
    if isinstance(doc, list):
        items = node.get("items")
        for value in doc:
            if isinstance(items, Mapping):
                _open_codes(value, items, schema, path, found)
        return
    if not isinstance(doc, dict):
        return
    for key, value in doc.items():
        sub = node.get("properties", {}).get(key)
        if not isinstance(sub, Mapping):
            continue
        sub = _resolve(sub, schema)
        where = f"{path}/{key}" if path else key
        if sub.get("openCodelist") is True:
            known = _codelist(str(sub["codelist"]))
            codes = value if isinstance(value, list) else [value]
            extra = {c for c in codes if isinstance(c, str) and c not in known}
            if extra:
                found.setdefault(where, set()).update(extra)
        else:
            _open_codes(value, sub, schema, where, found)


@cache
def _project_schema() -> Mapping[str, Any]:
    schema: Mapping[str, Any] = json.loads(_text("project-schema.json"))
    return schema


def codelist_extensions(package: Mapping[str, Any]) -> dict[str, list[str]]:
    """The codes ``package`` uses outside an open codelist, per field path (sorted):
    allowed by the standard, listed so that a publisher knows which codes are its own."""
    schema = _project_schema()
    found: dict[str, set[str]] = {}
    for project in package.get("projects", []):
        _open_codes(project, schema, schema, "", found)
    return {where: sorted(codes) for where, codes in sorted(found.items())}
