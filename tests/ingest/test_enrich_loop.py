"""The server's background enrichment on a real store with the real spaCy model."""

from __future__ import annotations

import datetime as dt
import time

from ingest.enrich import EnrichLoop
from services.context import AppContext
from store.schemas import DocumentCreate


def _doc(text: str) -> DocumentCreate:
    return DocumentCreate(
        kind="coi",
        title="Note sur le Kordofan du Sud",
        text=text,
        source="upload",
        language="fr",
        published=dt.date(2025, 2, 1),
        external_id="loop-1",
    )


def test_new_and_changed_documents_are_enriched_in_the_background(fresh_ctx: AppContext) -> None:
    store = fresh_ctx.store
    first = _doc("Des combats ont eu lieu à Kadugli en mars 2024.")
    doc_id = store.add(first, first.text.encode(), "text/plain", origin="t", received_by="tests").id
    assert store.needing_enrichment() == [doc_id]
    loop = EnrichLoop(store, interval=0.1)
    loop.start()
    try:
        deadline = time.monotonic() + 120
        while store.needing_enrichment() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert store.needing_enrichment() == []
        places = {m["value"] for m in store.enrichments([doc_id])[doc_id]["mentions"] if m["type"] == "place"}
        assert "geonames:373141" in places  # Kadugli
        # a new version of the document is enriched again
        second = _doc("Des combats ont eu lieu à El Geneina en mai 2024.")
        store.add(second, second.text.encode(), "text/plain", origin="t", received_by="tests")
        deadline = time.monotonic() + 60
        while store.needing_enrichment() and time.monotonic() < deadline:
            time.sleep(0.2)
        places = {m["value"] for m in store.enrichments([doc_id])[doc_id]["mentions"] if m["type"] == "place"}
        assert "geonames:379303" in places and "geonames:373141" not in places  # El Geneina now
    finally:
        loop.stop()
    assert store.pending_count() > 0  # the enriched documents are queued for the index writer
