"""Enrichment on real text: gazetteer, places, countries, actors, dates, topics, corrections."""

from __future__ import annotations

import datetime as dt

import pytest

from analyzers.actors import default_actors, find_english_actors, find_listed_actors
from analyzers.dates import find_dates
from analyzers.enricher import Enricher, EnrichInput, input_hash
from analyzers.gazetteer import default_gazetteer, distance_km
from analyzers.language import detect
from analyzers.places import find_places
from analyzers.topics import find_topics
from services.context import AppContext
from store.schemas import DocumentCreate


@pytest.mark.parametrize(
    ("spelling", "place_id"),
    [
        ("Mogadishu", "geonames:53654"),
        ("Mogadiscio", "geonames:53654"),
        ("Muqdisho", "geonames:53654"),
        ("El Fasher", "geonames:379555"),
        ("Al Fashir", "geonames:379555"),
        ("Darfour Nord", "iso:SD-DN"),
        ("North Darfur", "iso:SD-DN"),
        ("Soudan", "iso:SDN"),
        ("RDC", "iso:COD"),
        ("Cisjordanie", "local:cisjordanie"),
    ],
)
def test_gazetteer_knows_every_spelling(spelling: str, place_id: str) -> None:
    assert default_gazetteer().lookup(spelling)[0].id == place_id


def test_gazetteer_hierarchy_and_distance() -> None:
    g = default_gazetteer()
    fasher = g.by_id["geonames:379555"]
    assert [p.id for p in g.parents(fasher)] == ["iso:SD-DN", "iso:SDN"]  # North Darfur, from GeoNames admin1
    # GeoNames division names joined to ISO 3166-2 despite spelling ("Southern Kordofan", "Nangarhār")
    assert [p.id for p in g.parents(g.by_id["geonames:373141"])] == ["iso:SD-KS", "iso:SDN"]  # Kadugli
    assert [p.id for p in g.parents(g.by_id["geonames:1139715"])] == ["iso:AF-NAN", "iso:AFG"]  # Jalalabad
    assert [p.id for p in g.parents(g.by_id["local:jebel-marra"])] == ["local:darfur", "iso:SDN"]
    km = distance_km(fasher, g.by_id["geonames:53654"])
    assert km is not None and 2000 < km < 3000


def test_places_resolve_towards_the_context_country() -> None:
    g = default_gazetteer()
    found = find_places("Les combats à Kayes ont repris.", g, ["MLI"], None)
    assert [(m.value, m.text) for m in found] == [("iso:ML-1", "Kayes")]
    # a common word that is a place somewhere is not a place on its own
    assert find_places("Police officers and the Union said.", g, [], None) == []
    assert find_places("Les autorités ont refusé.", g, [], None) == []


def test_listed_actors_in_any_language() -> None:
    actors = default_actors()
    fr = find_listed_actors("Les Forces de soutien rapide (FSR) ont attaqué El Fasher.", actors)
    en = find_listed_actors("The Rapid Support Forces (RSF) attacked.", actors)
    assert {m.value for m in fr} == {m.value for m in en} == {"rsf-sudan"}
    assert len(fr) == 2 and len(en) == 2
    assert find_listed_actors("the rsf and fsr in lower case are words", actors) == []


def test_english_actor_cues() -> None:
    found = find_english_actors(
        "The National Intelligence and Security Service detained him, said President Omar al-Bashir.", []
    )
    kinds = {m.extra["actor_type"]: m.label for m in found}
    assert "National Intelligence and Security Service" in kinds["organisation"]
    assert kinds["person"] == "Omar al-Bashir"


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("Le 15 avril 2023, les FSR ont attaqué.", ["2023-04-15"]),
        ("Depuis le 1er mai 2023 la ville est assiégée.", ["2023-05-01/.."]),
        ("In April 2023, conflict erupted.", ["2023-04"]),
        ("between 2019 and 2021 there were protests", ["2019/2021"]),
        ("entre janvier 2020 et mars 2021", ["2020-01/2021-03"]),
        ("On March 3, 2024 and in 2011 too.", ["2024-03-03", "2011"]),
        ("Il a 2011 raisons et 45 ans.", []),  # a bare number is not a date
        ("le 31 février 2023", []),  # impossible date
    ],
)
def test_dates_and_periods(text: str, values: list[str]) -> None:
    assert [m.value for m in find_dates(text)] == values


