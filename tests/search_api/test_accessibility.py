"""Accessibility in Chromium: axe-core (WCAG 2.0/2.1 A and AA rules) on every page, for every role, and
the keyboard path through the header and the search facets.

Each (role, page) is one test: it fails on any serious or critical violation and names the rule, its impact,
its help text and up to three target selectors. Every violation (all impacts) goes to
test-artifacts/axe-report.json.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from tests.search_api.browser_fixtures import ARTIFACTS, Server, login_as, shot, skip_without_chromium

pytestmark = pytest.mark.browser
skip_without_chromium()  # or fail, when COIDESK_REQUIRE_BROWSER is set

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
BLOCKING = ("serious", "critical")
REPORT_PATH = ARTIFACTS / "axe-report.json"
UNKNOWN_DOC = "f" * 20

# the pages of every account (what its menu leads to), then the pages of some roles only
COMMON = [
    "search",
    "search-no-result",
    "document-coi",
    "document-decision",
    "document-pdf",
    "upload",
    "cases",
    "places",
    "thesaurus",
    "actors",
    "sources",
    "source",
    "reports",
    "report",
    "decisions",
    "harmonisation",
]
VERIFY = ["verify", "verify-facts", "verify-result"]  # officers, research assistants, legal consultants
CASE = ["case"]  # who sees the case: its head, its officer, a consultant on grant, the secretaries, archivists
ROLE_PAGES: dict[str, list[str]] = {
    "cheffe": COMMON + VERIFY + CASE,
    "officier": COMMON + VERIFY + CASE,
    "redac": COMMON + VERIFY,
    "relect": COMMON + VERIFY,
    "juriste": COMMON + VERIFY + CASE,
    "secretariat": COMMON + CASE,
    "archives": COMMON + CASE + ["movements"],
    "admin": COMMON + ["admin-users", "audit"],
    "dpo": COMMON + ["audit"],
}
SPECIAL = [(None, "login"), ("redac", "error-404"), ("redac", "error-403")]
CASES = [(role, key) for role, keys in ROLE_PAGES.items() for key in keys] + SPECIAL


@dataclass
class Targets:
    """What the pages show: documents, a report with a section and a citation, a source, the case."""

    coi: str
    decision: str
    pdf: str | None
    report: str
    source: str
    case: str
    results: list[dict[str, Any]] = field(default_factory=list)


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _first_hit(base: str, token: str, **params: str) -> dict[str, Any]:
    r = httpx.get(f"{base}/api/search", headers=_bearer(token), params={"size": "1", **params}, timeout=30)
    assert r.status_code == 200, r.text
    hits = r.json()["hits"]
    assert hits, params
    return dict(hits[0])


def _pdf_bytes() -> bytes:
    from weasyprint import HTML

    html = (
        "<html lang='fr'><body><h1>Note de recherche : Vortellie</h1>"
        "<p>Une note PDF de test d'accessibilité : des déplacements signalés à Kadugli en juin 2024.</p></body></html>"
    )
    return bytes(HTML(string=html).write_pdf())


def _upload_pdf(base: str, token: str) -> str | None:
    files = {"files": ("note-vortellie.pdf", _pdf_bytes(), "application/pdf")}
    r = httpx.post(
        f"{base}/api/documents",
        headers=_bearer(token),
        files=files,
        data={"kind": "coi", "title": "Note de recherche Vortellie", "countries": "SDN", "nlp": "false"},
        timeout=60,
    )
    assert r.status_code == 202, r.text
    job = r.json()["jobs"][0]["id"]
    for _ in range(150):
        body = httpx.get(f"{base}/api/jobs/{job}", headers=_bearer(token), timeout=10).json()
        if body.get("document_id"):
            return str(body["document_id"])
        if body.get("status") == "failed":
            return None
        time.sleep(0.2)
    return None


@pytest.fixture(scope="module")
def targets(server: Server) -> Targets:
    base, redac, cheffe = server.base, server.tokens["redac"], server.token
    coi = _first_hit(base, redac, q='"Return by air to Port Sudan is viable"', kind="coi")
    decision = _first_hit(base, redac, q="Massalit", kind="decision")
    pdf = _upload_pdf(base, redac)
    # a report written by the research desk: a section and a cited passage
    r = httpx.post(
        f"{base}/api/reports",
        headers=_bearer(redac),
        json={
            "title": "Soudan : situation sécuritaire au Darfour",
            "locale": "fr",
            "country": "SDN",
            "questions": ["Quelle est la situation sécuritaire au Darfour ?"],
            "sources": "Home Office (CPIN), USDOS",
            "period": "avril 2023 – juillet 2026",
            "reviewers": ["relect"],
        },
    )
    assert r.status_code == 201, r.text
    report = r.json()["id"]
    r = httpx.post(
        f"{base}/api/reports/{report}/sections",
        headers=_bearer(redac),
        json={"title": "Darfour", "text": "Synthèse des sources sur la situation sécuritaire."},
    )
    assert r.status_code == 201, r.text
    cited = httpx.post(
        f"{base}/api/reports/{report}/citations",
        headers=_bearer(redac),
        json={
            "section_id": r.json()["id"],
            "document_id": coi["id"],
            "quote": "Return by air to Port Sudan is viable.",
        },
    )
    assert cited.status_code == 201, cited.text
    sources = httpx.get(f"{base}/api/sources", headers=_bearer(redac)).json()
    assert sources
    held = [s for s in sources if s.get("documents")] or sources
    # the case: assigned to the officer, a legal consultant on grant (its head, cheffe, sees it anyway)
    h = _bearer(cheffe)
    assert httpx.patch(
        f"{base}/api/cases/{server.case_id}", headers=h, json={"assigned_officer": "officier"}
    ).is_success
    grant = {"username": "juriste", "reason": "harmonisation", "expires_on": str(dt.date.today() + dt.timedelta(30))}
    assert httpx.post(f"{base}/api/cases/{server.case_id}/grants", headers=h, json=grant).status_code == 201
    return Targets(coi["id"], decision["id"], pdf, str(report), str(held[0]["id"]), server.case_id)


@pytest.fixture(scope="module")
def contexts(browser: Any, server: Server) -> Iterator[Callable[[str | None], Any]]:
    """One logged-in browser context per account (None: not logged in), made on first use."""
    made: dict[str | None, Any] = {}

    def get(username: str | None) -> Any:
        if username not in made:
            ctx = browser.new_context(locale="fr-FR")
            if username is not None:
                page = ctx.new_page()
                login_as(page, server.base, username)
                page.close()
            made[username] = ctx
        return made[username]

    yield get
    for ctx in made.values():
        ctx.close()


@pytest.fixture(scope="module")
def axe_report(targets: Targets) -> Iterator[list[dict[str, Any]]]:
    yield targets.results
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    rules: dict[str, dict[str, Any]] = {}
    for page in targets.results:
        for v in page["violations"]:
            r = rules.setdefault(v["id"], {"impact": v["impact"], "help": v["help"], "pages": 0, "nodes": 0})
            r["pages"] += 1
            r["nodes"] += v["nodes"]
    report = {
        "axe": "4.12.1",
        "tags": AXE_OPTIONS["runOnly"]["values"],  # type: ignore[index]
        "by_rule": dict(sorted(rules.items())),
        "pages": targets.results,
    }
    REPORT_PATH.write_text(json.dumps(report, ensure_ascii=False, indent=1))


def _goto(page: Any, url: str) -> int:
    response = page.goto(url)
    page.wait_for_load_state("load")
    return int(response.status) if response is not None else 0


def _open(page: Any, base: str, key: str, t: Targets) -> int:
    """Bring the page to the state to check; returns the HTTP status of the last navigation."""
    simple = {
        "search": "/?q=Darfour",
        "search-no-result": "/?q=Zzyzxqvwk",
        "document-coi": f"/documents/{t.coi}",
        "document-decision": f"/documents/{t.decision}",
        "document-pdf": f"/documents/{t.pdf}",
        "upload": "/upload",
        "cases": "/cases",
        "case": f"/cases/{t.case}",
        "places": "/places",
        "thesaurus": "/thesaurus",
        "actors": "/actors",
        "sources": "/sources",
        "source": f"/sources/{t.source}",
        "reports": "/reports",
        "report": f"/reports/{t.report}",
        "decisions": "/decisions",
        "harmonisation": "/harmonisation",
        "movements": "/movements",
        "admin-users": "/admin/users",
        "audit": "/audit",
        "login": "/login",
        "error-404": f"/documents/{UNKNOWN_DOC}",
        "error-403": "/admin/users",
        "verify": "/verify",
    }
    if key == "document-pdf" and t.pdf is None:
        pytest.fail("the PDF upload did not give a document")
    if key in simple:
        return _goto(page, base + simple[key])
    assert key in ("verify-facts", "verify-result"), key
    page.set_default_timeout(120_000)  # the first statement checked loads the verifier's models
    _goto(page, base + "/verify")
    page.fill(
        "#statements",
        "Le demandeur déclare que les Forces de soutien rapide ont pris El Fasher en octobre 2024. "
        "Il ajoute que son oncle vit à Kadugli.",
    )
    if page.locator("#country").evaluate("e => e.tagName") == "SELECT":
        page.select_option("#country", "SDN")
    else:
        page.fill("#country", "SDN")
    with page.expect_navigation():
        page.click("#split-facts")
    page.wait_for_selector("#facts-form")
    if key == "verify-facts":
        return 200
    with page.expect_navigation():
        page.click("#run-verify")
    page.wait_for_selector(".fact-result")
    return 200


def _compact(v: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": v["id"],
        "impact": v.get("impact"),
        "help": v.get("help"),
        "nodes": len(v.get("nodes", [])),
        "targets": [" ".join(map(str, n.get("target", []))) for n in v.get("nodes", [])[:3]],
        "html": [str(n.get("html", ""))[:160] for n in v.get("nodes", [])[:3]],
        "helpUrl": v.get("helpUrl"),
    }


def assert_no_blocking_violation(page: Any, where: str) -> None:
    """For flow tests: the page as it is now has no serious or critical violation."""
    bad = [v for v in run_axe(page) if v["impact"] in BLOCKING]
    assert not bad, f"{where}: {bad}"


def run_axe(page: Any) -> list[dict[str, Any]]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=AXE_OPTIONS)
    return [_compact(v) for v in results.response.get("violations", [])]


@pytest.mark.parametrize(("role", "key"), CASES, ids=[f"{r or 'anonymous'}-{k}" for r, k in CASES])
def test_no_serious_axe_violation(
    role: str | None,
    key: str,
    server: Server,
    contexts: Callable[[str | None], Any],
    targets: Targets,
    axe_report: list[dict[str, Any]],
    pages: list[Any],
) -> None:
    page = contexts(role).new_page()
    pages.append(page)  # screenshotted if the test fails, closed after it
    status = _open(page, server.base, key, targets)
    expected = {"error-403": 403, "error-404": 404}.get(key, 200)
    shot(page, f"axe-{role or 'anonymous'}-{key}")
    violations = run_axe(page)
    name = f"{role or 'anonymous'}/{key}"
    path = page.url.removeprefix(server.base)
    axe_report.append({"page": name, "url": path, "status": status, "violations": violations})
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    lines = [f"{name} ({path}, HTTP {status}): {len(blocking)} serious/critical axe violation(s)"]
    if status != expected:
        lines.insert(
            0, f"{name} ({path}) answered HTTP {status}, not {expected}: the page checked is not the one meant"
        )
    lines += [
        f"  - {v['id']} [{v['impact']}] {v['help']} — {v['nodes']} node(s): {' | '.join(v['targets'])}"
        for v in blocking
    ]
    assert status == expected and not blocking, "\n".join(lines)


# ---- keyboard -------------------------------------------------------------------------------------------
ACTIVE = """() => { const e = document.activeElement; if (!e) return null;
  const closed = e.tagName === 'SUMMARY' && e.parentElement.tagName === 'DETAILS' && !e.parentElement.open;
  return {tag: e.tagName.toLowerCase(), id: e.id || '', cls: String(e.className || ''),
          kb: e.dataset ? (e.dataset.kb || '') : '', closed: closed ? '1' : ''}; }"""


def _tab(page: Any) -> dict[str, str]:
    page.keyboard.press("Tab")
    return dict(page.evaluate(ACTIVE) or {})


@pytest.mark.parametrize("where", ["search", "document-coi"])
def test_tab_reaches_skip_link_first_then_the_search_box(
    where: str, server: Server, contexts: Callable[[str | None], Any], targets: Targets, pages: list[Any]
) -> None:
    page = contexts("redac").new_page()
    pages.append(page)
    _open(page, server.base, where, targets)
    first = _tab(page)
    assert "skip-link" in first.get("cls", ""), f"the first Tab stop is {first}, not the skip-to-content link"
    seen = [first]
    for _ in range(15):
        if seen[-1].get("id") == "q":
            break
        seen.append(_tab(page))
    assert seen[-1].get("id") == "q", f"the search box is not reached in 15 Tab presses: {seen}"


def test_skip_link_moves_focus_to_the_main_content(
    server: Server, contexts: Callable[[str | None], Any], targets: Targets, pages: list[Any]
) -> None:
    page = contexts("redac").new_page()
    pages.append(page)
    _open(page, server.base, "search", targets)
    assert "skip-link" in _tab(page).get("cls", "")
    page.keyboard.press("Enter")
    focused = page.evaluate(ACTIVE)
    assert focused and focused["id"] == "main", f"after the skip link, focus is on {focused}"


def test_every_facet_link_is_reachable_by_keyboard(
    server: Server, contexts: Callable[[str | None], Any], targets: Targets, pages: list[Any]
) -> None:
    page = contexts("redac").new_page()
    pages.append(page)
    _open(page, server.base, "search", targets)
    total = page.evaluate(
        """() => { const links = [...document.querySelectorAll('.facets a.facet-value, .facets a.facet-exclude')];
        links.forEach((a, i) => { a.dataset.kb = String(i + 1); }); return links.length; }"""
    )
    assert total > 0, "the search page shows no facet link"
    tabbable = page.evaluate(
        """() => [...document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]')]
        .filter(e => e.tabIndex >= 0 && !e.disabled).length"""
    )
    reached: set[str] = set()
    first = _tab(page)
    for _ in range(tabbable + total + 20):
        now = _tab(page)
        if now.get("kb"):
            reached.add(now["kb"])
        if now.get("closed"):  # a folded facet (<details>): Enter on its summary opens it, as a keyboard user does
            page.keyboard.press("Enter")
        elif now == first:  # back to the top of the page
            break
    missing = sorted(set(map(str, range(1, total + 1))) - reached, key=int)
    if missing:
        labels = page.evaluate(
            """(ids) => ids.map(i => { const a = document.querySelector(`[data-kb="${i}"]`);
            return a.closest('[data-facet]').dataset.facet + ': ' + (a.getAttribute('aria-label') || a.textContent.trim()); })""",
            missing,
        )
        pytest.fail(f"{len(missing)} of {total} facet links are not reached by Tab: {labels[:10]}")
