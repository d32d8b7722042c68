"""Shared by every browser test module: one `coidesk serve` on the demo corpus and one Chromium per session.

The fixtures are exposed to tests/search_api through its conftest.py; a browser module calls
``skip_without_chromium()`` at import time (or fails when COIDESK_REQUIRE_BROWSER is set).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import PASSWORD, ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
STEPS = ARTIFACTS / "steps"

# one account per role (username: role, division, heads division), all with tests.conftest.PASSWORD
ROLE_ACCOUNTS: dict[str, tuple[str, str | None, bool]] = {
    "cheffe": ("protection_officer", "africa", True),
    "redac": ("research_assistant", None, False),
    "relect": ("research_assistant", None, True),
    "juriste": ("legal_consultant", None, False),
    "officier": ("protection_officer", "africa", False),
    "secretariat": ("secretary", "africa", False),
    "archives": ("archivist", None, False),
    "admin": ("admin", None, False),
    "dpo": ("data_protection", None, False),
    "etatcivil": ("civil_registrar", None, False),
    "interprete": ("interpreter", None, False),
    "chercheur": ("researcher", None, False),
}
TOKEN_ACCOUNTS = ("cheffe", "redac")  # API tokens made before the server starts (users token NAME)

XSS = "<script>alert('xss')</script><img src=x onerror=alert(1)>"


def skip_without_chromium() -> None:
    """Call at module level in a browser test module."""
    if CHROMIUM is None:
        if os.environ.get("COIDESK_REQUIRE_BROWSER"):
            raise RuntimeError("COIDESK_REQUIRE_BROWSER is set but Debian's chromium is not installed")
        pytest.skip("Debian chromium is not installed (apt-get install chromium)", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    base: str
    case_id: str
    token: str  # cheffe's API token
    log: Path
    tokens: dict[str, str] = field(default_factory=dict)  # username: API token (TOKEN_ACCOUNTS)
    data_dir: Path | None = None


def _coidesk(env: dict[str, str], *args: str, stdin: str | None = None, timeout: int = 120) -> str:
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *args],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        input=stdin,
        text=True,
        timeout=timeout,
    ).stdout


def _create_account(env: dict[str, str], username: str, role: str, division: str | None, head: bool) -> None:
    args = ["users", "create", username, "--role", role]
    if division:
        args += ["--division", division]
    if head:
        args.append("--head")
    _coidesk(env, *args, "--password-stdin", stdin=PASSWORD + "\n")


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data = tmp_path_factory.mktemp("browser")
    # background enrichment and embedding have their own tests (tests/ingest/test_enrich_loop.py,
    # tests/search_api/test_hybrid.py); off here to keep timings stable
    env = {
        **os.environ,
        "COIDESK_DATA_DIR": str(data),
        "COIDESK_ENRICH_IN_SERVER": "false",
        "COIDESK_EMBED_IN_SERVER": "false",
    }
    _coidesk(env, "ingest", str(ROOT / "demo" / "corpus"), timeout=300)
    # a hostile document, through the real upload-free path: a JSON record of a known format
    hostile = data / "hostile"
    hostile.mkdir()
    (hostile / "record.json").write_text(
        '{"_id": "UPR-HOSTILE", "_source": "UN/UPRDocuments", "title": "<img src=x onerror=alert(1)> Quux report",'
        ' "text": "Quuxland <script>alert(2)</script> <b onmouseover=alert(3)>bold</b> Quuxland", "date": "2024-01-01",'
        ' "country_code": "AFG"}'
    )
    _coidesk(env, "ingest", str(hostile))
    # the accounts, created the way an admin would (no default account exists)
    for username, (role, division, head) in ROLE_ACCOUNTS.items():
        _create_account(env, username, role, division, head)
    tokens = {name: _coidesk(env, "users", "token", name).strip() for name in TOKEN_ACCOUNTS}
    port = _free_port()
    server_log = data / "server.log"
    with server_log.open("w") as log_file:
        proc = subprocess.Popen(
            [sys.executable, "-m", "cli.main", "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=ROOT,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{base}/api/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise RuntimeError("server did not start")
        case_id = _hostile_case(base, tokens["cheffe"])
        yield Server(base, case_id, tokens["cheffe"], server_log, tokens, data)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _hostile_case(base: str, token: str) -> str:
    """A case whose every free-text field carries script payloads, through the real API."""
    h = {"Authorization": f"Bearer {token}"}
    r = httpx.post(
        f"{base}/api/cases",
        headers=h,
        json={
            "reference": "XSS-2026-1",
            "registered_on": "2026-02-01",
            "division": "africa",
            "applicants": [{"full_name": "Zed " + XSS, "languages": [XSS]}],
        },
    )
    assert r.status_code == 201, r.text
    case_id = r.json()["id"]
    for path, body in (
        ("notes", {"text": "Note " + XSS + " <a href='javascript:alert(3)'>lien</a>"}),
        ("interviews", {"held_on": "2026-03-01", "interpreter_language": XSS[:32], "transcript": XSS}),
    ):
        assert httpx.post(f"{base}/api/cases/{case_id}/{path}", headers=h, json=body).status_code == 201
    files = {"file": (XSS + ".txt", ("Pièce " + XSS).encode(), "text/plain")}
    r = httpx.post(f"{base}/api/cases/{case_id}/documents", headers=h, files=files, data={"title": XSS})
    assert r.status_code == 202, r.text
    job = r.json()["job_id"]
    for _ in range(100):  # the server's ingest loop stores it
        if httpx.get(f"{base}/api/jobs/{job}", headers=h).json()["document_id"]:
            break
        time.sleep(0.2)
    return case_id


def login_as(page: Any, base: str, username: str) -> None:
    """Log in through the login form (every page needs a login: the first one redirects to it)."""
    page.goto(base + "/")
    page.wait_for_selector("#login-form")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("#login-button")
    page.wait_for_selector("#whoami")


def _login(page: Any, base: str) -> None:
    login_as(page, base, "cheffe")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield b
        b.close()


# ---- screenshots --------------------------------------------------------------------------------------
def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_")[:150]


def open_pages(browser: Any) -> list[Any]:
    return [p for c in browser.contexts for p in c.pages if not p.is_closed()]


def save_failure_screenshots(test_name: str, pages: list[Any]) -> list[Path]:
    """A full-page screenshot of each page, as test-artifacts/screenshots/<test-name>-<n>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    saved = []
    for n, page in enumerate(pages, 1):
        path = SCREENSHOTS / f"{_safe(test_name)}-{n}.png"
        try:
            page.screenshot(path=str(path), full_page=True, timeout=10_000)
        except Exception:  # noqa: BLE001 - a crashed page must not hide the test's own failure
            continue
        saved.append(path)
    return saved


