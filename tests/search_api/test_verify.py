"""Fact verification on the demo corpus (real store, index, enrichment): the labelled set, the rules that
must never break (no information is never a contradiction; nothing published after the "as of" date),
the API with and without a case (stored, audited, need-to-know), the exports, and the pages."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from docx import Document as Docx
from fastapi.testclient import TestClient
from pypdf import PdfReader

from search_api.app import create_app
from services.context import AppContext
from services.verify import Verifier, VerifyIn
from tests.conftest import People

SET = Path(__file__).resolve().parents[1] / "fixtures" / "verify_eval" / "facts.json"
CASES = json.loads(SET.read_text())["facts"]
STATEMENT = "Le demandeur déclare que les Forces de soutien rapide ont pris El Fasher. Il a fui vers El Geneina."


@pytest.fixture(scope="module")
def verifier(demo_ctx: AppContext) -> Verifier:
    return demo_ctx.verifier()  # as the product runs it: passages compared by meaning (not embedded here)


def _one(verifier: Verifier, statement: str, country: str, as_of: str) -> dict:
    result = verifier.verify(VerifyIn(statements=statement, country=country, as_of=dt.date.fromisoformat(as_of)))
    assert len(result["facts"]) == 1
    return result["facts"][0]


def test_labelled_set(verifier: Verifier) -> None:
    """Measured by bench/verify_eval.py; here the floor below which a change is a regression."""
    right = 0
    for case in CASES:
        got = _one(verifier, case["statement"], case["country"], case["as_of"])
        right += got["status"] == case["expected_status"]
        if case["expected_status"] == "no_information":
            # the worst error: telling an officer that COI confirms what no source says
            assert got["status"] != "corroborated", case["id"]
        if case["expected_documents"] and got["status"] == "corroborated":
            top = [e["document_id"] for e in got["evidence"]][:3]
            assert set(top) & set(case["expected_documents"]), case["id"]
    # 48/56 before session 8's figure and changed-situation rules, 47/56 after (two present-tense Sudan facts
    # now read as overtaken, one Eritrea fact now right), which raised the never-tuned test half from 48 % to
    # 60 %: this set was partly tuned on, the held-out halves decide (bench/verify_eval.py)
    assert right >= 47, f"{right}/{len(CASES)}"


def test_no_information_is_never_presented_as_a_contradiction(verifier: Verifier) -> None:
    got = _one(verifier, "Des inondations ont détruit le marché de Zalingei en mars 2022.", "SDN", "2026-11-01")
    assert got["status"] == "no_information" and got["evidence"] == [] and got["conflicting"] == []
    assert got["flags"] == []


def test_only_what_was_published_by_the_as_of_date(verifier: Verifier) -> None:
    now = _one(verifier, "Les FSR ont pris la ville d'El Fasher.", "SDN", "2026-11-01")
    assert now["status"] == "corroborated"
    assert all(e["published"] is None or e["published"] <= "2026-11-01" for e in now["evidence"])
    before = _one(verifier, "Les FSR ont pris la ville d'El Fasher.", "SDN", "2024-12-31")
    assert all(e["published"] is None or e["published"] <= "2024-12-31" for e in before["evidence"])
    assert "bee7ef086084e8ed7819" not in {e["document_id"] for e in before["evidence"]}  # the July 2026 CPIN


def test_conflicting_dates_show_both_sides(verifier: Verifier) -> None:
    got = _one(verifier, "Les talibans ont pris le pouvoir en 2019.", "AFG", "2026-11-01")
    assert got["status"] == "conflicting"
    assert got["conflicting"] and "15 August 2021" in got["conflicting"][0]["passage"]


def test_evidence_carries_pinpoint_citation_and_gazetteer_checks(verifier: Verifier) -> None:
    result = verifier.verify(VerifyIn(statements=STATEMENT, country="SDN", as_of=dt.date(2026, 11, 1)))
    fasher, geneina = result["facts"]
    e = fasher["evidence"][0]
    assert e["source"] == "ukhomeoffice" and e["source_type"] == "government" and e["paragraph"] >= 1
    assert e["footnote"].startswith("UK Home Office, Country policy and information note: security situation")
    assert "El Fasher" in e["passage"] and e["sha256"] and e["version"] == 1
    place = geneina["places"][0]
    assert place["found"] and place["name"] == "Al-Junaynah" and "West Darfur" in place["in"]
    assert "El Geneina" in place["spellings"] or "Geneina" in " ".join(place["spellings"])
    assert any(d["name"] == "El Fasher" and 300 < d["km"] < 450 for d in place["distances"])  # ~ 370 km
    assert {entry["fact"] for entry in result["search_log"]} == {"f1", "f2"}
    assert all(entry["query"] and "hits" in entry for entry in result["search_log"])


# ---- API, cases, audit, exports ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def api(demo_ctx: AppContext, people: People) -> Iterator[TestClient]:
    app = create_app(demo_ctx.settings, context=demo_ctx, writer=False)
    with TestClient(app, base_url="https://testserver") as c:
        yield c


def _h(people: People, user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {people.tokens[user]}"}


def test_split_then_verify_without_a_case_stores_nothing(
    api: TestClient, people: People, demo_ctx: AppContext, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    before = len(demo_ctx.audit.query(limit=100_000))
    facts = api.post("/api/verify/facts", json={"statements": STATEMENT, "country": "SDN"}, headers=_h(people, "ra"))
    assert facts.status_code == 200
    edited = facts.json()["facts"][:1]  # the officer keeps the first fact only
    body = {
        "statements": STATEMENT,
        "country": "SDN",
        "as_of": "2026-11-01",
        "facts": [
            {k: edited[0][k] for k in ("id", "text", "keywords", "names")}
            | {
                "places": [p["id"] for p in edited[0]["places"]],
                "actors": [a["id"] for a in edited[0]["actors"]],
                "dates": [d["value"] for d in edited[0]["dates"]],
            }
        ],
    }
    r = api.post("/api/verify", json=body, headers=_h(people, "ra"))
    assert r.status_code == 200 and len(r.json()["facts"]) == 1 and "verification_id" not in r.json()
    assert len(demo_ctx.audit.query(limit=100_000)) == before  # no case, nothing stored, nothing audited
    assert "Fasher" not in caplog.text and "Geneina" not in caplog.text  # statements are never logged
    assert api.post("/api/verify", json=body, headers=_h(people, "sec_africa")).status_code == 403
    assert api.post("/api/verify", json=body, headers=_h(people, "archivist")).status_code == 403


def test_with_a_case_the_result_is_stored_audited_and_need_to_know(
    api: TestClient, people: People, demo_ctx: AppContext
) -> None:
    body = {"statements": STATEMENT, "country": "SDN", "as_of": "2026-11-01", "case_id": people.case_a}
    # someone who may not see the case: 404 like a missing case, denied attempt audited, nothing searched
    r = api.post("/api/verify", json=body, headers=_h(people, "officer_b"))
    assert r.status_code == 404
    denied = demo_ctx.audit.query(actor="officer_b", case_id=people.case_a)
    assert denied and denied[0].outcome == "denied"
    r = api.post("/api/verify", json=body, headers=_h(people, "officer_a"))
    assert r.status_code == 200
    vid = r.json()["verification_id"]
    listed = api.get(f"/api/cases/{people.case_a}/verifications", headers=_h(people, "officer_a")).json()
    assert listed[0]["id"] == vid and listed[0]["facts"] == 2
    stored = api.get(f"/api/cases/{people.case_a}/verifications/{vid}", headers=_h(people, "consultant")).json()
    assert stored["request"]["statements"] == STATEMENT and stored["result"]["facts"][0]["status"]
    # the secretary registers the case but does not see verifications (interviews and notes level)
    assert api.get(f"/api/cases/{people.case_a}/verifications", headers=_h(people, "sec_africa")).status_code == 403
    actions = {(a.actor, a.action) for a in demo_ctx.audit.query(case_id=people.case_a, limit=10_000)}
    assert {
        ("officer_a", "case.verification.add"),
        ("officer_a", "case.verification.list"),
        ("consultant", "case.verification.view"),
    } <= actions

    docx = api.get(
        f"/api/cases/{people.case_a}/verifications/{vid}/export",
        params={"format": "docx"},
        headers=_h(people, "officer_a"),
    )
    assert docx.status_code == 200 and docx.headers["content-disposition"].startswith("attachment")
    text = "\n".join(p.text for p in Docx(io.BytesIO(docx.content)).paragraphs)
    assert "PRIV-2026-0042" in text  # the case reference heads the draft
    assert "Corroboré." in text and "El Fasher" in text and "[1]" in text and "Avertissement" in text
    assert "UK Home Office (United Kingdom: Home Office)" in text  # bibliography, EUAA style
    pdf = api.get(
        f"/api/cases/{people.case_a}/verifications/{vid}/export",
        params={"format": "pdf", "lang": "en"},
        headers=_h(people, "officer_a"),
    )
    assert pdf.content[:5] == b"%PDF-"
    pdf_text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Corroborated." in pdf_text and "Disclaimer" in pdf_text and "Search log" in pdf_text
    assert ("officer_a", "case.verification.export") in {
        (a.actor, a.action) for a in demo_ctx.audit.query(case_id=people.case_a, limit=10_000)
    }


def test_pages_without_javascript(api: TestClient, people: People) -> None:
    h = _h(people, "officer_a")
    assert "statements-form" in api.get("/verify", headers=h).text
    # bearer-token requests skip the CSRF check (no cookie); the forms are the same ones a browser posts
    facts = api.post(
        "/verify/facts", data={"statements": STATEMENT, "country": "sdn", "as_of": "2026-11-01"}, headers=h
    )
    assert facts.status_code == 200 and 'name="fact_1_text"' in facts.text and "Al-Junaynah" in facts.text
    form = {
        "statements": STATEMENT,
        "country": "SDN",
        "as_of": "2026-11-01",
        "fact_count": "2",
        "fact_0_keep": "on",
        "fact_0_text": "Les FSR ont pris El Fasher.",
        "fact_0_places": "geonames:379303,x",
        "fact_0_actors": "rsf-sudan",
        "fact_0_dates": "",
        "fact_0_keywords": "pris",
        "fact_1_text": "dropped",
        "fact_1_places": "",
        "fact_1_actors": "",
        "fact_1_dates": "",
        "fact_1_keywords": "",
    }
    run = api.post("/verify/run", data=form, headers=h)
    assert run.status_code == 200 and run.text.count('class="fact-result') == 1 and "export-docx" in run.text
    bad = api.post("/verify/run", data=form | {"fact_0_dates": "hier"}, headers=h)
    assert bad.status_code == 400


def test_as_of_defaults_to_the_date_of_the_case_decision(api: TestClient, people: People) -> None:
    h = _h(people, "head_asia")  # full access to case B
    kayes = "5afb3e78c806525713c8"  # CNDA decision read on 18 December 2025
    assert api.patch(f"/api/cases/{people.case_b}", json={"decision_document_id": kayes}, headers=h).status_code == 200
    r = api.post("/api/verify", json={"statements": STATEMENT, "country": "SDN", "case_id": people.case_b}, headers=h)
    assert r.status_code == 200 and r.json()["as_of"] == "2025-12-18"
    # the CPIN of July 2026 did not exist then: it cannot be evidence
    assert all(
        e["published"] is None or e["published"] <= "2025-12-18" for f in r.json()["facts"] for e in f["evidence"]
    )


def test_source_lists_and_minimum_of_independent_sources(verifier: Verifier) -> None:
    statement = (
        "Le conflit entre les Forces armées soudanaises et les Forces de soutien rapide a commencé le 15 avril 2023."
    )
    base = {"statements": statement, "country": "SDN", "as_of": dt.date(2026, 11, 1)}
    assert verifier.verify(VerifyIn(**base))["facts"][0]["status"] == "corroborated"
    # only the Home Office here: two independent sources cannot be found
    assert verifier.verify(VerifyIn(**base, min_sources=2))["facts"][0]["status"] == "partly_consistent"
    excluded = verifier.verify(VerifyIn(**base, sources_exclude=["ukhomeoffice"]))["facts"][0]
    assert all(e["source"] != "ukhomeoffice" for e in excluded["evidence"])
    only = verifier.verify(VerifyIn(**base, sources_include=["usdos"]))
    assert all(entry["filters"]["source"] == ["usdos"] for entry in only["search_log"])
    with pytest.raises(ValueError):
        VerifyIn(**base, sources_include=["<script>"])


def test_a_place_spelled_otherwise_is_found_and_the_sources_spelling_shown(verifier: Verifier) -> None:
    got = _one(verifier, "Les FSR ont pris Al-Fashir.", "SDN", "2026-11-01")
    assert got["status"] == "corroborated"
    place = got["places"][0]
    assert place["as_written"] == "Al-Fashir" and place["spellings_in_sources"] == ["El Fasher"]
