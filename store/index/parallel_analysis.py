"""Analysis of documents for the embedded engine on every core.

The text analysis (store/index/analysis.py) is Python and holds the interpreter lock, so a bulk build
(``coidesk reindex``, a first load) hands batches of documents to worker processes, which return ready
tantivy documents (they pickle); the one writer adds them in order. Small builds stay in-process: a
worker pool costs about a second to start.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TypeVar

Doc = TypeVar("Doc")
Out = TypeVar("Out")

CHUNK = 250  # documents per task: large enough to amortise pickling, small enough to keep both cores busy
IN_PROCESS_UP_TO = 2_000  # below this many documents, no pool


def worker_count(configured: int) -> int:
    return configured if configured > 0 else max(1, os.cpu_count() or 1)


def _chunks(batches: Iterable[Sequence[Doc]]) -> Iterator[list[Doc]]:
    chunk: list[Doc] = []
    for batch in batches:
        for d in batch:
            chunk.append(d)
            if len(chunk) == CHUNK:
                yield chunk
                chunk = []
    if chunk:
        yield chunk


def analysed(
    batches: Iterable[Sequence[Doc]], convert: Callable[[list[Doc]], list[Out]], workers: int
) -> Iterator[Out]:
    """``convert`` applied to every document, in order; on ``workers`` processes once the build is large."""
    chunks = _chunks(batches)
    head: list[list[Doc]] = []
    seen = 0
    for chunk in chunks:
        head.append(chunk)
        seen += len(chunk)
        if seen > IN_PROCESS_UP_TO:
            break
    if workers <= 1 or seen <= IN_PROCESS_UP_TO:
        for chunk in head:
            yield from convert(chunk)
        for chunk in chunks:
            yield from convert(chunk)
        return
    # spawn, not fork: the server has threads (web workers, the index writer loop)
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        pending: deque[Future[list[Out]]] = deque()
        for chunk in head:
            pending.append(pool.submit(convert, chunk))
        for chunk in chunks:
            pending.append(pool.submit(convert, chunk))
            while len(pending) > 3 * workers:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
