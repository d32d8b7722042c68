"""The Elasticsearch backend without a server: the exact requests the official client sends.

Requests are compared with golden files in tests/store/golden/ (a missing golden file is written
by the test, which then fails asking for review). Responses are recorded in the shape
Elasticsearch returns.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from elastic_transport import ConnectionError as TransportConnectionError

from store.index.base import IndexedDoc
from store.index.errors import BadQuery, IndexUnavailable
from store.index.query import Cursor, DateRange, FieldFilter, Permission, SearchQuery
from store.index.query_parser import parse
from tests.store.es_capture import CaptureNode, captured_index

GOLDEN = Path(__file__).parent / "golden"
READY = [(200, {"acknowledged": True}), (200, {})]  # put template, alias exists


def check_golden(name: str, value: object) -> None:
    path = GOLDEN / f"{name}.json"
    text = json.dumps(value, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    if not path.exists():
        path.write_text(text)
        pytest.fail(f"golden file {path.name} written: review it and run again")
    assert json.loads(path.read_text()) == json.loads(text)


SEARCH_RESPONSE = {
    "took": 3,
    "timed_out": False,
    "hits": {
        "total": {"value": 2, "relation": "eq"},
        "max_score": 7.1,
        "hits": [
            {
                "_index": "coidesk-documents-v1",
                "_id": "94b176082b3f1d09cfa3",
                "_score": 7.1,
                "_source": {
                    "id": "94b176082b3f1d09cfa3",
                    "kind": "decision",
                    "title": "La CNDA reconnait … Zaghawa",
                    "source": "cnda",
                    "country": [],
                    "language": "fr",
                    "doc_type": "decision",
                    "published": "2026-02-12",
                    "added": "2026-11-26",
                    "published_key": 123,
                    "added_key": 456,
                },
                "highlight": {"content_fr": ["Etat du <mark>Darfour</mark> Nord &lt;b&gt;"]},
                "sort": [7.1, 123],
            },
            {
                "_index": "coidesk-documents-v1",
                "_id": "27f80426ce0000000000",
                "_score": 6.0,
                "_source": {
                    "id": "27f80426ce0000000000",
                    "kind": "decision",
                    "title": "… Massalit du Darfour",
                    "source": "cnda",
                    "country": ["SDN"],
                    "language": "fr",
                    "doc_type": "decision",
                    "published": "2025-12-03",
                    "added": "2026-11-26",
                    "published_key": 120,
                    "added_key": 457,
                },
                "sort": [6.0, 120],
            },
        ],
    },
    "aggregations": {
        "kind": {
            "doc_count_error_upper_bound": 0,
            "sum_other_doc_count": 0,
            "buckets": [{"key": "decision", "doc_count": 2}],
        },
        "year": {
            "doc_count_error_upper_bound": 0,
            "sum_other_doc_count": 0,
            "buckets": [{"key": 2025, "doc_count": 1}, {"key": 2026, "doc_count": 1}],
        },
    },
}


def full_query() -> SearchQuery:
    return SearchQuery(
        tree=parse('Darfour "groupe social"~2 (Zaghawa OR Massal*) -Tchad les'),
        filters=(FieldFilter("country", ("SDN",)), FieldFilter("source", ("usdos",), negate=True)),
        ranges=(DateRange("published", dt.date(2020, 1, 1), dt.date(2026, 12, 31)),),
        facets=("kind", "year"),
        limit=2,
        permission=Permission(case_ids=frozenset({"CASE-1"})),
    )


def test_search_request_is_the_golden_one() -> None:
    index = captured_index(READY + [(200, SEARCH_RESPONSE)])
    result = index.search(full_query())
    template, alias, search = CaptureNode.calls
    assert (template["method"], template["target"]) == ("PUT", "/_index_template/coidesk-documents")
    check_golden("index_template", template["body"])
    assert (alias["method"], alias["target"]) == ("HEAD", "/_alias/coidesk-documents-read")
    assert (search["method"], search["target"]) == ("POST", "/coidesk-documents-read/_search")
    check_golden("search_full_query", search["body"])
    assert result.total == 2
    assert [h.id for h in result.hits] == ["94b176082b3f1d09cfa3", "27f80426ce0000000000"]
    assert result.hits[0].snippets == ["Etat du <mark>Darfour</mark> Nord &lt;b&gt;"]
    assert result.hits[1].countries == ["SDN"] and result.hits[1].published == dt.date(2025, 12, 3)
    assert [(b.value, b.count) for b in result.facets["year"]] == [("2026", 1), ("2025", 1)]
    assert result.next_cursor is None  # 2 of 2: no further page


def test_date_sort_pages_with_search_after() -> None:
    index = captured_index(READY + [(200, SEARCH_RESPONSE)])
    result = index.search(SearchQuery(sort="published", cursor=Cursor(after_key=999), limit=2, facets=()))
    body = CaptureNode.calls[-1]["body"]
    assert body["sort"] == [{"published_key": "desc"}] and body["search_after"] == [999]
    assert "from" not in body and "aggs" not in body
    assert result.next_cursor == Cursor(after_key=120)


def test_first_use_creates_a_versioned_index_behind_both_aliases() -> None:
    index = captured_index(
        [(200, {"acknowledged": True}), (404, {}), (200, {"acknowledged": True}), (200, {"count": 0, "_shards": {}})]
    )
    assert index.count() == 0
    create = CaptureNode.calls[2]
    assert create["method"] == "PUT" and create["target"].startswith("/coidesk-documents-v")
    assert create["body"] == {
        "aliases": {"coidesk-documents-read": {}, "coidesk-documents-write": {"is_write_index": True}}
    }


def _doc(i: int) -> IndexedDoc:
    return IndexedDoc(
        id=f"{i:020d}",
        seq=i,
        kind="coi",
        title=f"Titre {i}",
        text="Texte <b>",
        language="fr",
        countries=["SDN"],
        source="usdos",
        published=dt.date(2024, 1, i),
        added=dt.date(2026, 1, 1),
    )


def test_bulk_writes_to_the_write_alias_and_checks_every_item() -> None:
    ok = {"took": 1, "errors": False, "items": [{"index": {"_id": f"{i:020d}", "status": 201}} for i in (1, 2)]}
    index = captured_index(READY + [(200, ok), (200, {"_shards": {}})])
    index.upsert([_doc(1), _doc(2)])
    bulk = CaptureNode.calls[2]
    assert (bulk["method"], bulk["target"]) == ("PUT", "/coidesk-documents-write/_bulk")
    check_golden("bulk_two_documents", bulk["body"])
    assert CaptureNode.calls[3]["target"] == "/coidesk-documents-write/_refresh"


def test_a_failed_bulk_item_is_an_error_naming_the_document() -> None:
    failed = {
        "took": 1,
        "errors": True,
        "items": [
            {"index": {"_id": "00000000000000000001", "status": 201}},
            {
                "index": {
                    "_id": "00000000000000000002",
                    "status": 400,
                    "error": {"type": "document_parsing_exception", "reason": "failed to parse field [published]"},
                }
            },
        ],
    }
    index = captured_index(READY + [(200, failed)])
    with pytest.raises(IndexUnavailable, match="00000000000000000002"):
        index.upsert([_doc(1), _doc(2)])


def test_deleting_a_missing_document_is_not_an_error() -> None:
    resp = {"took": 1, "errors": True, "items": [{"delete": {"_id": "x", "status": 404, "result": "not_found"}}]}
    index = captured_index(READY + [(200, resp), (200, {"_shards": {}})])
    index.delete(["x"])
    assert CaptureNode.calls[2]["body"] == [{"delete": {"_id": "x"}}]


def test_rebuild_fills_a_new_index_then_swaps_aliases_in_one_call() -> None:
    bulk_ok = {"took": 1, "errors": False, "items": [{"index": {"_id": "00000000000000000001", "status": 201}}]}
    old = {"coidesk-documents-v1": {"aliases": {"coidesk-documents-read": {}, "coidesk-documents-write": {}}}}
    index = captured_index(
        READY
        + [
            (200, {"acknowledged": True}),
            (200, bulk_ok),
            (200, {"_shards": {}}),
            (200, old),
            (200, {"acknowledged": True}),
            (200, {"acknowledged": True}),
        ]
    )
    index.rebuild([_doc(1)])
    targets = [(c["method"], c["target"].split("?")[0]) for c in CaptureNode.calls[2:]]
    new = targets[0][1].lstrip("/")
    assert targets == [
        ("PUT", f"/{new}"),
        ("PUT", f"/{new}/_bulk"),
        ("POST", f"/{new}/_refresh"),
        ("GET", "/_alias/coidesk-documents-read"),
        ("POST", "/_aliases"),
        ("DELETE", "/coidesk-documents-v1"),
    ]
    actions = CaptureNode.calls[6]["body"]["actions"]
    assert {"add": {"index": new, "alias": "coidesk-documents-write", "is_write_index": True}} in actions
    assert {"remove": {"index": "coidesk-documents-v1", "alias": "coidesk-documents-read"}} in actions


def test_engine_down_is_index_unavailable() -> None:
    index = captured_index(fail_with=TransportConnectionError("connection refused"))
    with pytest.raises(IndexUnavailable):
        index.search(SearchQuery())
    assert index.health()["ok"] is False


def test_engine_rejection_is_bad_query_without_engine_text() -> None:
    index = captured_index(
        READY
        + [(400, {"error": {"type": "search_phase_execution_exception", "reason": "too_many_clauses"}, "status": 400})]
    )
    with pytest.raises(BadQuery) as err:
        index.search(SearchQuery(tree=parse("Darfour")))
    assert err.value.code == "engine_rejected"
    assert "too_many_clauses" not in str(err.value)


def test_server_error_is_index_unavailable() -> None:
    index = captured_index(READY + [(503, {"error": {"type": "cluster_block_exception"}, "status": 503})])
    with pytest.raises(IndexUnavailable):
        index.search(SearchQuery())


def test_expansions_reach_elasticsearch_weighted_below_the_typed_words() -> None:
    from services.expansion import expand

    index = captured_index(READY + [(200, SEARCH_RESPONSE)])
    expanded = expand(parse("détention arbitraire"))
    index.search(SearchQuery(tree=expanded.tree, facets=(), limit=2))
    body = json.dumps(CaptureNode.calls[-1]["body"], ensure_ascii=False)
    assert "arbitrary detention" in body
    assert body.count('"boost": 0.5') == len(expanded.also_searched)


def test_best_match_and_hybrid_requests_are_the_golden_ones() -> None:
    """What the service sends for a plain question (best-match tree), and for the dense candidates it
    passes back through the engine (the request's filters and permission, plus an ``id`` filter)."""
    from config.settings import Settings
    from services.search import SearchParams, build_query

    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    best = build_query(
        SearchParams(q="Quels risques pour les déserteurs en Érythrée ?", match="best", facets="none", size=5),
        settings,
        Permission(case_ids=frozenset({"CASE-1"})),
        highlight=False,
    )
    assert best.semantic_text == "Quels risques pour les déserteurs en Érythrée ?"
    ids = ("a" * 20, "b" * 20)
    candidates = SearchQuery(
        filters=(FieldFilter("country", ("ERI",)), FieldFilter("id", ids)),
        facets=(),
        limit=2,
        highlight=False,
        permission=Permission(case_ids=frozenset({"CASE-1"})),
    )
    empty = {"took": 1, "timed_out": False, "hits": {"total": {"value": 0, "relation": "eq"}, "hits": []}}
    index = captured_index(READY + [(200, empty), (200, empty)])
    index.search(best)
    index.search(candidates)
    _, _, first, second = CaptureNode.calls
    check_golden("search_best_match", first["body"])
    check_golden("search_dense_candidates", second["body"])
