"""Spelling: a query word no searchable document contains is also searched as the word the documents use.

The dictionary is the corpus itself: every word of the documents any searcher may find (COI and decisions,
never case documents — a case's words must not come back to someone else as a suggestion), with the number
of documents holding it. A word counts as known when one document holds it; only words at least
``MIN_CORRECTION_DOCS`` documents hold are offered, so a name in one document is never suggested. Lookup is SymSpell (``symspellpy``: Damerau-Levenshtein, so "UNWRA" finds
"UNRWA" at distance 1), on folded words (case and accents removed, as the engines index them).

Used in two places, both in the service layer so that both engines give the same answers:
- best-match ranking (plain queries): an unknown word becomes ``word OR correction`` (the correction weighted
  below what was typed) and the hit's explanation says what was also searched;
- the empty-result page: "Essayez avec l'orthographe : …" with the count under the user's permission filter.

The dictionary is built in a background thread when first needed and again when the searchable documents
change (checked at most once a minute); until it exists, nothing is corrected.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator

from symspellpy import SymSpell, Verbosity

from store.index.query import And, Boost, Node, Or, Term
from textnorm import fold, iter_raw_tokens

log = logging.getLogger(__name__)

MIN_DOCS = 2  # a word fewer documents hold is never offered as a correction (a name in one document)
MIN_CORRECTION_DOCS = 3  # a correction must be a word at least this many documents use
MIN_LENGTH = 4  # shorter words are left as typed (acronyms, "loi", "art")
RECHECK_SECONDS = 60.0
CORRECTION_WEIGHT = 0.9  # the word the documents use scores a little below a word typed as they write it
LONG_WORD = 10  # from this length on, two edits are still a typo
_ELISION = re.compile(r"^(?:l|d|qu|jusqu|lorsqu|puisqu|s|n|j|m|t|c)['’](?=\w)")


def corpus_words(text: str) -> set[str]:
    """The folded words of a text, as the dictionary counts them (letters only, 3 to 30 characters)."""
    out = set()
    for raw, _, _ in iter_raw_tokens(text):
        w = fold(raw)
        if 3 <= len(w) <= 30 and w.isalpha():
            out.add(w)
    return out


class Dictionary:
    """Words with the number of documents holding each, and the SymSpell index over them."""

    def __init__(self, doc_freq: Counter[str]) -> None:
        self.doc_freq = doc_freq
        self._sym = SymSpell(max_dictionary_edit_distance=2, prefix_length=7)
        for word, n in doc_freq.items():
            if n >= MIN_DOCS:
                self._sym.create_dictionary_entry(word, n)

    @classmethod
    def from_texts(cls, batches: Iterable[list[str]]) -> Dictionary:
        df: Counter[str] = Counter()
        for batch in batches:
            for text in batch:
                df.update(corpus_words(text))
        return cls(df)

    def known(self, word: str) -> bool:
        return self.doc_freq.get(fold(word), 0) > 0

    def correct(self, word: str) -> str | None:
        """The word the documents use for one none of them holds (folded), or None: known, too short, not a
        plain word, or nothing close enough. One edit away (two for long words); among equals, a word with the
        same first letter (typos rarely hit it), then the one more documents use."""
        w = _ELISION.sub("", fold(word))
        if len(w) < MIN_LENGTH or not w.isalpha() or self.doc_freq.get(w, 0) > 0:
            return None
        distance = 2 if len(w) >= LONG_WORD else 1
        found = self._sym.lookup(w, Verbosity.CLOSEST, max_edit_distance=distance)
        best = max(
            (s for s in found if s.count >= MIN_CORRECTION_DOCS and s.term != w),
            key=lambda s: (-s.distance, s.term[0] == w[0], s.count),
            default=None,
        )
        return best.term if best else None


def with_spelling(tree: Node, dictionary: Dictionary) -> tuple[Node, list[str]]:
    """A plain query's unknown words searched also as their correction: ``word OR correction^0.9``.

    Only the words typed alone (a word the thesaurus expanded is known); quoted phrases, wildcards and
    operators never reach here (best-match only)."""
    corrected: list[str] = []

    def fix(node: Node) -> Node:
        if isinstance(node, Term):
            better = dictionary.correct(node.text)
            if better:
                corrected.append(better)
                return Or((node, Boost(Term(better), CORRECTION_WEIGHT)))
        return node

    if isinstance(tree, And):
        return And(tuple(fix(c) for c in tree.children)), corrected
    return fix(tree), corrected


def respell(text: str, dictionary: Dictionary) -> str:
    """The query as typed, each word nobody wrote replaced by the one the documents use (operators,
    quotes and the other words untouched): the text of a "did you mean" suggestion."""
    out, last = [], 0
    for raw, start, end in iter_raw_tokens(text):
        better = None if raw.isupper() and len(raw) <= 5 else dictionary.correct(raw)
        if better:
            out += [text[last:start], better]
            last = end
    return "".join(out) + text[last:] if out else text


class Speller:
    """The dictionary of a store's searchable documents, rebuilt in the background when they change."""

    def __init__(
        self,
        signature: Callable[[], object],
        texts: Callable[[], Iterator[list[str]]],
        recheck_seconds: float = RECHECK_SECONDS,
    ) -> None:
        self._signature = signature
        self._texts = texts
        self._recheck = recheck_seconds
        self._lock = threading.Lock()
        self._current: Dictionary | None = None
        self._built_for: object = None
        self._checked_at = 0.0
        self._building: threading.Thread | None = None

    def dictionary(self, wait: bool = False) -> Dictionary | None:
        """The dictionary now (None until the first one is built); starts a rebuild when documents changed."""
        now = time.monotonic()
        with self._lock:
            stale = self._current is None or now - self._checked_at >= self._recheck
            if stale and (self._building is None or not self._building.is_alive()):
                self._checked_at = now
                signature = self._signature()
                if signature != self._built_for:
                    self._building = threading.Thread(target=self._build, args=(signature,), daemon=True)
                    self._building.start()
            building = self._building
        if wait and building is not None:
            building.join()
        return self._current

    def _build(self, signature: object) -> None:
        started = time.perf_counter()
        try:
            built = Dictionary.from_texts(self._texts())
        except Exception:  # a failed build leaves the previous dictionary in place; the next check retries
            log.exception("spelling dictionary: build failed")
            with self._lock:
                self._checked_at = 0.0
            return
        with self._lock:
            self._current, self._built_for = built, signature
        log.info(
            "spelling dictionary: %d words from the searchable documents in %.1f s",
            len(built.doc_freq),
            time.perf_counter() - started,
        )
