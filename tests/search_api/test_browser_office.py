"""In Chromium, the registration desk and the archives: a secretary registers a case from the page, an
archivist adds a store and moves the file there; each step says what was done and passes axe-core."""

from __future__ import annotations

from typing import Any

import pytest

from tests.search_api.browser_fixtures import Server, login_as, shot, skip_without_chromium
from tests.search_api.test_accessibility import assert_no_blocking_violation as _no_blocking_violation

pytestmark = pytest.mark.browser
skip_without_chromium()


def test_a_secretary_registers_a_case_and_an_archivist_moves_its_file(server: Server, browser: Any) -> None:
    secretary = browser.new_context(locale="fr-FR").new_page()
    dialogs: list[str] = []
    secretary.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    login_as(secretary, server.base, "secretariat")
    secretary.goto(server.base + "/cases")
    _no_blocking_violation(secretary, "cases")
    secretary.fill("#new-case input[name=reference]", "BRW-2026-0007")
    secretary.fill("#new-case input[name=applicant_name]", "Demandeuse fictive C")
    secretary.select_option("#new-case select[name=nationality]", "ERI")
    secretary.click("#new-case button[type=submit]")
    secretary.wait_for_selector("#flash")
    case_url = secretary.url.split("?")[0]
    assert "/cases/" in case_url and "BRW-2026-0007" in secretary.inner_text("main")
    assert "Érythrée" in secretary.inner_text("main")  # the nationality by name, not ERI
    _no_blocking_violation(secretary, "case (secretary)")
    shot(secretary, "case-registered")

    archivist = browser.new_context(locale="fr-FR").new_page()
    archivist.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    login_as(archivist, server.base, "archives")
    archivist.goto(server.base + "/movements")
    _no_blocking_violation(archivist, "movements")
    archivist.fill("form[aria-labelledby=add-location] input[name=code]", "MAG-B")
    archivist.fill("form[aria-labelledby=add-location] input[name=name]", "Magasin B")
    archivist.click("form[aria-labelledby=add-location] button[type=submit]")
    archivist.wait_for_selector("#flash")
    assert "Magasin B" in archivist.inner_text("#locations")
    archivist.goto(case_url)
    archivist.select_option("#move-form select[name=to_location]", "MAG-B")
    archivist.click("#move-submit")
    archivist.wait_for_selector("#flash")
    assert "Magasin B" in archivist.inner_text("#movements")
    _no_blocking_violation(archivist, "case (archivist)")
    shot(archivist, "file-moved")
    assert dialogs == []
