"""In Chromium, in French, with the accounts `make run`'s demo set creates (``coidesk users demo``): an archive
agent integrates a file (a full shelf refuses it, another takes it), finds it, reads the conservation readings
and imports a logger's CSV; an accredited researcher reads the communicable file transferred to them and is
refused the other; a mission member records an oral source (its identity stays with the mission's members);
a working-group member shares the mission report in the group's collection with a tag and a note."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import ROOT
from tests.search_api.browser_fixtures import _coidesk, _free_port, shot, skip_without_chromium
from tests.search_api.test_accessibility import assert_no_blocking_violation as _no_blocking_violation

pytestmark = pytest.mark.browser
skip_without_chromium()


class DemoServer:
    def __init__(self, base: str, passwords: dict[str, str]) -> None:
        self.base = base
        self.passwords = passwords


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    data = tmp_path_factory.mktemp("browser-archives")
    env = {
        **os.environ,
        "COIDESK_DATA_DIR": str(data),
        "COIDESK_ENRICH_IN_SERVER": "false",
        "COIDESK_EMBED_IN_SERVER": "false",
    }
    _coidesk(env, "users", "demo", timeout=300)
    passwords = {}
    for line in (data / "demo-accounts.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, password, _roles = line.split("\t")
            passwords[name] = password
    port = _free_port()
    log = (data / "server.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                if httpx.get(f"{base}/api/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise RuntimeError("server did not start")
        yield DemoServer(base, passwords)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def _login(browser: Any, server: DemoServer, username: str, dialogs: list[str]) -> Any:
    page = browser.new_context(locale="fr-FR").new_page()
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(server.base + "/")
    page.wait_for_selector("#login-form")
    page.fill("#username", username)
    page.fill("#password", server.passwords[username])
    page.click("#login-button")
    page.wait_for_selector("#whoami")
    return page


def test_an_archive_agent_integrates_finds_and_watches_the_stores(
    demo_server: DemoServer, browser: Any, tmp_path: Path
) -> None:
    dialogs: list[str] = []
    page = _login(browser, demo_server, "archives", dialogs)
    page.click("#nav-archives")
    page.wait_for_selector("#stores")
    assert "Magasin A" in page.inner_text("#stores") and "2 dossiers sur 801" in page.inner_text("#stores")
    _no_blocking_violation(page, "archives")
    # the shelf A-03 holds one file and has one place: full, the integration is refused with the reason
    page.fill("#integrate-form input[name=reference]", "DEMO-2026-0001")
    page.select_option("#integrate-form select[name=shelf_id]", label="MAG-A / A-03 — 1 dossiers sur 1")
    page.click("#integrate-submit")
    page.wait_for_selector("main h1")
    assert "La travée A-03 du magasin Magasin A est pleine (1 dossiers)" in page.inner_text("main")
    page.goto(demo_server.base + "/archives")
    page.fill("#integrate-form input[name=reference]", "DEMO-2026-0001")
    page.select_option("#integrate-form select[name=shelf_id]", label="MAG-B / B-01 — 0 dossiers sur 300")
    page.click("#integrate-submit")
    page.wait_for_selector("#flash")
    assert "Dossier intégré" in page.inner_text("#flash")
    assert "1 dossiers sur 300" in page.inner_text("#stores")  # Magasin B
    page.fill("#where-form input[name=reference]", "DEMO-2026-0001")
    page.click("#where-form button[type=submit]")
    page.wait_for_selector("#where-result")
    where = page.inner_text("#where-result")
    assert "Magasin B" in where and "B-01" in where and "Magasin A" not in where
    shot(page, "archives-integrated")
    # conservation: one reading of the demo is out of range; a logger's CSV adds two, one too humid
    page.click("#stores a:has-text('Magasin A')")
    page.wait_for_selector("#readings")
    assert page.locator("#readings tr.out-of-range").count() == 1
    assert "Hors plage" in page.inner_text("#readings")
    csv_file = tmp_path / "releves.csv"
    csv_file.write_text("Date;Température (°C);Humidité (%)\n2026-10-01 08:00;18,1;50\n2026-10-02 08:00;18,3;62\n")
    page.set_input_files("#import-form input[type=file]", str(csv_file))
    page.click("#import-submit")
    page.wait_for_selector("#import-result")
    assert "2 relevés importés, dont 1 hors plage" in page.inner_text("#import-result")
    assert page.locator("#readings tr.out-of-range").count() == 2
    _no_blocking_violation(page, "archive store")
    assert dialogs == []


def test_a_researcher_reads_only_the_communicable_file_transferred_to_them(
    demo_server: DemoServer, browser: Any
) -> None:
    dialogs: list[str] = []
    page = _login(browser, demo_server, "chercheur", dialogs)
    page.wait_for_selector("#room-files")  # their home page is the reading room
    rows = page.inner_text("#room-files")
    assert "HIST-1975-0112" in rows and "HIST-1998-0457" in rows and "DEMO-2026-0001" not in rows
    assert "1 février 2049" in rows and "Pas encore communicable" in rows
    _no_blocking_violation(page, "reading room")
    assert page.locator("#room-files a").count() == 1  # only the communicable file opens
    page.click("#room-files a:has-text('HIST-1975-0112')")
    page.wait_for_selector("#room-file-reference")
    assert "Réfugié historique fictif A" in page.inner_text("#room-applicants")
    _no_blocking_violation(page, "reading room file")
    shot(page, "reading-room-file")
    api = page.context.request
    files = api.get(demo_server.base + "/api/reading-room/files").json()
    later = next(f for f in files if f["reference"] == "HIST-1998-0457")
    page.goto(demo_server.base + f"/reading-room/files/{later['case_id']}")
    assert "pas encore communicable" in page.inner_text("main")
    assert "Réfugiée historique fictive B" not in page.content()
    page.goto(demo_server.base + "/cases")  # everything else is closed to a researcher
    assert "Réfugié" not in page.content()
    assert dialogs == []


def test_a_mission_member_records_an_oral_source_that_only_members_can_identify(
    demo_server: DemoServer, browser: Any
) -> None:
    dialogs: list[str] = []
    page = _login(browser, demo_server, "officier", dialogs)
    page.click("#nav-missions")
    page.wait_for_selector("#missions")
    page.click("#missions a:has-text('Soudan')")
    page.wait_for_selector("#sources")
    assert "Interlocuteur fictif de démonstration" in page.inner_text("#sources")
    page.fill("#source-form input[name=description]", "journaliste indépendant")
    page.fill("#source-form input[name=place]", "Port-Soudan")
    page.fill("#source-form input[name=met_on]", "2026-03-15")
    page.select_option("#source-form select[name=interview_type]", "phone")
    page.fill("#source-form textarea[name=reliability_note]", "Témoin direct des contrôles.")
    page.fill("#source-form input[name=full_name]", "Journaliste fictif Zebulon")
    page.click("#source-submit")
    page.wait_for_selector("#flash")
    sources = page.inner_text("#sources")
    assert "Source orale n° 2, journaliste indépendant, Port-Soudan, entretien téléphonique du 15 mars 2026" in sources
    assert "Journaliste fictif Zebulon" in sources
    _no_blocking_violation(page, "mission (member)")
    shot(page, "mission-source")
    # a legal consultant outside the mission reads the anonymised references, never the identities
    other = _login(browser, demo_server, "juriste", dialogs)
    other.goto(page.url.split("?")[0])
    other.wait_for_selector("#sources")
    assert "Source orale n° 2" in other.inner_text("#sources")
    assert "Zebulon" not in other.content() and "Interlocuteur fictif" not in other.content()
    found = other.context.request.get(demo_server.base + "/api/search?q=Zebulon").json()
    assert found["total"] == 0
    assert dialogs == []


def test_a_working_group_member_shares_the_mission_report_with_a_note(demo_server: DemoServer, browser: Any) -> None:
    dialogs: list[str] = []
    page = _login(browser, demo_server, "recherche", dialogs)
    page.goto(demo_server.base + "/missions")
    page.click("#missions a:has-text('Soudan')")
    for _ in range(50):  # the server's ingest loop turns the demo's report into a COI document
        if page.locator("#mission-reports a").count():
            break
        time.sleep(0.3)
        page.reload()
    report_url = page.locator("#mission-reports a").first.get_attribute("href")
    assert report_url and "/documents/" in report_url
    page.click("#nav-groups")
    page.wait_for_selector("#groups")
    page.click("#groups a:has-text('Corne de l')")
    page.wait_for_selector("#group-items")
    page.fill("#item-form input[name=document]", demo_server.base + report_url)
    page.fill("#item-form input[name=tags]", "déplacés, Port-Soudan")
    page.fill("#item-form textarea[name=note]", "Note du groupe Quetzalbrin : à discuter en réunion.")
    page.click("#item-submit")
    page.wait_for_selector("#flash")
    first = page.locator("#group-items tbody tr").first.inner_text()
    assert "Rapport de mission" in first and "déplacés" in first and "Quetzalbrin" in first
    _no_blocking_violation(page, "group")
    shot(page, "group-item")
    group_url = page.url.split("?")[0]
    # the secretary is not a member: the group answers like a missing page, its note is nowhere
    outsider = _login(browser, demo_server, "secretariat", dialogs)
    outsider.goto(group_url)
    assert "Quetzalbrin" not in outsider.content()
    assert outsider.locator("#group-items").count() == 0
    for who in (outsider, page):  # notes are not indexed: not even members find them by search
        assert who.context.request.get(demo_server.base + "/api/search?q=Quetzalbrin").json()["total"] == 0
    assert dialogs == []
