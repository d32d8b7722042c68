"""Figures stated in French and English text — counts, durations, ages, sizes, sums — with what they count.

"trente-cinq détenus" -> 35 detainees; "more than 200 people" -> at least 200 people; "une vingtaine de
jours" -> about 20 days; "2,5 millions de déplacés" -> 2,500,000 displaced. Spelled numbers are turned into
digits by ``text2num`` (alpha2digit); what a figure counts is the unit word after it, grouped across the
two languages by ``config/units.json``. Years, days of dates, paragraph and article numbers are not figures.
Comparing two figures (``compare``) says whether they agree, are close, or differ.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from text_to_num import alpha2digit

from analyzers.places import demonyms
from config.analysis import ENGLISH_STOP_WORDS, FRENCH_STOP_WORDS
from config.calendar import MONTHS
from config.reference import reference
from textnorm import fold

Bound = Literal["exact", "about", "min", "max"]
CLOSE = 0.15  # figures within 15 % of each other are close ("about 40" and 35), further apart they differ
Agreement = Literal["match", "close", "differ", "missing"]

_NUMBER = r"\d{1,3}(?:(?:[,\u00a0\u202f ]|\.(?=\d{3}\b))\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
_FIGURE = re.compile(rf"(?<![\w/.,-])(?P<n>{_NUMBER})(?!\d)(?!(?:st|nd|rd|th|er|ère|e|ème|eme)\b)")
_MULTIPLIED = re.compile(
    rf"(?<![\w/.,-])(?P<n>{_NUMBER})\s*(?P<mult>millions?|milliards?|billions?|thousands?|mille)\b", re.I
)
_APPROX_WORDS = {
    # French collective numerals and English plurals of magnitude: (low, high)
    "dizaine": (8, 15),
    "douzaine": (10, 14),
    "quinzaine": (13, 17),
    "vingtaine": (17, 25),
    "trentaine": (27, 35),
    "quarantaine": (37, 45),
    "cinquantaine": (45, 55),
    "soixantaine": (55, 65),
    "centaine": (80, 150),
    "millier": (800, 1200),
    "milliers": (2000, 9999),
    "dizaines": (20, 99),
    "centaines": (200, 999),
    "dozen": (12, 12),
    "thousand": (2000, 9999),
    "dozens": (24, 99),
    "scores": (40, 99),
    "hundreds": (200, 999),
    "thousands": (2000, 9999),
}
_COLLECTIVE = re.compile(
    r"\b(?:une?\s+|a\s+|des\s+|several\s+|plusieurs\s+|many\s+|de nombreux\s+)?(?P<w>"
    + "|".join(_APPROX_WORDS)
    + r")\b",
    re.I,
)
_BEFORE_ABOUT = re.compile(
    r"(?:about|around|approximately|roughly|some|nearly|almost|close to|an estimated|estimated|environ|près de"
    r"|presque|quelque|quelques|approximativement|autour de|une estimation de|estimés? à)\s*$",
    re.I,
)
_BEFORE_MIN = re.compile(
    r"(?:more than|over|at least|in excess of|upwards of|plus de|au moins|au-delà de|dépassant)\s*$", re.I
)
_BEFORE_MAX = re.compile(
    r"(?:less than|fewer than|under|up to|at most|no more than|moins de|jusqu'à|au plus|au maximum)\s*$", re.I
)
_NOT_A_FIGURE_BEFORE = re.compile(
    r"(?:\b(?:paragraphs?|paras?|article|articles|art|section|sections|page|pages|p|pp|no|n°|nos|chapter|chapitre"
    r"|annex|annexe|rule|règle|cycle|session|resolution|résolution|décision|decision|case|affaire|law|loi"
    r"|cpt/inf|ecli|version|v)\.?|[§#/(])\s*$",
    re.I,
)
_DURATIONS = {"days", "weeks", "months", "years", "hours"}
_MONTH_NAMES = {fold(m) for m in MONTHS["fr"] + MONTHS["en"]} | {fold(m)[:3] for m in MONTHS["en"]}
_FRENCH_HINT = re.compile(r"\b(?:le|la|les|des|du|une|est|sont|été|dans|pour|avec|qui|que|au|aux|selon)\b", re.I)
_ENGLISH_HINT = re.compile(r"\b(?:the|of|and|was|were|is|are|been|in|for|with|which|that|by|from|according)\b", re.I)


@dataclass(frozen=True)
class Figure:
    value: float
    low: float  # the range the text allows ("more than 200": 201 .. inf; "about 40": 36 .. 44)
    high: float
    bound: Bound
    units: frozenset[str]  # the units.json groups of what it counts ("70 prison officers": staff, establishments)
    text: str  # as written, digits for spelled numbers

    @property
    def unit(self) -> str:
        return "/".join(sorted(self.units))


@lru_cache(maxsize=1)
def _unit_index() -> tuple[dict[str, str], list[tuple[list[str], str]]]:
    """(folded single word -> group, [(folded words of a multi-word unit, group)])."""
    groups = reference().units
    single: dict[str, str] = {}
    multi: list[tuple[list[str], str]] = []
    for group, words in groups.items():
        for w in words:
            parts = fold(w).split()
            if len(parts) == 1:
                single.setdefault(parts[0], group)
            else:
                multi.append((parts, group))
    return single, multi


@lru_cache(maxsize=1)
def _people_of_countries() -> frozenset[str]:
    return frozenset(d for key in demonyms() for d in (key, key + "s", key + "es"))


def _unit_of(word: str) -> str:
    single, _ = _unit_index()
    w = re.sub(r"^(?:d|l|qu)['’]", "", fold(word).strip(".,;:()"))
    if w in single:
        return single[w]
    if w in _people_of_countries():  # "690 000 Érythréens", "300 Sudanese"
        return "people"
    if len(w) >= 5:  # plural and feminine endings, English and French (prisoner ~ prisonniers: 5 letters)
        for key, group in single.items():
            if len(key) >= 5 and key[:5] == w[:5] and abs(len(key) - len(w)) <= 3:
                return group
    return ""


def _language(text: str, language: str | None) -> str:
    if language in ("fr", "en"):
        return language
    return "fr" if len(_FRENCH_HINT.findall(text)) >= len(_ENGLISH_HINT.findall(text)) else "en"


def _to_float(number: str, language: str) -> float:
    n = number.replace("\u00a0", "").replace("\u202f", "")
    if re.fullmatch(r"\d{1,3}(?:[, ]\d{3})+(?:\.\d+)?", n):
        n = n.replace(",", "").replace(" ", "")
    elif re.fullmatch(r"\d{1,3}(?:[. ]\d{3})+(?:,\d+)?", n):
        n = n.replace(".", "").replace(" ", "").replace(",", ".")
    elif "," in n:
        n = n.replace(",", ".") if language == "fr" or len(n.split(",")[1]) != 3 else n.replace(",", "")
    n = n.replace(" ", "")
    return float(n)


_UNIT_STOP = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)
_LINK_WORDS = {
    "of",
    "de",
    "d",
    "des",
    "du",
    "in",
    "à",
    "a",
    "au",
    "aux",
    "for",
    "pour",
    "and",
    "et",
    "or",
    "ou",
    "with",
    "avec",
    "par",
    "by",
}


def _unit_after(text: str, pos: int) -> tuple[frozenset[str], int]:
    """The unit groups among the next four words (up to a clause end or a linking word: "12 prisons and
    200 prisoners"), and where the last ends. English puts the head noun last ("70 new prison officers"),
    French first ("75 agents pénitentiaires"): every unit word of the phrase is kept."""
    _, multi = _unit_index()
    rest = text[pos : pos + 80]
    stop = re.search(r"[.;:!?()\[\],]|\s[-–]\s", rest)
    rest = rest[: stop.start()] if stop else rest
    m = re.match(r"\s*(?:m²|m2|%)", rest)
    if m:
        return frozenset({"area" if "m" in m.group() else "percent"}), pos + m.end()
    words = list(_UNIT_STOP.finditer(rest))[:4]
    folded = [fold(w.group()) for w in words]
    groups: set[str] = set()
    end = pos
    i = 0
    while i < len(words):
        if folded[i] in _LINK_WORDS and i > 0:
            if groups:
                break
            if folded[i] in ("de", "d", "of"):  # "une vingtaine de morts", "dozens of civilians"
                i += 1
                continue
            break
        matched = next((parts for parts, _ in multi if folded[i : i + len(parts)] == parts), None)
        if matched:
            groups.add(next(g for parts, g in multi if parts == matched))
            end = pos + words[i + len(matched) - 1].end()
            i += len(matched)
            continue
        group = _unit_of(words[i].group())
        if group:
            groups.add(group)
            end = pos + words[i].end()
        elif groups:
            break  # the noun phrase ended: "prisoners over 11 days", "civilians were killed"
        i += 1
    return frozenset(groups), end


_DATE_CUE = re.compile(
    r"\b(?:in|en|since|depuis|of|de|du|year|année|from|until|to|à|au|by|during|pendant|early|late|début|fin|mid)\s*$"
    r"|[-–/]\s*$",
    re.I,
)


def _is_date_part(text: str, start: int, end: int, value: float) -> bool:
    """A day or year of a date ("15 April", "April 15", "in 2019", "2019-2021"), not a count."""
    after = fold(text[end : end + 14]).strip().split(" ")[0].strip(".,")
    before = fold(text[max(0, start - 14) : start]).strip().split(" ")[-1].strip(".,") if start else ""
    if (after in _MONTH_NAMES or after[:3] in _MONTH_NAMES) and value <= 31:
        return True
    if before in _MONTH_NAMES or before[:3] in _MONTH_NAMES and len(before) >= 3:
        return True
    year_like = value.is_integer() and 1800 <= value <= 2100
    return year_like and (bool(_DATE_CUE.search(text[max(0, start - 14) : start])) or text[end : end + 1] in "-–/")


_NOT_UNITS = frozenset(
    fold(w) for w in (*FRENCH_STOP_WORDS, *ENGLISH_STOP_WORDS, "times", "fois", "percent", "including", "dont")
)


def _plain_unit(word: str) -> str:
    """An unlisted noun after a number as a unit key ("returnees" -> "w:retur"); "" for other words."""
    w = fold(word)
    if len(w) < 4 or w in _NOT_UNITS or w in _MONTH_NAMES or not w.isalpha():
        return ""
    return "w:" + w[:5]


def bare_numbers(text: str, language: str | None = None) -> list[float]:
    """Every number of a text that is not part of a date, spelled ones as digits: a source that gives the
    fact's figure without the unit word after it ("citizens aged 18 to 40") still states it."""
    lang = _language(text, language)
    converted = alpha2digit(text, lang, threshold=1)
    out = []
    for m in _FIGURE.finditer(converted):
        try:
            value = _to_float(m.group("n"), lang)
        except ValueError:
            continue
        if not _is_date_part(converted, m.start(), m.end(), value) and not (
            value.is_integer() and 1800 <= value <= 2100
        ):
            out.append(value)
    return out


def _range(value: float, bound: Bound) -> tuple[float, float]:
    if bound == "about":  # "about 40" is not 35: that is close, not the same figure (rounding only)
        return value * 0.99, value * 1.01
    if bound == "min":
        return value, float("inf")
    if bound == "max":
        return 0.0, value
    return value, value


def find_figures(text: str, language: str | None = None) -> list[Figure]:
    """The figures of a sentence or passage, in order; only those that count something (a unit) or a share."""
    lang = _language(text, language)

    def multiplied(m: re.Match[str]) -> str:
        try:
            value = _to_float(m.group("n"), lang)
        except ValueError:
            return m.group()
        mult = m.group("mult").lower()
        factor = 1e9 if mult.startswith(("milliard", "billion")) else 1e6 if mult.startswith("million") else 1e3
        return f"{value * factor:.0f}"

    collectives = list(_COLLECTIVE.finditer(text))
    # "several thousand", "des milliers": not a number for text2num, which would read "thousand" as 1000
    masked = _COLLECTIVE.sub(lambda m: "\u2060" * len(m.group()), text)
    converted = alpha2digit(_MULTIPLIED.sub(multiplied, masked), lang, threshold=1)
    out: list[Figure] = []
    for m in _FIGURE.finditer(converted):
        before = converted[max(0, m.start() - 40) : m.start()]
        if _NOT_A_FIGURE_BEFORE.search(before):
            continue
        try:
            value = _to_float(m.group("n"), lang)
        except ValueError:
            continue
        if value == 1 or (m.group("n").startswith("0") and len(m.group("n")) > 1):
            continue  # "une visite", "one of": an article more often than a count; "01": a serial number
        if _is_date_part(converted, m.start(), m.end(), value):
            continue
        units, unit_end = _unit_after(converted, m.end())
        next_word = re.match(r"\s*([^\W\d_][\w'’-]*|%|m²)", converted[m.end() :])
        if not units and next_word and _plain_unit(next_word.group(1)):
            # a count of something no unit group lists ("51 returnees"): the word itself (its first five
            # letters) is the unit, so the same word in a source compares, in the same language
            units, unit_end = frozenset({_plain_unit(next_word.group(1))}), m.end() + next_word.end()
        if not units:
            continue
        if value.is_integer() and 1800 <= value <= 2100 and not (next_word and _unit_of(next_word.group(1))):
            continue  # "between 2019 and 2021 the camps": a year, unless what it counts follows at once
        bound: Bound = "exact"
        qualifier: re.Match[str] | None = None
        if units & _DURATIONS and re.search(r"\b(?:over|during|for|pendant|durant|sur)\s*$", before, re.I):
            pass  # "over 11 days": during, not more than
        elif qualifier := _BEFORE_MIN.search(before):
            bound = "min"
        elif qualifier := _BEFORE_MAX.search(before):
            bound = "max"
        elif qualifier := _BEFORE_ABOUT.search(before):
            bound = "about"
        low, high = _range(value, bound)
        start = m.start() - (len(before) - qualifier.start()) if qualifier else m.start()
        out.append(Figure(value, low, high, bound, units, converted[start:unit_end].strip()))
    for m in collectives:
        units, unit_end = _unit_after(text, m.end())
        if not units:
            continue
        low, high = _APPROX_WORDS[m.group("w").lower()]
        out.append(Figure((low + high) / 2, low, high, "about", units, text[m.start() : unit_end].strip()))
    return out


def compare(fact: Figure, stated: list[Figure]) -> tuple[Agreement, Figure | None]:
    """How the figures a passage states about the same unit agree with the fact's figure: ``match`` (the
    ranges meet), ``close`` (within ``CLOSE``), ``differ`` (another figure), ``missing`` (none of that unit).
    The passage's figure that decided it is returned, to be shown next to the fact's."""
    same = [f for f in stated if f.units & fact.units]
    if not same:
        return "missing", None

    def gap(f: Figure) -> float:
        if fact.bound == f.bound and fact.bound in ("min", "max"):  # "up to 6" against "up to 4"
            overlap = fact.value == f.value
        else:
            overlap = fact.low <= f.high and f.low <= fact.high
        if overlap:
            return 0.0
        return abs(fact.value - f.value) / max(abs(fact.value), abs(f.value), 1.0)

    def far(f: Figure) -> bool:
        """Ranges that meet only through an open bound: "at least 200 dead" neither states nor denies 930."""
        open_bound = f.bound in ("min", "max") and fact.bound not in ("min", "max")
        return open_bound and abs(fact.value - f.value) / max(abs(fact.value), abs(f.value), 1.0) > CLOSE

    best = min(same, key=lambda f: (gap(f), far(f)))
    g = gap(best)
    if g == 0.0 and far(best):
        return "missing", None
    if g == 0.0:
        return "match", best
    if g <= CLOSE:
        return "close", best
    return "differ", best
