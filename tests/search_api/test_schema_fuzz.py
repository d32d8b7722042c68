"""schemathesis against the OpenAPI schema, in process, every operation: with an officer's token no 5xx;
without credentials (or with a forged token) every operation but the health check answers 401.

schemathesis' pytest plugin does not run under pytest 9 here (``from_fixture`` fails on ``_nodeid``),
so the operations are driven through its Python API: one Hypothesis run per operation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from search_api.app import create_app
from services.context import AppContext
from tests.conftest import People

FUZZ = settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck), database=None)


@pytest.fixture(scope="module")
def operations(demo_ctx: AppContext, people: People) -> Iterator[list]:
    from fastapi.testclient import TestClient

    app = create_app(demo_ctx.settings, context=demo_ctx, writer=False)
    with TestClient(app):  # runs the lifespan, which attaches the context
        schema = schemathesis.openapi.from_asgi("/openapi.json", app)
        yield [r.ok() for r in schema.get_all_operations()]


def fuzz_one(op, check: Callable) -> None:  # type: ignore[no-untyped-def, type-arg]
    @given(op.as_strategy())
    @FUZZ
    def one(case) -> None:  # type: ignore[no-untyped-def]
        check(op, case)

    one()


def run_all(operations: list, check: Callable) -> int:  # type: ignore[type-arg]
    for op in operations:
        fuzz_one(op, check)
    return len(operations)


def test_no_server_error_with_credentials(operations: list, people: People) -> None:
    headers = {"Authorization": f"Bearer {people.tokens['fuzz_head']}"}

    def check(op, case) -> None:  # type: ignore[no-untyped-def]
        r = case.call(headers=headers)
        assert r.status_code < 500, (op.method, op.path, r.status_code, r.text[:300])

    assert run_all(operations, check) >= 25


def test_no_operation_ignores_authentication(operations: list) -> None:
    def check(op, case) -> None:  # type: ignore[no-untyped-def]
        for headers in ({}, {"Authorization": "Bearer cdk_forged-token"}):
            r = case.call(headers=headers)
            want = 200 if op.path == "/api/health" else 401
            assert r.status_code == want, (op.method, op.path, headers, r.status_code, r.text[:300])

    assert run_all(operations, check) >= 25
