"""End to end in a real browser: uvicorn serving the demo, Debian's Chromium driven by Playwright.

The test types a query, clicks a facet, excludes a value and opens a document; a hostile document
must render inert (no dialog, no injected element).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.search_api.browser_fixtures import Server, _login, skip_without_chromium

pytestmark = pytest.mark.browser
skip_without_chromium()  # or fail, when COIDESK_REQUIRE_BROWSER is set


def test_search_facet_exclude_and_open_document(server: Server, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    _login(page, server.base)
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
    page.goto(server.base + "/?q=Massalit")
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


def test_hostile_markup_stays_inert(server: Server, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    _login(page, server.base)
    page.goto(server.base + "/?q=Quuxland")
    page.wait_for_selector(".hit")
    assert page.locator(".hit img").count() == 0 and page.locator(".hit script").count() == 0
    assert "<script>" in page.inner_text(".snippet")  # shown as text
    page.click(".hit-title")
    page.wait_for_selector("#doc-title")
    assert page.locator("article img").count() == 0 and page.locator("article b").count() == 0
    page.wait_for_timeout(300)
    assert dialogs == []


def test_stored_xss_in_a_case_stays_inert_and_forms_work(server: Server, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    _login(page, server.base)
    page.click("#nav-cases")
    page.wait_for_selector("#case-list")
    page.click("#case-list a")
    page.wait_for_selector("#case-reference")
    assert "XSS-2026-1" in page.inner_text("#case-reference")
    assert "<script>" in page.inner_text("#applicants")  # shown as text, not run
    assert page.locator("article script").count() == 0 and page.locator("article img").count() == 0
    assert page.locator("article a[href^='javascript']").count() == 0
    # a note through the form (CSRF token carried by the form), then the case's document
    page.fill("#note-text", "Vérifier la chronologie")
    page.click("#note-submit")
    page.wait_for_selector("#notes")
    assert "Vérifier la chronologie" in page.inner_text("#notes")
    page.click("#case-documents a")
    page.wait_for_selector("#doc-title")
    assert "<script>" in page.inner_text("#doc-title") and page.locator("article img").count() == 0
    page.wait_for_timeout(300)
    assert dialogs == []
    # logout ends the session: the case page sends back to the login form
    page.click("#logout")
    page.wait_for_selector("#login-form")
    page.goto(f"{server.base}/cases/{server.case_id}")
    page.wait_for_selector("#login-form")


def test_server_log_holds_no_case_data(server: Server, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    _login(page, server.base)
    page.goto(f"{server.base}/cases/{server.case_id}")
    page.goto(server.base + "/?q=Zed")
    logged = server.log.read_text()
    assert "GET /cases/{case_id} 200" in logged  # the request log is on
    for secret in ("Zed", "XSS-2026-1", "Vérifier", server.case_id, server.token, "onerror"):
        assert secret not in logged, secret


def test_upload_page_drag_and_drop_with_per_file_status(server: Server, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    _login(page, server.base)
    page.click("#nav-upload")
    page.wait_for_selector("#upload-form")
    good = tmp_path / "note-<img src=x onerror=alert(1)>.txt"
    good.write_text("Note de terrain : des combats à Kadugli en juin 2024.")
    bad = tmp_path / "cassé.pdf"
    bad.write_bytes(b"%PDF-1.4\n1 0 obj <<")
    page.set_input_files("#files", [str(good), str(bad)])
    page.click("#upload-submit")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#upload-progress .upload-status')].filter(s => /indexed|indexing|enriching|failed/.test(s.dataset.status || '')).length === 2",
        timeout=60_000,
    )
    statuses = page.locator("#upload-progress li").all_inner_texts()
    assert any("note-<img src=x onerror=alert(1)>.txt" in s for s in statuses)  # the name is shown as text
    assert any("cassé.pdf" in s and "Fichier illisible ou tronqué" in s for s in statuses)  # words, not codes
    assert page.locator("#upload-progress img").count() == 0
    assert page.locator("#jobs img").count() == 0
    page.reload()
    page.wait_for_selector("#jobs")
    table = page.inner_text("#jobs")
    assert "Fichier illisible ou tronqué" in table  # the reason in plain words, in French
    assert dialogs == []


def test_verify_statements_of_a_case_and_export_the_draft(server: Server, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """An officer checks statements for a case: facts extracted, one dropped, statuses shown (documents not
    enriched yet are read on the fly), the draft query response downloaded; nothing of it in the server log."""
    page = browser.new_page(accept_downloads=True)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    _login(page, server.base)
    page.click("#nav-verify")
    page.wait_for_selector("#statements-form")
    page.goto(f"{server.base}/verify?case={server.case_id}")
    page.fill(
        "#statements",
        "Le demandeur déclare que les Forces de soutien rapide ont pris El Fasher. "
        "Il ajoute <script>alert('v')</script> que son oncle Zorblaxien vit à Kadugli.",
    )
    page.select_option("#country", "SDN")
    page.click("#split-facts")
    page.wait_for_selector("#facts-form")
    assert page.locator("tr.fact").count() == 2
    assert "El Fasher" in page.inner_text("#facts") and "Rapid Support Forces" in page.inner_text("#facts")
    page.uncheck('input[name="fact_1_keep"]')  # the officer drops the second fact
    page.click("#run-verify")
    page.wait_for_selector(".fact-result")
    assert page.locator(".fact-result").count() == 1
    assert "Corroboré" in page.inner_text(".fact-result .status")
    elements = page.locator(".fact-result table.fact-elements")  # element by element, with a caption
    assert "Élément par élément" in elements.locator("caption").inner_text()
    assert "Lieu" in elements.inner_text() and "confirmé" in elements.inner_text()
    assert "Port Sudan" in page.inner_text(".fact-result") or "El Fasher" in page.inner_text(".fact-result blockquote")
    with page.expect_download() as download:
        page.click("#export-docx")
    path = tmp_path / "draft.docx"
    download.value.save_as(path)
    from docx import Document as Docx

    text = "\n".join(p.text for p in Docx(str(path)).paragraphs)
    assert "XSS-2026-1" in text and "Corroboré." in text and "[1]" in text
    assert dialogs == []
    log = server.log.read_text()
    assert "Fasher" not in log and "Zorblaxien" not in log and "XSS-2026-1" not in log


def test_harmonisation_chart_and_a_decision_structure(server: Server, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The harmonisation page draws its charts as inline SVG (no script), its numbers lead to the decisions,
    and a decision page shows where each value was read."""
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    _login(page, server.base)
    page.click("#nav-harmonisation")
    page.wait_for_selector("#outcomes")
    assert int(page.inner_text("#harmonisation-total strong")) >= 15
    assert page.locator("#chart-by_year svg rect").count() > 3 and page.locator("svg script").count() == 0
    page.screenshot(path=str(tmp_path / "harmonisation.png"))
    page.select_option('#harmonisation-filters select[name="country"]', "SDN")
    page.click("#harmonisation-filters button")
    page.wait_for_selector("#outcomes")
    assert "country=SDN" in page.url
    page.click("#outcomes a")  # the decisions behind a number
    page.wait_for_selector("#precedents .hit")
    page.click("#precedents .hit-title")
    page.wait_for_selector("#decision-structure")
    fields = page.inner_text("#structure-fields")
    assert "Lecture du" in fields and "Soudan" in fields and "CNDA" in fields
    assert page.locator("#special-data").count() == 1  # a protection officer sees special-category data
    assert dialogs == []
