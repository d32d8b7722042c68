"""An applicant's statements split into checkable facts: one per sentence (or clause joined by ";"), each
with the places, dates or periods, actors and event words it states.

The officer sees and edits these before anything is searched; nothing here leaves the process.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

from analyzers.actors import ActorList, default_actors, find_listed_actors
from analyzers.dates import find_dates
from analyzers.gazetteer import Gazetteer, default_gazetteer
from analyzers.places import demonyms, find_places
from config.analysis import ENGLISH_STOP_WORDS, FRENCH_STOP_WORDS
from textnorm import fold

_ABBREVIATIONS = (
    *("M.", "MM.", "Mme.", "Mlle.", "Dr.", "Pr.", "Prof.", "St.", "Ste.", "Mr.", "Mrs.", "Ms.", "Mgr.", "Me."),
    *("Gen.", "Gén.", "Col.", "Cpt.", "Capt.", "Lt.", "Sgt.", "Maj.", "Adm.", "Gov.", "Sen.", "Rep."),
    *("No.", "no.", "Nos.", "nos.", "N°.", "n°.", "Art.", "art.", "arts.", "para.", "paras.", "Vol.", "vol."),
    *("p.", "pp.", "ch.", "chap.", "sect.", "cf.", "etc.", "al.", "env.", "approx.", "ca.", "c.", "vs.", "v."),
    *(
        "Inc.",
        "Ltd.",
        "Co.",
        "Corp.",
        "Jr.",
        "Sr.",
        "Mt.",
        "Ave.",
        "bd.",
        "av.",
        "J.-C.",
        "U.S.",
        "U.K.",
        "e.g.",
        "i.e.",
    ),
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"«(A-ZÀ-ÖØ-Ý0-9\x00])|;\s+|\n\s*\n|\n(?=\s*[-•*]\s)")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)
_STOP = frozenset(fold(w) for w in (*FRENCH_STOP_WORDS, *ENGLISH_STOP_WORDS)) | frozenset(
    # reporting words of a statement: they say who speaks, not what happened
    fold(w)
    for w in (
        "déclare déclarait affirme affirmait indique indiquait explique expliquait précise soutient raconte "
        "dit says said states stated claims claimed explains explained reports reported that alleges alleged "
        "avoir être été était étaient sont ont avait avaient fait faire lors puis alors ensuite après avant "
        "also then later there their they have had been were was would could also very many several "
        "demandeur demandeuse requérant requérante intéressé intéressée applicant claimant frère soeur père "
        "mère famille brother sister father mother family selon lui elle according"
    ).split()
)
MAX_KEYWORDS = 14


@dataclass
class FactPlace:
    id: str
    name: str
    text: str
    country: str
    level: str


@dataclass
class FactActor:
    id: str
    name: str
    text: str


@dataclass
class Fact:
    id: str
    text: str
    places: list[FactPlace] = field(default_factory=list)
    dates: list[dict[str, Any]] = field(default_factory=list)  # value, text, start, end (ISO; end None = open)
    actors: list[FactActor] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)  # the event, in the statement's own words
    names: list[str] = field(default_factory=list)  # capitalised words no list knows (a village, a person)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def sentences(text: str) -> list[str]:
    """Sentences of a statement; abbreviations ("M.", "p.") do not end one."""
    protected = text
    for i, abbr in enumerate(_ABBREVIATIONS):
        protected = re.sub(rf"(?<![^\s(]){re.escape(abbr)}", f"\x00{i}\x00", protected)
    parts = [p.strip(" \n\t-•*") for p in _SENTENCE_END.split(protected)]
    out = []
    for p in parts:
        for i, abbr in enumerate(_ABBREVIATIONS):
            p = p.replace(f"\x00{i}\x00", abbr)
        if len(_WORD.findall(p)) >= 3:  # "Oui." or a bullet alone is not a fact
            out.append(p.rstrip(";").strip())
    return out


def keywords(text: str, taken: list[tuple[int, int]]) -> list[str]:
    """Content words outside the names and dates already recognised, in order, without repeats."""
    out: list[str] = []
    for m in _WORD.finditer(text):
        if any(a < m.end() and m.start() < b for a, b in taken):
            continue
        word = m.group()
        folded = fold(word.split("'")[-1].split("’")[-1])
        if len(folded) < 4 or folded in _STOP or folded in out:
            continue
        out.append(folded)
        if len(out) >= MAX_KEYWORDS:
            break
    return out


def unknown_names(text: str, taken: list[tuple[int, int]]) -> list[str]:
    """Capitalised words, not opening the sentence, outside recognised places, actors and dates: names the
    gazetteer and the actor list do not know. Evidence must name them too."""
    out: list[str] = []
    for m in _WORD.finditer(text):
        word = m.group()
        if m.start() == 0 or not word[:1].isupper() or any(a <= m.start() < b for a, b in taken):
            continue
        folded = re.sub(r"['’]s$", "", fold(word))  # "CPT's": the name is "cpt"
        if len(folded) >= 3 and folded not in _STOP and folded not in _demonyms() and folded not in out:
            out.append(folded)
    return out


@lru_cache(maxsize=1)
def _demonyms() -> frozenset[str]:
    """ "Érythréens", "Soudanais": they name people of a country, not something evidence must repeat."""
    return frozenset(d for key in demonyms() for d in (key, key + "s"))


def split_facts(
    text: str,
    country: str | None = None,
    gazetteer: Gazetteer | None = None,
    actors: ActorList | None = None,
) -> list[Fact]:
    gaz = gazetteer or default_gazetteer()
    actor_list = actors or default_actors()
    context = [country] if country else []
    facts = []
    for n, sentence in enumerate(sentences(text), start=1):
        places = find_places(sentence, gaz, context_countries=context)
        dates = find_dates(sentence)
        listed = find_listed_actors(sentence, actor_list)
        taken = [(m.start, m.end) for m in (*places, *dates, *listed)]
        facts.append(
            Fact(
                id=f"f{n}",
                text=sentence,
                places=[
                    FactPlace(m.value, m.label, m.text, m.extra.get("country", ""), m.extra.get("level", ""))
                    for m in places
                ],
                dates=[
                    {"value": m.value, "text": m.text, "start": m.extra["start"], "end": m.extra["end"]} for m in dates
                ],
                actors=[FactActor(m.value, m.label, m.text) for m in listed],
                keywords=keywords(sentence, taken),
                names=unknown_names(sentence, taken),
            )
        )
    return facts


def interval(value: str) -> tuple[dt.date, dt.date | None]:
    """First and last day of an ISO date, month, year or range ("2019/2021", "2023-04-15/..")."""
    if "/" in value:
        a, b = value.split("/", 1)
        first = interval(a)[0]
        return first, None if b == ".." else (interval(b)[1] or first)
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 3:
        d = dt.date(*parts)
        return d, d
    if len(parts) == 2:
        start = dt.date(parts[0], parts[1], 1)
        nxt = dt.date(parts[0] + (parts[1] == 12), parts[1] % 12 + 1, 1)
        return start, nxt - dt.timedelta(days=1)
    return dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)
