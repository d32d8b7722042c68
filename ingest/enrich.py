"""Run NLP enrichment over stored documents: only those never enriched or whose input changed.

Enrichment runs after a document is stored and indexed (it is searchable before it is enriched);
each result is saved with the document queued for reindexing in the same transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from analyzers.actors import default_actors, use_desk_actors
from analyzers.enricher import Enricher, EnrichInput, data_version, input_hash
from analyzers.gazetteer import default_gazetteer, use_desk_entries
from analyzers.model import ENRICHER_VERSION, Enrichment
from ingest.background import BackgroundLoop
from store.actor_entries import ActorEntries
from store.documents import DocumentStore
from store.models import Document
from store.places import PlaceEntries

log = logging.getLogger(__name__)


@dataclass
class EnrichReport:
    enriched: int = 0
    skipped: int = 0
    failed: int = 0


def _input(d: Document) -> EnrichInput:
    return EnrichInput(d.id, d.title, d.text, d.language, list(d.countries or []))


def search_aliases(e: Enrichment) -> list[str]:
    """Every spelling of the places and actors found, so a search for one spelling finds the others."""
    gaz, actors = default_gazetteer(), default_actors()
    names: dict[str, None] = {}
    for m in e.mentions:
        if m.type == "place":
            for n in gaz.spellings(m.value)[:150]:
                names.setdefault(n, None)
        elif m.type == "actor":
            for n in actors.spellings(m.value) or [m.label]:
                names.setdefault(n, None)
    return list(names)


def load_desk_places(store: DocumentStore) -> None:
    """The places, spellings and actors added from the product join this process's gazetteer and actor list."""
    use_desk_entries(PlaceEntries(store.db).as_gazetteer_entries())
    use_desk_actors(ActorEntries(store.db).as_entries())


def enrich_documents(
    store: DocumentStore,
    enricher: Enricher,
    force: bool = False,
    batch_size: int = 32,
    total: Callable[[int], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> EnrichReport:
    report = EnrichReport()
    load_desk_places(store)
    known = {} if force else store.enrichment_hashes()
    todo: list[EnrichInput] = []
    for batch in store.iter_documents():
        for d in batch:
            inp = _input(d)
            if not force and known.get(d.id) == input_hash(inp):
                report.skipped += 1  # unchanged since its last enrichment: costs nothing
                continue
            if (d.extra or {}).get("skip_nlp"):
                _save_skipped(store, inp)
                report.skipped += 1
                continue
            todo.append(inp)
    if total:
        total(len(todo))
    for i in range(0, len(todo), batch_size):
        chunk = todo[i : i + batch_size]
        try:
            results = enricher.enrich(chunk)
        except Exception:  # one bad batch must not stop the run; its documents stay unenriched
            log.exception("enrichment failed for a batch of %d documents", len(chunk))
            report.failed += len(chunk)
            continue
        for inp, e in zip(chunk, results, strict=True):
            payload = e.to_json()
            payload["aliases"] = search_aliases(e)
            store.save_enrichment(inp.id, ENRICHER_VERSION, e.text_hash, payload)
            report.enriched += 1
        if progress:
            progress(len(chunk))
    return report


def enrich_pending(store: DocumentStore, enricher: Enricher, limit: int = 64) -> int:
    """Enrich the documents stored or changed since their last enrichment; returns how many."""
    ids = store.needing_enrichment(limit)
    if not ids:
        return 0
    docs = store.get_many(ids)
    for d in docs:
        if (d.extra or {}).get("skip_nlp"):
            _save_skipped(store, _input(d))
    inputs = [_input(d) for d in docs if not (d.extra or {}).get("skip_nlp")]
    for e, inp in zip(enricher.enrich(inputs), inputs, strict=True):
        payload = e.to_json()
        payload["aliases"] = search_aliases(e)
        store.save_enrichment(inp.id, ENRICHER_VERSION, e.text_hash, payload)
    return len(docs)


def _save_skipped(store: DocumentStore, inp: EnrichInput) -> None:
    """A document uploaded with NLP switched off: an empty enrichment, so it is not pending."""
    store.save_enrichment(inp.id, ENRICHER_VERSION, input_hash(inp), {"skipped": True, "mentions": [], "countries": []})


class EnrichLoop(BackgroundLoop):
    """The server's background enrichment: new uploads get places, actors, dates and topics without
    anyone running ``coidesk enrich``. The spaCy model is loaded on the first pending document only."""

    name = "coidesk-enricher"

    def __init__(
        self, store: DocumentStore, interval: float = 5.0, make_enricher: Callable[[], Enricher] | None = None
    ) -> None:
        super().__init__(interval)
        self.store = store
        self.make_enricher = make_enricher or (lambda: Enricher(n_process=1))
        self._enricher: Enricher | None = None
        self.version = ""

    def step(self) -> bool:
        load_desk_places(self.store)
        if self.version and data_version() != self.version:  # the desk added places or spellings
            self._enricher = self._enricher or self.make_enricher()
            report = enrich_documents(self.store, self._enricher)
            log.info("re-enriched %d documents after a gazetteer change", report.enriched)
        self.version = data_version()
        while not self._stop.is_set() and self.store.needing_enrichment(1):
            self._enricher = self._enricher or self.make_enricher()
            n = enrich_pending(self.store, self._enricher, limit=8)  # small batches: stop() stays prompt
            log.info("enriched %d documents in the background", n)
        return False
