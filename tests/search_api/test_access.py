"""Need-to-know, through the real API on the real store and index: every route x every role x case A.

A forbidden case must be answered like a missing one (404), an allowed case with the wrong level 403,
and nothing of it may show in search results, facet counts, snippets or lists. Exports of case data (the
verification drafts) are checked in test_verify.py; reports cannot cite case documents (test_reports.py).
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from search_api.app import create_app
from services.context import AppContext
from tests.conftest import LEVEL_A, SECRET_WORDS, STAFF, People

RANK = {None: 0, "location": 1, "registration": 2, "full": 3}


@pytest.fixture(scope="module")
def log_capture() -> Iterator[io.StringIO]:
    """Every log line of every library at DEBUG while these tests run (grepped at the end)."""
    buf = io.StringIO()
    handler = logging.StreamHandler(buf)
    handler.setLevel(logging.DEBUG)
    handler.addFilter(lambda r: not r.name.startswith("httpx"))  # the test client's own log, not the server's
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield buf
    root.removeHandler(handler)
    root.setLevel(old_level)


@pytest.fixture(scope="module")
def api(demo_ctx: AppContext, people: People, log_capture: io.StringIO) -> Iterator[TestClient]:
    app = create_app(demo_ctx.settings, context=demo_ctx, writer=False)
    with TestClient(app, base_url="https://testserver") as c:
        yield c


def auth(people: People, user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {people.tokens[user]}"}


def expected(level: str | None, needed: str, allowed_roles: bool = True) -> int:
    if level is None:
        return 404
    if RANK[level] < RANK[needed] or not allowed_roles:
        return 403
    return 200


# (method, path template, json body, level needed, extra rule on who may) -> expected status per user
ROUTES = [
    ("GET", "/api/cases/{case}", None, "location"),
    ("GET", "/api/cases/{case}/location", None, "location"),
    ("GET", "/api/cases/{case}/movements", None, "location"),
    ("GET", "/api/cases/{case}/documents", None, "registration"),
    ("GET", "/api/cases/{case}/timeline", None, "registration"),
    ("GET", "/api/documents/{doc}", None, "registration"),
    ("GET", "/api/documents/{doc}/original", None, "registration"),
    ("POST", "/api/documents/{doc}/corrections", {"type": "place", "value": "x", "action": "remove"}, "registration"),
    ("POST", "/api/cases/{case}/notes", {"text": "ok"}, "full"),
    ("POST", "/api/cases/{case}/interviews", {"held_on": "2026-06-01"}, "full"),
    ("PATCH", "/api/cases/{case}", {"status": "interviewed"}, "full"),
    ("POST", "/api/cases/{case}/grants", {"username": "visitor"}, "full"),
    ("POST", "/api/cases/{case}/movements", {"to_location": "MAG-1"}, "location"),
    ("GET", "/api/cases/{case}/verifications", None, "full"),
]
SPECIAL = {
    # only the head of the case's division grants access
    "/api/cases/{case}/grants": lambda user: user == "head_africa",
    # research assistants, officers and legal consultants correct enrichment; secretaries do not
    "/api/documents/{doc}/corrections": lambda user: bool(
        {"research_assistant", "protection_officer", "legal_consultant"} & set(STAFF[user][0])
    ),
    # archivists move any file, secretaries the files of their division; officers do not
    "/api/cases/{case}/movements": lambda user: user in ("archivist", "sec_africa"),
}


@pytest.mark.parametrize("user", sorted(LEVEL_A))
@pytest.mark.parametrize(("method", "path", "body", "needed"), ROUTES, ids=[f"{m} {p}" for m, p, _, _ in ROUTES])
def test_route_role_matrix(
    api: TestClient, people: People, user: str, method: str, path: str, body, needed: str
) -> None:  # type: ignore[no-untyped-def]
    url = path.format(case=people.case_a, doc=people.doc_a)
    level = LEVEL_A[user]
    may = SPECIAL.get(path, lambda _u: True)(user) if method != "GET" or path not in SPECIAL else True
    want = expected(level, needed, may)
    if path.startswith("/api/documents/") and want == 403 and RANK[level] < RANK["registration"]:
        want = 404  # a document is visible or it is not: below registration level it does not exist
    r = api.request(method, url, json=body, headers=auth(people, user))
    got = r.status_code if r.status_code >= 400 else 200
    assert got == want, (user, method, url, r.status_code, r.text[:200])
    if want != 200:
        for word in SECRET_WORDS:
            assert word not in r.text


@pytest.mark.parametrize("user", sorted(LEVEL_A))
def test_no_trace_of_forbidden_case_in_search_facets_snippets_and_lists(
    api: TestClient, people: People, user: str
) -> None:
    level = LEVEL_A[user]
    sees_documents = RANK[level] >= RANK["registration"]
    h = auth(people, user)
    r = api.get("/api/search", params={"q": "Xylophantine"}, headers=h)
    assert r.status_code == 200
    body = r.json()
    assert (body["total"] == 1) is sees_documents
    kinds = {b["value"]: b["count"] for b in body["facets"].get("kind", [])}
    assert ("case_document" in kinds) is sees_documents
    if sees_documents:
        assert "<mark>Xylophantine</mark>" in body["hits"][0]["snippets"][0]
    else:
        assert "Xylophantine" not in r.text
    # a facet-only query over everything: case documents counted only for those who may see them
    everything = api.get("/api/search", params={"kind": "case_document", "size": 50}, headers=h).json()
    assert {hit["id"] for hit in everything["hits"]} == ({people.doc_a} if sees_documents else set())
    page = api.get("/", params={"q": "Xylophantine"}, headers=h)  # the query itself is echoed in the box
    assert ("<mark>Xylophantine</mark>" in page.text) is sees_documents
    # the case list: the case appears for any level, applicant names only from registration up
    listed = {c["id"]: c for c in api.get("/api/cases", headers=h).json()}
    assert (people.case_a in listed) is (level is not None)
    assert people.case_b not in listed or user in ("archivist", "sec_asia", "head_asia")
    if level == "location":
        assert "applicants" not in listed[people.case_a] and "Zaynab" not in str(listed)


def test_case_view_depends_on_level(api: TestClient, people: People) -> None:
    full = api.get(f"/api/cases/{people.case_a}", headers=auth(people, "officer_a")).json()
    assert full["interviews"][0]["transcript"] == "Il cite Quorvexian." and full["notes"]
    reg = api.get(f"/api/cases/{people.case_a}", headers=auth(people, "sec_africa")).json()
    assert (
        reg["applicants"][0]["full_name"] == "Zaynab Testapplicant" and "interviews" not in reg and "notes" not in reg
    )
    loc = api.get(f"/api/cases/{people.case_a}", headers=auth(people, "archivist")).json()
    assert set(loc) == {"id", "reference", "division", "access", "location", "checked_out_to", "due_back"}


@pytest.mark.parametrize("user", sorted(STAFF))
def test_admin_and_audit_routes(api: TestClient, people: People, user: str) -> None:
    h = auth(people, user)
    assert api.get("/api/users", headers=h).status_code == (200 if user == "admin" else 403)
    assert api.get("/api/audit", headers=h).status_code == (200 if user in ("admin", "dpo") else 403)
    assert api.get("/audit", headers=h).status_code == (200 if user in ("admin", "dpo") else 403)


def test_every_api_route_needs_credentials(api: TestClient, people: People) -> None:
    spec = api.get("/openapi.json").json()
    checked = 0
    for path, ops in spec["paths"].items():
        for method in ops:
            known = {"case_id": people.case_a, "doc_id": people.doc_a, "username": "x", "source_id": "cnda"}
            # any other path parameter (every new route's ids) gets 1: the point is the 401 before the route runs
            url = re.sub(r"\{(\w+)\}", lambda m, known=known: str(known.get(m.group(1), 1)), path)
            r = api.request(method.upper(), url, json={})
            if path == "/api/health":
                assert r.status_code == 200
                continue
            assert r.status_code == 401, (method, path, r.status_code)
            r = api.request(method.upper(), url, json={}, headers={"Authorization": "Bearer cdk_forged"})
            assert r.status_code == 401, (method, path, r.status_code)
            checked += 1
    assert checked >= 25


def test_non_admin_cannot_grant_themselves_a_role(api: TestClient, people: People, demo_ctx: AppContext) -> None:
    me = demo_ctx.accounts.user_by_name("officer_b")
    assert me is not None
    h = auth(people, "officer_b")
    r = api.put(f"/api/users/{me.id}/roles", json={"roles": ["admin"]}, headers=h)
    assert r.status_code == 403
    r = api.post("/api/users", json={"username": "evil", "password": "x" * 20, "roles": ["admin"]}, headers=h)
    assert r.status_code == 403
    assert demo_ctx.accounts.user_by_name("officer_b").roles == ["protection_officer"]  # type: ignore[union-attr]
    assert demo_ctx.accounts.user_by_name("evil") is None
    # a head of division cannot grant themselves access to another division's case either
    r = api.post(
        f"/api/cases/{people.case_b}/grants", json={"username": "head_africa"}, headers=auth(people, "head_africa")
    )
    assert r.status_code == 404


def test_revocation_takes_effect_on_the_next_request(api: TestClient, people: People, demo_ctx: AppContext) -> None:
    admin = auth(people, "admin")
    r = api.post(
        "/api/users",
        json={
            "username": "temp_head",
            "password": "p" * 16,
            "roles": ["protection_officer"],
            "division": "africa",
            "heads_division": True,
        },
        headers=admin,
    )
    assert r.status_code == 201
    uid = r.json()["id"]
    token = demo_ctx.accounts.create_token(uid, "t")[1]
    h = {"Authorization": f"Bearer {token}"}
    assert api.get(f"/api/cases/{people.case_a}", headers=h).status_code == 200
    assert api.put(f"/api/users/{uid}/roles", json={"roles": ["research_assistant"]}, headers=admin).status_code == 200
    assert api.get(f"/api/cases/{people.case_a}", headers=h).status_code == 404
    assert api.post(f"/api/users/{uid}/disable", headers=admin).status_code == 200
    assert api.get("/api/me", headers=h).status_code == 401
    # a revoked grant, too
    c = auth(people, "consultant2")
    head = auth(people, "head_africa")
    assert (
        api.post(f"/api/cases/{people.case_a}/grants", json={"username": "consultant2"}, headers=head).status_code
        == 201
    )
    assert api.get(f"/api/cases/{people.case_a}", headers=c).status_code == 200
    assert api.delete(f"/api/cases/{people.case_a}/grants/consultant2", headers=head).json() == {"revoked": 1}
    assert api.get(f"/api/cases/{people.case_a}", headers=c).status_code == 404


def test_n_reads_make_n_audit_records_without_content(api: TestClient, people: People, demo_ctx: AppContext) -> None:
    def views() -> list:
        return [
            r
            for r in demo_ctx.audit.query(case_id=people.case_a, actor="head_africa", limit=1000)
            if r.action == "case.view"
        ]

    before = len(views())
    for _ in range(7):
        assert api.get(f"/api/cases/{people.case_a}", headers=auth(people, "head_africa")).status_code == 200
    assert len(views()) == before + 7
    # denied reads are recorded as denied
    api.get(f"/api/cases/{people.case_a}", headers=auth(people, "ra"))
    denied = demo_ctx.audit.query(case_id=people.case_a, actor="ra", limit=5)
    assert denied and denied[0].outcome == "denied"
    # a search hit on a case document and a download are audited with the document id
    api.get("/api/search", params={"q": "Xylophantine"}, headers=auth(people, "officer_a"))
    api.get(f"/api/documents/{people.doc_a}/original", headers=auth(people, "officer_a"))
    actions = {(r.action, r.document_id) for r in demo_ctx.audit.query(actor="officer_a", limit=20)}
    assert ("search.hit", people.doc_a) in actions and ("document.download", people.doc_a) in actions
    # who saw case A (API for the data-protection officer); the records carry no content
    who = api.get("/api/audit", params={"case_id": people.case_a, "limit": 1000}, headers=auth(people, "dpo")).json()
    assert {"head_africa", "officer_a", "sec_africa"} <= {r["user"] for r in who}
    for word in SECRET_WORDS:
        assert word not in str(who)
    assert api.get("/api/audit/verify", headers=auth(people, "dpo")).json()["ok"] is True


def test_logs_hold_no_case_data_and_no_tokens(api: TestClient, people: People, log_capture: io.StringIO) -> None:
    # exercise the paths once more so this test stands alone, then grep everything logged in the module
    for user in ("officer_a", "sec_africa", "archivist", "ra"):
        api.get(f"/api/cases/{people.case_a}", headers=auth(people, user))
        api.get("/api/search", params={"q": "Zaynab Testapplicant"}, headers=auth(people, user))
    api.get("/api/cases/not-a-case", headers=auth(people, "officer_a"))
    logged = log_capture.getvalue()
    assert "/api/cases/{case_id}" in logged  # the request log is on, with route templates
    for secret in (*SECRET_WORDS, people.case_a, people.case_b, people.doc_a, *people.tokens.values()):
        assert secret not in logged, secret


def test_case_documents_of_any_format_go_through_ingest_and_stay_need_to_know(
    api: TestClient, people: People, demo_ctx: AppContext
) -> None:
    from ingest.uploads import run_queued
    from tests.conftest import FIXTURES

    pdf = (FIXTURES / "hostile" / "good.pdf").read_bytes()
    r = api.post(
        f"/api/cases/{people.case_a}/documents",
        headers=auth(people, "sec_africa"),
        files={"file": ("scan-passeport.pdf", pdf, "application/pdf")},
        data={"title": "Pièce PDF"},
    )
    assert r.status_code == 202, r.text
    run_queued(demo_ctx.store, demo_ctx.jobs)
    demo_ctx.indexer.drain()
    job = api.get(f"/api/jobs/{r.json()['job_id']}", headers=auth(people, "sec_africa")).json()
    doc = demo_ctx.store.get(job["document_id"])
    assert doc.kind == "case_document" and doc.case_id == people.case_a and "Darfour" in doc.text
    assert api.get(f"/api/jobs/{r.json()['job_id']}", headers=auth(people, "ra")).status_code == 404
    assert api.get(f"/api/documents/{doc.id}", headers=auth(people, "ra")).status_code == 404
    assert api.get(f"/api/documents/{doc.id}", headers=auth(people, "officer_a")).status_code == 200
    assert api.get(f"/api/cases/{people.case_b}/documents", headers=auth(people, "sec_africa")).status_code == 404
