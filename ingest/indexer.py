"""The index writer: drains the queue of stored-but-not-indexed documents into the search index.

tantivy allows one writer process. Whoever drains takes the writer; a process that finds it busy
leaves the queue to the process that holds it (the server's writer loop, or a CLI run). Rows leave
the queue only after the index committed them, so a crash at any point loses nothing: the next
drain picks the rows up again, and upserts are idempotent.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence

from ingest.background import BackgroundLoop
from store.documents import DocumentStore, to_indexed
from store.index.base import SearchIndex
from store.index.errors import IndexBusy
from store.models import Document

log = logging.getLogger(__name__)


class Indexer:
    def __init__(self, store: DocumentStore, index: SearchIndex, batch_size: int = 500) -> None:
        self.store = store
        self.index = index
        self.batch_size = batch_size
        self._lock = threading.Lock()
        # called with the documents of each batch once the index committed them, before the queue rows go
        # (alerts queue them for matching: a crash in between only queues them again)
        self.listeners: list[Callable[[Sequence[Document]], object]] = []

    def drain(self, progress: Callable[[int], None] | None = None) -> int:
        """Index everything queued; returns how many queue rows were processed.

        Raises ``IndexBusy`` when another process holds the writer.
        """
        done = 0
        with self._lock:
            while True:
                rows = self.store.pending(self.batch_size)
                if not rows:
                    return done
                upserts = [r.document_id for r in rows if r.op == "upsert"]
                deletes = [r.document_id for r in rows if r.op == "delete"]
                docs = {d.id: d for d in self.store.get_many(upserts)}
                gone = [i for i in upserts if i not in docs]
                if deletes or gone:
                    self.index.delete(deletes + gone)
                if docs:
                    enrichments = self.store.enrichments(list(docs))
                    self.index.upsert([to_indexed(d, enrichments.get(d.id)) for d in docs.values()])
                    for listener in self.listeners:
                        listener(list(docs.values()))
                self.store.ack([r.id for r in rows])
                done += len(rows)
                if progress:
                    progress(len(rows))

    def try_drain(self) -> int:
        try:
            return self.drain()
        except IndexBusy:
            log.debug("index writer busy; queue left to its holder")
            return 0

    def reindex(self, progress: Callable[[int], None] | None = None) -> int:
        """Rebuild the index from the store (the store is the truth); search stays up meanwhile."""
        with self._lock:
            upto = self.store.max_queue_id()
            total = 0

            def batches():  # type: ignore[no-untyped-def]
                nonlocal total
                for batch in self.store.iter_indexed(self.batch_size):
                    total += len(batch)
                    if progress:
                        progress(len(batch))
                    yield batch

            self.index.rebuild(None, batches())
            self.store.clear_queue_upto(upto)
            return total


class WriterLoop(BackgroundLoop):
    """A background thread that drains the queue every ``interval`` seconds (used by the server)."""

    name, backoff, join_s = "coidesk-index-writer", 0, 10

    def __init__(self, indexer: Indexer, interval: float = 0.5) -> None:
        super().__init__(interval)
        self.indexer = indexer

    def step(self) -> bool:
        self.indexer.try_drain()
        return False
