"""Every API operation fuzzed from its own OpenAPI document (schemathesis, in-process).

The published schema is the contract: whatever a generated request holds, the answer
is not a server error, its status is one the operation documents, and its body
matches the schema documented for that status. Requests are sent as an admin, so they
reach past the role gate into the rules, on a fresh database with the default data,
SQLite then PostgreSQL; changes are kept, so later operations meet the projects, links
and jobs earlier ones made.

Bounded and reproducible: at most ``EXAMPLES`` requests per operation, drawn from
the schema (valid requests), against it (invalid ones), and from the schema on known
records, from a fixed seed; no example database, no shrinking, no deadline (the
machine may be busy).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Err
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import Engine

from pledge.app import create_app
from pledge.domain.lifecycle import Role
from pledge.services.base import Actor
from pledge.services.users import add_user
from pledge.store.db import make_engine
from tests.conftest import BACKENDS, Templates, _require_backend

EXAMPLES = 50
SEED = 20260405
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
# Records of the default data, so a third of the requests reach the rules on real ones
# (a framework, a selected project) instead of stopping at "not found".
KNOWN: dict[str, Any] = {"key": "japan", "project_id": 24}
IDEMPOTENCY_KEY = "Idempotency-Key"
KEYS = itertools.count(1)
# A slow answer on a busy shared machine is not a broken contract; a hung one is.
TIMEOUT_SECONDS = 120


def _published() -> dict[str, Any]:
    """The OpenAPI document the application publishes. It does not depend on the data,
    so an application over an unused in-memory database gives the same one."""
    return create_app("sqlite://").openapi()


SCHEMA = schemathesis.openapi.from_dict(_published())
SCHEMA.config.update(request_timeout=TIMEOUT_SECONDS)


def _labels() -> list[str]:
    """Every operation's label; an operation the document does not describe validly stops
    the module here."""
    labels = []
    for result in SCHEMA.get_all_operations():
        if isinstance(result, Err):
            raise result.err()
        labels.append(result.ok().label)
    return sorted(labels)


OPERATIONS = _labels()


class Fuzzed:
    """The application under test and the admin's bearer header."""

    def __init__(self, app: FastAPI, headers: dict[str, str]) -> None:
        self.app = app
        self.headers = headers


@pytest.fixture(scope="module", params=BACKENDS)
def fuzzed(request: pytest.FixtureRequest, templates: Templates) -> Iterator[Fuzzed]:
    """The application over a fresh database with the default data, on each backend in
    turn (PostgreSQL refuses text SQLite stores, such as a NUL)."""
    backend = str(request.param)
    _require_backend(backend)
    url = templates.fresh(backend, seeded=True)
    token = add_user(make_engine(url), "fuzzer", Role.ADMIN.value,
                     Actor("setup", Role.ADMIN)).token
    app = create_app(url)
    yield Fuzzed(app, {"Authorization": f"Bearer {token}"})
    asgi.shutdown_lifespans()  # stops the job runner the application started


def test_every_operation_is_fuzzed() -> None:
    """The list the fuzzing walks is the whole API (a new router cannot be left out)."""
    paths = _published()["paths"]
    published = {f"{method.upper()} {path}" for path, ops in paths.items() for method in ops}
    assert set(OPERATIONS) == published
    assert all(label.split(" ", 1)[1].startswith("/api/v1/") for label in OPERATIONS)
    assert len(OPERATIONS) >= 40


@pytest.mark.parametrize("label", OPERATIONS)
def test_every_operation_keeps_its_contract(fuzzed: Fuzzed, label: str) -> None:
    operation = SCHEMA.find_operation_by_label(label)
    assert operation is not None
    keyed = any(p.name == IDEMPOTENCY_KEY for p in operation.iter_parameters())
    known = {name: value for name, value in KNOWN.items()
             if f"{{{name}}}" in operation.path}
    cases = st.one_of(operation.as_strategy(GenerationMode.POSITIVE),
                      operation.as_strategy(GenerationMode.NEGATIVE),
                      operation.as_strategy(GenerationMode.POSITIVE, path_parameters=known))

    @seed(SEED)
    @settings(max_examples=EXAMPLES, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate],
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                     HealthCheck.data_too_large])
    @given(case=cases)
    def keeps_contract(case: schemathesis.Case[Any]) -> None:
        # A fresh Idempotency-Key for each request that takes one: generated keys repeat
        # ("0", "A"), and a repeated key answers 409 before the body is even looked at.
        headers = {**fuzzed.headers, **({IDEMPOTENCY_KEY: f"fuzz-{next(KEYS)}"}
                                        if keyed else {})}
        case.call_and_validate(headers=headers, checks=CHECKS, app=fuzzed.app)

    keeps_contract()


ERROR_STATUSES = ("400", "401", "403", "404", "409", "413", "422", "429")


def _resolve(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    return _resolve(doc, doc["components"]["schemas"][ref.rsplit("/", 1)[1]]) if ref \
        else schema


def test_every_operation_documents_its_error_statuses_in_the_one_shape() -> None:
    """Each operation publishes the error statuses the API answers with, each with the
    shared error body (not FastAPI's default ``{"detail": [...]}`` for 422)."""
    doc = _published()
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            for status in ERROR_STATUSES:
                response = op["responses"].get(status)
                assert response is not None, (method, path, status)
                schema = _resolve(doc, response["content"]["application/json"]["schema"])
                assert schema["required"] == ["error"], (method, path, status)
                error = _resolve(doc, schema["properties"]["error"])
                assert {"code", "message"} <= set(error["required"])
                assert {"code", "message", "field", "problems"} <= set(error["properties"])
    assert "HTTPValidationError" not in doc["components"]["schemas"]


@pytest.mark.parametrize(("method", "path", "body", "status"), [
    ("POST", "/api/v1/projects", {"name": "X"}, 422),                # sector is missing
    ("GET", "/api/v1/projects/0", None, 422),                        # ids start at 1
    ("POST", "/api/v1/projects", {"name": "X", "sector": "astrology"}, 400),
    ("GET", "/api/v1/projects/999", None, 404),
    ("GET", "/api/v1/frameworks/korea/rankings", None, 409),
])
def test_error_answers_match_the_published_schema(
        sqlite_engine: Engine, method: str, path: str, body: dict[str, Any] | None,
        status: int) -> None:
    """A refusal's body validates against what the operation publishes for its status."""
    token = add_user(sqlite_engine, "ana", Role.ADMIN.value, Actor("setup", Role.ADMIN)).token
    doc = _published()
    template = next(p for p in doc["paths"]
                    if _matches(p, path) and method.lower() in doc["paths"][p])
    published = doc["paths"][template][method.lower()]["responses"][str(status)]
    schema = {**published["content"]["application/json"]["schema"],
              "components": doc["components"]}
    with TestClient(create_app(str(sqlite_engine.url))) as client:
        r = client.request(method, path, json=body,
                           headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == status, r.text
    errors = list(Draft202012Validator(schema).iter_errors(r.json()))
    assert errors == [], (r.json(), errors)


def _matches(template: str, path: str) -> bool:
    """Whether ``path`` is an instance of the OpenAPI path ``template``."""
    pattern = re.sub(r"\{[^}]+\}", "[^/]+", template)
    return re.fullmatch(pattern, path) is not None
