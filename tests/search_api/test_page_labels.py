"""Pages speak to people, not in codes: every page (cases, case, movements, audit, accounts, decisions,
harmonisation, places, sources, upload, thesaurus, actors, login, verification) rendered as the role that
works in it shows human labels — no outcome, kind, status, role or job codes, no ISO timestamps — and the
verification page opened from a case says which case it is for and checks the applicant's country."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from search_api.app import create_app
from services.context import AppContext
from store.crawls import CrawlRun
from tests.conftest import PASSWORD, People

HTML = {"accept": "text/html"}
# codes the store keeps that must never reach a reader as they are
RAW = [
    "refugee_status",
    "subsidiary_protection",
    "case_document",
    "in_review",
    "origin_default",
    "protection_officer",
    "research_assistant",
    "legal_consultant",
    "armed_group",
    "admin1",
    "case.view",
    "place+event",
]
RAW_IN_FRENCH = ["queued", "running", "failed", "indexed"]  # English words: in French pages, codes
ISO_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT")
ISO_DAY = re.compile(r"\b\d{4}-\d\d-\d\d\b")


def visible_text(page: str) -> str:
    """What a reader sees: no scripts or styles, no tags (so no attributes), entities decoded."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    page = re.sub(r"<title>.*?</title>", " ", page, flags=re.S)  # the SVG charts' tooltips are checked apart
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def assert_human(page: str, where: str, lang: str = "fr") -> str:
    text = visible_text(page)
    codes = RAW + (RAW_IN_FRENCH if lang == "fr" else [])
    found = [code for code in codes if re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", text)]
    assert not found, (where, found)
    assert not ISO_TIMESTAMP.search(text), (where, ISO_TIMESTAMP.search(text))
    assert not ISO_DAY.search(text), (where, ISO_DAY.search(text))
    assert page.count("<h1") == 1, where  # one main heading a page
    assert "<th>" not in page, where  # column headers say they are column headers
    return text


def test_the_checker_sees_what_a_reader_sees() -> None:
    """The check itself: codes in markup (values, attributes) are fine, the same codes as text are not."""
    fine = '<h1>x</h1><option value="refugee_status">Statut de réfugié</option><time datetime="2026-03-02T10:00">'
    assert_human(fine, "fine")
    for bad in ("<h1>x</h1><td>refugee_status</td>", "<h1>x</h1><td>2026-03-02T10:00:00Z</td>", "<h1>x</h1>queued"):
        with pytest.raises(AssertionError):
            assert_human(bad, "bad")


@pytest.fixture(scope="module")
def api(demo_ctx: AppContext, people: People) -> Iterator[TestClient]:
    app = create_app(demo_ctx.settings, context=demo_ctx, writer=False)
    with TestClient(app, base_url="https://testserver") as c:
        yield c


def _h(people: People, user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {people.tokens[user]}", **HTML}


def _pages(people: People) -> list[tuple[str, str, dict[str, str]]]:
    return [
        ("sec_africa", "/cases", {}),
        ("officer_a", "/cases", {}),
        ("officer_a", f"/cases/{people.case_a}", {}),
        ("archivist", f"/cases/{people.case_a}", {}),
        ("sec_africa", f"/cases/{people.case_a}", {}),
        ("archivist", "/movements", {}),
        ("dpo", "/audit", {}),
        ("admin", "/audit", {}),
        ("admin", "/admin/users", {}),
        ("consultant", "/decisions", {}),
        ("consultant", "/decisions", {"q": "réfugié", "country": "SDN"}),
        ("consultant", "/decisions", {"outcome": "refugee_status"}),
        ("consultant", "/harmonisation", {}),
        ("consultant", "/harmonisation", {"country": "SDN"}),
        ("ra", "/places", {"q": "Kadugli"}),
        ("ra", "/places", {"q": "Darfur"}),
        ("ra", "/sources", {}),
        ("ra", "/sources/ukhomeoffice", {}),
        ("ra", "/sources/cnda", {}),
        ("officer_a", "/upload", {}),
        ("admin", "/upload", {}),
        ("ra", "/thesaurus", {}),
        ("ra", "/actors", {}),
        ("officer_a", f"/verify?case={people.case_a}", {}),
        ("ra", "/verify", {}),
    ]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_page_shows_labels_not_codes(api: TestClient, people: People, lang: str) -> None:
    for user, url, params in _pages(people):
        r = api.get(url, params={**params, "lang": lang}, headers=_h(people, user))
        assert r.status_code == 200, (user, url, r.status_code)
        assert_human(r.text, f"{user} {url} {params} {lang}", lang)
    login = api.get("/login", params={"lang": lang}, headers=HTML)
    assert login.status_code == 200 and 'class="stacked"' in login.text
    assert_human(login.text, "login")


def test_the_case_page_names_countries_languages_and_dates(api: TestClient, people: People) -> None:
    page = api.get(f"/cases/{people.case_a}", params={"lang": "fr"}, headers=_h(people, "officer_a")).text
    text = visible_text(page)
    assert "Soudan" in text and "arabe, français" in text and "2 mars 2026" in text
    assert not re.search(r"\bSDN\b", text)  # the nationality by name, its code only in markup
    en = visible_text(api.get(f"/cases/{people.case_a}", params={"lang": "en"}, headers=_h(people, "officer_a")).text)
    assert "Sudan" in en and "Arabic, French" in en and ("2 March 2026" in en or "March 2, 2026" in en)
    # every field of the case's forms has a label around it, free text has room
    for form in re.findall(r"<form\b.*?</form>", page, flags=re.S):
        fields = re.findall(r"<(?:input|select|textarea)\b[^>]*>", form)
        for field in fields:
            if 'type="hidden"' in field:
                continue
            assert "aria-label" in field or re.search(r"<label\b[^>]*>[^<]*" + re.escape(field), form), field
        for rows in re.findall(r"<textarea\b[^>]*rows=\"(\d+)\"", form):
            assert int(rows) >= 4


def test_the_verification_page_opened_from_a_case(api: TestClient, people: People, demo_ctx: AppContext) -> None:
    case_page = api.get(f"/cases/{people.case_a}", headers=_h(people, "officer_a")).text
    link = re.search(r'href="/verify\?case=([0-9a-f]{32})[^"]*" id="verify-for-case"', case_page)
    assert link and link.group(1) == people.case_a, "the case page links to its verification"
    page = api.get("/verify", params={"case": people.case_a, "lang": "fr"}, headers=_h(people, "officer_a")).text
    head = page[page.index('class="verify"') : page.index("<h1")]
    assert "PRIV-2026-0042" in visible_text(head) and f'href="/cases/{people.case_a}?lang=fr"' in head
    assert '<option value="SDN" selected>Soudan</option>' in page  # the applicant's nationality
    assert page.count(" selected>") == 1
    assert f'name="case_id" value="{people.case_a}"' in page
    audited = demo_ctx.audit.query(actor="officer_a", case_id=people.case_a, limit=5)
    assert audited[0].action == "case.verification.open" and audited[0].outcome == "ok"
    # what the user chose is kept over the nationality
    chosen = api.get("/verify", params={"case": people.case_a, "country": "TCD"}, headers=_h(people, "officer_a")).text
    assert '<option value="TCD" selected>Tchad</option>' in chosen and '<option value="SDN" selected>' not in chosen
    # and through the next step, which still says which case it is for
    facts = api.post(
        "/verify/facts",
        data={"statements": "Les FSR ont pris El Fasher en 2023.", "country": "TCD", "case_id": people.case_a},
        headers=_h(people, "officer_a"),
    )
    assert facts.status_code == 200 and "PRIV-2026-0042" in visible_text(facts.text)
    assert 'name="country" value="TCD"' in facts.text


def test_the_verification_page_shows_no_case_data_to_whoever_may_not_read_the_case(
    api: TestClient, people: People, demo_ctx: AppContext
) -> None:
    for user in ("officer_b", "head_asia"):  # same division but not assigned; another division
        r = api.get("/verify", params={"case": people.case_a}, headers=_h(people, user))
        assert r.status_code == 404 and "PRIV-2026-0042" not in r.text and "Soudan" not in visible_text(r.text)
        denied = demo_ctx.audit.query(actor=user, case_id=people.case_a, limit=1)
        assert denied and denied[0].action == "case.verification.open" and denied[0].outcome == "denied"
        r = api.post(
            "/verify/facts",
            data={"statements": "Les FSR ont pris El Fasher.", "case_id": people.case_a},
            headers=_h(people, user),
        )
        assert r.status_code == 404 and "PRIV-2026-0042" not in r.text


def test_harmonisation_chart_labels_are_whole_and_countries_named(api: TestClient, people: People) -> None:
    h = _h(people, "consultant")
    svg = api.get("/api/harmonisation/chart", params={"by": "by_body", "lang": "fr"}, headers=h).text
    rows = re.findall(r'<g class="row-label"><title>(.*?)</title><text[^>]*>(.*?)</text></g>', svg)
    assert rows
    for full, lines in rows:
        shown = re.findall(r"<tspan[^>]*>(.*?)</tspan>", lines)
        assert 1 <= len(shown) <= 2 and all(len(html.unescape(s)) <= 26 for s in shown), shown
        assert " ".join(shown).rstrip("…").replace("…", "") in full or shown[0] in full
    bodies = api.get("/api/harmonisation", headers=h).json()["by_body"]
    assert {html.unescape(full) for full, _ in rows} == set(bodies)  # every label whole in its tooltip
    sudan = api.get("/api/harmonisation/chart", params={"country": "SDN", "lang": "fr"}, headers=h).text
    assert "Issues par année — Soudan" in sudan
    page = api.get("/harmonisation", params={"country": "SDN"}, headers=h).text
    assert "— Soudan" in visible_text(page) and '<option value="SDN" selected>Soudan</option>' in page


def test_after_a_form_the_page_says_what_was_done(fresh_ctx: AppContext) -> None:
    ctx = fresh_ctx
    ra = ctx.accounts.create_user("ra", PASSWORD, ["research_assistant"])
    headers = {"Authorization": f"Bearer {ctx.accounts.create_token(ra.user_id, 't')[1]}", **HTML}
    app = create_app(ctx.settings, context=ctx, writer=False)
    with TestClient(app, base_url="https://testserver") as client:
        r = client.post(
            "/thesaurus",
            data={"concept_id": "malaria", "fr": "paludisme", "en": "malaria"},
            headers=headers,
            follow_redirects=False,
        )
        assert r.status_code == 303 and "done=concept_saved" in r.headers["location"]
        page = client.get(r.headers["location"], headers=headers).text
        assert 'id="flash"' in page and "Termes ajoutés au thésaurus" in page
        assert '<td lang="fr">paludisme</td>' in page  # the French terms say they are French
        assert_human(page, "thesaurus")


def test_upload_jobs_and_crawl_runs_in_the_page_language(fresh_ctx: AppContext) -> None:
    """A job waiting in the queue and a crawl still running: their states in words, in both languages, and
    upload.js gets the same words from the page."""
    ctx = fresh_ctx
    ra = ctx.accounts.create_user("ra", PASSWORD, ["research_assistant"])
    headers = {"Authorization": f"Bearer {ctx.accounts.create_token(ra.user_id, 't')[1]}", **HTML}
    with ctx.db.session() as s:
        s.add(
            CrawlRun(
                source="cnda",
                status="running",
                errors=[{"url": "https://x.example/a", "kind": "http", "message": "HTTP 500"}],
            )
        )
    app = create_app(ctx.settings, context=ctx, writer=False)  # no job loop: the job stays queued
    with TestClient(app, base_url="https://testserver") as client:
        sent = client.post(
            "/api/documents", files={"files": ("note.txt", b"Une note sur le Darfour.", "text/plain")}, headers=headers
        )
        assert sent.status_code == 202 and sent.json()["jobs"][0]["status"] == "queued"
        for lang, queued, running in (("fr", "en attente", "en cours"), ("en", "queued", "running")):
            upload = client.get("/upload", params={"lang": lang}, headers=headers).text
            status = re.search(r'<td class="job-status">(.*?)</td>', upload)
            assert status and status.group(1).strip() == queued
            labels = re.search(r"data-labels='([^']*)'", upload)
            assert labels and f'"queued": "{queued}"' in html.unescape(labels.group(1))
            sources = client.get("/sources", params={"lang": lang}, headers=headers).text
            assert running in visible_text(sources)
            cnda = client.get("/sources/cnda", params={"lang": lang}, headers=headers).text
            assert ("erreur HTTP" if lang == "fr" else "HTTP error") in visible_text(cnda)
            if lang == "fr":
                assert_human(upload, "upload")
                assert_human(sources, "sources")
                assert_human(cnda, "source")
