"""How close a passage comes to a fact by meaning, in either language: the fact embedded as a query, the
passage's sentences as passages (multilingual-e5-small, the model of hybrid search), their cosine.

Fact verification asks it of a few dozen passages per fact, the best by words and place; their vectors
are kept (by document version and span), so a second fact about the same events costs only its own
query. Without the model (dense search switched off) every passage gets ``None`` and the words decide.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

import numpy as np

from services.dense import DenseSearch

CACHE = 20_000


class Meaning:
    def __init__(self, dense: DenseSearch | None) -> None:
        self.dense = dense if dense is not None and dense.enabled else None
        self._vectors: OrderedDict[tuple[str, str, int, int], Any] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def on(self) -> bool:
        return self.dense is not None

    def similarity(self, fact_text: str, passages: list[tuple[tuple[str, str, int, int], str]]) -> list[float | None]:
        """Cosine of the fact and each (key, text) passage; the key is (document id, sha256, start, end)."""
        if self.dense is None or not passages:
            return [None] * len(passages)
        query = np.asarray(self.dense.query_vector(fact_text), dtype=np.float32)
        with self._lock:
            missing = [(k, t) for k, t in passages if k not in self._vectors]
        if missing:
            vectors = self.dense.embedder.embed([t for _, t in missing], "passage")
            with self._lock:
                for (k, _), v in zip(missing, vectors, strict=True):
                    self._vectors[k] = np.asarray(v, dtype=np.float32)
                while len(self._vectors) > CACHE:
                    self._vectors.popitem(last=False)
        out: list[float | None] = []
        with self._lock:
            for k, _ in passages:
                v = self._vectors.get(k)
                out.append(float(v @ query) if v is not None else None)
        return out
