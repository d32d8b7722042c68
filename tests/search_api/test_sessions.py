"""Web sessions through the real login form: cookie flags, CSRF on every form, throttling, timeouts, logout."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from search_api.app import create_app
from services.context import AppContext
from store.accounts import WebSession
from tests.conftest import PASSWORD, People

HTML = {"accept": "text/html"}


@pytest.fixture()
def browser_like(demo_ctx: AppContext, people: People) -> Iterator[TestClient]:
    app = create_app(demo_ctx.settings, context=demo_ctx, writer=False)
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as c:
        yield c


def _hidden(html: str, name: str) -> str:
    m = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert m, name
    return m.group(1)


def login(c: TestClient, username: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    form = c.get("/login", headers=HTML)
    token = _hidden(form.text, "csrf_token")
    return c.post(
        "/login", data={"username": username, "password": password, "csrf_token": token, "next": "/cases"}, headers=HTML
    )


def test_pages_redirect_to_login_and_login_sets_a_safe_cookie(browser_like: TestClient) -> None:
    r = browser_like.get("/cases", headers=HTML)
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=%2Fcases")
    r = login(browser_like, "officer_a")
    assert r.status_code == 303 and r.headers["location"] == "/cases"
    cookie = r.headers["set-cookie"].lower()
    assert "coidesk_session=" in cookie and "httponly" in cookie and "secure" in cookie and "samesite=strict" in cookie
    page = browser_like.get("/cases", headers=HTML)
    assert page.status_code == 200 and "PRIV-2026-0042" in page.text and "no-store" in page.headers["cache-control"]


def test_login_form_needs_its_csrf_token_and_next_stays_local(browser_like: TestClient) -> None:
    browser_like.get("/login", headers=HTML)
    r = browser_like.post(
        "/login", data={"username": "officer_a", "password": PASSWORD, "csrf_token": "forged"}, headers=HTML
    )
    assert r.status_code == 403
    form = browser_like.get("/login", headers=HTML)
    token = _hidden(form.text, "csrf_token")
    r = browser_like.post(
        "/login",
        data={"username": "officer_a", "password": PASSWORD, "csrf_token": token, "next": "//evil.example/x"},
        headers=HTML,
    )
    assert r.status_code == 303 and r.headers["location"] == "/"


def test_every_form_post_needs_the_session_csrf_token(browser_like: TestClient, people: People) -> None:
    login(browser_like, "officer_a")
    page = browser_like.get(f"/cases/{people.case_a}", headers=HTML)
    token = _hidden(page.text, "csrf_token")
    url = f"/cases/{people.case_a}/notes"
    assert browser_like.post(url, data={"text": "sans jeton"}, headers=HTML).status_code == 403
    assert browser_like.post(url, data={"text": "faux", "csrf_token": "x" * 43}, headers=HTML).status_code == 403
    cross = browser_like.post(
        url, data={"text": "x", "csrf_token": token}, headers={**HTML, "origin": "https://evil.example"}
    )
    assert cross.status_code == 403
    ok = browser_like.post(url, data={"text": "avec jeton", "csrf_token": token}, headers=HTML)
    assert ok.status_code == 303
    # the JSON API with the session cookie needs the header too
    assert browser_like.post(f"/api/cases/{people.case_a}/notes", json={"text": "x"}).status_code == 403
    assert (
        browser_like.post(
            f"/api/cases/{people.case_a}/notes", json={"text": "x"}, headers={"x-csrf-token": token}
        ).status_code
        == 201
    )
    # logout is a form too, and it kills the session on the server
    assert browser_like.post("/logout", data={}, headers=HTML).status_code == 403
    assert browser_like.post("/logout", data={"csrf_token": token}, headers=HTML).status_code == 303
    old_cookie = browser_like.cookies.get("coidesk_session")
    assert old_cookie is None or browser_like.get("/api/me").status_code == 401


def test_logout_kills_the_session_even_if_the_cookie_is_replayed(browser_like: TestClient) -> None:
    login(browser_like, "sec_africa")
    secret = browser_like.cookies.get("coidesk_session")
    token = _hidden(browser_like.get("/cases", headers=HTML).text, "csrf_token")
    browser_like.post("/logout", data={"csrf_token": token}, headers=HTML)
    assert secret
    browser_like.cookies.set("coidesk_session", secret)  # an attacker replays the old cookie
    r = browser_like.get("/api/me")
    assert r.status_code == 401 and r.json()["error"]["code"] == "session_expired"


def test_idle_and_absolute_timeouts(browser_like: TestClient, demo_ctx: AppContext) -> None:
    login(browser_like, "archivist")
    assert browser_like.get("/api/me").status_code == 200
    with demo_ctx.db.session() as s:
        s.execute(
            update(WebSession).values(last_seen=dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(minutes=31))
        )
    assert browser_like.get("/api/me").status_code == 401
    login(browser_like, "archivist")
    with demo_ctx.db.session() as s:
        s.execute(
            update(WebSession).values(created_at=dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(hours=11))
        )
    assert browser_like.get("/api/me").status_code == 401


def test_login_throttling_then_a_new_session_id(browser_like: TestClient, demo_ctx: AppContext) -> None:
    demo_ctx.accounts.create_user("throttled", PASSWORD, ["research_assistant"])
    for _ in range(5):
        assert login(browser_like, "throttled", "wrong password!!").status_code == 401
    r = login(browser_like, "throttled")  # even the right password waits now
    assert r.status_code == 429 and "Trop d&#39;essais" in r.text
    # unknown accounts are throttled the same way (no account enumeration)
    for _ in range(5):
        assert login(browser_like, "nobody-here", "x" * 12).status_code == 401
    assert login(browser_like, "nobody-here", "x" * 12).status_code == 429
    # two logins of the same account get two different session ids
    a = login(browser_like, "dpo").headers["set-cookie"]
    b = login(browser_like, "dpo").headers["set-cookie"]
    assert a.split(";")[0] != b.split(";")[0]


def test_passwords_are_argon2_and_api_tokens_hashed(demo_ctx: AppContext, people: People) -> None:
    u = demo_ctx.accounts.user_by_name("officer_a")
    assert u is not None and u.password_hash is not None and u.password_hash.startswith("$argon2id$")
    from sqlalchemy import select

    from store.accounts import ApiToken

    with demo_ctx.db.session() as s:
        stored = set(s.scalars(select(ApiToken.token_hash)))
    assert people.tokens["officer_a"] not in stored and len(next(iter(stored))) == 64


def test_weak_password_and_unknown_role_are_refused(demo_ctx: AppContext) -> None:
    from services.errors import InvalidInput

    with pytest.raises(InvalidInput) as e:
        demo_ctx.accounts.create_user("short", "abc", ["secretary"])
    assert e.value.code == "weak_password"
    with pytest.raises(InvalidInput) as e:
        demo_ctx.accounts.create_user("rolex", PASSWORD, ["superuser"])
    assert e.value.code == "unknown_role"


def test_correcting_enrichment_from_the_document_page(browser_like: TestClient, demo_ctx: AppContext) -> None:
    from sqlalchemy import select

    from store.models import Correction

    login(browser_like, "officer_a")
    hits = browser_like.get("/api/search", params={"q": "Darfur", "kind": "coi"}).json()["hits"]
    doc_id = hits[0]["id"]
    page = browser_like.get(f"/documents/{doc_id}", headers=HTML).text
    assert 'id="correction-form"' in page
    place = re.search(r'<li data-place="([^"]+)"', page)
    assert place, "the document has places to correct"
    token = _hidden(page, "csrf_token")
    form = {"type": "place", "value": place.group(1), "action": "remove"}
    assert browser_like.post(f"/documents/{doc_id}/corrections", data=form, headers=HTML).status_code == 403  # no token
    r = browser_like.post(f"/documents/{doc_id}/corrections", data={**form, "csrf_token": token}, headers=HTML)
    assert r.status_code == 303
    after = browser_like.get(f"/documents/{doc_id}", headers=HTML).text
    assert f'data-place="{place.group(1)}"' not in after
    with demo_ctx.db.session() as s:
        made = s.scalars(select(Correction).where(Correction.document_id == doc_id)).all()
    assert [(c.value, c.action, c.made_by) for c in made][-1] == (place.group(1), "remove", "officer_a")
    # a secretary sees no correction form and cannot post one
    login(browser_like, "sec_africa")
    page = browser_like.get(f"/documents/{doc_id}", headers=HTML).text
    assert 'id="correction-form"' not in page
    token = _hidden(page, "csrf_token")
    r = browser_like.post(f"/documents/{doc_id}/corrections", data={**form, "csrf_token": token}, headers=HTML)
    assert r.status_code == 403


def test_admin_manages_accounts_from_the_page(browser_like: TestClient, demo_ctx: AppContext) -> None:
    login(browser_like, "sec_asia")
    assert browser_like.get("/admin/users", headers=HTML).status_code == 403
    login(browser_like, "admin")
    page = browser_like.get("/admin/users", headers=HTML)
    assert page.status_code == 200 and 'data-user="officer_a"' in page.text
    token = _hidden(page.text, "csrf_token")
    form = {
        "username": "newcomer",
        "password": "a long enough passphrase",
        "roles": ["research_assistant"],
        "csrf_token": token,
    }
    assert browser_like.post("/admin/users", data=form, headers=HTML).status_code == 303
    u = demo_ctx.accounts.user_by_name("newcomer")
    assert u is not None and u.roles == ["research_assistant"]
    form = {"roles": ["protection_officer"], "division": "asia", "heads_division": "1", "csrf_token": token}
    assert browser_like.post(f"/admin/users/{u.id}/roles", data=form, headers=HTML).status_code == 303
    u = demo_ctx.accounts.user_by_name("newcomer")
    assert u is not None and u.roles == ["protection_officer"] and u.division == "asia" and u.heads_division
    assert (
        browser_like.post(f"/admin/users/{u.id}/disable", data={"csrf_token": token}, headers=HTML).status_code == 303
    )
    assert demo_ctx.accounts.user_by_name("newcomer").active is False  # type: ignore[union-attr]
    # the admin still reads no case
    assert browser_like.get("/api/cases").json() == []


def test_upload_form_without_javascript(browser_like: TestClient, demo_ctx: AppContext) -> None:
    login(browser_like, "consultant")
    page = browser_like.get("/upload", headers=HTML)
    token = _hidden(page.text, "csrf_token")
    files = {"files": ("note.md", "# Note\n\nDes combats à Kadugli.".encode(), "text/markdown")}
    form = {"csrf_token": token, "title": "Note de terrain", "published": "2024-06-01", "countries": "SDN"}
    assert browser_like.post("/upload", files=files, data={"title": "x"}, headers=HTML).status_code == 403  # no token
    r = browser_like.post("/upload", files=files, data=form, headers=HTML)
    assert r.status_code == 303
    job = demo_ctx.jobs.list("consultant", 1)[0]
    assert (
        job.filename == "note.md"
        and job.fields["title"] == "Note de terrain"
        and job.fields["published"] == "2024-06-01"
    )
