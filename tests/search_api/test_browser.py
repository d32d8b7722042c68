"""End to end in a real browser: uvicorn serving the demo, Debian's Chromium driven by Playwright.

The test types a query, clicks a facet, excludes a value and opens a document; a hostile document
must render inert (no dialog, no injected element).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.browser

if CHROMIUM is None:
    if os.environ.get("COIDESK_REQUIRE_BROWSER"):
        raise RuntimeError("COIDESK_REQUIRE_BROWSER is set but Debian's chromium is not installed")
    pytest.skip("Debian chromium is not installed (apt-get install chromium)", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("browser")
    env = {**os.environ, "COIDESK_DATA_DIR": str(data)}
    coidesk = [sys.executable, "-m", "cli.main"]
    subprocess.run(
        [*coidesk, "ingest", str(ROOT / "demo" / "corpus")],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=300,
    )
    # a hostile document, through the real upload-free path: a JSON record of a known format
    hostile = data / "hostile"
    hostile.mkdir()
    (hostile / "record.json").write_text(
        '{"_id": "UPR-HOSTILE", "_source": "UN/UPRDocuments", "title": "<img src=x onerror=alert(1)> Quux report",'
        ' "text": "Quuxland <script>alert(2)</script> <b onmouseover=alert(3)>bold</b> Quuxland", "date": "2024-01-01",'
        ' "country_code": "AFG"}'
    )
    subprocess.run([*coidesk, "ingest", str(hostile)], env=env, cwd=ROOT, check=True, capture_output=True, timeout=120)
    port = _free_port()
    proc = subprocess.Popen(
        [*coidesk, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
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
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
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


def test_search_facet_exclude_and_open_document(server: str, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(server + "/")
    page.fill("#q", "Darfour")
    page.click("#search-button")
    page.wait_for_selector(".hit")
    titles = page.locator(".hit-title").all_inner_texts()
    assert any("Zaghawa" in t for t in titles) and any("Massalit" in t for t in titles)
    assert page.locator(".snippet mark").count() >= 2
    assert "résultat" in page.inner_text("#total")
    page.screenshot(path=str(tmp_path / "search.png"))

    # click the "decision" kind facet, then exclude a year
    page.click('[data-facet="kind"] a.facet-value[data-value="decision"]')
    page.wait_for_selector(".chip")
    assert "kind=decision" in page.url
    total = int(page.inner_text("#total").split()[0])
    page.click('[data-facet="source"] a.facet-exclude')
    page.wait_for_load_state()
    assert "source=-cnda" in page.url
    assert int(page.inner_text("#total").split()[0]) < total

    # back to the query, open the Massalit decision
    page.goto(server + "/?q=Massalit")
    page.click(".hit-title")
    page.wait_for_selector("#doc-title")
    assert "Massalit" in page.inner_text("#doc-title")
    assert page.inner_text("#citation").startswith("Cour nationale du droit d'asile")
    assert page.locator("#download-original").count() == 1

    # English switch
    page.click("#lang-switch")
    page.wait_for_selector("#citation")
    assert "[accessed" in page.inner_text("#citation")
    assert dialogs == []


def test_hostile_markup_stays_inert(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(server + "/?q=Quuxland")
    page.wait_for_selector(".hit")
    assert page.locator(".hit img").count() == 0 and page.locator(".hit script").count() == 0
    assert "<script>" in page.inner_text(".snippet")  # shown as text
    page.click(".hit-title")
    page.wait_for_selector("#doc-title")
    assert page.locator("article img").count() == 0 and page.locator("article b").count() == 0
    page.wait_for_timeout(300)
    assert dialogs == []
