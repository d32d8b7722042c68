"""The research desk adds a local place and a spelling from the product; documents are enriched again
with them and a search for the new spelling finds the document (real store, index, spaCy)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from analyzers.enricher import Enricher
from analyzers.gazetteer import use_desk_entries
from ingest.enrich import enrich_documents
from search_api.app import create_app
from services.context import AppContext
from store.schemas import DocumentCreate
from tests.conftest import PASSWORD


@pytest.fixture()
def desk(fresh_ctx: AppContext) -> Iterator[tuple[AppContext, TestClient, dict[str, str]]]:
    tokens = {}
    for name, roles, division in (("ra", ["research_assistant"], None), ("sec", ["secretary"], "africa")):
        p = fresh_ctx.accounts.create_user(name, PASSWORD, roles, division=division)
        tokens[name] = fresh_ctx.accounts.create_token(p.user_id, "t")[1]
    app = create_app(fresh_ctx.settings, context=fresh_ctx, writer=False)
    with TestClient(app, base_url="https://testserver") as client:
        yield fresh_ctx, client, tokens
    use_desk_entries([])  # the process-wide gazetteer keeps the made-up names, but the data version resets


def test_local_place_and_spelling_reach_enrichment_and_search(desk) -> None:  # type: ignore[no-untyped-def]
    ctx, client, tokens = desk
    ra = {"Authorization": f"Bearer {tokens['ra']}"}
    doc = DocumentCreate(
        kind="coi",
        title="Note",
        text="Des arrestations ont eu lieu à Quorbitville, au Soudan, en 2024.",
        source="upload",
        language="fr",
        published=dt.date(2025, 1, 1),
        external_id="quorbit",
    )
    doc_id = ctx.store.add(doc, doc.text.encode(), "text/plain", origin="t", received_by="tests").id
    enricher = Enricher(n_process=1)
    enrich_documents(ctx.store, enricher)
    assert not [
        m
        for m in ctx.store.enrichments([doc_id])[doc_id]["mentions"]
        if m["type"] == "place" and "quorbit" in m["value"]
    ]

    sec = {"Authorization": f"Bearer {tokens['sec']}"}
    assert client.post("/api/places", json={"name": "Quorbitville", "country": "SDN"}, headers=sec).status_code == 403
    r = client.post("/api/places", json={"name": "Quorbitville", "country": "SDN", "parent": "iso:SD-KS"}, headers=ra)
    assert r.status_code == 201
    place_id = r.json()["place_id"]
    assert place_id == "local:quorbitville-sdn"
    found = client.get("/api/places", params={"q": "quorbitville"}, headers=sec).json()
    assert found[0]["id"] == place_id and found[0]["parents"] == ["South Kordofan", "Sudan"]

    report = enrich_documents(ctx.store, enricher)  # the gazetteer changed: everything is enriched again
    assert report.enriched == 1
    places = {m["value"] for m in ctx.store.enrichments([doc_id])[doc_id]["mentions"] if m["type"] == "place"}
    assert place_id in places

    r = client.post("/api/places", json={"place_id": place_id, "spellings": ["Kwarbitvil"]}, headers=ra)
    assert r.status_code == 201
    assert (
        client.post("/api/places", json={"place_id": "geonames:0", "spellings": ["x"]}, headers=ra).status_code == 400
    )
    enrich_documents(ctx.store, enricher)
    ctx.indexer.drain()
    hits = client.get("/api/search", params={"q": "Kwarbitvil"}, headers=ra).json()["hits"]
    assert [h["id"] for h in hits] == [doc_id]  # the document never wrote this spelling
    page = client.get("/places", params={"q": "Kwarbitvil"}, headers={**ra, "accept": "text/html"})
    assert page.status_code == 200 and "local:quorbitville-sdn" in page.text and "Kwarbitvil" in page.text


def test_the_desk_adds_a_thesaurus_concept_and_the_next_search_uses_it(demo_ctx: AppContext, people) -> None:  # type: ignore[no-untyped-def]
    app = create_app(demo_ctx.settings, context=demo_ctx, writer=False)
    ra = {"Authorization": f"Bearer {people.tokens['ra']}"}
    sec = {"Authorization": f"Bearer {people.tokens['sec_africa']}"}
    with TestClient(app, base_url="https://testserver") as client:
        before = client.get("/api/search", params={"q": "paludisme"}, headers=ra).json()
        assert before["total"] == 0  # no French document says it; the English ones say "malaria"
        concept = {"concept_id": "malaria", "fr": ["paludisme"], "en": ["malaria"]}
        assert client.post("/api/thesaurus", json=concept, headers=sec).status_code == 403
        assert client.post("/api/thesaurus", json=concept, headers=ra).status_code == 201
        after = client.get("/api/search", params={"q": "paludisme"}, headers=ra).json()
        assert after["also_searched"] == ["malaria"] and after["total"] >= 1
        assert all(h["language"] == "en" for h in after["hits"])
        listed = client.get("/api/thesaurus", headers=sec).json()
        assert listed["version"] >= 1 and any(c["id"] == "malaria" for c in listed["concepts"])
        page = client.get("/thesaurus", headers={**ra, "accept": "text/html"})
        assert page.status_code == 200 and 'id="concept-form"' in page.text and "paludisme" in page.text


def test_the_desk_adds_an_acronym_used_by_enrichment_and_search(desk) -> None:  # type: ignore[no-untyped-def]
    from analyzers.actors import default_actors, use_desk_actors

    ctx, client, tokens = desk
    ra = {"Authorization": f"Bearer {tokens['ra']}"}
    doc = DocumentCreate(
        kind="coi",
        title="Note",
        text="Le Mouvement zorbien de libération a attaqué deux villages en 2024.",
        source="upload",
        language="fr",
        published=dt.date(2025, 1, 1),
        external_id="zorb",
    )
    doc_id = ctx.store.add(doc, doc.text.encode(), "text/plain", origin="t", received_by="tests").id
    ctx.indexer.drain()
    assert client.get("/api/search", params={"q": "MZL"}, headers=ra).json()["total"] == 0
    new = {
        "type": "armed_group",
        "countries": ["SDN"],
        "names": ["Mouvement zorbien de libération"],
        "acronyms": ["MZL"],
    }
    sec = {"Authorization": f"Bearer {tokens['sec']}"}
    assert client.post("/api/actors", json=new, headers=sec).status_code == 403
    try:
        r = client.post("/api/actors", json=new, headers=ra)
        assert r.status_code == 201 and r.json()["actor_id"] == "mouvement-zorbien-de-liberation"
        found = client.get("/api/search", params={"q": "MZL"}, headers=ra).json()
        assert [h["id"] for h in found["hits"]] == [doc_id] and "Mouvement zorbien de libération" in found[
            "also_searched"
        ]
        enrich_documents(ctx.store, Enricher(n_process=1))
        actors = {m["value"] for m in ctx.store.enrichments([doc_id])[doc_id]["mentions"] if m["type"] == "actor"}
        assert "mouvement-zorbien-de-liberation" in actors
        page = client.get("/actors", headers={**ra, "accept": "text/html"})
        assert page.status_code == 200 and "MZL" in page.text and 'id="actor-form"' in page.text
    finally:
        use_desk_actors([])  # the process-wide list keeps the made-up actor; the data version resets
        assert "MZL" in default_actors().by_acronym
