"""Every JSON answer of the API has a declared shape: ``/openapi.json`` names a model for it (issue 16).

A route returning a bare ``dict`` or ``list[dict]`` publishes an empty or untyped schema; this test refuses
that, so a new route comes with its response model.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from search_api.app import create_app
from services.context import AppContext

# Deliberate exceptions: these answer a file (PDF, DOCX, HTML, CSV, SVG, PNG, JSON Lines), not a JSON object.
DOWNLOADS = {
    "GET /api/documents/{doc_id}/original",
    "GET /api/reports/{report_id}/export",
    "GET /api/reports/{report_id}/versions/{version}/export",
    "POST /api/verify/export",
    "GET /api/cases/{case_id}/verifications/{verification_id}/export",
    "GET /api/harmonisation.csv",
    "GET /api/harmonisation/chart",
    "GET /api/export",
    "GET /api/desk/mail/{mail_id}/letter",  # the completeness letter (PDF or HTML)
    "GET /api/civil-status/acts/{act_id}/export",  # a civil-status act (PDF or HTML)
}

# Not converted yet: each still answers an untyped dict. Remove a line when its route gets a response model
# (the test fails on a line that is no longer needed, so this set only shrinks).
NOT_YET: set[str] = set()


@pytest.fixture(scope="module")
def spec(demo_ctx: AppContext) -> Iterator[dict[str, Any]]:
    app = create_app(demo_ctx.settings, context=demo_ctx, writer=False)
    with TestClient(app, base_url="https://testserver") as c:
        r = c.get("/openapi.json")  # open without credentials, as /docs needs it
        assert r.status_code == 200
        yield r.json()


def _operations(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        f"{method.upper()} {path}": op
        for path, ops in spec["paths"].items()
        if path.startswith("/api/")
        for method, op in ops.items()
    }


def _success(op: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    code = min(k for k in op["responses"] if k.startswith("2"))
    return code, op["responses"][code]


def _typed(response: dict[str, Any]) -> bool:
    """A JSON schema naming a model (directly, or as the items or values of a list or mapping)."""
    schema = response.get("content", {}).get("application/json", {}).get("schema")
    return schema is not None and "$ref" in json.dumps(schema)


def test_every_json_answer_declares_its_model(spec: dict[str, Any]) -> None:
    untyped = []
    for name, op in _operations(spec).items():
        code, response = _success(op)
        if code == "204" or name in DOWNLOADS or name in NOT_YET:
            continue  # no body, a file, or listed above
        if not _typed(response):
            untyped.append(f"{name} ({code})")
    assert not untyped, "routes answering JSON without a response model: " + ", ".join(sorted(untyped))


def test_the_exceptions_are_still_needed(spec: dict[str, Any]) -> None:
    operations = _operations(spec)
    done = sorted(name for name in NOT_YET & set(operations) if _typed(_success(operations[name])[1]))
    assert not done, "typed now, remove from NOT_YET: " + ", ".join(done)


def test_models_show_their_fields(spec: dict[str, Any]) -> None:
    """The schemas are real shapes: a case, a report and a decision list their fields."""
    schemas = spec["components"]["schemas"]
    assert {"id", "reference", "access", "location"} <= set(schemas["CasePublic"]["properties"])
    assert {"sections", "comments", "methodology"} <= set(schemas["ReportPublic"]["properties"])
    assert {"fields", "grounds", "cites", "cited_by"} <= set(schemas["DecisionStructure"]["properties"])
    assert "from" in schemas["MovementOut"]["properties"]  # the JSON key, not the Python name


def _unbounded_integers(schema: dict[str, Any], schemas: dict[str, Any], where: str, seen: set[str]) -> list[str]:
    """Integers (or lists of integers) in a request schema without a maximum, following references."""
    out: list[str] = []
    ref = schema.get("$ref")
    if ref:
        name = ref.split("/")[-1]
        if name not in seen:
            seen.add(name)
            out += _unbounded_integers(schemas[name], schemas, name, seen)
        return out
    for alt in schema.get("anyOf", []) + schema.get("allOf", []) + schema.get("oneOf", []):
        out += _unbounded_integers(alt, schemas, where, seen)
    if schema.get("type") == "integer" and "maximum" not in schema and "exclusiveMaximum" not in schema:
        out.append(where)
    if "items" in schema:
        out += _unbounded_integers(schema["items"], schemas, where + "[]", seen)
    for prop, sub in schema.get("properties", {}).items():
        out += _unbounded_integers(sub, schemas, f"{where}.{prop}", seen)
    return out


def test_every_integer_a_client_sends_is_bounded(spec: dict[str, Any]) -> None:
    """An id of 2**63 in a body once reached SQLite and answered 500 (OverflowError): every integer parameter
    and body field carries a maximum, so absurd numbers are a 422 before any query runs — whatever the route."""
    schemas = spec["components"]["schemas"]
    unbounded: list[str] = []
    for name, op in _operations(spec).items():
        for p in op.get("parameters", []):
            unbounded += [f"{name} {p['in']}:{w}" for w in _unbounded_integers(p["schema"], schemas, p["name"], set())]
        for content in op.get("requestBody", {}).get("content", {}).values():
            unbounded += [f"{name} body:{w}" for w in _unbounded_integers(content["schema"], schemas, "", set())]
    assert not unbounded, "integers without a maximum: " + ", ".join(sorted(set(unbounded)))
