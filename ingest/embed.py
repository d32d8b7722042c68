"""Dense embedding of document passages, in the background like enrichment (and ``coidesk embed``).

Only the current version of each document is embedded, once: a document whose bytes did not change is not
embedded again. A document is searchable by its words as soon as it is stored; its passages join the dense
side when they are embedded. Case documents are never embedded.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from analyzers.embeddings import E5Embedder
from analyzers.passages import split_passages
from ingest.background import BackgroundLoop
from store.documents import DocumentStore
from store.models import Document
from store.passages import PassageStore

log = logging.getLogger(__name__)
MODEL = "multilingual-e5-small-q4"
TITLE_CHARS = 200
BATCH = 8


def passage_texts(d: Document) -> tuple[list[tuple[int, int, int | None]], list[str]]:
    """The spans and the texts to embed (each passage led by the document's title, which situates it)."""
    passages = split_passages(d.text or "", (d.extra or {}).get("page_starts"))
    title = (d.title or "")[:TITLE_CHARS]
    spans = [(p.start, p.end, p.page) for p in passages]
    texts = [f"{title}. {(d.text or '')[p.start : p.end]}" for p in passages]
    return spans, texts


def embed_pending(
    store: DocumentStore,
    passages: PassageStore,
    embedder: E5Embedder,
    limit: int = 4,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Embed up to ``limit`` documents that need it; returns how many."""
    ids = passages.needing_embedding(MODEL, limit)
    for d in store.get_many(ids):
        spans, texts = passage_texts(d)
        # a few passages per call: a search waiting for the model waits for one small batch at most
        batches = [embedder.embed(texts[i : i + BATCH], "passage") for i in range(0, len(texts), BATCH)]
        vectors = [v for batch in batches for v in batch]
        passages.replace(d.id, d.sha256 or "", MODEL, spans, vectors)
        if progress:
            progress(len(spans))
    return len(ids)


class EmbedLoop(BackgroundLoop):
    """The server's background embedding (the model is loaded on the first pending document only)."""

    name, join_s = "coidesk-embedder", 60

    def __init__(self, store: DocumentStore, passages: PassageStore, embedder: E5Embedder, interval: float = 5.0):
        super().__init__(interval)
        self.store, self.passages, self.embedder = store, passages, embedder

    def step(self) -> bool:
        while not self._stop.is_set() and embed_pending(self.store, self.passages, self.embedder, limit=1):
            pass
        return False