def shot(page: Any, name: str) -> Path | None:
    """A step screenshot in test-artifacts/steps/, only when COIDESK_KEEP_STEPS=1."""
    if os.environ.get("COIDESK_KEEP_STEPS") != "1":
        return None
    STEPS.mkdir(parents=True, exist_ok=True)
    path = STEPS / f"{_safe(name)}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


PAGES_KEY = pytest.StashKey[list[Any]]()
BEFORE_KEY = pytest.StashKey[list[Any]]()


@pytest.fixture()
def pages(request: pytest.FixtureRequest) -> Iterator[list[Any]]:
    """Register pages here (``pages.append(page)``): screenshotted when the test fails, closed after it."""
    registered: list[Any] = []
    request.node.stash[PAGES_KEY] = registered
    yield registered
    for page in registered:
        if not page.is_closed():
            page.close()


@pytest.fixture(autouse=True)
def _track_new_pages(request: pytest.FixtureRequest) -> Iterator[None]:
    """Remember the pages open before a browser test: the ones it opens are screenshotted if it fails."""
    if "browser" in request.fixturenames:
        request.node.stash[BEFORE_KEY] = open_pages(request.getfixturevalue("browser"))
    yield


def pages_to_screenshot(item: pytest.Item) -> list[Any]:
    chosen = [p for p in item.stash.get(PAGES_KEY, []) if not p.is_closed()]
    b = getattr(item, "funcargs", {}).get("browser")
    if b is not None:
        before = item.stash.get(BEFORE_KEY, [])
        chosen += [p for p in open_pages(b) if not any(p == q for q in before) and not any(p == q for q in chosen)]
    return chosen
