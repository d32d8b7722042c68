"""COI reports on the demo corpus through the API and the pages: passages pinned to document versions,
EUAA footnotes and bibliography, review workflow, a changed source detected, exports in DOCX, PDF, HTML."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator

import pytest
from docx import Document as Docx
from fastapi.testclient import TestClient
from pypdf import PdfReader

from search_api.app import create_app
from services.context import AppContext
from store.schemas import DocumentCreate
from tests.conftest import PASSWORD, People

SECURITY = "bee7ef086084e8ed7819"  # CPIN Sudan security situation, July 2026
NAD = "2dc82e5e98178032b7cd"  # CPIN non-Arab Darfuris, October 2024


@pytest.fixture(scope="module")
def api(demo_ctx: AppContext, people: People) -> Iterator[TestClient]:
    if demo_ctx.accounts.user_by_name("ra2") is None:
        p = demo_ctx.accounts.create_user("ra2", PASSWORD, ["research_assistant"], "Relectrice")
        people.tokens["ra2"] = demo_ctx.accounts.create_token(p.user_id, "t")[1]
    app = create_app(demo_ctx.settings, context=demo_ctx, writer=False)
    with TestClient(app, base_url="https://testserver") as c:
        yield c


def _h(people: People, user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {people.tokens[user]}"}


def test_report_workflow_footnotes_and_exports(api: TestClient, people: People, demo_ctx: AppContext) -> None:
    ra, ra2, officer = _h(people, "ra"), _h(people, "ra2"), _h(people, "officer_a")
    new = {
        "title": "Soudan : situation sécuritaire au Darfour",
        "locale": "fr",
        "country": "SDN",
        "questions": ["Quelle est la situation sécuritaire au Darfour ?"],
        "sources": "Home Office (CPIN), USDOS",
        "period": "avril 2023 – juillet 2026",
        "reviewers": ["ra2"],
    }
    assert api.post("/api/reports", json=new, headers=officer).status_code == 403  # the research desk writes
    rid = api.post("/api/reports", json=new, headers=ra).json()["id"]
    sid = api.post(f"/api/reports/{rid}/sections", json={"title": "Darfour", "text": "Synthèse."}, headers=ra).json()[
        "id"
    ]

    quote = {"section_id": sid, "document_id": SECURITY, "quote": "Return by air to Port Sudan is viable."}
    assert api.post(f"/api/reports/{rid}/citations", json=quote, headers=ra).status_code == 201
    # spacing and line breaks may differ from the text, a snippet's marks and ellipses are ignored
    snippet = {
        "section_id": sid,
        "document_id": NAD,
        "quote": "… engaging in <mark>ethnically</mark>  motivated\nattacks …",
        "mode": "paraphrase",
        "paraphrase": "Les FSR et leurs alliés mènent des attaques à caractère ethnique.",
    }
    assert api.post(f"/api/reports/{rid}/citations", json=snippet, headers=ra).status_code == 201
    missing = api.post(
        f"/api/reports/{rid}/citations", json=quote | {"quote": "Nothing like this is written."}, headers=ra
    )
    assert missing.status_code == 400 and missing.json()["error"]["code"] == "passage_not_found"
    case_doc = api.post(
        f"/api/reports/{rid}/citations", json=quote | {"document_id": people.doc_a, "quote": "Xylophantine"}, headers=ra
    )
    assert case_doc.status_code == 404  # case documents are never cited

    report = api.get(f"/api/reports/{rid}", headers=officer).json()  # everyone reads
    first, second = report["sections"][0]["citations"]
    d = demo_ctx.store.get(SECURITY)
    assert first["sha256"] == d.sha256 and first["document_version"] == d.version and not first["source_changed"]
    assert first["quote"] == "Return by air to Port Sudan is viable." and first["paragraph"] >= 1
    assert second["mode"] == "paraphrase" and "ethnically motivated" in second["quote"]

    docx = api.get(f"/api/reports/{rid}/export", params={"format": "docx"}, headers=officer)
    text = "\n".join(p.text for p in Docx(io.BytesIO(docx.content)).paragraphs)
    today = dt.date.today()
    assert "« Return by air to Port Sudan is viable. » [1]" in text
    assert "Les FSR et leurs alliés mènent des attaques à caractère ethnique. [2]" in text
    assert (
        "[1] UK Home Office, Country policy and information note: security situation, Sudan (version 3.0), 1er juillet 2026"
        in text
    )
    assert "UK Home Office (United Kingdom: Home Office), Country policy and information note: non-Arab Darfuri" in text
    assert f"consulté le {today.day if today.day > 1 else '1er'}" in text and "Termes de référence" in text
    assert "Relecture (contrôle qualité) : ra2" in text and "Avertissement" in text
    pdf = api.get(f"/api/reports/{rid}/export", params={"format": "pdf"}, headers=officer).content
    pdf_text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert (
        "Port Sudan is viable" in pdf_text
        and "Bibliographie" in pdf_text
        and "UK Home Office, Country policy" in pdf_text
    )

    # review: the author cannot publish alone; a reviewer comments and publishes; published is frozen
    assert api.post(f"/api/reports/{rid}/publish", headers=ra).status_code == 409  # not in review yet
    assert api.post(f"/api/reports/{rid}/submit", headers=ra).status_code == 200
    refused = api.post(f"/api/reports/{rid}/publish", headers=ra)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "not_a_reviewer"
    assert (
        api.post(f"/api/reports/{rid}/comments", json={"text": "Ajouter une source ONG."}, headers=ra2).status_code
        == 201
    )
    assert api.post(f"/api/reports/{rid}/publish", headers=ra2).status_code == 200
    frozen = api.post(f"/api/reports/{rid}/sections", json={"title": "Encore"}, headers=ra)
    assert frozen.status_code == 409 and frozen.json()["error"]["code"] == "report_published"
    assert api.post(f"/api/reports/{rid}/reopen", headers=ra).status_code == 200
    again = api.get(f"/api/reports/{rid}", headers=ra).json()
    assert (
        again["status"] == "draft"
        and again["version"] == 2
        and again["comments"][0]["text"] == "Ajouter une source ONG."
    )
    v1 = api.get(f"/api/reports/{rid}/versions/1/export", params={"format": "html"}, headers=officer)
    assert v1.status_code == 200 and "publié" in v1.text and "Port Sudan is viable" in v1.text


def test_a_changed_source_is_detected_and_shown(api: TestClient, people: People, demo_ctx: AppContext) -> None:
    ra = _h(people, "ra")
    doc = DocumentCreate(
        kind="coi",
        title="Note on Yaren",
        text="Hundreds gathered in Yaren in April 2025.",
        source="upload",
        language="en",
        countries=["NRU"],
        external_id="test-yaren-note",
    )
    doc_id = demo_ctx.store.add(doc, doc.text.encode(), "text/plain", origin="t", received_by="tests").id
    rid = api.post("/api/reports", json={"title": "Yaren", "locale": "en"}, headers=ra).json()["id"]
    sid = api.post(f"/api/reports/{rid}/sections", json={"title": "Displacement"}, headers=ra).json()["id"]
    api.post(
        f"/api/reports/{rid}/citations",
        json={"section_id": sid, "document_id": doc_id, "quote": "Hundreds gathered in Yaren"},
        headers=ra,
    )
    changed = doc.model_copy(
        update={"text": "Hundreds gathered in Yaren in April 2025. Update: the gathering dispersed."}
    )
    demo_ctx.store.add(changed, changed.text.encode(), "text/plain", origin="t2", received_by="tests")
    demo_ctx.indexer.drain()  # the shared demo index stays in step with its store for the other tests
    cited = api.get(f"/api/reports/{rid}", headers=ra).json()["sections"][0]["citations"][0]
    assert cited["source_changed"] and cited["document_version"] == 1 and cited["current_version"] == 2
    assert cited["still_in_current"]
    html = api.get(f"/api/reports/{rid}/export", params={"format": "html"}, headers=ra).text
    assert "the source changed since it was cited (version 1 cited, version 2 available)" in html
    page = api.get(f"/reports/{rid}", headers=ra).text  # the page speaks French first
    assert 'id="changed-sources"' in page and "La source a changé depuis la citation (version 1 citée" in page


def test_cite_from_a_document_page_and_a_search_result(api: TestClient, people: People) -> None:
    ra = _h(people, "ra")
    rid = api.post("/api/reports", json={"title": "Afghanistan"}, headers=ra).json()["id"]
    sid = api.post(f"/api/reports/{rid}/sections", json={"title": "Talibans"}, headers=ra).json()["id"]
    hits = api.get("/", params={"q": "Kandahar"}, headers=ra).text
    assert "cite-link" in hits and "cite=" in hits  # a search result leads to the document with its snippet
    page = api.get(
        "/documents/53891a8f2604d9f13cd7", params={"cite": "hardline elements in <mark>Kandahar</mark>"}, headers=ra
    )
    assert (
        'id="cite-form"' in page.text
        and f'value="{rid}:{sid}"' in page.text
        and "hardline elements in Kandahar" in page.text
    )
    r = api.post(
        "/reports/cite",
        data={
            "target": f"{rid}:{sid}",
            "document_id": "53891a8f2604d9f13cd7",
            "quote": "hardline elements in Kandahar",
        },
        headers=ra,
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert (
        api.get(f"/api/reports/{rid}", headers=ra).json()["sections"][0]["citations"][0]["quote"]
        == "hardline elements in Kandahar"
    )
    # an officer reads reports but gets no citing form, and a case document page never offers one
    assert 'id="cite-form"' not in api.get("/documents/53891a8f2604d9f13cd7", headers=_h(people, "officer_a")).text


def test_named_reviewers_comment_and_publish_whatever_their_writing_rights(api: TestClient, people: People) -> None:
    """The reviewer named at submission (a legal consultant here: no writing rights) gets the controls and may
    publish; names that cannot review are refused when given, not discovered at publication."""
    ra, consultant, consultant2, ra2 = (_h(people, u) for u in ("ra", "consultant", "consultant2", "ra2"))
    base = {"title": "Érythrée : service national", "country": "ERI"}
    for bad, code in ((["nobody-here"], "unknown_reviewer"), (["ra"], "reviewer_is_author"), (["officer_a"], "unknown_reviewer")):
        r = api.post("/api/reports", json=base | {"reviewers": bad}, headers=ra)
        assert r.status_code == 400 and r.json()["error"]["code"] == code, (bad, r.text)
    names = {x["username"] for x in api.get("/api/reports/reviewers", headers=ra).json()}
    assert {"consultant", "ra2"} <= names and "ra" not in names and "officer_a" not in names

    rid = api.post("/api/reports", json=base, headers=ra).json()["id"]
    api.post(f"/api/reports/{rid}/sections", json={"title": "Conscription", "text": "Synthèse."}, headers=ra)
    # named at submission
    bad_submit = api.post(f"/api/reports/{rid}/submit", json={"reviewers": ["ghost"]}, headers=ra)
    assert bad_submit.status_code == 400 and bad_submit.json()["error"]["code"] == "unknown_reviewer"
    assert api.post(f"/api/reports/{rid}/submit", json={"reviewers": ["consultant"]}, headers=ra).status_code == 200

    # pages: the author sees who will publish, no "Publier" button; the reviewer has Publier and Commenter
    author_page = api.get(f"/reports/{rid}", headers=ra).text
    assert 'id="publish"' not in author_page and 'id="review-state"' in author_page and "consultant" in author_page
    reviewer_page = api.get(f"/reports/{rid}", headers=consultant).text
    assert 'id="publish"' in reviewer_page and 'id="comment-form"' in reviewer_page
    other_page = api.get(f"/reports/{rid}", headers=consultant2).text
    assert 'id="publish"' not in other_page and 'id="comment-form"' not in other_page

    # the API agrees with the page
    assert api.post(f"/api/reports/{rid}/publish", headers=consultant2).status_code == 403
    assert api.post(f"/api/reports/{rid}/publish", headers=ra2).status_code == 403  # a writer, but not named
    assert api.post(f"/api/reports/{rid}/comments", json={"text": "Citer l'EUAA."}, headers=consultant).status_code == 201
    assert api.post(f"/api/reports/{rid}/publish", headers=consultant).status_code == 200
    assert api.get(f"/api/reports/{rid}", headers=ra).json()["status"] == "published"

    # none named: any research assistant but the author publishes; a legal consultant then may not
    rid2 = api.post("/api/reports", json=base | {"title": "Sans relecteur"}, headers=ra).json()["id"]
    api.post(f"/api/reports/{rid2}/submit", headers=ra)
    assert api.post(f"/api/reports/{rid2}/publish", headers=consultant).status_code == 403
    assert api.post(f"/api/reports/{rid2}/publish", headers=ra).status_code == 403
    assert api.post(f"/api/reports/{rid2}/publish", headers=ra2).status_code == 200


def test_report_forms_say_what_was_done_and_errors_keep_the_menu(api: TestClient, people: People) -> None:
    ra = _h(people, "ra")
    page = api.get("/reports", headers=ra).text
    # reviewers are chosen among accounts that may review, not typed
    assert 'type="checkbox" name="reviewers" value="consultant"' in page and 'value="officer_a"' not in page
    r = api.post(
        "/reports",
        data={"title": "Mali : Kidal", "csrf_token": "", "reviewers": ["consultant"]},
        headers=ra,
        follow_redirects=False,
    )
    assert r.status_code == 303 and "done=report_created" in r.headers["location"]
    shown = api.get(r.headers["location"], headers=ra).text
    assert 'id="flash"' in shown and "Rapport créé." in shown
    # an unknown flash key never prints the URL's text
    assert 'id="flash"' not in api.get(r.headers["location"].replace("report_created", "<b>x</b>"), headers=ra).text
    # an error page keeps the header and menu, and says what to do
    refused = api.post(
        "/reports", data={"title": "x", "reviewers": ["ghost"]}, headers=ra | {"accept": "text/html"}
    )
    assert refused.status_code == 400 and 'id="nav-reports"' in refused.text and "ghost" in refused.text
