"""In Chromium: a research assistant writes a report citing a passage selected in the viewer, a reviewer
publishes it, and every page of the flow passes axe-core (no serious or critical violation)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.search_api.browser_fixtures import Server, login_as, shot, skip_without_chromium
from tests.search_api.test_accessibility import assert_no_blocking_violation as _no_blocking_violation

pytestmark = pytest.mark.browser
skip_without_chromium()


def test_a_report_cites_a_selected_passage_and_a_reviewer_publishes_it(server: Server, browser: Any) -> None:
    author = browser.new_context(locale="fr-FR").new_page()
    dialogs: list[str] = []
    author.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    login_as(author, server.base, "redac")

    # a new report: reviewers are chosen among the accounts that may review
    author.goto(server.base + "/reports")
    _no_blocking_violation(author, "reports")
    author.fill("#report-title", "Soudan : retours par Port-Soudan")
    author.fill("input[name=country]", "SDN")
    author.check("input[name=reviewers][value=relect]")
    assert author.locator("input[name=reviewers][value=redac]").count() == 0  # never oneself
    author.click("#create-report")
    author.wait_for_selector("#flash")
    assert "Rapport créé" in author.inner_text("#flash")
    report_url = author.url.split("?")[0]
    author.fill("#new-section-title", "Retours")
    author.fill("#new-section-text", "Ce que disent les sources sur les retours.")
    author.click("#add-section-button")
    author.wait_for_selector("#flash")
    _no_blocking_violation(author, "report (draft)")
    shot(author, "report-draft")

    # search, open a hit in the viewer: the query is marked, occurrences can be walked
    author.fill("#q", "Port Sudan return")
    author.click("#search-button")
    author.wait_for_selector(".hit-title")
    _no_blocking_violation(author, "search")
    search_url = author.url
    author.click(".hit-title")
    author.wait_for_selector("#doc-text")
    _no_blocking_violation(author, "document")
    assert author.locator("#doc-text mark.hit").count() >= 2
    author.click("#hit-next")
    author.click("#hit-next")
    assert author.locator("mark.hit.current").count() == 1
    assert "2" in author.inner_text("#hit-pos")
    # back to the results keeps the query and filters
    back = author.get_attribute("#back-to-results", "href")
    assert back is not None and "q=Port+Sudan+return" in back
    shot(author, "viewer")

    # select the sentence around the current occurrence, cite it with the button
    selected = author.evaluate(
        """() => {
        const mark = document.querySelector('mark.hit.current');
        const node = mark.firstChild;
        const range = document.createRange();
        const start = mark.previousSibling && mark.previousSibling.nodeType === 3 ? mark.previousSibling : node;
        const from = start === node ? 0 : Math.max(0, start.textContent.length - 40);
        range.setStart(start, from);
        range.setEnd(node, node.textContent.length);
        const sel = window.getSelection();
        sel.removeAllRanges();
        sel.addRange(range);
        return sel.toString();
    }"""
    )
    assert len(selected.strip()) >= 3
    author.click("#cite-selection")
    quoted = author.input_value("#cite-quote")
    assert quoted and " ".join(selected.split())[:20] in quoted
    rid = report_url.rsplit("/", 1)[1]
    target = author.locator(f"select[name=target] option[value^='{rid}:']").first.get_attribute("value")
    author.select_option("select[name=target]", value=target)
    author.click("#cite-submit")
    author.wait_for_selector("#flash")
    assert author.url.startswith(report_url)
    assert author.locator(".citation blockquote").count() == 1
    # submit for review: the reviewer chosen at creation is kept
    assert author.is_checked("input[name=reviewers][value=relect]")
    author.click("#submit-review")
    author.wait_for_selector("#review-state")
    assert "relect" in author.inner_text("#review-state")
    assert author.locator("#publish").count() == 0  # the author never publishes
    _no_blocking_violation(author, "report (in review, author)")

    # the reviewer comments and publishes
    reviewer = browser.new_context(locale="fr-FR").new_page()
    reviewer.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    login_as(reviewer, server.base, "relect")
    reviewer.goto(report_url)
    _no_blocking_violation(reviewer, "report (in review, reviewer)")
    reviewer.fill("#comment-text", "Source vérifiée, à publier.")
    reviewer.click("#comment-button")
    reviewer.wait_for_selector("#flash")
    reviewer.click("#publish")
    reviewer.wait_for_selector("#flash")
    assert reviewer.inner_text("#report-status") == "publié"
    assert "Source vérifiée" in reviewer.inner_text("#comments")
    _no_blocking_violation(reviewer, "report (published)")
    shot(reviewer, "published")

    # the search the author left is where "back to results" leads
    author.goto(server.base + back)
    assert author.locator(".hit-title").count() >= 1 and author.input_value("#q") == "Port Sudan return"
    assert search_url.split("?")[1].split("&")[0] in author.url
    assert dialogs == []