def test_topics_follow_the_editable_rules() -> None:
    text = "Le requérant a été placé en détention, détenu au secret puis torturé en prison. La détention a duré."
    topics = [m.value for m in find_topics("Détention arbitraire", text)]
    assert topics[0] == "detention" and "torture_ill_treatment" not in topics


def test_language_detection() -> None:
    assert detect("Le requérant est originaire du Darfour et appartient à l'ethnie zaghawa.") == "fr"
    assert detect("The applicant comes from Darfur and belongs to the Zaghawa ethnic group.") == "en"
    assert detect("ok") is None


def test_enricher_on_a_real_decision() -> None:
    import json

    from tests.conftest import CORPUS

    r = json.loads((CORPUS / "decisions" / "fr_cnda" / "record_0002.json").read_text())
    (e,) = Enricher().enrich([EnrichInput("x", r["title"], r["text"], "fr", [])])
    assert e.countries[0] == "SDN"
    places = set(e.values("place"))
    assert {"geonames:379555", "iso:SD-DN"} <= places  # El Fasher, Darfour Nord
    assert "rsf-sudan" in e.values("actor")
    assert "ethnic_groups" in e.values("topic")
    assert any(m.value.startswith("2024") for m in e.of_type("date"))


def test_enrichment_input_hash_changes_with_the_text() -> None:
    a = EnrichInput("x", "T", "texte", "fr", [])
    assert input_hash(a) == input_hash(EnrichInput("x", "T", "texte", "fr", []))
    assert input_hash(a) != input_hash(EnrichInput("x", "T", "texte modifié", "fr", []))


def test_unchanged_documents_are_not_enriched_again_and_corrections_survive(fresh_ctx: AppContext) -> None:
    from ingest.enrich import enrich_documents

    doc = DocumentCreate(
        kind="coi",
        title="Rapport sur Kadugli",
        source="upload",
        language="fr",
        text="Des combats ont eu lieu à Kadugli, au Kordofan du Sud, en juin 2023.",
        published=dt.date(2024, 1, 1),
        external_id="k1",
    )
    doc_id = fresh_ctx.store.add(doc, doc.text.encode(), "text/plain", "k1", "tests").id
    enricher = Enricher(use_ner=False)
    first = enrich_documents(fresh_ctx.store, enricher)
    assert (first.enriched, first.skipped) == (1, 0)
    again = enrich_documents(fresh_ctx.store, enricher)
    assert (again.enriched, again.skipped) == (0, 1)  # costs nothing

    fresh_ctx.store.add_correction(doc_id, "place", "local:kordofan", "Kordofan", "remove", "analyst")
    fresh_ctx.store.add_correction(doc_id, "actor", "saf-sudan", "Sudanese Armed Forces", "add", "analyst")
    forced = enrich_documents(fresh_ctx.store, enricher, force=True)  # re-enrichment
    assert forced.enriched == 1
    merged = fresh_ctx.store.enrichments([doc_id])[doc_id]
    values = {(m["type"], m["value"]) for m in merged["mentions"]}
    assert ("place", "local:kordofan") not in values and ("actor", "saf-sudan") in values
    assert ("place", "geonames:371760") in values or any(v[1].endswith("KS") for v in values)  # Kadugli / S. Kordofan
    fresh_ctx.indexer.drain()
    from services.search import SearchParams, build_query

    hits = fresh_ctx.index.search(build_query(SearchParams(filters={"actor": ["saf-sudan"]}), fresh_ctx.settings))
    assert [h.id for h in hits.hits] == [doc_id]
