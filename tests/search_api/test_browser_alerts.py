"""In Chromium, against `coidesk serve` with its background loops: a research assistant saves a search and
follows it, an upload that matches raises the inbox count in the header; a batch of names gives its table
and its CSV; an export of a result set downloads as a file. Each page passes axe-core."""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path
from typing import Any

import pytest

from tests.search_api.browser_fixtures import Server, login_as, shot, skip_without_chromium
from tests.search_api.test_accessibility import assert_no_blocking_violation as _no_blocking_violation

pytestmark = pytest.mark.browser
skip_without_chromium()


def _unread(page: Any) -> int:
    badge = page.query_selector("#unread-count")
    return int(badge.inner_text()) if badge else 0


def test_a_followed_search_raises_the_inbox_count_after_a_matching_upload(
    server: Server, browser: Any, tmp_path: Path
) -> None:
    page = browser.new_context(locale="fr-FR", accept_downloads=True).new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    login_as(page, server.base, "redac")
    page.goto(server.base + "/?q=Frobnicatrix&lang=fr")
    page.click("#save-search summary")
    page.fill("#save-name", "Veille Frobnicatrix")
    page.select_option("#save-visibility", "desk")
    page.check("#save-follow")
    page.click("#save-search-button")
    page.wait_for_selector("#flash")
    assert "Veille Frobnicatrix" in page.inner_text("#saved-table") and "Suivie" in page.inner_text("#saved-table")
    _no_blocking_violation(page, "saved searches")
    before = _unread(page)

    page.goto(server.base + "/upload?lang=fr")
    note = tmp_path / "note.txt"
    note.write_text("Note de situation : les autorités de Frobnicatrix ont arrêté des journalistes en 2026.")
    page.set_input_files("#files", str(note))
    page.fill("input[name=countries]", "SDN")
    page.check("input[name=nlp]")
    page.click("#upload-submit")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # the server's job, index writer and alert loops do the rest
        page.goto(server.base + "/history?lang=fr")
        if _unread(page) > before:
            break
        time.sleep(0.5)
    assert _unread(page) == before + 1
    page.click("#nav-inbox")
    assert "note" in page.inner_text("#notifications").lower() and "Veille Frobnicatrix" in page.inner_text(
        "#notifications"
    )
    _no_blocking_violation(page, "inbox")
    shot(page, "inbox-after-upload")
    page.click("#mark-all-read")
    page.wait_for_selector("#flash")
    assert _unread(page) == 0

    # history: the search is there, re-run in one click
    page.goto(server.base + "/history?lang=fr")
    _no_blocking_violation(page, "history")
    page.click("#history-table a.rerun >> nth=0")
    assert page.input_value("#q") == "Frobnicatrix"
    assert dialogs == []


def test_a_batch_of_names_gives_its_table_and_csv_and_an_export_downloads(server: Server, browser: Any) -> None:
    page = browser.new_context(locale="fr-FR", accept_downloads=True).new_page()
    login_as(page, server.base, "redac")
    page.goto(server.base + "/batch?lang=fr")
    _no_blocking_violation(page, "batch")
    page.fill("#batch-queries", 'Darfour\nJanjawid\n"Kadugli\nTchad')
    page.click("#batch-run")
    page.wait_for_selector("#batch-table")
    rows = page.query_selector_all("#batch-table tbody tr")
    assert len(rows) == 4
    assert "failed" in (rows[2].get_attribute("class") or "") and "guillemet" in rows[2].inner_text().lower()
    assert page.query_selector_all("#batch-table tbody tr.ok a")  # top hits link to their documents
    _no_blocking_violation(page, "batch results")
    shot(page, "batch-table")
    with page.expect_download() as info:
        page.click("#batch-csv")
    text = Path(info.value.path()).read_text(encoding="utf-8-sig")
    table = list(csv.DictReader(io.StringIO(text)))
    assert {r["query"] for r in table} >= {"Darfour", "Janjawid", "Tchad"}

    page.goto(server.base + "/?q=Soudan&lang=fr")
    total = int("".join(ch for ch in page.inner_text("#total").split()[0] if ch.isdigit()))
    with page.expect_download() as info:
        page.click("#export-csv")
    exported = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8-sig"))))
    assert len(exported) == total > 0
