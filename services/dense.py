"""The dense side of hybrid search: the query embedded by meaning, the nearest passages of documents."""

from __future__ import annotations

import functools
from typing import Any

from analyzers.embeddings import E5Embedder
from store.passages import PassageHit, PassageIndex, PassageStore


class DenseSearch:
    def __init__(self, passages: PassageStore, embedder: E5Embedder, enabled: bool = True) -> None:
        self.passages = passages
        self.embedder = embedder
        self.enabled = enabled
        self.index = PassageIndex(passages)

    def available(self) -> bool:
        """On, and some passages are embedded (until then, search is lexical only)."""
        return self.enabled and self.index.size() > 0

    def nearest(self, text: str, k: int = 300, per_document: int = 1) -> list[PassageHit]:
        return self.index.nearest(self._query_vector(text), k, per_document)

    def query_vector(self, text: str) -> Any:
        return self._query_vector(text)

    @functools.lru_cache(maxsize=256)  # noqa: B019 - one DenseSearch per process; paging re-asks the same query
    def _query_vector(self, text: str) -> Any:
        return self.embedder.embed([text], "query")[0]
