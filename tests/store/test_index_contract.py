"""One contract for every search backend: the same answers to the same query on the same documents.

Runs against the embedded engine always, and against the Elasticsearch-API server when one is running
(COIDESK_TEST_ES_URL: the OpenSearch server of ``tests/engines/servers``; COIDESK_ES_URL: a real Elasticsearch).
The documents are the real demo corpus plus a hostile document and a confidential case document.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from services.context import AppContext
from services.search import SearchParams, build_query
from store.documents import to_indexed
from store.index.base import SearchIndex
from store.index.query import Permission, SearchQuery
from tests.engines.scale import es_client_options, es_url
from tests.engines.search_server import required

BACKENDS = ["embedded"] + (["elasticsearch"] if es_url() else [])
if required() and not es_url():
    raise RuntimeError("COIDESK_REQUIRE_ENGINES=1 but no search server: run `make engines-up` first")


@pytest.fixture(scope="module", params=BACKENDS)
def engine(request: pytest.FixtureRequest, demo_ctx: AppContext) -> Iterator[SearchIndex]:
    if request.param == "embedded":
        yield demo_ctx.index
        return
    from store.index.elasticsearch_index import ElasticsearchIndex

    index = ElasticsearchIndex.from_url(
        str(es_url()), prefix=f"coidesk-test-{dt.datetime.now():%H%M%S%f}", **es_client_options()
    )
    index.rebuild(None, demo_ctx.store.iter_indexed())
    yield index
    index.client.indices.delete(index=f"{index.prefix}-documents-v*")
    index.close()


def run(engine: SearchIndex, demo_ctx: AppContext, q: str | None = None, **kw: object) -> object:
    filters = kw.pop("filters", {})
    permission = kw.pop("permission", None)
    params = SearchParams(q=q, filters=filters, **kw)  # type: ignore[arg-type]
    return engine.search(build_query(params, demo_ctx.settings, permission=permission))  # type: ignore[arg-type]


def titles(result) -> list[str]:  # type: ignore[no-untyped-def]
    return [h.title for h in result.hits]


def test_darfour_finds_the_cnda_zaghawa_and_massalit_decisions(engine, demo_ctx) -> None:
    r = run(engine, demo_ctx, "Darfour")
    found = " | ".join(titles(r))
    assert r.total >= 2
    assert "Zaghawa" in found and "Massalit" in found
    # the French decisions that write "Darfour" rank first; English notes on "Darfur" follow (place spelling)
    assert [h.source for h in r.hits[:2]] == ["cnda", "cnda"]
    assert any("<mark>Darfour</mark>" in s for h in r.hits for s in h.snippets)


def test_accent_and_stem_insensitive(engine, demo_ctx) -> None:
    a = {h.id for h in run(engine, demo_ctx, "réfugiées", size=100).hits}
    b = {h.id for h in run(engine, demo_ctx, "refugiees", size=100).hits}
    c = {h.id for h in run(engine, demo_ctx, "réfugiés", size=100).hits}
    assert a and a == b == c
    s1 = {h.id for h in run(engine, demo_ctx, "securite", size=100).hits}
    s2 = {h.id for h in run(engine, demo_ctx, "sécurité", size=100).hits}
    assert s1 and s1 == s2
    m1 = run(engine, demo_ctx, "manifestations").total
    m2 = run(engine, demo_ctx, "manifestation").total
    assert m1 == m2 > 0


def test_english_stemming(engine, demo_ctx) -> None:
    assert run(engine, demo_ctx, "detainees").total == run(engine, demo_ctx, "detainee").total > 0


def test_and_or_not(engine, demo_ctx) -> None:
    zag = run(engine, demo_ctx, "Zaghawa").total
    mas = run(engine, demo_ctx, "Massalit").total
    both = run(engine, demo_ctx, "Zaghawa Massalit").total
    either = run(engine, demo_ctx, "Zaghawa OR Massalit").total
    assert both <= min(zag, mas) and either >= max(zag, mas)
    assert run(engine, demo_ctx, "Zaghawa -Massalit").total == zag - both
    assert run(engine, demo_ctx, "Zaghawa NOT Massalit").total == zag - both


def test_phrase_and_proximity(engine, demo_ctx) -> None:
    exact = run(engine, demo_ctx, '"groupe social"', size=100)
    assert exact.total > 0
    assert any("<mark>groupe</mark> <mark>social</mark>" in s for s in exact.hits[0].snippets)
    assert run(engine, demo_ctx, '"groupe social"~3').total >= exact.total
    # both words occur in these decisions, never side by side in this order
    assert run(engine, demo_ctx, '"Darfour Zaghawa"').total == 0
    assert run(engine, demo_ctx, '"Darfour Zaghawa"~30').total > 0


def test_wildcards(engine, demo_ctx) -> None:
    assert run(engine, demo_ctx, "zagh*").total >= run(engine, demo_ctx, "Zaghawa").total > 0
    assert run(engine, demo_ctx, "Massal?t").total == run(engine, demo_ctx, "Massalit").total


def test_stop_words_are_neutral_in_their_language(engine, demo_ctx) -> None:
    fr = {"language": ["fr"]}
    en = {"language": ["en"]}
    assert run(engine, demo_ctx, "les Zaghawa", filters=fr).total == run(engine, demo_ctx, "Zaghawa", filters=fr).total
    assert run(engine, demo_ctx, "the Taliban", filters=en).total == run(engine, demo_ctx, "Taliban", filters=en).total
    # a word that both languages drop constrains nothing
    assert run(engine, demo_ctx, "a Taliban").total == run(engine, demo_ctx, "Taliban").total > 0


def test_filters_and_negations(engine, demo_ctx) -> None:
    everything = run(engine, demo_ctx).total
    coi = run(engine, demo_ctx, filters={"kind": ["coi"]})
    not_coi = run(engine, demo_ctx, filters={"kind": ["-coi"]})
    assert coi.total + not_coi.total == everything
    assert all(h.kind == "coi" for h in coi.hits)
    sdn = run(engine, demo_ctx, filters={"country": ["sdn"]}, size=100)
    assert sdn.total >= 2 and all("SDN" in h.countries for h in sdn.hits)
    fr_cnda = run(engine, demo_ctx, filters={"source": ["cnda"], "language": ["fr"]})
    assert fr_cnda.total == 15


def test_date_ranges(engine, demo_ctx) -> None:
    r = run(engine, demo_ctx, published_from="2026-01-01", published_to="2026-12-31", size=100)
    assert r.total > 0
    assert all(h.published and dt.date(2026, 1, 1) <= h.published <= dt.date(2026, 12, 31) for h in r.hits)
    added = run(engine, demo_ctx, added_from="2000-01-01")
    assert added.total == run(engine, demo_ctx).total


def test_facets_count_what_filters_return(engine, demo_ctx) -> None:
    r = run(engine, demo_ctx)
    kinds = {b.value: b.count for b in r.facets["kind"]}
    assert kinds["coi"] == run(engine, demo_ctx, filters={"kind": ["coi"]}).total
    assert kinds["decision"] == run(engine, demo_ctx, filters={"kind": ["decision"]}).total
    sources = {b.value: b.count for b in r.facets["source"]}
    assert sources["cnda"] == 15
    years = [b.value for b in r.facets["year"]]
    assert years == sorted(years, reverse=True) and "2026" in years
    assert {b.value for b in r.facets["language"]} >= {"fr", "en"}


def test_sort_by_date_and_cursor_paging_is_complete_and_stable(engine, demo_ctx) -> None:
    total = run(engine, demo_ctx).total
    for order in ("desc", "asc"):
        seen: list[str] = []
        dates: list[dt.date | None] = []
        cursor = None
        for _ in range(100):
            r = run(engine, demo_ctx, sort="published", order=order, size=7, cursor=cursor)
            seen += [h.id for h in r.hits]
            dates += [h.published for h in r.hits]
            if r.next_cursor is None:
                break
            from services.search import encode_cursor

            cursor = encode_cursor(r.next_cursor, "published")
        assert len(seen) == len(set(seen)) == total
        known = [d for d in dates if d is not None]
        assert known == sorted(known, reverse=(order == "desc"))


def test_relevance_paging_with_offsets(engine, demo_ctx) -> None:
    from services.search import encode_cursor

    first = run(engine, demo_ctx, "asile", size=5)
    second = run(engine, demo_ctx, "asile", size=5, cursor=encode_cursor(first.next_cursor, "relevance"))
    assert first.total > 10
    assert not {h.id for h in first.hits} & {h.id for h in second.hits}


def test_snippets_are_escaped(engine, demo_ctx) -> None:
    r = run(engine, demo_ctx, "Zorblaxie")
    assert r.total == 1  # the hostile COI document; the case document stays hidden
    snippet = " ".join(r.hits[0].snippets)
    assert "<script>" not in snippet and "<img" not in snippet
    assert "&lt;script&gt;" in snippet and "<mark>Zorblaxie</mark>" in snippet
    assert r.hits[0].title.startswith("<script>")  # raw in data; escaped by the templates


def test_case_documents_need_permission(engine, demo_ctx) -> None:
    hidden = run(engine, demo_ctx, "Kadugli")  # other tests may have added public notes naming Kadugli
    assert "case_document" not in {h.kind for h in hidden.hits} and hidden.total == len(hidden.hits)
    facets = run(engine, demo_ctx).facets["kind"]
    assert "case_document" not in {b.value for b in facets}
    allowed = run(engine, demo_ctx, "Kadugli", permission=Permission(case_ids=frozenset({"CASE-0001"})))
    assert [h.kind for h in allowed.hits].count("case_document") == 1
    other = run(engine, demo_ctx, "Kadugli", permission=Permission(case_ids=frozenset({"CASE-0002"})))
    assert "case_document" not in {h.kind for h in other.hits}


def test_match_all_counts_every_visible_document(engine, demo_ctx) -> None:
    from sqlalchemy import func, select

    from store.models import Document

    with demo_ctx.db.session() as s:
        case_docs = s.scalar(select(func.count()).where(Document.kind == "case_document"))
    assert case_docs >= 1
    assert run(engine, demo_ctx).total == demo_ctx.store.count() - case_docs  # case documents need a grant
    assert engine.count() == demo_ctx.store.count()


def test_upsert_replaces_and_delete_removes(engine, demo_ctx) -> None:
    doc = next(d for batch in demo_ctx.store.iter_indexed() for d in batch if d.source == "usdos")
    original_title = doc.title
    doc.title = "Rapport modifié Xylophonique"
    engine.upsert([doc])
    assert run(engine, demo_ctx, "Xylophonique").total == 1
    engine.delete([doc.id])
    assert run(engine, demo_ctx, "Xylophonique").total == 0
    doc.title = original_title
    engine.upsert([to_indexed(demo_ctx.store.get(doc.id))])
    assert run(engine, demo_ctx, filters={"source": ["usdos"]}).total == 4


def test_query_object_defaults_hide_case_documents() -> None:
    assert SearchQuery().permission.case_ids == frozenset()


# ---- enrichment in the index (issue 9) ---------------------------------------------------------------


def test_place_filter_and_any_spelling_finds_the_place(engine, demo_ctx) -> None:
    somali = run(engine, demo_ctx, filters={"place": ["geonames:53654"]})  # Mogadishu
    assert somali.total >= 1 and any("somaliennes" in h.title for h in somali.hits)
    for spelling in ("Mogadishu", "Mogadiscio", "Muqdisho"):
        r = run(engine, demo_ctx, spelling, size=50)
        assert any("somaliennes" in h.title for h in r.hits), spelling


def test_actor_alias_and_filter(engine, demo_ctx) -> None:
    by_actor = run(engine, demo_ctx, filters={"actor": ["rsf-sudan"]}, size=50)
    assert by_actor.total >= 3  # the CNDA Darfur decisions (FSR) and the CPIN notes (RSF)
    assert {h.language for h in by_actor.hits} >= {"fr", "en"}
    facets = {b.value for b in run(engine, demo_ctx, "Darfour").facets["actor"]}
    assert "rsf-sudan" in facets


def test_topics_and_event_window(engine, demo_ctx) -> None:
    detention = run(engine, demo_ctx, filters={"topic": ["detention"]}, size=100)
    assert detention.total >= 5 and any(h.source == "coe-cpt" for h in detention.hits)
    # events reported in April 2023 (outbreak of the war in Sudan), whatever the publication date
    april = run(engine, demo_ctx, events_from="2023-04-01", events_to="2023-04-30", filters={"country": ["SDN"]})
    assert april.total >= 2
    assert all(h.published is None or h.published >= dt.date(2023, 4, 1) for h in april.hits)
    none = run(engine, demo_ctx, events_from="1800-01-01", events_to="1800-12-31")
    assert none.total == 0


def test_best_match_ranks_every_word_first_then_partial_matches(engine, demo_ctx) -> None:
    from services.search import SearchParams, build_query

    strict = build_query(SearchParams(q="Darfour Zorblaxiequinexiste", match="all", facets="none"), demo_ctx.settings)
    assert engine.search(strict).total == 0
    best = build_query(SearchParams(q="Darfour Zorblaxiequinexiste ?", match="best", facets="none"), demo_ctx.settings)
    partial = engine.search(best)
    assert partial.total > 0  # no document has both words: the closest ones come
    both = build_query(SearchParams(q="Darfour Zaghawa", match="best", facets="none", size=50), demo_ctx.settings)
    every = build_query(SearchParams(q="Darfour Zaghawa", match="all", facets="none", size=50), demo_ctx.settings)
    ranked = [h.id for h in engine.search(both).hits]
    with_all = {h.id for h in engine.search(every).hits}
    assert with_all and set(ranked[: len(with_all)]) == with_all  # documents with every word come first
