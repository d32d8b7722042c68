"""Search history, saved searches, alerts and the inbox through the real API on the real store and index.

Need-to-know holds at every step: a shared search or an alert never shows a case document to someone who
may not read its case, at notification time and again when the inbox is read; e-mails carry only a link;
a matcher killed with SIGKILL mid-matching loses and duplicates no notification.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import socketserver
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from ingest.uploads import run_queued
from search_api.app import create_app
from services.alerts import match_pending, send_emails
from services.auth import Principal
from services.context import AppContext
from store.documents import NotFound
from store.schemas import DocumentCreate
from tests.conftest import LEVEL_A, ROOT, SECRET_WORDS, People, make_settings
from tests.engines.scale import scale_mode, scale_overrides

RANK = {None: 0, "location": 1, "registration": 2, "full": 3}


ADDED: list[str] = []  # documents these tests add to the shared demo store, removed at the end


@pytest.fixture(scope="module")
def api(demo_ctx: AppContext, people: People) -> Iterator[TestClient]:
    app = create_app(demo_ctx.settings, context=demo_ctx, writer=False)
    with TestClient(app, base_url="https://testserver") as c:
        yield c
    for doc_id in set(ADDED):  # other modules count the documents of case A and of the corpus
        with contextlib.suppress(NotFound):  # (or added to another test's store)
            demo_ctx.store.delete(doc_id)
    demo_ctx.indexer.drain()
    ADDED.clear()


def auth(people: People, user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {people.tokens[user]}"}


def principal(ctx: AppContext, name: str) -> Principal:
    u = ctx.accounts.user_by_name(name)
    assert u is not None
    return Principal(u.id, u.username, frozenset(u.roles), u.division, u.heads_division)


def coi(word: str, key: str, text: str = "") -> DocumentCreate:
    return DocumentCreate(
        kind="coi",
        title=f"Rapport {key}",
        source="upload",
        language="fr",
        text=text or f"Le rapport décrit la situation à {word} et les arrestations de manifestants.",
        countries=["SDN"],
        published=dt.date(2026, 11, 1),
        doc_type="report",
        external_id=key,
    )


def add_coi(ctx: AppContext, doc: DocumentCreate) -> str:
    out = ctx.store.add(doc, doc.text.encode(), "text/plain", origin=f"fixture:{doc.external_id}", received_by="tests")
    ctx.indexer.drain()
    ADDED.append(out.id)
    return out.id


def add_case_doc(ctx: AppContext, people: People, text: str) -> str:
    job = ctx.cases.add_document(principal(ctx, "officer_a"), people.case_a, "Pièce", text.encode(), "p.txt")
    run_queued(ctx.store, ctx.jobs)
    ctx.indexer.drain()
    doc_id = ctx.jobs.get(job).document_id  # type: ignore[union-attr]
    assert doc_id
    ADDED.append(doc_id)
    return doc_id


def inbox(api: TestClient, people: People, user: str) -> dict:
    r = api.get("/api/notifications", headers=auth(people, user))
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def save(api: TestClient, people: People, user: str, **body: object) -> dict:
    r = api.post("/api/saved-searches", json=body, headers=auth(people, user))
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


# ---- history ----------------------------------------------------------------------------------------------
def test_history_is_per_user_rerunnable_and_clearable(api: TestClient, people: People) -> None:
    h = auth(people, "ra")
    api.delete("/api/history", headers=h)
    assert api.get("/", params={"q": "Soudan"}, headers=h).status_code == 200
    assert api.get("/", params={"q": "Soudan"}, headers=h).status_code == 200  # the same search: one entry
    assert api.get("/", params={"q": "Darfour", "country": "SDN", "sort": "published"}, headers=h).status_code == 200
    api.get("/", params={"q": "Darfour", "country": "SDN", "sort": "published", "cursor": "x"}, headers=h)  # paging
    entries = api.get("/api/history", headers=h).json()
    assert [e["params"]["q"] for e in entries] == ["Darfour", "Soudan"]
    assert entries[0]["params"]["filters"] == {"country": ["SDN"]} and entries[0]["total"] > 0
    assert entries[1]["total"] > 0
    # one click: the URL runs the same search again
    page = api.get(entries[0]["url"], headers=h)
    assert page.status_code == 200 and 'value="Darfour"' in page.text and "SDN" in entries[0]["url"]
    # never shared: another user sees nothing of it
    assert all(
        e["params"].get("q") not in ("Darfour", "Soudan")
        for e in api.get("/api/history", headers=auth(people, "dpo")).json()
    )
    # the page lists it, and a form clears it
    listing = api.get("/history", headers=h)
    assert "Soudan" in listing.text and 'id="clear-history"' in listing.text
    assert api.delete(f"/api/history/{entries[1]['id']}", headers=h).json() == {"deleted": 1}
    assert [e["params"]["q"] for e in api.get("/api/history", headers=h).json()] == ["Darfour"]
    assert api.delete(f"/api/history/{entries[0]['id']}", headers=auth(people, "dpo")).json() == {"deleted": 0}
    assert api.delete("/api/history", headers=h).json() == {"deleted": 1}
    assert api.get("/api/history", headers=h).json() == []


def test_history_keeps_only_the_last_n(api: TestClient, people: People, demo_ctx: AppContext) -> None:
    h = auth(people, "dpo")
    api.delete("/api/history", headers=h)
    n = demo_ctx.settings.history_size
    for i in range(n + 3):
        api.get("/", params={"q": f"mot{i}"}, headers=h)
    entries = api.get("/api/history", headers=h).json()
    assert len(entries) == n and entries[0]["params"]["q"] == f"mot{n + 2}" and entries[-1]["params"]["q"] == "mot3"
    api.delete("/api/history", headers=h)


def test_a_search_that_showed_case_documents_is_kept_under_need_to_know_and_audited(
    api: TestClient, people: People, demo_ctx: AppContext
) -> None:
    head = auth(people, "head_africa")
    user = auth(people, "consultant2")
    assert (
        api.post(f"/api/cases/{people.case_a}/grants", json={"username": "consultant2"}, headers=head).status_code
        == 201
    )
    try:
        api.delete("/api/history", headers=user)
        assert "<mark>Xylophantine</mark>" in api.get("/", params={"q": "Xylophantine"}, headers=user).text
        # COI only: other tests may have put a case document about Darfour in a case this user may read
        api.get("/", params={"q": "Darfour", "kind": "coi"}, headers=user)
        entries = api.get("/api/history", headers=user).json()
        assert [(e["params"]["q"], e["case_documents"]) for e in entries] == [
            ("Darfour", False),
            ("Xylophantine", True),
        ]
        actions = [(r.action, r.case_id) for r in demo_ctx.audit.query(actor="consultant2", limit=50)]
        assert ("history.record", people.case_a) in actions and ("history.view", people.case_a) in actions
    finally:
        assert api.delete(f"/api/cases/{people.case_a}/grants/consultant2", headers=head).status_code == 200
    # need-to-know lost: the entry that named the case's documents is no longer shown
    assert [e["params"]["q"] for e in api.get("/api/history", headers=user).json()] == ["Darfour"]
    assert "Xylophantine" not in api.get("/history", headers=user).text
    api.delete("/api/history", headers=user)


# ---- saved searches ---------------------------------------------------------------------------------------
def test_saved_searches_are_shared_as_chosen_and_rerun_by_api_and_page(api: TestClient, people: People) -> None:
    mine = save(api, people, "ra", name="Darfour privé", q="Darfour", visibility="private")
    desk = save(
        api, people, "ra", name="Darfour pour tous", q="Darfour", filters={"country": ["SDN"]}, visibility="desk"
    )
    div = save(api, people, "sec_africa", name="Afrique seulement", q="Soudan", visibility="division")
    assert desk["owner"] == "ra" and desk["params"] == {"q": "Darfour", "filters": {"country": ["SDN"]}}
    seen = {
        u: {s["id"] for s in api.get("/api/saved-searches", headers=auth(people, u)).json()}
        for u in ("ra", "officer_a", "sec_asia")
    }
    assert {mine["id"], desk["id"]} <= seen["ra"] and div["id"] not in seen["ra"]
    assert mine["id"] not in seen["officer_a"] and {desk["id"], div["id"]} <= seen["officer_a"]
    assert div["id"] not in seen["sec_asia"] and desk["id"] in seen["sec_asia"]
    # a search one may not see is answered like one that does not exist
    for path in (
        f"/api/saved-searches/{mine['id']}",
        f"/api/saved-searches/{mine['id']}/results",
        f"/searches/{mine['id']}",
    ):
        assert api.get(path, headers=auth(people, "officer_a"), follow_redirects=False).status_code == 404
    # re-run by the API, as the reader
    run = api.get(
        f"/api/saved-searches/{desk['id']}/results", params={"size": 5}, headers=auth(people, "sec_asia")
    ).json()
    direct = api.get(
        "/api/search", params={"q": "Darfour", "country": "SDN", "size": 5}, headers=auth(people, "sec_asia")
    ).json()
    assert run["total"] == direct["total"] > 0 and [h["id"] for h in run["hits"]] == [h["id"] for h in direct["hits"]]
    # ... and on the page, in one click
    r = api.get(f"/searches/{desk['id']}", headers=auth(people, "sec_asia"), follow_redirects=False)
    assert r.status_code == 303 and "q=Darfour" in r.headers["location"] and "country=SDN" in r.headers["location"]
    assert 'id="total"' in api.get(r.headers["location"], headers=auth(people, "sec_asia")).text
    listing = api.get("/searches", headers=auth(people, "officer_a")).text
    assert "Darfour pour tous" in listing and "Darfour privé" not in listing
    # only the author deletes
    assert api.delete(f"/api/saved-searches/{desk['id']}", headers=auth(people, "sec_asia")).status_code == 403
    assert api.delete(f"/api/saved-searches/{mine['id']}", headers=auth(people, "ra")).json() == {"deleted": True}
    assert api.get(f"/api/saved-searches/{mine['id']}", headers=auth(people, "ra")).status_code == 404


def test_a_saved_search_must_run_and_case_searches_stay_private(api: TestClient, people: People) -> None:
    h = auth(people, "officer_a")
    r = api.post("/api/saved-searches", json={"name": "x", "q": '"Darfour', "visibility": "private"}, headers=h)
    assert r.status_code == 400 and r.json()["error"]["code"] == "unclosed_quote"
    r = api.post("/api/saved-searches", json={"name": "  ", "q": "Darfour"}, headers=h)
    assert r.status_code == 400 and r.json()["error"]["code"] == "saved_search_name"
    r = api.post("/api/saved-searches", json={"name": "vide"}, headers=h)
    assert r.status_code == 400 and r.json()["error"]["code"] == "saved_search_empty"
    body = {"name": "Pièces", "q": "Kadugli", "filters": {"kind": ["case_document"]}, "visibility": "desk"}
    r = api.post("/api/saved-searches", json=body, headers=h)
    assert r.status_code == 400 and r.json()["error"]["code"] == "saved_search_case_private"
    r = api.post(
        "/api/saved-searches", json={"name": "d", "q": "Darfour", "visibility": "division"}, headers=auth(people, "ra")
    )
    assert r.status_code == 400 and r.json()["error"]["code"] == "saved_search_no_division"
    assert api.post("/api/saved-searches", json={**body, "visibility": "private"}, headers=h).status_code == 201


def test_the_search_page_saves_the_search_it_shows(api: TestClient, people: People, demo_ctx: AppContext) -> None:
    ra = principal(demo_ctx, "ra")
    page = api.get("/", params={"q": "Darfour", "country": "SDN"}, headers=auth(people, "ra"))
    assert 'id="save-search"' in page.text
    # the browser sends the form: a session's CSRF token is needed, so log in as a browser does
    from tests.conftest import PASSWORD

    with TestClient(api.app, base_url="https://testserver") as browser:
        login = browser.get("/login")
        import re

        csrf = re.search(r'name="csrf_token" value="([^"]+)"', login.text).group(1)  # type: ignore[union-attr]
        assert browser.post(
            "/login", data={"username": "ra", "password": PASSWORD, "csrf_token": csrf}
        ).status_code in (200, 303)
        page = browser.get("/", params={"q": "Darfour", "country": "SDN"})
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        r = browser.post(
            "/searches",
            data={
                "csrf_token": token,
                "name": "Darfour au Soudan",
                "q": "Darfour",
                "country": "SDN",
                "visibility": "desk",
                "follow": "1",
            },
            follow_redirects=False,
        )
        assert r.status_code == 303, r.text
    found = [s for s in demo_ctx.saved.visible_to(ra.user_id, None) if s.name == "Darfour au Soudan"]
    assert found and found[0].params == {"q": "Darfour", "filters": {"country": ["SDN"]}}
    assert found[0].id in demo_ctx.saved.follows_of(ra.user_id)


# ---- alerts -----------------------------------------------------------------------------------------------
def test_alerts_match_new_documents_only_and_respect_need_to_know(
    api: TestClient, people: People, demo_ctx: AppContext
) -> None:
    ctx = demo_ctx
    match_pending(ctx)  # whatever earlier tests queued
    s = save(api, people, "ra", name="Wobbleferon", q="Wobbleferon", visibility="desk")
    followers = ("ra", "officer_a", "sec_asia", "archivist", "consultant2")
    head = auth(people, "head_africa")
    assert (
        api.post(f"/api/cases/{people.case_a}/grants", json={"username": "consultant2"}, headers=head).status_code
        == 201
    )
    try:
        for u in followers:
            assert (
                api.put(
                    f"/api/saved-searches/{s['id']}/follow", json={"email": "none"}, headers=auth(people, u)
                ).status_code
                == 200
            )
        before = {u: inbox(api, people, u)["unread"] for u in followers}
        old = add_coi(ctx, coi("Kadugli", "alert-old", "Un document sans le mot suivi."))
        public = add_coi(ctx, coi("Wobbleferon", "alert-public"))
        secret = add_case_doc(ctx, people, "Attestation Wobbleferon Glimmerquade pour le dossier.")
        report = match_pending(ctx)
        assert report.documents >= 3 and report.notifications == 1 + 2 + 1 + 1 + 2, report
        got = {u: inbox(api, people, u) for u in followers}
        ids = {u: {n["document_id"] for n in got[u]["items"] if n["saved_search_id"] == s["id"]} for u in followers}
        assert ids["ra"] == ids["sec_asia"] == ids["archivist"] == {public}  # archivists: location only, no documents
        assert ids["officer_a"] == ids["consultant2"] == {public, secret}
        assert old not in set().union(*ids.values())
        assert {u: got[u]["unread"] - before[u] for u in followers} == {
            "ra": 1,
            "officer_a": 2,
            "sec_asia": 1,
            "archivist": 1,
            "consultant2": 2,
        }
        for u in ("ra", "sec_asia", "archivist"):
            assert "Glimmerquade" not in str(got[u]) and "Pièce" not in str(got[u])
        # the header shows the unread count on every page
        page = api.get("/sources", headers=auth(people, "ra")).text
        assert f'id="unread-count">{got["ra"]["unread"]}<' in page
        assert "Rapport alert-public" in api.get("/inbox", headers=auth(people, "ra")).text
        # audited: the match and each display of the case document
        actions = [(r.action, r.document_id) for r in ctx.audit.query(actor="consultant2", limit=50)]
        assert ("alert.match", secret) in actions and ("alert.view", secret) in actions
        # matching the same documents again notifies nobody twice
        ctx.notifications.enqueue([(public, 1, dt.datetime.now()), (secret, 1, dt.datetime.now())])
        assert match_pending(ctx).notifications == 0
    finally:
        assert api.delete(f"/api/cases/{people.case_a}/grants/consultant2", headers=head).status_code == 200
    # need-to-know lost after the notification: the inbox no longer shows it, nor counts it
    after = inbox(api, people, "consultant2")
    assert (
        secret not in {n["document_id"] for n in after["items"]} and after["unread"] == got["consultant2"]["unread"] - 1
    )
    assert "Pièce" not in api.get("/inbox", headers=auth(people, "consultant2")).text
    # a new version of a followed document notifies again, as changed
    add_coi(ctx, coi("Wobbleferon", "alert-public", "Version révisée : Wobbleferon, nouveaux faits."))
    match_pending(ctx)
    changed = [n for n in inbox(api, people, "ra")["items"] if n["document_id"] == public]
    assert sorted(n["change"] for n in changed) == ["changed", "new"]
    # marking read: one, then all
    first = changed[0]["id"]
    assert api.post("/api/notifications/read", json={"ids": [first]}, headers=auth(people, "ra")).json() == {
        "marked": 1
    }
    assert api.post("/api/notifications/read", json={"ids": [first]}, headers=auth(people, "officer_a")).json() == {
        "marked": 0
    }
    api.post("/api/notifications/read", json={"ids": None}, headers=auth(people, "ra"))
    assert inbox(api, people, "ra")["unread"] == 0
    assert 'id="unread-count"' not in api.get("/sources", headers=auth(people, "ra")).text
    # unfollowing stops the alerts; a search one may not see cannot be followed
    for u in followers:
        api.delete(f"/api/saved-searches/{s['id']}/follow", headers=auth(people, u))
    private = save(api, people, "ra", name="à moi", q="Darfour")
    assert (
        api.put(f"/api/saved-searches/{private['id']}/follow", json={}, headers=auth(people, "officer_a")).status_code
        == 404
    )


@pytest.mark.parametrize("user", sorted(LEVEL_A))
def test_access_matrix_alerts_never_reveal_case_a(
    api: TestClient, people: People, demo_ctx: AppContext, user: str
) -> None:
    """Every role follows a desk search that a new document of case A matches: only readers of case A are told."""
    s = save(api, people, "ra", name=f"matrix {user}", q="Snorkelwhim", visibility="desk")
    assert api.put(f"/api/saved-searches/{s['id']}/follow", json={}, headers=auth(people, user)).status_code == 200
    doc = add_case_doc(demo_ctx, people, f"Note Snorkelwhim Glimmerquade numéro {user}.")
    match_pending(demo_ctx)
    got = inbox(api, people, user)
    mine = [n for n in got["items"] if n["saved_search_id"] == s["id"]]
    sees = RANK[LEVEL_A[user]] >= RANK["registration"]
    assert ({n["document_id"] for n in mine} == {doc}) is sees
    page = api.get("/inbox", headers=auth(people, user)).text
    if not sees:
        for word in (*SECRET_WORDS, "Glimmerquade", "Pièce"):
            assert word not in str(got) and word not in page
    api.delete(f"/api/saved-searches/{s['id']}/follow", headers=auth(people, user))


# ---- e-mail ---------------------------------------------------------------------------------------------
class _Smtp(socketserver.StreamRequestHandler):
    """Just enough SMTP to receive one message per connection."""

    received: list[str] = []

    def handle(self) -> None:
        w = self.wfile.write
        w(b"220 test\r\n")
        data: list[str] = []
        in_data = False
        while line := self.rfile.readline():
            text = line.decode("utf-8", "replace")
            if in_data:
                if text.strip() == ".":
                    in_data = False
                    self.received.append("".join(data))
                    w(b"250 ok\r\n")
                else:
                    data.append(text)
                continue
            cmd = text[:4].upper()
            if cmd in ("EHLO", "HELO"):
                w(b"250 test\r\n")
            elif cmd == "DATA":
                in_data = True
                w(b"354 go\r\n")
            elif cmd == "QUIT":
                w(b"221 bye\r\n")
                return
            else:
                w(b"250 ok\r\n")


def test_emails_only_when_smtp_is_set_and_carry_only_a_link(tmp_path: Path) -> None:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Smtp)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Smtp.received = []
    port = server.server_address[1]
    try:
        ctx = AppContext.open(
            make_settings(tmp_path, smtp_host="127.0.0.1", smtp_port=port, public_url="https://coidesk.office")
        )
        try:
            p = ctx.accounts.create_user("rech", "p" * 16, ["research_assistant"])
            from services.saved_searches import SavedSearchIn, create_saved, follow

            s = create_saved(ctx, p, SavedSearchIn(name="Suivi Wobbleferon secret", q="Wobbleferon"))
            follow(ctx, p, s.id, "daily")
            add_coi(ctx, coi("Wobbleferon", "mail-1"))
            add_coi(ctx, coi("Wobbleferon", "mail-2"))
            assert match_pending(ctx).notifications == 2
            assert send_emails(ctx) == 1 and send_emails(ctx) == 0  # daily: once, then nothing new to send
            add_coi(ctx, coi("Wobbleferon", "mail-3"))
            match_pending(ctx)
            assert send_emails(ctx) == 0  # within the day
            assert send_emails(ctx, now=dt.datetime.now() + dt.timedelta(hours=25)) == 1
        finally:
            ctx.close()
        assert len(_Smtp.received) == 2
        import email

        mail = email.message_from_string(_Smtp.received[0])
        first = str(mail) + mail.get_payload(decode=True).decode()  # type: ignore[union-attr]
        assert mail["To"] == "rech@localhost" and "https://coidesk.office/inbox" in first and "2 nouveau" in first
        for leaked in ("Wobbleferon", "Rapport", "mail-1", "Suivi"):
            assert leaked not in first
        # without SMTP nothing is sent
        ctx2 = AppContext.open(make_settings(tmp_path / "nosmtp"))
        try:
            assert send_emails(ctx2) == 0
        finally:
            ctx2.close()
    finally:
        server.shutdown()
        server.server_close()


# ---- crash safety ---------------------------------------------------------------------------------------
MATCHER = """
import sys
from config.settings import Settings
from services.alerts import match_pending
from services.context import AppContext
ctx = AppContext.open(Settings(data_dir=sys.argv[1], _env_file=None, dense_search=False))
print("open", flush=True)
match_pending(ctx, batch=500, lease_seconds=float(sys.argv[2]))
print("done", flush=True)
"""


def test_notifications_survive_kill_9_mid_matching(tmp_path: Path) -> None:
    """On SQLite, and on PostgreSQL + the search server in the at-scale pass (the matcher is another process
    on the same database and engine)."""
    overrides: dict[str, object] = {"dense_search": False}
    if scale_mode():
        overrides.update(scale_overrides())
    settings = make_settings(tmp_path, **overrides)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for name in ("database_url", "search_backend", "es_url", "es_index_prefix", "es_node_class"):
        if name in overrides:
            env[f"COIDESK_{name.upper()}"] = str(overrides[name])
    ctx = AppContext.open(settings)
    searches = 400
    try:
        p = ctx.accounts.create_user("rech", "p" * 16, ["research_assistant"])
        from services.saved_searches import SavedSearchIn, create_saved, follow

        for i in range(searches):
            s = create_saved(ctx, p, SavedSearchIn(name=f"s{i}", q=f"manifestants OR mot{i}"))
            follow(ctx, p, s.id)
        for i in range(20):
            ctx.store.add(coi("Kassala", f"k-{i}"), f"k{i}".encode(), "text/plain", origin=f"k{i}", received_by="t")
        ctx.indexer.drain()
        assert ctx.notifications.stats() == (20, 0, 0)
        proc = subprocess.Popen(
            [sys.executable, "-c", MATCHER, str(tmp_path), "3"], env=env, cwd=ROOT, stdout=subprocess.PIPE
        )
        killed_mid_way = False
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            _, leased, stored = ctx.notifications.stats()
            if leased and not stored:
                time.sleep(0.3)  # inside the matching of the leased batch
                os.kill(proc.pid, signal.SIGKILL)
                killed_mid_way = True
                break
            time.sleep(0.01)
        proc.wait(timeout=30)
        assert killed_mid_way and proc.returncode == -signal.SIGKILL
        assert ctx.notifications.stats() == (20, 20, 0)  # nothing stored, every row still queued (leased)
        assert match_pending(ctx, lease_seconds=3).notifications == 0  # the dead matcher's lease still holds
        time.sleep(3.1)
        report = match_pending(ctx)
        assert report.documents == 20 and report.notifications == 20 * searches
        assert ctx.notifications.stats() == (0, 0, 20 * searches)
        # a matcher run again on the same documents stores nothing twice
        ctx.notifications.enqueue([(d.id, d.version, d.updated) for d in ctx.store.get_many(list(ctx.store.all_ids()))])
        again = subprocess.run(
            [sys.executable, "-c", MATCHER, str(tmp_path), "3"], env=env, cwd=ROOT, capture_output=True, timeout=120
        )
        assert again.returncode == 0, again.stderr[-500:]
        assert ctx.notifications.stats() == (0, 0, 20 * searches)
    finally:
        ctx.close()
