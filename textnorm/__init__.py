"""Text normalisation shared by the search analysis (store) and NLP enrichment (analyzers).

Bottom layer: imports nothing from the project.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

# Letters/digits joined by in-word apostrophes or dots (between letters) and by dots or commas
# (between digits): "l'asile", "U.S", "3.5" stay one token, like Unicode word segmentation (UAX #29).
TOKEN_RE = re.compile(r"\w+(?:(?:(?<=[^\W\d_])[.'’](?=[^\W\d_])|(?<=\d)[.,](?=\d))\w+)*")
_SPECIAL_FOLDS = str.maketrans(
    {
        "œ": "oe",
        "æ": "ae",
        "ß": "ss",
        "ø": "o",
        "đ": "d",
        "ł": "l",
        "ı": "i",
        "’": "'",
        "ð": "d",
        "þ": "th",
        "ʿ": "",
        "ʾ": "",
        "‘": "'",
    }
)


def normalize(text: str) -> str:
    """NFC normalisation: some corpus texts carry decomposed accents."""
    return unicodedata.normalize("NFC", text)


@lru_cache(maxsize=200_000)
def fold(word: str) -> str:
    """Lower-case and remove diacritics ("Sécurité" -> "securite", "Œuvre" -> "oeuvre")."""
    lowered = word.lower().translate(_SPECIAL_FOLDS)
    if lowered.isascii():
        return lowered
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def iter_raw_tokens(text: str) -> Iterator[tuple[str, int, int]]:
    for m in TOKEN_RE.finditer(text):
        yield m.group(), m.start(), m.end()


def fold_phrase(text: str) -> str:
    """A name folded and re-joined token by token: "Al-Fāshir" -> "al fashir"."""
    return " ".join(fold(t) for t, _, _ in iter_raw_tokens(text))


_ELIDED = re.compile(r"^(?:l|d|qu|jusqu|lorsqu|puisqu|s|n|j|m|t|c)['’](?=\w)", re.I)
_GLUED = re.compile(r"(?<=[a-z])\.(?=[A-Z])")


def name_tokens(text: str) -> list[tuple[str, int, int]]:
    """Tokens for finding names: elided articles cut off ("d’El Fasher" -> "El", "Fasher") and
    sentences glued by a missing space split ("Afghanistan.The" -> "Afghanistan", "The")."""
    out: list[tuple[str, int, int]] = []
    for raw, start, _end in iter_raw_tokens(text):
        pieces = [(raw, start)]
        if _GLUED.search(raw):
            pieces = []
            offset = 0
            for part in _GLUED.split(raw):
                pieces.append((part, start + offset))
                offset += len(part) + 1
        for piece, pstart in pieces:
            m = _ELIDED.match(piece)
            if m:
                piece, pstart = piece[m.end() :], pstart + m.end()
            if piece:
                out.append((piece, pstart, pstart + len(piece)))
    return out
