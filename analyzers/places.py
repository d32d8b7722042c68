"""Find places in text and resolve them against the gazetteer; rank the countries a text is about."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from analyzers.gazetteer import Gazetteer, Place
from analyzers.model import Mention
from config.reference import reference
from textnorm import fold, iter_raw_tokens, name_tokens

MAX_SPAN = 7
_NAMES_BEFORE = re.compile(r"\s+(?:Conventions?|Protocol|Peace Agreement|Agreement|Accords?)\b")
_NAMED_AFTER = re.compile(r"(?:conventions?|protocole|accords?|agreement|traite|treaty|pacte)\s+(?:de|d'|of|du)?\s*$")
# Capitalised words that are also places somewhere: never a place on their own.
_NOT_ALONE = {
    "police",
    "cour",
    "court",
    "article",
    "etat",
    "state",
    "section",
    "page",
    "nord",
    "sud",
    "est",
    "ouest",
    "north",
    "south",
    "east",
    "west",
    "union",
    "republic",
    "republique",
    "president",
    "convention",
    "date",
    "code",
    "mission",
    "office",
    "bureau",
    "centre",
    "center",
    "commission",
    "committee",
    "comite",
    "conseil",
    "council",
    "mars",
    "mai",
    "may",
    "june",
    "juin",
    "august",
    "independence",
    "liberty",
    "victoria",
    "alexandria",
    "florence",
    "lorraine",
    "christ",
    "jesus",
    "marie",
    "mary",
    "grace",
    "hope",
    "unity",
    "justice",
    "paix",
    "peace",
    "lu",
    "vu",
    "considerant",
    "decide",
    "decision",
    "ministere",
    "ministry",
    "forces",
    "force",
    "armee",
    "army",
    "general",
    "aden",
    "salut",
    "sam",
    "paul",
    "pierre",
    "jean",
    "martin",
    "ali",
    "omar",
    "hassan",
    "hussein",
    "mohamed",
    "abdallah",
    "ahmed",
    "said",
    "moussa",
    "issa",
    "ibrahim",
    "adam",
    "david",
    "joseph",
    "tribunal",
    "cnda",
    "ofpra",
    "annex",
    "annexe",
    "table",
    "figure",
    "chapter",
    "chapitre",
    "mme",
    "mr",
    "ms",
    "dr",
    "m",
    "sir",
    "saint",
    "northern",
    "southern",
    "eastern",
    "western",
    "central",
    "capital",
    "coast",
    "upper",
    "lower",
    "greater",
}


@lru_cache(maxsize=1)
def demonyms() -> dict[str, str]:
    data = reference().countries
    out: dict[str, str] = {}
    for code, entry in data.items():
        for d in entry.get("demonyms", []):
            out[" ".join(fold(w) for w in d.replace("-", " ").split())] = code
    return out


def find_places(
    text: str,
    gazetteer: Gazetteer,
    context_countries: Sequence[str] = (),
    ner_spans: Sequence[tuple[int, int]] | None = None,
) -> list[Mention]:
    """Place mentions, longest match first; ambiguous names resolved towards the context countries."""
    tokens = name_tokens(text)
    context = set(context_countries)
    found: list[Mention] = []
    i = 0
    while i < len(tokens):
        matched = False
        if not tokens[i][0][:1].isupper():  # a place name starts with a capital: skip the rest cheaply
            i += 1
            continue
        for length in range(min(MAX_SPAN, len(tokens) - i), 0, -1):
            span = tokens[i : i + length]
            first, last = span[0][0], span[-1][0]
            if not (first[:1].isupper() and last[:1].isupper()):
                continue
            # a span must not cross a sentence or line break
            gap = text[span[0][1] : span[-1][2]]
            if "\n" in gap or ". " in gap:
                continue
            key = " ".join(fold(t) for t, _, _ in span)
            candidates = gazetteer.by_name.get(key)
            if not candidates:
                continue
            if length == 1 and (key in _NOT_ALONE or len(key) < 3):
                continue
            if _NAMED_AFTER.search(fold(text[max(0, span[0][1] - 25) : span[0][1]])) or _NAMES_BEFORE.match(
                text, span[-1][2]
            ):
                continue  # "convention de Genève", "Geneva Convention" name a treaty, not a place
            place = _choose(candidates, context, length, (span[0][1], span[-1][2]), ner_spans)
            if place is None:
                continue
            start, end = span[0][1], span[-1][2]
            found.append(
                Mention(
                    "place",
                    place.id,
                    place.name,
                    text[start:end],
                    start,
                    end,
                    {"country": place.country, "level": place.level},
                )
            )
            i += length
            matched = True
            break
        if not matched:
            i += 1
    return found


def _choose(
    candidates: list[Place],
    context: set[str],
    length: int,
    span: tuple[int, int],
    ner_spans: Sequence[tuple[int, int]] | None,
) -> Place | None:
    """A lone-word city needs support: spaCy saw a place there (French text, ``ner_spans`` given), or
    (without NER) the city lies in a country the document is about; very large cities always count."""
    rank = {"country": 0, "admin1": 1, "region": 1, "city": 2, "locality": 3}
    ordered = sorted(candidates, key=lambda p: (p.country not in context, rank.get(p.level, 4), -p.population))
    best = ordered[0]
    if best.level != "city" or length > 1:
        return best
    if best.population >= 1_000_000:
        return best
    if ner_spans is not None:
        return best if any(a <= span[0] and span[1] <= b for a, b in ner_spans) else None
    return best if best.country in context else None


def rank_countries(
    title: str, text: str, places: Sequence[Mention], metadata: Sequence[str], gazetteer: Gazetteer
) -> list[str]:
    """Countries the document is about, most relevant first: metadata, then mentions weighted by
    kind (country names and demonyms 1, places inside the country 0.5) and position (title x3)."""
    score: dict[str, float] = {}
    title_len = len(title)
    for m in places:
        weight = 1.0 if m.extra.get("level") == "country" else 0.5
        if m.start < title_len:
            weight *= 3
        score[m.extra["country"]] = score.get(m.extra["country"], 0.0) + weight
    dem = demonyms()
    for raw, start, _ in iter_raw_tokens(text):
        code = dem.get(fold(raw))
        if code:
            score[code] = score.get(code, 0.0) + (3.0 if start < title_len else 1.0)
    ranked = sorted(score, key=lambda c: -score[c])  # stable: ties keep first-seen order, as most_common
    top = score[ranked[0]] if ranked else 0
    keep = [c for c in ranked if score[c] >= max(2.0, 0.25 * top)]
    return list(dict.fromkeys([*metadata, *keep]))
