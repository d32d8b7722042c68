"""Accounts from outside the office's desks (interpreters, accredited researchers) reach only their own space.

The rule is deny-by-default (``services.access.confined_to``, applied in front of every route): each route the
application has, page or API, found by walking the app's routes, is tried; a route added later is covered
without this file changing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from search_api.app import create_app
from services.access import ANY_ACCOUNT, CONFINED
from services.context import AppContext
from tests.conftest import SECRET_WORDS, People

CONFINED_USERS = {"interp": "interpreter", "reader": "researcher"}


@pytest.fixture(scope="module")
def api(demo_ctx: AppContext, people: People) -> Iterator[TestClient]:
    app = create_app(demo_ctx.settings, context=demo_ctx, writer=False)
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as c:
        yield c


def _walk(routes: list) -> Iterator[APIRoute]:  # type: ignore[type-arg]
    for route in routes:
        if hasattr(route, "original_router"):  # FastAPI >= 0.16x keeps an included router whole
            yield from _walk(route.original_router.routes)
        elif isinstance(route, APIRoute):
            yield route


def _routes(api: TestClient) -> list[tuple[str, str]]:
    return [
        (method, route.path)
        for route in _walk(api.app.routes)  # type: ignore[attr-defined]
        for method in sorted(route.methods - {"HEAD", "OPTIONS"})
    ]


def _url(path: str, people: People) -> str:
    return re.sub(r"\{[^}]+\}", lambda m: people.case_a if "case" in m.group(0) else "1", path)


def _own(path: str, role: str) -> bool:
    return any(path == a or path.startswith(a + "/") for a in CONFINED[role] + ANY_ACCOUNT)


@pytest.mark.parametrize("user", sorted(CONFINED_USERS))
def test_every_route_outside_their_space_is_refused(api: TestClient, people: People, user: str) -> None:
    h = {"Authorization": f"Bearer {people.tokens[user]}"}
    role = CONFINED_USERS[user]
    tried = 0
    for method, path in _routes(api):
        if path in ("/login", "/api/health", "/openapi.json") or _own(path, role):
            continue
        r = api.request(method, _url(path, people), json={}, headers=h)
        if path == "/" and method == "GET":
            assert r.status_code == 303 and r.headers["location"] == CONFINED[role][0]
            continue
        assert r.status_code == 403, (user, method, path, r.status_code, r.text[:200])
        for word in SECRET_WORDS:
            assert word not in r.text
        tried += 1
    assert tried >= 80  # search, documents, cases, reports, decisions, exports, uploads, admin, ...


@pytest.mark.parametrize("user", sorted(CONFINED_USERS))
def test_their_own_account_still_works(api: TestClient, people: People, user: str) -> None:
    h = {"Authorization": f"Bearer {people.tokens[user]}"}
    me = api.get("/api/me", headers=h)
    assert me.status_code == 200 and me.json()["username"] == user


def test_an_account_with_a_desk_role_too_is_not_confined(api: TestClient, people: People, demo_ctx: AppContext) -> None:
    from services.access import confined_to
    from services.auth import Principal

    both = Principal(1, "x", frozenset({"interpreter", "research_assistant"}), None, False)
    assert confined_to(both) is None
    only = Principal(1, "x", frozenset({"interpreter"}), None, False)
    assert confined_to(only) == CONFINED["interpreter"]
