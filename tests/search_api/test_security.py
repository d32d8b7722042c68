"""The defects an outside probe found (issue 20), each replayed with several variants against a real
server on 127.0.0.1 (uvicorn in a thread, real SQLite, real tantivy), so each class stays closed."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection
from sqlalchemy import text as sql

from ingest.uploads import run_queued
from search_api.app import create_app
from services.auth import Principal
from services.context import AppContext
from store.audit import AuditEntry, record_hash
from store.index.errors import BadQuery
from store.index.query_parser import parse
from store.schemas import DocumentCreate
from tests.conftest import PASSWORD, ROOT, make_settings

CASE_BYTES = "Attestation médicale du demandeur Velmorantine, détenu à Kadugli.".encode()
PUBLIC_BYTES = "Rapport public : arrestations de journalistes à Kassala en 2024, selon Orvantique.".encode()


@dataclass
class Site:
    url: str
    ctx: AppContext
    tokens: dict[str, str]
    users: dict[str, Principal]
    case_id: str
    case_doc: str

    def h(self, user: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[user]}"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    from services.case_inputs import ApplicantIn, CaseIn

    ctx = AppContext.open(make_settings(tmp_path_factory.mktemp("security"), cookie_secure=False))
    for i, text in enumerate(
        ["Des combats ont eu lieu au Darfour en 2024.", "Le droit d'asile et la protection subsidiaire en France."]
    ):
        doc = DocumentCreate(kind="coi", title=f"Note {i}", text=text, source="upload", language="fr")
        ctx.store.add(doc, text.encode(), "text/plain", origin=f"note{i}", received_by="tests")
    users = {
        "ra": ctx.accounts.create_user("ra", PASSWORD, ["research_assistant"]),
        "officer": ctx.accounts.create_user("officer", PASSWORD, ["protection_officer"], division="africa"),
        "other": ctx.accounts.create_user("other", PASSWORD, ["protection_officer"], division="asia"),
        "sec": ctx.accounts.create_user("sec", PASSWORD, ["secretary"], division="africa"),
        "admin": ctx.accounts.create_user("admin", PASSWORD, ["admin"]),
        "dpo": ctx.accounts.create_user("dpo", PASSWORD, ["data_protection"]),
        "lc": ctx.accounts.create_user("lc", PASSWORD, ["legal_consultant"]),
    }
    tokens = {name: ctx.accounts.create_token(p.user_id, "t")[1] for name, p in users.items()}
    case = ctx.cases.create(
        users["sec"],
        CaseIn(
            reference="SEC-2026-0001",
            registered_on=__import__("datetime").date(2026, 3, 2),
            division="africa",
            applicants=[ApplicantIn(full_name="Velmorantine Applicant")],
            assigned_officer="officer",
        ),
    )
    job = ctx.cases.add_document(users["officer"], case["id"], "Attestation", CASE_BYTES, "velmo-attestation.txt")
    run_queued(ctx.store, ctx.jobs)
    case_doc = ctx.jobs.get(job).document_id  # type: ignore[union-attr]
    assert case_doc
    ctx.indexer.drain()
    app = create_app(ctx.settings, context=ctx, writer=False)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    yield Site(f"http://127.0.0.1:{port}", ctx, tokens, users, case["id"], case_doc)
    server.should_exit = True
    thread.join(timeout=10)
    ctx.close()


def _settle(site: Site) -> None:
    run_queued(site.ctx.store, site.ctx.jobs)
    site.ctx.indexer.drain()


# ---- 1. one search must not take the server down ---------------------------------------------------
COSTLY = [
    '"' + " ".join(["de"] * 20) + '"~50',  # the probe's query
    '"' + " ".join(["la"] * 14) + '"~40',
    '("' + " ".join(["de"] * 10) + '"~50) OR asile',
    "asile " + '"' + " ".join(["le", "la"] * 6) + '"~45',
    '"' + " ".join(f"mot{i}" for i in range(14)) + '"~5',  # too many words for a proximity search
]


@pytest.mark.parametrize("q", COSTLY)
def test_costly_queries_are_refused_before_the_engine_runs(site: Site, q: str) -> None:
    with httpx.Client(base_url=site.url, headers=site.h("ra"), timeout=30) as client:
        r = client.get("/api/search", params={"q": q})
        assert r.status_code == 400, r.text
        assert r.json()["error"]["code"] in {"query_too_costly", "proximity_too_long"}
        page = client.get("/", params={"q": q}, headers={"accept": "text/html"})
        assert page.status_code == 400 and "<html" in page.text
        assert client.get("/api/precedents", params={"q": q}, headers=site.h("lc")).status_code == 400
        assert client.get("/api/health").status_code == 200  # still up


def test_queries_within_the_budget_still_run(site: Site) -> None:
    with httpx.Client(base_url=site.url, headers=site.h("ra"), timeout=30) as client:
        for q in ['"combats Darfour"~5', '"de la de la"~10', "combat* OR asil*", '"droit d\'asile"']:
            assert client.get("/api/search", params={"q": q}).status_code == 200, q


def test_the_server_memory_ceiling_fails_one_allocation_not_the_process() -> None:
    code = (
        "from cli.main import cap_memory\n"
        "cap_memory(512)\n"
        "try:\n    bytearray(2 * 1024 ** 3)\nexcept MemoryError:\n    print('refused')\n"
        "print(len(bytearray(16 * 1024 ** 2)))\n"
    )
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert r.stdout.split() == ["refused", str(16 * 1024**2)], r.stderr


# ---- 2. the parser: never a recursion error, never anything but BadQuery ----------------------------
@pytest.mark.parametrize(
    "q",
    ["-" * 999 + "x", "+-" * 499 + "x", '-"' * 300, "NOT " * 240 + "x", "(" * 400, "-(" * 300 + "x", "- " * 490],
)
def test_long_runs_of_operators_parse_or_fail_cleanly(q: str) -> None:
    try:
        parse(q)
    except BadQuery:
        pass


_ALPHABET = st.sampled_from(list('-+"()*?~:«» ab') + [" NOT ", " OR ", " ET ", " SAUF ", "de ", "~50", "é"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_ALPHABET, max_size=400).map("".join))
def test_fuzzed_queries_parse_or_raise_bad_query(q: str) -> None:
    try:
        parse(q)
    except BadQuery:
        pass


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(st.lists(_ALPHABET, max_size=300).map("".join))
def test_fuzzed_queries_never_give_a_server_error(site: Site, q: str) -> None:
    r = httpx.get(f"{site.url}/api/search", params={"q": q}, headers=site.h("ra"), timeout=30)
    assert r.status_code in (200, 400), r.text
    assert "Traceback" not in r.text and "tantivy" not in r.text.lower()


# ---- 3. identical bytes never share a document ---------------------------------------------------------
def test_public_upload_of_a_case_documents_bytes_makes_a_new_public_document(site: Site) -> None:
    with httpx.Client(base_url=site.url, timeout=30) as client:
        for name, extra in [("attestation.txt", {}), ("copie.txt", {}), ("attestation.txt", {"source": "ngo"})]:
            r = client.post(
                "/api/documents",
                files=[("files", (name, CASE_BYTES, "text/plain"))],
                data=extra,
                headers=site.h("ra"),
            )
            assert r.status_code == 202, r.text
            _settle(site)
            job = client.get(f"/api/jobs/{r.json()['jobs'][0]['id']}", headers=site.h("ra")).json()
            assert job["document_id"] and job["document_id"] != site.case_doc
            case_doc = site.ctx.store.get(site.case_doc)
            assert case_doc.kind == "case_document" and case_doc.case_id == site.case_id  # untouched
            assert client.get(f"/api/documents/{site.case_doc}", headers=site.h("ra")).status_code == 404
            public = client.get(f"/api/documents/{job['document_id']}", headers=site.h("ra")).json()
            assert public["kind"] == "coi"
        hits = client.get("/api/search", params={"q": "Velmorantine"}, headers=site.h("ra")).json()["hits"]
        assert hits and {h["kind"] for h in hits} == {"coi"}
        mine = client.get("/api/search", params={"q": "Velmorantine"}, headers=site.h("officer")).json()["hits"]
        assert site.case_doc in {h["id"] for h in mine}


def test_attaching_a_public_file_to_a_case_leaves_the_public_document_alone(site: Site) -> None:
    with httpx.Client(base_url=site.url, timeout=30) as client:
        r = client.post(
            "/api/documents",
            files=[("files", ("rapport.txt", PUBLIC_BYTES, "text/plain"))],
            data={"url": "https://example.org/rapport"},
            headers=site.h("ra"),
        )
        _settle(site)
        public_id = client.get(f"/api/jobs/{r.json()['jobs'][0]['id']}", headers=site.h("ra")).json()["document_id"]
        for name in ("rapport.txt", "piece-jointe.txt"):
            r = client.post(
                f"/api/cases/{site.case_id}/documents",
                files=[("file", (name, PUBLIC_BYTES, "text/plain"))],
                data={"title": "Pièce"},
                headers=site.h("officer"),
            )
            assert r.status_code == 202, r.text
            _settle(site)
            public = site.ctx.store.get(public_id)
            assert public.kind == "coi" and public.case_id is None
            assert client.get(f"/api/documents/{public_id}", headers=site.h("ra")).status_code == 200
            hits = client.get("/api/search", params={"q": "Orvantique"}, headers=site.h("ra")).json()["hits"]
            assert [h["id"] for h in hits] == [public_id]
        docs = client.get(f"/api/cases/{site.case_id}/documents", headers=site.h("officer")).json()
        assert public_id not in {d["id"] for d in docs}


def test_the_same_key_in_two_contexts_gives_two_documents(site: Site) -> None:
    store = site.ctx.store
    base = {"title": "t", "text": "texte commun", "source": "upload", "external_id": "same-key"}
    a = store.add(DocumentCreate(kind="coi", **base), b"x", "text/plain", "o", "tests")  # type: ignore[arg-type]
    b = store.add(
        DocumentCreate(kind="case_document", case_id=site.case_id, **base),  # type: ignore[arg-type]
        b"x",
        "text/plain",
        "o",
        "tests",
    )
    assert a.id != b.id and store.get(a.id).kind == "coi" and store.get(b.id).case_id == site.case_id


# ---- 4. pseudonymisation hides the names in every field ----------------------------------------------
PSEUDO = [
    (
        "karimov_rustam.md",
        "# Décision concernant M. Rustam KARIMOV\n\nM. Rustam KARIMOV, né le 3 mai 1990, soutient "
        "que Karimov a été arrêté.\n",
        {},
        ("Karimov", "Rustam"),
    ),
    (
        "askarova.html",
        "<html><head><title>Décision — Mme Leyla Askarova</title></head><body><p>Mme Leyla Askarova "
        "déclare craindre la police. Askarova ajoute avoir fui.</p></body></html>",
        {},
        ("Askarova", "Leyla"),
    ),
    (
        "Decision Nasrullo Tojiboev.txt",
        "DÉCISION\nM. Nasrullo TOJIBOEV expose ses craintes. Tojiboev a fui en 2021.\n",
        {},
        ("Tojiboev", "Nasrullo"),
    ),
    (
        "decision.txt",
        "DÉCISION\nM. Davron Umarov, représenté par Me Lefort, soutient ses craintes.\n",
        {"title": "Affaire M. Davron Umarov"},
        ("Umarov", "Davron"),
    ),
]


def _files_under(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())


def test_pseudonymised_decisions_leak_no_name_anywhere(site: Site) -> None:
    ctx = site.ctx
    with httpx.Client(base_url=site.url, timeout=30) as client:
        ids = []
        for name, text, form, _ in PSEUDO:
            r = client.post(
                "/api/documents",
                files=[("files", (name, text.encode(), "application/octet-stream"))],
                data={"kind": "decision", "pseudonymise": "true", **form},
                headers=site.h("ra"),
            )
            assert r.status_code == 202, r.text
            assert r.json()["jobs"][0]["filename"].startswith("document-")
            ids.append(r.json()["jobs"][0]["id"])
        _settle(site)
        docs = [client.get(f"/api/jobs/{i}", headers=site.h("ra")).json()["document_id"] for i in ids]
        assert all(docs)
        seen = [
            client.get("/api/jobs", headers=site.h("ra")).text,
            client.get("/upload", headers={**site.h("ra"), "accept": "text/html"}).text,
            client.get("/api/search", params={"q": "décision craintes"}, headers=site.h("ra")).text,
            client.get("/", params={"q": "décision"}, headers={**site.h("ra"), "accept": "text/html"}).text,
        ]
        for d in docs:
            seen.append(client.get(f"/api/documents/{d}", headers=site.h("ra")).text)
            seen.append(client.get(f"/documents/{d}", headers={**site.h("ra"), "accept": "text/html"}).text)
        for _, _, _, names in PSEUDO:
            for n in names:
                assert client.get("/api/search", params={"q": n}, headers=site.h("ra")).json()["total"] == 0, n
        ctx.indexer.drain()
        stored = b"".join(
            (ctx.settings.data_dir / f).read_bytes()
            for f in ("coidesk.sqlite3", "coidesk.sqlite3-wal")
            if (ctx.settings.data_dir / f).exists()
        ).lower()
        index = _files_under(ctx.settings.index_dir).lower()
        text = "\n".join(seen).lower()
        for _, _, _, names in PSEUDO:
            for n in names:
                assert n.lower() not in text, n
                assert n.lower().encode() not in stored, n
                assert n.lower().encode() not in index, n
        # those who may see the names still can (audited)
        names = client.get(f"/api/decisions/{docs[0]}/pseudonyms", headers=site.h("lc")).json()
        assert "Rustam KARIMOV" in names.values()


# ---- 5. audited reads under concurrency -------------------------------------------------------------
def test_32_parallel_audited_reads_all_succeed_and_chain(site: Site) -> None:
    before = len(site.ctx.audit.query(case_id=site.case_id, limit=100_000))

    def read(_: int) -> int:
        url = f"{site.url}/api/cases/{site.case_id}/verifications"
        return httpx.get(url, headers=site.h("officer"), timeout=60).status_code

    with ThreadPoolExecutor(32) as pool:
        statuses = list(pool.map(read, range(64)))
    assert statuses == [200] * 64
    after = site.ctx.audit.query(case_id=site.case_id, limit=100_000)
    assert len(after) - before == 64
    v = site.ctx.audit.verify()
    assert v.ok and v.checkpoints > 0, v.reason


# ---- 6. truncation and re-chaining are found ---------------------------------------------------------
def _drop_guards(ctx: AppContext, con: Connection) -> None:
    """What someone with the database password does first: remove the append-only triggers."""
    if ctx.db.engine.dialect.name == "postgresql":
        con.execute(sql("DROP TRIGGER IF EXISTS audit_no_change ON audit"))
    else:
        con.execute(sql("DROP TRIGGER IF EXISTS audit_no_update"))
        con.execute(sql("DROP TRIGGER IF EXISTS audit_no_delete"))


def _rechain(ctx: AppContext, con: Connection, key: bytes | None) -> None:
    """What an attacker with write access does after an edit: recompute every later hash."""
    import datetime as dt
    import hashlib

    rows = con.execute(
        sql("SELECT id, at, actor, action, case_id, document_id, outcome, subject FROM audit ORDER BY id")
    ).all()
    prev = "0" * 64
    for rid, at, actor, action, case_id, doc, outcome, subject in rows:
        when = at if isinstance(at, dt.datetime) else dt.datetime.fromisoformat(at)
        if key is None:
            fields = [prev, when.isoformat(timespec="microseconds"), actor, action, case_id or "", doc or "", outcome]
            h = hashlib.sha256("\x1f".join(fields).encode()).hexdigest()
        else:
            h = record_hash(key, prev, when, actor, action, case_id, doc, outcome, subject)
        update = sql("UPDATE audit SET prev_hash = :p, hash = :h WHERE id = :i")
        con.execute(update, {"p": f"tmp{rid}", "h": f"tmp{rid}", "i": rid})
        con.execute(update, {"p": prev, "h": h, "i": rid})
        prev = h


@pytest.mark.parametrize(
    "tamper", ["truncate_tail", "edit_rechain_without_key", "edit_rechain_with_key", "forge_checkpoint"]
)
def test_truncation_and_rechaining_are_detected(fresh_ctx: AppContext, tamper: str) -> None:
    ctx = fresh_ctx
    for i in range(10):
        ctx.audit.append([AuditEntry(f"user{i}", "case.view", f"{i:032x}")])
    assert ctx.audit.verify().ok
    with ctx.db.engine.begin() as con:
        _drop_guards(ctx, con)
        if tamper == "truncate_tail":
            con.execute(sql("DELETE FROM audit WHERE id > 7"))
        elif tamper == "forge_checkpoint":
            path = ctx.audit.checkpoints.path
            path.write_text(path.read_text() + json.dumps({"id": 3, "hash": "f" * 64, "sig": "0" * 64}) + "\n")
        else:
            con.execute(sql("UPDATE audit SET actor = 'nobody' WHERE id = 4"))
            _rechain(ctx, con, ctx.audit.key.derived("chain") if tamper.endswith("with_key") else None)
    v = ctx.audit.verify()
    assert not v.ok, tamper
    env = {"COIDESK_DATA_DIR": str(ctx.settings.data_dir), "PATH": "/usr/bin:/bin"}
    if ctx.settings.database_url:
        env["COIDESK_DATABASE_URL"] = ctx.settings.database_url
    r = subprocess.run(
        [sys.executable, "-m", "cli.main", "audit", "verify"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 1 and "rompue" in r.stderr


# ---- 7. no anonymous body is read -------------------------------------------------------------------
def _raw_post(site: Site, path: str, headers: dict[str, str], body: bytes, chunked: bool = False) -> int:
    """Send the headers and a first KiB only, then read the answer: the server must answer without the rest."""
    host, port = site.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=20) as sock:
        lines = [f"POST {path} HTTP/1.1", f"Host: {host}:{port}"] + [f"{k}: {v}" for k, v in headers.items()]
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        if chunked:
            sock.sendall(b"%x\r\n%s\r\n" % (len(body), body))
        else:
            sock.sendall(body)
        status_line = sock.recv(4096).split(b"\r\n", 1)[0]
    return int(status_line.split()[1])


FORM_PATHS = [
    "/upload",
    "/api/documents",
    "/cases/{case}/documents",
    "/api/cases/{case}/documents",
    "/reports",
    "/thesaurus",
    "/api/thesaurus",
    "/api/verify",
    "/verify/run",
    "/reports/cite",
]


@pytest.mark.parametrize("path", FORM_PATHS)
@pytest.mark.parametrize("chunked", [False, True])
def test_anonymous_bodies_are_refused_before_they_are_read(site: Site, path: str, chunked: bool) -> None:
    path = path.format(case=site.case_id)
    headers = {"Content-Type": "multipart/form-data; boundary=xyz"}
    headers |= {"Transfer-Encoding": "chunked"} if chunked else {"Content-Length": str(200_000_000)}
    assert _raw_post(site, path, headers, b"x" * 1024, chunked) == 401
    # a session cookie that names no session is as anonymous
    assert _raw_post(site, path, headers | {"Cookie": "coidesk_session=forged"}, b"x" * 1024, chunked) == 401


def test_authenticated_bodies_over_the_route_limit_are_refused(site: Site) -> None:
    auth = {"Authorization": f"Bearer {site.tokens['ra']}", "Content-Type": "application/json"}
    assert _raw_post(site, "/api/verify", auth | {"Content-Length": str(50_000_000)}, b"{") == 413
    big = b'{"text": "' + b"a" * 3_000_000 + b'"}'
    r = httpx.post(
        f"{site.url}/api/thesaurus",
        content=iter([big[i : i + 65536] for i in range(0, len(big), 65536)]),
        headers=auth,
        timeout=30,
    )
    assert r.status_code == 413 and r.json()["error"]["code"] == "too_large"


# ---- 8. jobs of case documents follow the case -----------------------------------------------------
def test_job_lists_hide_case_documents_from_those_who_may_not_see_the_case(site: Site) -> None:
    with httpx.Client(base_url=site.url, timeout=30) as client:
        admin_jobs = client.get("/api/jobs", headers=site.h("admin")).json()
        case_jobs = [j for j in admin_jobs if j.get("case_document")]
        assert case_jobs and all(j["filename"] is None and j["document_id"] is None for j in case_jobs)
        assert "velmo-attestation.txt" not in json.dumps(admin_jobs)
        page = client.get("/upload", headers={**site.h("admin"), "accept": "text/html"}).text
        assert "velmo-attestation.txt" not in page
        before = len(site.ctx.audit.query(actor="officer", limit=100_000))
        mine = client.get("/api/jobs", headers=site.h("officer")).json()
        assert "velmo-attestation.txt" in {j["filename"] for j in mine}
        views = [a for a in site.ctx.audit.query(actor="officer", limit=100_000)[:100] if a.action == "case.job.view"]
        assert len(site.ctx.audit.query(actor="officer", limit=100_000)) > before and views


# ---- also seen: account events audited, throttling, Origin, denied vs missing -----------------------
def test_account_creation_and_role_changes_are_audited(site: Site) -> None:
    with httpx.Client(base_url=site.url, headers=site.h("admin"), timeout=30) as client:
        r = client.post(
            "/api/users", json={"username": "newbie", "password": PASSWORD, "roles": ["research_assistant"]}
        )
        assert r.status_code == 201, r.text
        uid = r.json()["id"]
        assert (
            client.put(f"/api/users/{uid}/roles", json={"roles": ["secretary"], "division": "asia"}).status_code == 200
        )
        assert client.post(f"/api/users/{uid}/disable").status_code == 200
    actions = {(a.actor, a.action) for a in site.ctx.audit.query(subject="newbie")}
    assert {("admin", "account.create"), ("admin", "account.roles"), ("admin", "account.disable")} <= actions


def test_failed_logins_slow_an_account_down_and_an_admin_can_unlock_it(site: Site) -> None:
    ctx = site.ctx
    p = ctx.accounts.create_user("target", PASSWORD, ["research_assistant"])
    with httpx.Client(base_url=site.url, timeout=30) as client:
        client.get("/login")

        def attempt(password: str = "wrong password!!", **kw: object) -> httpx.Response:
            token = client.cookies.get("coidesk_login_csrf")  # each login form sets a new one
            return client.post("/login", data={"username": "target", "password": password, "csrf_token": token}, **kw)

        statuses = [attempt().status_code for _ in range(6)]
        assert statuses[:5] == [401] * 5 and statuses[5] == 429
        throttled = attempt()
        retry = int(throttled.headers["retry-after"])
        assert throttled.status_code == 429 and 1 <= retry <= ctx.settings.login_base_delay_seconds * 2 + 1
        unlocked = client.post(f"/api/users/{p.user_id}/unlock", headers=site.h("admin"))
        assert unlocked.status_code == 200 and unlocked.json()["failures_cleared"] >= 5
        ok = attempt(PASSWORD, follow_redirects=False)
        assert ok.status_code == 303
    assert ("admin", "account.unlock") in {(a.actor, a.action) for a in ctx.audit.query(subject="target")}


def test_the_origin_check_compares_the_scheme_too(site: Site) -> None:
    with httpx.Client(base_url=site.url, timeout=30) as client:
        page = client.get("/login")
        form = {"username": "ra", "password": PASSWORD, "csrf_token": page.cookies.get("coidesk_login_csrf")}
        client.post("/login", data=form)
        upload = client.get("/thesaurus", headers={"accept": "text/html"})
        import re

        csrf = re.search(r'name="csrf_token" value="([^"]+)"', upload.text)
        assert csrf
        host = site.url.removeprefix("http://")
        data = {"csrf_token": csrf.group(1), "concept": "x", "term": "y", "language": "fr"}
        for origin in (f"https://{host}", f"http://{host}.evil.example", "null", f"ftp://{host}"):
            r = client.post("/thesaurus", data=data, headers={"origin": origin, "accept": "text/html"})
            assert r.status_code == 403, origin


def test_a_refused_case_and_a_missing_one_do_the_same_work(site: Site) -> None:
    missing = "0" * 32
    for case_id in (site.case_id, missing):
        before = site.ctx.audit.count()
        r = httpx.get(f"{site.url}/api/cases/{case_id}", headers=site.h("other"), timeout=30)
        assert r.status_code == 404
        assert site.ctx.audit.count() - before == 1
