"""The Elasticsearch-API backend against a real server that fails: stopped mid-bulk, down during searches,
an index whose mapping conflicts, and a reindex while searches keep running.

Each test gets a private OpenSearch node (tests/engines/search_server.py) so it can stop and restart it.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from search_api.app import create_app
from services.context import AppContext
from services.search import SearchParams, build_query
from store.index.errors import IndexUnavailable
from store.schemas import DocumentCreate
from tests.conftest import PASSWORD, make_settings
from tests.engines import search_server
from tests.engines.scale import NODE_CLASS

pytestmark = pytest.mark.skipif(
    not search_server.available() and not search_server.required(),
    reason="the OpenSearch test server is not built (tests/engines/servers start builds it)",
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[search_server.SearchServer]:
    node = search_server.SearchServer(tmp_path_factory.mktemp("engine") / "node")
    node.start()
    yield node
    node.stop()


@pytest.fixture()
def es_ctx(tmp_path: Path, server: search_server.SearchServer) -> Iterator[AppContext]:
    if server.process is None:
        server.start()
    settings = make_settings(
        tmp_path,
        search_backend="elasticsearch",
        es_url=server.url,
        es_node_class=NODE_CLASS,
        es_index_prefix=f"f{uuid.uuid4().hex[:8]}",
        es_timeout_s=5.0,
    )
    ctx = AppContext.open(settings)
    yield ctx
    ctx.close()
    if server.process is None:
        server.start()  # leave the node up for the next test


def _add(ctx: AppContext, n: int, word: str = "Zorblaxie") -> None:
    for i in range(n):
        ctx.store.add(
            DocumentCreate(
                kind="coi",
                title=f"Rapport {i} sur le Darfour",
                source="upload",
                language="fr",
                text=f"Rapport numéro {i}. Des combats ont eu lieu à El Fasher ; le mot {word} y figure.",
                countries=["SDN"],
                published=dt.date(2024, 1, 1) + dt.timedelta(days=i % 300),
                doc_type="report",
                external_id=f"{word}-{i}",
            ),
            f"{word}-{i}".encode(),
            "text/plain",
            origin=f"test:{word}-{i}",
            received_by="tests",
        )


def _total(ctx: AppContext, q: str) -> int:
    return ctx.index.search(build_query(SearchParams(q=q), ctx.settings)).total


def test_server_stopped_mid_bulk_loses_nothing(es_ctx: AppContext, server: search_server.SearchServer) -> None:
    _add(es_ctx, 600)
    es_ctx.indexer.batch_size = 50
    indexed = 0

    def stop_after_a_few_batches(n: int) -> None:
        nonlocal indexed
        indexed += n
        if indexed == 200:
            server.stop()  # the next batch finds the server gone

    with pytest.raises(IndexUnavailable):
        es_ctx.indexer.drain(progress=stop_after_a_few_batches)
    assert indexed == 200
    assert es_ctx.store.pending_count() == 400  # the rows not acknowledged by the engine stay queued
    server.start()
    assert es_ctx.indexer.drain() == 400
    assert es_ctx.store.pending_count() == 0
    assert es_ctx.index.count() == es_ctx.store.count() == 600
    assert es_ctx.index.ids() == es_ctx.store.all_ids()
    assert _total(es_ctx, "Zorblaxie") == 600


def test_searches_answer_503_in_the_error_shape_while_the_server_is_down(
    es_ctx: AppContext, server: search_server.SearchServer
) -> None:
    _add(es_ctx, 5)
    es_ctx.indexer.drain()
    ra = es_ctx.accounts.create_user("ra", PASSWORD, ["research_assistant"], "Recherche", None, False)
    token = es_ctx.accounts.create_token(ra.user_id, "tests")[1]
    app = create_app(es_ctx.settings, context=es_ctx, writer=False)
    with TestClient(app, base_url="https://testserver", headers={"Authorization": f"Bearer {token}"}) as client:
        assert client.get("/api/search", params={"q": "Zorblaxie"}).json()["total"] == 5
        server.stop()
        r = client.get("/api/search", params={"q": "Zorblaxie"})
        assert r.status_code == 503
        assert r.json()["error"]["code"] == "index_unavailable"
        assert set(r.json()["error"]) == {"status", "code", "message"}
        page = client.get("/", params={"q": "Zorblaxie"}, headers={"accept": "text/html"})
        assert page.status_code == 503
        assert "Le moteur de recherche est indisponible" in page.text and "<nav" in page.text
        health = client.get("/api/health").json()
        assert health["index"]["ok"] is False and health["store"]["documents"] == 5
        server.start()
        assert client.get("/api/search", params={"q": "Zorblaxie"}).json()["total"] == 5


def test_a_mapping_conflict_is_a_clear_error_and_keeps_the_rows(es_ctx: AppContext) -> None:
    index = es_ctx.index
    client = index.client  # type: ignore[attr-defined]
    legacy = f"{index.prefix}-legacy"  # type: ignore[attr-defined]
    # an index left by an older installation, where "year" was a yes/no field, behind coidesk's aliases
    client.indices.create(
        index=legacy,
        mappings={"properties": {"year": {"type": "boolean"}}},
        aliases={index.read_alias: {}, index.write_alias: {"is_write_index": True}},  # type: ignore[attr-defined]
    )
    _add(es_ctx, 3)
    with pytest.raises(
        IndexUnavailable, match=r"3 document\(s\) were not indexed: .*(mapper_parsing|document_parsing)"
    ):
        es_ctx.indexer.drain()
    assert es_ctx.store.pending_count() == 3
    es_ctx.indexer.reindex()  # the way out: a new index with coidesk's mapping, aliases swapped
    assert es_ctx.index.count() == 3 and es_ctx.store.pending_count() == 0
    assert not client.indices.exists(index=legacy)


def test_reindex_swaps_aliases_while_searches_keep_answering(es_ctx: AppContext) -> None:
    _add(es_ctx, 300)
    es_ctx.indexer.drain()
    before = es_ctx.index.version
    totals: list[int] = []
    errors: list[BaseException] = []
    done = threading.Event()

    def search_loop() -> None:
        while not done.is_set():
            try:
                totals.append(_total(es_ctx, "Zorblaxie"))
            except BaseException as exc:  # noqa: BLE001 - any failure is the finding
                errors.append(exc)

    loop = threading.Thread(target=search_loop)
    loop.start()
    try:
        assert es_ctx.indexer.reindex() == 300
    finally:
        done.set()
        loop.join(30)
    assert errors == []
    assert len(totals) >= 3 and set(totals) == {300}
    after = es_ctx.index.version
    assert after != before
    client = es_ctx.index.client  # type: ignore[attr-defined]
    live = set(client.indices.get(index=f"{es_ctx.index.prefix}-documents-v*").body)  # type: ignore[attr-defined]
    assert live == {after}  # the old index is removed
