"""Text analysis for the embedded engine, mirroring the Elasticsearch analysers exactly.

Chains (the Elasticsearch template in ``es_template.py`` declares the same ones):
- ``fr``: standard-like tokenizer, elision, lowercase, ASCII folding, French stop words, light French
  stemmer (Savoy's UniNE algorithm, as Lucene's ``light_french``).
- ``en``: tokenizer, lowercase, ASCII folding, possessive removal, English stop words, Snowball English.
- ``exact``: tokenizer, elision, lowercase, ASCII folding: no stemming, no stop words.

Folding before stemming is what makes both "réfugiées ~ réfugiés" and "securite ~ sécurité" match: the
light stemmer only strips suffixes, so it gives the same stem for accented and unaccented input (the
snowball French stemmer does not, which is why tantivy's built-in ``fr_stem`` is not used).

Python has no maintained package for the light French stemmer, so it is written here (about 100
lines following the published algorithm); the English stemmer is PyStemmer's Snowball English.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import Stemmer

from config.analysis import ENGLISH_STOP_WORDS, FRENCH_ELISIONS, FRENCH_STOP_WORDS
from textnorm import TOKEN_RE, fold, iter_raw_tokens

Chain = Literal["fr", "en", "exact"]
CHAINS: tuple[Chain, ...] = ("fr", "en", "exact")

_ELISION_RE = re.compile("^(?:" + "|".join(sorted(FRENCH_ELISIONS, key=len, reverse=True)) + r")['’](?=\w)")
_FR_STOP = frozenset(FRENCH_STOP_WORDS)
_EN_STOP = frozenset(ENGLISH_STOP_WORDS)
_EN_STEMMER = Stemmer.Stemmer("english")


@dataclass(frozen=True, slots=True)
class Token:
    term: str
    position: int
    start: int
    end: int


def _strip_elision(word: str) -> str:
    stripped = _ELISION_RE.sub("", word.lower())
    return stripped if stripped else word.lower()


def french_light_stem(word: str) -> str:
    """Savoy's light French stemmer (UniNE), the algorithm behind Lucene's ``light_french``."""
    s = list(word)
    n = len(s)

    def ends(suffix: str) -> bool:
        return n >= len(suffix) and "".join(s[n - len(suffix) : n]) == suffix

    if n > 5 and s[n - 1] == "x":
        if s[n - 3] == "a" and s[n - 2] == "u" and s[n - 4] != "e":
            s[n - 2] = "l"
        n -= 1
    if n > 3 and s[n - 1] == "x":
        n -= 1
    if n > 3 and s[n - 1] == "s":
        n -= 1
    # (min length, suffix, chars to drop, replacement written at the new end, final?)
    if n > 9 and ends("issement"):
        n -= 6
        s[n - 1] = "r"
        return _norm(s, n)
    if n > 8 and ends("issant"):
        n -= 4
        s[n - 1] = "r"
        return _norm(s, n)
    if n > 6 and ends("ement"):
        n -= 4
        if n > 3 and ends("ive"):
            n -= 1
            s[n - 1] = "f"
        return _norm(s, n)
    if n > 11 and ends("ficatrice"):
        n -= 5
        s[n - 2], s[n - 1] = "e", "r"
        return _norm(s, n)
    if n > 10 and ends("ficateur"):
        n -= 4
        s[n - 2], s[n - 1] = "e", "r"
        return _norm(s, n)
    if n > 9 and ends("catrice"):
        n -= 3
        s[n - 4], s[n - 3], s[n - 2] = "q", "u", "e"
        return _norm(s, n)
    if n > 8 and ends("cateur"):
        n -= 2
        s[n - 4], s[n - 3], s[n - 2], s[n - 1] = "q", "u", "e", "r"
        return _norm(s, n)
    if n > 8 and ends("atrice"):
        n -= 4
        s[n - 2], s[n - 1] = "e", "r"
        return _norm(s, n)
    if n > 7 and ends("ateur"):
        n -= 3
        s[n - 2], s[n - 1] = "e", "r"
        return _norm(s, n)
    if n > 6 and ends("trice"):
        n -= 1
        s[n - 3], s[n - 2], s[n - 1] = "e", "u", "r"
    if n > 5 and ends("ième"):
        return _norm(s, n - 4)
    if n > 7 and ends("teuse"):
        n -= 2
        s[n - 1] = "r"
        return _norm(s, n)
    if n > 6 and ends("teur"):
        n -= 1
        s[n - 1] = "r"
        return _norm(s, n)
    if n > 5 and ends("euse"):
        return _norm(s, n - 2)
    if n > 8 and ends("ère"):
        n -= 1
        s[n - 2] = "e"
        return _norm(s, n)
    if n > 7 and ends("ive"):
        n -= 1
        s[n - 1] = "f"
        return _norm(s, n)
    if n > 4 and (ends("folle") or ends("molle")):
        n -= 2
        s[n - 1] = "u"
        return _norm(s, n)
    if n > 9 and ends("nnelle"):
        return _norm(s, n - 5)
    if n > 9 and ends("nnel"):
        return _norm(s, n - 3)
    if n > 4 and ends("ète"):
        n -= 1
        s[n - 2] = "e"
    if n > 8 and ends("ique"):
        n -= 4
    if n > 8 and ends("esse"):
        return _norm(s, n - 3)
    if n > 7 and ends("inage"):
        return _norm(s, n - 3)
    if n > 9 and ends("isation"):
        n -= 7
        if n > 5 and ends("ual"):
            s[n - 2] = "e"
        return _norm(s, n)
    if n > 9 and ends("isateur"):
        return _norm(s, n - 7)
    if n > 8 and ends("ation"):
        return _norm(s, n - 5)
    if n > 8 and ends("ition"):
        return _norm(s, n - 5)
    return _norm(s, n)


_NORM_ACCENTS = str.maketrans("àáâôèéêùûîç", "aaaoeeeuuic")


def _norm(s: list[str], n: int) -> str:
    chars = s[:n]
    if n > 4:
        chars = list("".join(chars).translate(_NORM_ACCENTS))
        out = [chars[0]]
        for c in chars[1:]:
            if c == out[-1] and c.isalpha():
                continue
            out.append(c)
        chars = out
    n = len(chars)
    if n > 4 and chars[n - 2] == "i" and chars[n - 1] == "e":
        n -= 2
    if n > 4:
        if chars[n - 1] == "r":
            n -= 1
        if chars[n - 1] == "e":
            n -= 1
        if chars[n - 1] == "e":
            n -= 1
        if chars[n - 1] == chars[n - 2] and chars[n - 1].isalpha():
            n -= 1
    return "".join(chars[:n])


@lru_cache(maxsize=300_000)
def analyze_word(word: str, chain: Chain) -> str | None:
    """The indexed term for one raw token, or None when the chain drops it (stop word)."""
    if chain == "en":
        w = fold(word)
        if w.endswith("'s"):
            w = w[:-2]
        w = w.replace("'", "")
        if not w or w in _EN_STOP:
            return None
        return _EN_STEMMER.stemWord(w)
    w = fold(_strip_elision(word)).replace("'", "")
    if not w:
        return None
    if chain == "exact":
        return w
    if w in _FR_STOP:
        return None
    return french_light_stem(w)


def is_neutral(text: str) -> bool:
    """True when every stemmed chain drops all of the text (a stop word): it constrains nothing."""
    return all(not analyze(text, c) for c in ("fr", "en"))


def analyze(text: str, chain: Chain) -> list[Token]:
    """Tokens of ``text`` for ``chain``; dropped stop words keep their position (phrase gaps)."""
    out: list[Token] = []
    for position, (raw, start, end) in enumerate(iter_raw_tokens(text)):
        term = analyze_word(raw, chain)
        if term is not None:
            out.append(Token(term, position, start, end))
    return out


_TERMS: dict[Chain, dict[str, str | None]] = {"fr": {}, "en": {}, "exact": {}}
_TERMS_MAX = 400_000  # raw words remembered per chain (a bulk load sees a few hundred thousand distinct ones)


def indexed_terms(text: str, chains: tuple[Chain, ...], gap: str) -> dict[Chain, list[str]]:
    """One tokenisation pass feeding several chains: the term of each raw token in order, ``gap`` for a
    dropped one, so a term's index is its position."""
    raws = TOKEN_RE.findall(text)
    out: dict[Chain, list[str]] = {}
    for chain in chains:
        known = _TERMS[chain]
        if len(known) > _TERMS_MAX:
            known.clear()
        terms: list[str] = []
        append = terms.append
        for raw in raws:
            term = known.get(raw, gap)
            if term is gap:
                term = known[raw] = analyze_word(raw, chain)
            append(gap if term is None else term)
        out[chain] = terms
    return out


def count_tokens(text: str) -> int:
    return len(TOKEN_RE.findall(text))


def chain_for_language(language: str | None) -> Chain | None:
    """The stemmed chain for a document language, or None (searched through the exact field only)."""
    if language in ("fr", "en"):
        return language  # type: ignore[return-value]
    return None
