"""Decisions: field accuracy on the labelled set (demo corpus), values traced to their text, consultants'
corrections, cites / cited by, precedent search with filters and sections, similar decisions, harmonisation
figures, charts and CSV — through the API on a real store and index."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from analyzers.decisions import structure
from search_api.app import create_app
from services.context import AppContext
from store.schemas import DocumentCreate
from tests.conftest import PASSWORD

LABELS = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "decision_eval" / "labels.json").read_text())
FIELDS = ("body", "file_number", "decision_date", "formation", "importance", "gender", "country", "outcome")


def test_labelled_decisions(demo_ctx: AppContext) -> None:
    """bench/decision_eval.py reports the figures; here the floor below which a change is a regression."""
    right = total = 0
    for label in LABELS["decisions"]:
        d = demo_ctx.store.get(label["id"])
        s = structure(d.text, d.title, d.court, d.outcome)
        for f in FIELDS:
            if f in label:
                got = s.fields.get(f)
                total += 1
                right += (got.value if got else None) == label[f]
                if got is not None and got.start >= 0:
                    assert d.text[got.start : got.end].strip(), (label["id"], f)  # every value points at its text
        if "grounds" in label:
            assert {g.value for g in s.grounds} == set(label["grounds"]), label["id"]
    assert right / total >= 0.95, f"{right}/{total}"


def _cnda(number: str, nationality: str, code: str, operative: str, cites: str = "") -> str:
    return (
        f"COUR NATIONALE DU DROIT D’ASILE\nN° {number}\n___________\nM. K.\n___________\n(2ème section, 1ère chambre)\n"
        f"Audience du 3 mars 2026\nLecture du 24 mars 2026\n___________\n{code}\nC\nVu la procédure suivante :\n"
        f"Par un recours, M. K. demande à la Cour d’annuler la décision de l’OFPRA.\nConsidérant ce qui suit :\n"
        f"1. M. K., de nationalité {nationality}, soutient craindre ses autorités en raison de ses opinions politiques "
        f"de militant du parti Quorvex. {cites}\nD E C I D E :\nArticle 1er : {operative}\n"
    )


@pytest.fixture()
def desk(fresh_ctx: AppContext) -> Iterator[tuple[AppContext, TestClient, dict[str, str]]]:
    ctx = fresh_ctx
    docs = [
        ("26000001", "tunisienne", "La qualité de réfugié est reconnue à M. K.", ""),
        (
            "26000002",
            "tunisienne",
            "La qualité de réfugié est reconnue à M. K.",
            "Voir CNDA 24 mars 2026 M. K. n° 26000001.",
        ),
        (
            "26000003",
            "tunisienne",
            "Le recours de M. K. est rejeté.",
            "CNDA, 24 mars 2026, n° 26000001 ; CJUE C-621/21.",
        ),
        ("26000004", "algérienne", "Le recours de M. K. est rejeté.", ""),
    ]
    for number, nationality, operative, cites in docs:
        text = _cnda(number, nationality, "095-03-01-02-03-02 Opinions politiques", operative, cites)
        doc = DocumentCreate(
            kind="decision", title=f"Décision {number}", text=text, source="cnda", external_id=number, language="fr"
        )
        ctx.store.add(doc, text.encode(), "text/plain", origin=number, received_by="tests")
    ctx.indexer.drain()
    tokens = {}
    for name, roles in (("lc", ["legal_consultant"]), ("officer", ["protection_officer"])):
        p = ctx.accounts.create_user(name, PASSWORD, roles, division="africa" if name == "officer" else None)
        tokens[name] = ctx.accounts.create_token(p.user_id, "t")[1]
    app = create_app(ctx.settings, context=ctx, writer=False)
    with TestClient(app, base_url="https://testserver") as client:
        yield ctx, client, tokens


def _id(ctx: AppContext, number: str) -> str:
    from store.documents import make_document_id

    return make_document_id("cnda", number)


def test_structure_corrections_and_citations(desk) -> None:  # type: ignore[no-untyped-def]
    ctx, client, tokens = desk
    lc, officer = ({"Authorization": f"Bearer {tokens[k]}"} for k in ("lc", "officer"))
    first = _id(ctx, "26000001")
    s = client.get(f"/api/decisions/{first}/structure", headers=officer).json()
    assert s["fields"]["file_number"] == {
        "value": "26000001",
        "excerpt": "26000001",
        "start": s["fields"]["file_number"]["start"],
        "end": s["fields"]["file_number"]["end"],
        "origin": "text",
    }
    assert (
        s["fields"]["decision_date"]["value"] == "2026-03-24"
        and s["fields"]["decision_date"]["excerpt"] == "Lecture du 24 mars 2026"
    )
    assert s["fields"]["country"]["value"] == "TUN" and s["fields"]["outcome"]["value"] == "refugee_status"
    assert [g["value"] for g in s["grounds"]] == ["political_opinion"]
    assert {c["document_id"] for c in s["cited_by"]} == {_id(ctx, "26000002"), _id(ctx, "26000003")}
    third = client.get(f"/api/decisions/{_id(ctx, '26000003')}/structure", headers=officer).json()
    assert {(c["kind"], c["ref"], c["document_id"]) for c in third["cites"]} == {
        ("CNDA", "26000001", first),
        ("CJEU", "C-621/21", None),  # not in the store: listed, not linked
    }
    # corrections: consultants only, kept, and they win over the reading
    fix = {"field": "outcome", "value": "subsidiary_protection", "note": "art. 2 du dispositif"}
    assert client.post(f"/api/decisions/{first}/corrections", json=fix, headers=officer).status_code == 403
    assert (
        client.post(f"/api/decisions/{first}/corrections", json=fix | {"value": "maybe"}, headers=lc).status_code == 400
    )
    assert client.post(f"/api/decisions/{first}/corrections", json=fix, headers=lc).status_code == 201
    corrected = client.get(f"/api/decisions/{first}/structure", headers=officer).json()["fields"]["outcome"]
    assert corrected == {"value": "subsidiary_protection", "excerpt": None, "origin": "correction", "by": "lc"}
    page = client.get(f"/documents/{first}", headers=lc).text
    assert (
        'id="decision-structure"' in page and 'id="decision-correction"' in page and "Lecture du 24 mars 2026" in page
    )


def test_precedents_similar_and_harmonisation(desk) -> None:  # type: ignore[no-untyped-def]
    ctx, client, tokens = desk
    h = {"Authorization": f"Bearer {tokens['officer']}"}
    hits = client.get("/api/precedents", params={"country": "TUN", "ground": "political_opinion"}, headers=h).json()
    assert {x["document_id"] for x in hits} == {_id(ctx, n) for n in ("26000001", "26000002", "26000003")}
    assert all(x["operative"].startswith("D E C I D E") for x in hits)
    in_reasons = client.get("/api/precedents", params={"q": "Quorvex", "section": "reasons"}, headers=h).json()
    assert len(in_reasons) == 4 and all("Quorvex" in x["passage"] for x in in_reasons)
    assert client.get("/api/precedents", params={"q": "Quorvex", "section": "operative"}, headers=h).json() == []
    rejected = client.get("/api/precedents", params={"q": "Quorvex", "outcome": "rejection"}, headers=h).json()
    assert {x["document_id"] for x in rejected} == {_id(ctx, "26000003"), _id(ctx, "26000004")}

    similar = client.get(f"/api/decisions/{_id(ctx, '26000002')}/similar", headers=h).json()
    assert (
        similar[0]["document_id"] in {_id(ctx, "26000001"), _id(ctx, "26000003")} and "country" in similar[0]["shared"]
    )
    assert similar[-1]["document_id"] == _id(ctx, "26000004")  # another country ranks last
    summary = client.post(
        "/api/decisions/similar",
        json={"text": "Militant du parti Quorvex craignant ses autorités en Tunisie."},
        headers=h,
    )
    assert summary.status_code == 200 and len(summary.json()) == 4

    stats = client.get("/api/harmonisation", params={"country": "TUN"}, headers=h).json()
    assert stats["total"] == 3 and stats["outcomes"]["refugee_status"] == {"count": 2, "rate": 0.667}
    assert stats["by_year"] == {"2026": {"refugee_status": 2, "rejection": 1}}
    assert stats["decisions"]["rejection"] == [_id(ctx, "26000003")]
    assert [d["document_id"] for d in stats["divergent"]] == [_id(ctx, "26000003")]  # against the majority line
    assert stats["most_cited"][0] == {"ref": "26000001", "count": 2}
    svg = client.get("/api/harmonisation/chart", params={"country": "TUN", "by": "by_body"}, headers=h)
    assert svg.headers["content-type"].startswith("image/svg+xml") and "<svg" in svg.text and "<script" not in svg.text
    png = client.get("/api/harmonisation/chart", params={"country": "TUN", "format": "png"}, headers=h)
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n"
    rows = client.get("/api/harmonisation.csv", params={"country": "TUN"}, headers=h).text.splitlines()
    assert rows[0] == "breakdown,key,outcome,count" and "all,,refugee_status,2" in rows
    # a form without JavaScript sends its empty fields: they mean "no filter"; a wrong one is a clear 422
    empty = {"country": "TUN", "ground": "", "gender": "", "date_from": "", "date_to": "", "body": ""}
    assert client.get("/api/harmonisation", params=empty, headers=h).json()["total"] == 3
    assert client.get("/api/harmonisation", params={"date_from": "hier"}, headers=h).status_code == 422
    assert client.get("/api/precedents", params={"section": "partout"}, headers=h).status_code == 422
    page = client.get("/harmonisation", params={"country": "TUN"}, headers=h).text
    assert "<svg" in page and 'id="divergent"' in page and "Décision 26000003" in page


def test_a_decision_that_is_not_public_is_pseudonymised(desk) -> None:  # type: ignore[no-untyped-def]
    ctx, client, tokens = desk
    ra = ctx.accounts.create_user("ra", PASSWORD, ["research_assistant"])
    ra_h = {"Authorization": f"Bearer {ctx.accounts.create_token(ra.user_id, 't')[1]}"}
    lc = {"Authorization": f"Bearer {tokens['lc']}"}
    text = (
        "OFFICE — DÉCISION\nM. Abdelkarim Zorblax, né le 12 mars 1990, représenté par Me Dupont, soutient que son frère "
        "M. Ibrahim Qasimov a été arrêté. Abdelkarim ajoute que Mme Fatoumata Diallo l'a aidé. Tél. 06 12 34 56 78.\n"
    ).encode()
    r = client.post(
        "/api/documents",
        files=[("files", ("decision.txt", text, "text/plain"))],
        data={"kind": "decision", "pseudonymise": "true", "title": "Décision de l'office"},
        headers=ra_h,
    )
    assert r.status_code in (200, 201, 202), r.text
    from ingest.uploads import run_queued

    run_queued(ctx.store, ctx.jobs)
    job = ctx.jobs.get(r.json()["jobs"][0]["id"])
    d = ctx.store.get(job.document_id)  # type: ignore[union-attr, arg-type]
    for secret in ("Zorblax", "Abdelkarim", "Qasimov", "Fatoumata", "Diallo", "12 mars 1990", "06 12 34 56 78"):
        assert secret not in d.text
    assert "M. Z..." in d.text and "Me Dupont" in d.text and "M. A..." in d.text  # counsel keeps the name
    assert client.get(f"/api/decisions/{d.id}/pseudonyms", headers=ra_h).status_code == 403
    assert client.get(f"/api/documents/{d.id}/original", headers=ra_h).status_code == 403
    names = client.get(f"/api/decisions/{d.id}/pseudonyms", headers=lc).json()
    assert names == {"Z...": "Abdelkarim Zorblax", "A...": "Ibrahim Qasimov", "B...": "Fatoumata Diallo"}
    assert client.get(f"/api/documents/{d.id}/original", headers=lc).content == text
    assert ("lc", "decision.pseudonyms.view") in {(a.actor, a.action) for a in ctx.audit.query(limit=1000)}
    # nothing in the database holds a real name (the mapping is encrypted; the original is in the archive)
    for name in ("coidesk.sqlite3", "coidesk.sqlite3-wal"):
        path = ctx.settings.data_dir / name
        assert not path.exists() or b"Zorblax" not in path.read_bytes()
    from store.pseudonyms import PseudonymMap

    with ctx.db.session() as s:
        sealed = s.get(PseudonymMap, d.id)
        assert sealed is not None and "Zorblax" not in sealed.ciphertext
