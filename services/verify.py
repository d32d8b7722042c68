"""Checking an applicant's statements against COI (DOMAIN §2).

For each fact: search the COI documents available at the "as of" date (several queries, logged), read
the passages of the documents found, and weigh each passage against the fact — the same place (or a place
inside it, or only the region around it), the same actor, the event words, and the dates. The status:
- ``corroborated``: a passage states the event at that place (or by that actor) with no date against it;
- ``conflicting``: passages about the same place and event give other dates (both sides are shown);
- ``partly_consistent``: passages confirm part of it (the region, the actor, not the event or the date);
- ``no_information``: nothing found — never presented as a contradiction.
Places are checked against the gazetteer (exists, in which district/province, distances, other spellings).

Statements and results stay in the office: nothing is logged; with a case they are stored with it and
every read is audited (``services/cases.py``).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

from analyzers.actors import default_actors, find_listed_actors
from analyzers.dates import find_dates
from analyzers.facts import Fact, FactActor, FactPlace, interval, split_facts
from analyzers.figures import CLOSE as CLOSE_FIGURE
from analyzers.figures import Agreement, Figure, bare_numbers, compare, find_figures
from analyzers.gazetteer import Place, default_gazetteer, distance_km
from analyzers.language import detect
from analyzers.places import demonyms, find_places
from analyzers.tense import describes_present, states_change
from config.calendar import MONTHS
from config.reference import reference
from config.sources import source_acronym, source_name, source_type
from services.citation import citation, euaa_footnote
from services.dense import DenseSearch
from services.expansion import Vocabulary, term_keys
from services.hybrid import allowed_ids
from services.search import SearchParams, build_query
from services.verify_meaning import Meaning
from store.documents import DocumentStore
from store.index import SearchIndex
from store.index.errors import BadQuery
from store.index.query import Permission
from textnorm import fold

Status = Literal["corroborated", "partly_consistent", "conflicting", "no_information"]
_LATIN = re.compile(r"^[A-Za-zÀ-ÖØ-öø-ɏ' .-]+$")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
MAX_SPELLINGS = 6
HITS_PER_QUERY = 15
MAX_EVIDENCE = 5
DENSE_PASSAGES = 45  # passages by meaning (the nearest, three a document at most) added to those by words
MEANING_PASSAGES = 36  # passages whose meaning is compared with the fact's (the best by words and place)
# a passage states the event when its rare words (see _rarity) and its meaning (the cosine of the fact and
# the passage, multilingual-e5: 0.7-0.95) together reach EVENT_STATED; without the model, when it has
# EVENT_WORDS of them. Set on the development half of the blind set (a grid over the two numbers).
EVENT_WORDS = 0.5
MEANING_BASE = 0.80
MEANING_FACTOR = 4.0
EVENT_STATED = 0.2
EVENT_WEIGHT = 3.0
MEANING_ALONE = 0.90  # without the rarest event word, only a passage this close by meaning states it
CONTEXT_CHARS = 2500  # a place named this far before a passage is the place it speaks of
AGAINST_WORDS = 0.5
DECISION_PENALTY = 1.0
OVERTAKEN_AFTER = dt.timedelta(days=365)  # a source this much newer that no longer states a situation
OVERTAKEN_MEANING = 0.02  # ... and comes as close to it by meaning (cosine) as the older source that did  # a passage that contradicts must have the event's words, not only its topic
OLD_AFTER = dt.timedelta(days=2 * 365)  # evidence older than this at the "as of" date is flagged (currency)


class FactIn(BaseModel):
    """A fact as the officer validated it (edited or as split)."""

    id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,16}$")
    text: str = Field(min_length=1, max_length=2000)
    places: list[str] = Field(default_factory=list, max_length=10)  # gazetteer ids
    dates: list[str] = Field(default_factory=list, max_length=5)  # ISO date, month, year or range
    actors: list[str] = Field(default_factory=list, max_length=10)  # actor ids
    keywords: list[str] = Field(default_factory=list, max_length=15)
    names: list[str] = Field(default_factory=list, max_length=10)  # names evidence must contain

    @field_validator("dates")
    @classmethod
    def _dates(cls, v: list[str]) -> list[str]:
        for value in v:
            try:
                interval(value)
            except (ValueError, TypeError) as exc:
                raise ValueError(f"not an ISO date or period: {value[:30]!r}") from exc
        return v

    @field_validator("keywords")
    @classmethod
    def _words(cls, v: list[str]) -> list[str]:
        return [fold(w)[:40] for w in v if w.strip()]


class VerifyIn(BaseModel):
    statements: str = Field(min_length=1, max_length=20_000)
    country: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    period_from: dt.date | None = None  # the time the statements are about
    period_to: dt.date | None = None
    as_of: dt.date | None = None  # evidence available at this date (the decision date); default today
    case_id: str | None = Field(default=None, pattern=r"^[0-9a-f]{32}$")
    facts: list[FactIn] | None = Field(default=None, max_length=30)  # None: split the statements
    sources_include: list[str] = Field(default_factory=list, max_length=30)  # registry ids
    sources_exclude: list[str] = Field(default_factory=list, max_length=30)

    @field_validator("sources_include", "sources_exclude")
    @classmethod
    def _source_ids(cls, v: list[str]) -> list[str]:
        bad = [x for x in v if not re.fullmatch(r"[a-z0-9_-]{1,64}", x)]
        if bad:
            raise ValueError(f"not a source id: {bad[0][:30]!r}")
        return v

    min_sources: int = Field(default=1, ge=1, le=5)  # independent sources needed to call a fact corroborated
    # court decisions state country facts too (and cite COI for them): read with the COI unless refused
    include_decisions: bool = True


@dataclass
class Passage:
    doc_id: str
    start: int
    end: int
    text: str
    paragraph: int
    place_ids: set[str] = field(default_factory=set)
    actor_ids: set[str] = field(default_factory=set)
    dates: list[tuple[dt.date, dt.date | None, str, int]] = field(default_factory=list)  # first, last, value, at


@dataclass
class Weighed:
    passage: Passage
    place: Literal["exact", "within", "context", "region", "none", "n/a"]
    actor: bool | None  # None: the fact names no actor
    words: float  # share of the event words found
    date: Literal["match", "approx", "conflict", "unknown", "undated", "before", "n/a"]
    score: float
    names: bool = True  # the names no list knows, if the fact has any, are in the passage
    meaning: float | None = None  # cosine of the fact and the passage (None: not compared)
    event: bool = False  # the passage states the event (its words, or its meaning with some of them)
    figure: Literal["match", "close", "differ", "missing", "n/a"] = "n/a"
    fact_figure: str | None = None  # the fact's figure and the source's, when compared
    source_figure: str | None = None
    other_dates: tuple[str, ...] = ()  # the dates the passage gives the event, when they are not the fact's
    dense: float = 0.0  # the passage lies in a passage found by meaning (its cosine), 0 otherwise
    opposite: bool = False  # the sentence that states the event denies one of its key words, the fact not
    sentence_words: float = 0.0  # share of the event words in the sentence that states it best
    core: bool = True  # the rarest of the fact's event words (those of config/events.json) is in the passage
    changed: bool = False  # a newer source no longer states the situation, or says it changed


def fact_from_input(f: FactIn) -> Fact:
    gaz, actors = default_gazetteer(), default_actors()
    places = [FactPlace(p.id, p.name, p.name, p.country, p.level) for pid in f.places if (p := gaz.by_id.get(pid))]
    named = [FactActor(a.id, a.name, a.name) for aid in f.actors if (a := actors.by_id.get(aid))]
    dates = []
    for value in f.dates:
        start, end = interval(value)
        dates.append(
            {"value": value, "text": value, "start": start.isoformat(), "end": end.isoformat() if end else None}
        )
    return Fact(f.id, f.text, places, dates, named, list(f.keywords), [fold(n) for n in f.names])


def _paragraphs(text: str) -> Iterable[tuple[int, int, int]]:
    """(start, end, paragraph number) of each passage: paragraphs, long ones cut into sentence windows."""
    number = 0
    for m in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*", text):
        number += 1
        start, end = m.span()
        if end - start <= 900:
            yield start, end, number
            continue
        cuts = [start] + [start + s.end() for s in re.finditer(r"(?<=[.!?])\s+", m.group())] + [end]
        i = 0
        while i < len(cuts) - 1:  # windows of about two sentences
            j = i + 1
            while j < len(cuts) - 1 and cuts[j] - cuts[i] < 350:
                j += 1
            yield cuts[i], cuts[j], number
            i = j


def _key(word: str) -> str:
    """Cognate key: the first four letters of words of five or more (attaque ~ attack), short words whole."""
    w = fold(word)
    return w[:4] if len(w) >= 5 else w


def _gkey(word: str) -> str:
    """Lexicon key: a word of the event groups, which list their inflections, matched on its first six
    letters (whole when shorter), so "interdiction" does not meet "international" as the cognate key would."""
    w = fold(word)
    return "~" + (w[:6] if len(w) >= 7 else w)


def _prefixes(words: Iterable[str]) -> set[str]:
    """The keys of the words of a text: cognate keys and lexicon keys."""
    out: set[str] = set()
    for w in words:
        if len(w) >= 3:
            out.add(_key(w))
            out.add(_gkey(w))
    return out


def _event_groups() -> tuple[list[list[str]], dict[str, list[int]]]:
    groups = list(reference().events)
    by_key: dict[str, list[int]] = {}
    for i, words in enumerate(groups):
        for w in words:
            if " " not in w:
                if i not in by_key.setdefault(_gkey(w), []):
                    by_key[_gkey(w)].append(i)
    return groups, by_key


EVENT_GROUPS, _EVENT_GROUPS = _event_groups()


_NOT_SINCE = re.compile(r"\b(not|never|no|pas|jamais|aucune?|plus)\b.{0,80}\b(since|depuis)\b", re.I)
_DAY_MONTH = re.compile(
    r"\b(\d{1,2})(?:er|st|nd|rd|th)?\s+("
    + "|".join(MONTHS["fr"] + MONTHS["en"])
    + r")\b|\b("
    + "|".join(MONTHS["en"])
    + r")\s+(\d{1,2})\b",
    re.I,
)


def _sentence_spans(text: str, offset: int) -> Iterable[tuple[int, int]]:
    start = 0
    for m in re.finditer(r"(?<=[.!?])\s+(?=[A-Z«\"(])", text):
        yield offset + start, offset + m.start()
        start = m.end()
    yield offset + start, offset + len(text)


def _same_day(fact_dates: list[tuple[dt.date, dt.date | None]], sentence: str) -> bool:
    """A day and month without a year ("on July 19") that is the fact's day (the report's year is implied)."""
    days = {(a.day, a.month) for a, b in fact_dates if b == a}
    if not days:
        return False
    names = [m.lower() for m in MONTHS["fr"]] + [m.lower() for m in MONTHS["en"]]
    for m in _DAY_MONTH.finditer(sentence):
        day, month = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        if (int(day), names.index(month.lower()) % 12 + 1) in days:
            return True
    return False


CONTEMPORARY = dt.timedelta(days=2 * 365)


def _contemporaneous(fact_dates: list[tuple[dt.date, dt.date | None]], doc: Any) -> bool:
    """The document was published within two years after the events (or, undated, its title names a year
    of them: "2014 Country Reports ...")."""
    start = min(a for a, _ in fact_dates)
    end = max((b or dt.date.today()) for _, b in fact_dates)
    if doc.published is not None:
        return start <= doc.published <= end + CONTEMPORARY
    years = {int(y) for y in re.findall(r"\b(19\d\d|20\d\d)\b", doc.title or "")}
    return any(start.year - 1 <= y <= end.year + 1 for y in years)


def _same_year(fact_dates: list[tuple[dt.date, dt.date | None]], sentence: str) -> bool:
    """A bare year in the sentence that states the event ("the 2009 stadium massacre") within the fact's years."""
    years = {int(y) for y in re.findall(r"\b(19\d\d|20\d\d)\b", sentence)}
    return any(a.year <= y <= (b or dt.date.max).year for a, b in fact_dates for y in years)


_NEGATIONS = frozenset(
    fold(w)
    for w in (
        *("not", "no", "never", "none", "nor", "neither", "cannot", "refused", "refuses", "refuse", "refusal"),
        *("denied", "denies", "ne", "pas", "jamais", "aucun", "aucune", "nullement", "refus", "refusé", "refusée"),
        *("refusés", "refusent", "refusait", "less", "least", "fewer", "hardly", "barely", "rarely", "moins"),
        *("peu", "guère"),
    )
)
_NEGATIONS_AFTER = frozenset({"pas", "jamais", "point", "guere", "plus"})  # "n'accordent pas", "ne sont plus"


def _negation_at(tokens: list[str]) -> list[bool]:
    return [t in _NEGATIONS or t.endswith("n't") or t.startswith(("n'", "n’")) for t in tokens]


def _negated_word(tokens: list[str], neg: list[bool], i: int) -> bool:
    """A negation in the four words before (English, French "ne"), or "pas"/"jamais" right after."""
    return any(neg[max(0, i - 4) : i]) or any(t in _NEGATIONS_AFTER for t in tokens[i + 1 : i + 3])


def _denied(fact_text: str, sentence: str, word_keys: list[set[str]], weights: list[float]) -> bool:
    """A key word of the fact (one of its rarer half) is negated in the sentence that states the event
    ("n'accorderaient aucune coopération" against "accordent l'accès") and not in the fact: a negation
    before it (or French "pas"/"jamais" just after)."""
    if not word_keys:
        return False
    cut = sorted(weights)[len(weights) // 2]
    key = [keys for keys, wt in zip(word_keys, weights, strict=True) if wt >= cut]

    def negated_keys(text: str) -> set[int]:
        tokens = [fold(t) for t in _WORD.findall(text)]
        neg = _negation_at(tokens)
        out = set()
        for i, t in enumerate(tokens):
            k, g = _key(t), _gkey(t)
            for j, keys in enumerate(key):
                if (k in keys or g in keys) and _negated_word(tokens, neg, i):
                    out.add(j)
        return out

    return bool(negated_keys(sentence) - negated_keys(fact_text))


_PRECISION = {"locality": 0, "city": 0, "district": 1, "admin2": 1, "admin1": 2, "region": 3, "country": 4}


def _names_any(text: str, spellings: list[str]) -> bool:
    folded = " " + " ".join(fold(w) for w in _WORD.findall(text)) + " "
    return any(f" {s} " in folded for s in spellings)


def _rarity(word_keys: list[set[str]], passages: list[Passage]) -> list[float]:
    """Each event word's weight: how rare it is among the passages read (smoothed inverse frequency), so
    the words that tell this event apart count more than those every passage of the reports shares."""
    if not word_keys:
        return []
    df = [0] * len(word_keys)
    for p in passages:
        tokens = _prefixes(fold(w) for w in _WORD.findall(p.text))
        for i, keys in enumerate(word_keys):
            if keys & tokens:
                df[i] += 1
    n = len(passages)
    return [math.log(1.0 + (n + 1) / (d + 1)) for d in df]


def _as_precise(fact_dates: list[tuple[dt.date, dt.date | None]], stated: list[tuple[dt.date, dt.date | None]]) -> bool:
    """The source gives the fact's dates at least as precisely (a day for a day, a month for a month)."""

    def days(d: tuple[dt.date, dt.date | None]) -> int:
        return ((d[1] or dt.date.max) - d[0]).days if d[1] is not None else 10**6

    return min(days(s) for s in stated) <= max(days(f) for f in fact_dates)


def _other_years(fact_dates: list[tuple[dt.date, dt.date | None]], sentence: str) -> tuple[str, ...]:
    """Bare years in the sentence that states the event ("the 2009 stadium massacre"), when none of them
    falls within the fact's years (a year the date reader takes only after a cue: "in 2009")."""
    years = list(dict.fromkeys(int(y) for y in re.findall(r"(?<![\d/.-])(19\d\d|20\d\d)(?![\d/-])", sentence)))
    if not years or _same_year(fact_dates, sentence):
        return ()
    return tuple(str(y) for y in years)


def _overlap(a: tuple[dt.date, dt.date | None], b: tuple[dt.date, dt.date | None], slack: dt.timedelta) -> bool:
    a_end = a[1] or dt.date.max
    b_end = b[1] or dt.date.max
    return a[0] - slack <= b_end and b[0] - slack <= a_end


class Verifier:
    def __init__(
        self,
        store: DocumentStore,
        index: SearchIndex,
        settings: Any,
        vocabulary: Vocabulary,
        dense: DenseSearch | None = None,
        meaning: Meaning | None = None,
    ) -> None:
        self.store, self.index, self.settings, self.vocabulary = store, index, settings, vocabulary
        self.dense = dense if dense is not None and dense.enabled else None
        self.meaning = meaning or Meaning(self.dense)
        self.gaz = default_gazetteer()
        self.actors = default_actors()
        self._seen_spellings: dict[str, set[str]] = {}  # place id -> spellings met in the passages read
        self._country_named: dict[tuple[str, str], bool] = {}

    # ---- facts ----------------------------------------------------------------------------------
    def split(self, statements: str, country: str | None) -> list[dict[str, Any]]:
        return [f.to_json() for f in split_facts(statements, country, self.gaz, self.actors)]

    # ---- verification -----------------------------------------------------------------------------
    def verify(self, data: VerifyIn, today: dt.date | None = None) -> dict[str, Any]:
        as_of = data.as_of or today or dt.date.today()
        facts = (
            [fact_from_input(f) for f in data.facts]
            if data.facts is not None
            else split_facts(data.statements, data.country, self.gaz, self.actors)
        )
        log: list[dict[str, Any]] = []
        all_places = [p for f in facts for p in f.places]
        results = [self._verify_fact(f, data, as_of, log, all_places) for f in facts]
        consulted = sorted({e["source"] for r in results for e in r["evidence"] + r["conflicting"]})
        return {
            "as_of": as_of.isoformat(),
            "country": data.country,
            "period": [
                data.period_from.isoformat() if data.period_from else None,
                data.period_to.isoformat() if data.period_to else None,
            ],
            "generated": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "facts": results,
            "search_log": log,
            "sources_consulted": [{"id": s, "name": source_name(s), "type": source_type(s)} for s in consulted],
        }

    def _queries(self, fact: Fact) -> list[tuple[str, str]]:
        """(purpose, query) pairs, most precise first; each names a place, an actor or the event words."""

        def group(terms: Iterable[str]) -> str:
            unique = list(dict.fromkeys(t.strip().replace('"', "") for t in terms if t and t.strip()))
            quoted = [f'"{t}"' if not re.fullmatch(r"[^\W_]+", t) else t for t in unique]
            return "(" + " OR ".join(quoted) + ")" if quoted else ""

        places = [s for p in fact.places for s in self._spellings(p.id, p.text)]
        parents = [
            s
            for p in fact.places
            if (place := self.gaz.by_id.get(p.id))
            for parent in self.gaz.parents(place)
            if parent.level != "country"
            for s in self._spellings(parent.id, parent.name)
        ]
        actors = [
            s
            for a in fact.actors
            for s in list(dict.fromkeys([a.text, *self.actors.spellings(a.id)]))[:MAX_SPELLINGS]
            if _LATIN.match(s)
        ]
        words = [w for k in fact.keywords[:6] for w in self._event_words(k)][:16]
        queries = []
        if places:
            if actors or words:
                queries.append(("place+event", f"{group(places)} {group(actors + words)}"))
            queries.append(("place", group(places)))
        if parents:
            queries.append(("region+event", f"{group(parents)} {group(words or actors)}".strip()))
        if actors:
            queries.append(("actor+event", f"{group(actors)} {group(words)}".strip()))
        if not queries and words:
            queries.append(("event", group(words)))
        return queries

    def _spellings(self, place_id: str, as_written: str) -> list[str]:
        place = self.gaz.by_id.get(place_id)
        names = [as_written, *([place.name] if place else []), *self.gaz.spellings(place_id)]
        out = [n for n in dict.fromkeys(names) if n and _LATIN.match(n) and len(n) >= 3]
        return out[:MAX_SPELLINGS]

    @staticmethod
    def _filter_sets(data: VerifyIn) -> list[dict[str, list[str]]]:
        """COI of the country the officer gave; court decisions, whose country is often not recorded
        (the applicant's nationality is in the text), of any country: the place check decides."""
        sets: list[dict[str, list[str]]] = [{"kind": ["coi"]}]
        if data.country:
            sets[0]["country"] = [data.country]
        if data.include_decisions:
            sets.append({"kind": ["decision"]})
        for filters in sets:
            if data.sources_include:
                filters["source"] = list(data.sources_include)
            if data.sources_exclude:
                filters.setdefault("source", []).extend(f"-{s}" for s in data.sources_exclude)
        return sets

    def _search(self, fact: Fact, data: VerifyIn, as_of: dt.date, log: list[dict[str, Any]]) -> list[str]:
        found: list[str] = []
        queries = self._queries(fact)
        searches = [
            (filters, q) for i, filters in enumerate(self._filter_sets(data)) for q in queries[: 1 if i else None]
        ]
        for filters, (purpose, q) in searches:
            params = SearchParams(q=q, filters=filters, size=HITS_PER_QUERY, facets="none")
            try:
                query = build_query(params, self.settings, Permission(), highlight=False, vocabulary=self.vocabulary)
                result = self.index.search(query)
            except BadQuery as exc:
                log.append({"fact": fact.id, "purpose": purpose, "query": q, "error": exc.code})
                continue
            ids = [h.id for h in result.hits]
            log.append(
                {
                    "fact": fact.id,
                    "purpose": purpose,
                    "query": q,
                    "filters": filters,
                    "published_by": as_of.isoformat(),  # later documents are set aside (undated ones kept)
                    "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                    "hits": result.total,
                    "sources": sorted({h.source for h in result.hits}),
                }
            )
            found.extend(i for i in ids if i not in found)
        return found

    def _by_meaning(
        self, fact: Fact, data: VerifyIn, log: list[dict[str, Any]]
    ) -> dict[str, list[tuple[int, int, float]]]:
        """The passages nearest to the fact by meaning (either language), of the documents the lexical
        queries' filters admit: {document id: [(start, end, cosine)]}."""
        if self.dense is None or not self.dense.available():
            return {}
        nearest = self.dense.nearest(fact.text, k=DENSE_PASSAGES, per_document=3)
        ids = list(dict.fromkeys(p.document_id for p in nearest))
        allowed: set[str] = set()
        for filters in self._filter_sets(data):
            params = SearchParams(q="", filters=filters, size=1, facets="none")
            query = build_query(params, self.settings, Permission(), highlight=False, vocabulary=self.vocabulary)
            allowed |= allowed_ids(self.index, query, ids)
        out: dict[str, list[tuple[int, int, float]]] = {}
        for p in nearest:
            if p.document_id in allowed:
                out.setdefault(p.document_id, []).append((p.start, p.end, p.score))
        log.append(
            {
                "fact": fact.id,
                "purpose": "meaning",
                "query": "(the statement, by meaning)",
                "filters": self._filter_sets(data),
                "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "hits": len(out),
                "sources": sorted({d.source for d in self.store.get_many(list(out))}),
            }
        )
        return out

    def _passages(
        self, doc_ids: list[str], as_of: dt.date, country: str | None = None
    ) -> tuple[dict[str, Any], list[Passage]]:
        """Passages of the documents published by the "as of" date (undated documents are kept, flagged);
        a court decision only if it is about the officer's country (recorded, or named in its text)."""
        docs = {d.id: d for d in self.store.get_many(doc_ids) if d.published is None or d.published <= as_of}
        enrichments = self.store.enrichments(doc_ids)
        target = self.gaz.by_id.get(f"iso:{country}") if country else None
        passages = []
        for doc_id in doc_ids:
            d = docs.get(doc_id)
            if d is None or d.kind not in ("coi", "decision"):
                continue
            if d.kind == "decision" and target is not None and target.country not in (d.countries or []):
                if d.countries or not self._names_country(d, target):
                    continue
            enrichment = enrichments.get(doc_id)
            if enrichment is None:  # not enriched yet (just crawled or uploaded): read it now
                mentions = self._read_now(d.text)
            else:
                shift = len(d.title) + 1  # enrichment offsets count from the title ("title\ntext")
                mentions = [
                    {**m, "start": m.get("start", -1) - shift}
                    for m in enrichment.get("mentions", [])
                    if m.get("start", -1) >= shift
                ]
            for start, end, number in _paragraphs(d.text):
                inside = [m for m in mentions if start <= m["start"] < end]
                p = Passage(doc_id, start, end, d.text[start:end], number)
                p.place_ids = {m["value"] for m in inside if m["type"] == "place"}
                for m in inside:
                    if m["type"] == "place" and m.get("text"):
                        self._seen_spellings.setdefault(m["value"], set()).add(m["text"])
                p.actor_ids = {m["value"] for m in inside if m["type"] == "actor"}
                for m in inside:
                    if m["type"] == "date" and m.get("extra", {}).get("start"):
                        end_iso = m["extra"].get("end")
                        first = dt.date.fromisoformat(m["extra"]["start"])
                        last = dt.date.fromisoformat(end_iso) if end_iso else None
                        p.dates.append((first, last, m["value"], m["start"]))
                passages.append(p)
        return docs, passages

    def _event_words(self, word: str) -> list[str]:
        """The word and the other words of its event groups (``config/events.json``), both languages."""
        out = [word]
        for g in _EVENT_GROUPS.get(_gkey(word), []):
            out.extend(EVENT_GROUPS[g])
        return list(dict.fromkeys(out))

    def _name_keys(self, name: str) -> set[str]:
        """A name must be found whole: each part of "mayo-sava", under its cognate key."""
        return {_key(part) for part in re.split(r"[-\s]+", name) if len(part) >= 3}

    def _read_now(self, text: str) -> list[dict[str, Any]]:
        """Places, actors and dates of a document that enrichment has not reached yet (same analyzers)."""
        found = [
            *find_places(text, self.gaz),
            *find_listed_actors(text, self.actors),
            *find_dates(text),
        ]
        return [{"type": m.type, "value": m.value, "start": m.start, "text": m.text, "extra": m.extra} for m in found]

    def _keyword_keys(self, words: list[str]) -> list[set[str]]:
        """Per event word: its cognate keys, those of its event group and of the thesaurus concept it names."""
        out = []
        for w in words:
            keys = {_key(w), _gkey(w)} | {_gkey(x) for x in self._event_words(w)[1:] if " " not in x}
            groups: set[int] = set()
            for key in term_keys(w):
                groups |= self.vocabulary.keys.get(key, set())
            for g in groups:
                for term in self.vocabulary.groups[g]:
                    if len(_WORD.findall(term)) == 1:  # a word of "prison riot" does not say "riot"
                        keys.add(_gkey(term))
            out.append(keys)
        return out

    def _weigh(
        self,
        fact: Fact,
        p: Passage,
        word_keys: list[set[str]],
        doc: Any,
        figures: list[Figure] | None = None,
        weights: list[float] | None = None,
        spellings: dict[str, list[str]] | None = None,
        core: int | None = None,
    ) -> Weighed:
        weights = weights or [1.0] * len(word_keys)
        total = sum(weights) or 1.0
        folded_text = " " + " ".join(fold(w) for w in _WORD.findall(p.text)) + " "
        fact_places = [self.gaz.by_id[x.id] for x in fact.places if x.id in self.gaz.by_id]
        # the places a fact names are checked from the most precise ("El Fasher" before "Darfour"): a
        # passage about the wider one only is about the region, not the place the statement is about
        fact_places.sort(key=lambda q: _PRECISION.get(q.level, 0))
        broader = fact_places[1:]
        fact_places = fact_places[:1] + [
            q for q in broader if _PRECISION.get(q.level, 0) == _PRECISION.get(fact_places[0].level, 0)
        ]
        if not fact_places:
            place: Literal["exact", "within", "context", "region", "none", "n/a"] = "n/a"
        else:
            place = "none"
            for fp in fact_places:
                written = (spellings or {}).get(fp.id, [])
                if (
                    fp.id in p.place_ids
                    or (fp.level == "country" and fp.country in (doc.countries or []))
                    or any(f" {s} " in folded_text for s in written)
                    or (fp.level == "country" and not doc.countries and self._names_country(doc, fp))
                ):
                    place = "exact"  # named here (as the gazetteer or the statement spells it), or the
                    break  # whole document is about that country
                inner = [self.gaz.by_id[i] for i in p.place_ids if i in self.gaz.by_id]
                before = doc.text[max(0, p.start - CONTEXT_CHARS) : p.start]
                if fp.level != "city" and any(fp in self.gaz.parents(q) for q in inner):
                    place = "within"
                elif written and place == "none" and _names_any(before, written):
                    place = "context"  # named just before: "the prison" of a section on Nicosia Central Prisons
                elif any(q.id in p.place_ids for q in self.gaz.parents(fp) if q.level != "country"):
                    place = "region" if place == "none" else place
            if place == "none" and any(q.id in p.place_ids for q in broader if q not in fact_places):
                place = "region"  # names the wider place the statement also gives
        actor = None if not fact.actors else any(a.id in p.actor_ids for a in fact.actors)

        def share(tokens: set[str]) -> float:
            return sum(wt for keys, wt in zip(word_keys, weights, strict=True) if keys & tokens) / total

        # the event words are counted over the passage, each by how rare it is among the passages read
        # (a report on prisons says "prison" everywhere); its dates are read in the sentence that says the
        # event best (a passage often tells several events, each with its own date)
        # the names the statement gives ("Khamis Abakar") tell which sentence is about its event too
        name_sets = [self._name_keys(n) for n in fact.names]
        best_rank, best, best_share = (0.0, False), (p.start, p.end), 0.0
        for a, b in _sentence_spans(p.text, p.start):
            tokens = _prefixes(fold(w) for w in _WORD.findall(p.text[a - p.start : b - p.start]))
            said = share(tokens) if word_keys else 0.0
            named = sum(1 for ks in name_sets if ks and ks <= tokens) / len(name_sets) if name_sets else 0.0
            rank = (said + 0.5 * named, any(a <= at < b for *_, at in p.dates))
            if rank > best_rank:  # equal words: the sentence with a date
                best_rank, best, best_share = rank, (a, b), said
        tokens = _prefixes(folded_text.split())
        words = share(tokens) if word_keys else 0.0
        plural = {t[:-1] for t in tokens if t.endswith("s")}  # "ITTs" names "ITT"
        found_names = [any(self._name_keys(alt) <= tokens | plural for alt in self._event_words(n)) for n in fact.names]
        names = not found_names or sum(found_names) * 2 >= len(found_names)  # most of the unknown names
        date: Literal["match", "approx", "conflict", "unknown", "undated", "before", "n/a"] = "n/a"
        fact_dates = [interval(d["value"]) for d in fact.dates]
        sentence = p.text[best[0] - p.start : best[1] - p.start]
        other_dates: tuple[str, ...] = ()
        if fact_dates:
            slack = dt.timedelta(days=31)
            stated: list[tuple[dt.date, dt.date | None]] = [
                (a, b) for a, b, _, at in p.dates if best[0] <= at < best[1]
            ]
            matching = [st for st in stated if any(_overlap(fd, st, slack) for fd in fact_dates)]
            if matching and all(b is None for _, b in matching) and _NOT_SINCE.search(sentence):
                date = "conflict"  # "elections have not taken place since 1993" against "elections in 2010"
            elif matching or _same_day(fact_dates, sentence) or _same_year(fact_dates, sentence):
                date = "match"
                if matching and not _as_precise(fact_dates, matching) and not _same_day(fact_dates, sentence):
                    date = "approx"  # "14 October 2022" where the source says "October 2022"
            elif stated:
                date = "conflict"
                other_dates = tuple(dict.fromkeys(v for _, _, v, at in p.dates if best[0] <= at < best[1]))
            elif years := _other_years(fact_dates, sentence):
                date = "conflict"  # "the 2009 stadium massacre" against "the massacre of 2008"
                other_dates = years
            elif _contemporaneous(fact_dates, doc):
                date = "unknown"  # undated here, but the document reports on that time
            else:
                date = "undated"  # the event is reported without a date, in a document of another time
            published = doc.published
            if published and all(published < fd[0] for fd in fact_dates):
                date = "before"  # published before the events: it can neither confirm nor contradict them
        score = {"exact": 3.0, "within": 2.5, "context": 2.0, "region": 1.0, "none": 0.0, "n/a": 0.0}[place]
        score += 2.0 if actor else 0.0
        score += 3.0 * words
        score += {"match": 2.0, "approx": 1.5, "conflict": 0.5, "unknown": 0.0, "undated": 0.0, "before": -10.0}.get(
            date, 0.0
        )
        if doc.kind == "decision":
            score -= DECISION_PENALTY  # COI first; a decision restates it (and is shown when it alone does)
        w = Weighed(p, place, actor, words, date, score, names, other_dates=other_dates)
        w.sentence_words = best_share
        w.core = core is None or bool(word_keys[core] & tokens)
        w.opposite = _denied(fact.text, sentence, word_keys, weights)
        if figures:
            self._weigh_figures(w, figures, sentence, doc)
        return w

    @staticmethod
    def _weigh_figures(w: Weighed, figures: list[Figure], sentence: str, doc: Any) -> None:
        """The fact's figures against those of the sentence that states the event (else of the passage)."""
        language = doc.language if doc.language in ("fr", "en") else None
        stated = find_figures(sentence, language) or find_figures(w.passage.text, language)
        compared = [(f, *compare(f, stated)) for f in figures]
        if any(a == "missing" for _, a, _ in compared):  # the same number without its unit word after it
            bare = set(bare_numbers(sentence, language)) | set(bare_numbers(w.passage.text, language))

            def unitless(f: Figure, a: Agreement, other: Figure | None) -> tuple[Figure, Agreement, Figure | None]:
                if a != "missing" or not bare:
                    return f, a, other
                near = min(bare, key=lambda x: abs(x - f.value))
                gap = abs(near - f.value) / max(abs(f.value), abs(near), 1.0)
                if gap > 0.0 and (gap > CLOSE_FIGURE or min(near, f.value) < 20):
                    return f, a, other  # small numbers are too common to be the fact's without their unit
                return f, "match" if gap == 0.0 else "close", Figure(near, near, near, "exact", f.units, f"{near:g}")

            compared = [unitless(*c) for c in compared]
        for agreement in ("differ", "close", "missing", "match"):  # every figure of the fact must be stated
            decided = [(f, other) for f, a, other in compared if a == agreement]
            if decided:
                f, other = decided[0]
                w.figure = agreement  # type: ignore[assignment]
                w.fact_figure = f"{f.text} ({f.unit})"
                w.source_figure = other.text if other is not None else None
                return

    def _checked(self, fact: Fact, country: str | None) -> Fact:
        """The places a fact is checked against: a country named next to a place inside it adds nothing (the
        place is what must be found); a fact naming no place is about the country the officer gave."""
        inner = {p.country for p in fact.places if p.level != "country"}
        places = [p for p in fact.places if not (p.level == "country" and p.country in inner)]
        if not places and country and f"iso:{country}" in self.gaz.by_id:
            c = self.gaz.by_id[f"iso:{country}"]
            places = [FactPlace(c.id, c.name, c.name, c.country, "country")]
        return Fact(fact.id, fact.text, places, fact.dates, fact.actors, fact.keywords, fact.names)

    def _verify_fact(
        self, fact: Fact, data: VerifyIn, as_of: dt.date, log: list[dict[str, Any]], all_places: list[FactPlace]
    ) -> dict[str, Any]:
        checked = self._checked(fact, data.country)
        doc_ids = self._search(checked, data, as_of, log)
        near = self._by_meaning(checked, data, log)
        doc_ids += [d for d in near if d not in doc_ids]
        docs, passages = self._passages(doc_ids, as_of, data.country)
        # the event words are the statement's words that are not names (those must be found whole, see
        # ``names``): "Closed Controlled Access Centre" says where, not what happened there
        event_words = [k for k in fact.keywords if k not in set(fact.names)] or fact.keywords
        word_keys = self._keyword_keys(event_words)
        weights = _rarity(word_keys, passages)
        spellings = {
            p.id: [fold(x) for x in {p.text, *self._spellings(p.id, p.text), *self._seen_spellings.get(p.id, ())}]
            for p in checked.places
            if p.level != "country"
        }
        figures = find_figures(fact.text)
        core = self._core_word(event_words, weights)
        weighed = [
            self._weigh(checked, p, word_keys, docs[p.doc_id], figures, weights, spellings, core) for p in passages
        ]
        for w in weighed:
            spans = near.get(w.passage.doc_id, [])
            w.dense = max((c for a, b, c in spans if a < w.passage.end and w.passage.start < b), default=0.0)
        self._weigh_meaning(fact, weighed, docs)
        weighed.sort(key=lambda w: -w.score)
        needs_place = bool(checked.places)
        needs_actor = bool(fact.actors)

        def about_it(w: Weighed) -> bool:
            if needs_place and w.place not in ("exact", "within", "context"):
                return needs_actor and bool(w.actor) and w.place == "region"
            return (not needs_place or w.place in ("exact", "within", "context")) or bool(w.actor)

        relevant = [
            w
            for w in weighed
            if w.event
            and about_it(w)
            and w.names
            and w.date != "before"
            and (w.actor is not False or needs_place)
            and (w.place != "n/a" or w.actor or w.date == "match")
        ]
        # other dates, other figures, or a key word of the event denied, for the same event at the same
        # place (or by the same actor), in a passage that has the event's words: both sides are shown.
        against = [
            w
            for w in relevant
            if w.sentence_words >= AGAINST_WORDS
            and (w.actor is not False)  # the same actors, when the statement names them (not another war)
            and w.place != "region"
            and (w.date == "conflict" or w.figure == "differ" or w.opposite)
        ]
        precise_day = any(d["start"] == d["end"] for d in fact.dates if d.get("end"))
        support = [
            w
            for w in relevant
            if w not in against
            and w.place != "region"  # only the wider region: at most part of it
            and (w.date in ("match", "n/a") or (w.date == "unknown" and not precise_day))
            and w.figure in ("match", "n/a")
        ]
        partial = [w for w in relevant if w not in against and w not in support]
        if support and not fact.dates and describes_present(fact.text, detect(fact.text) or "fr"):
            overtaken = self._overtaken(support, weighed, docs, about_it)
            for w in overtaken:
                w.changed = True
            against += overtaken
            # a passage about the place that says the situation changed (retaken, ended, spread...)
            # while the statement says it holds: the situation of the statement is overtaken there
            changed = [w for w in support + partial if self._tells_change(w, fact, checked, spellings)]
            support = [w for w in support if w not in changed]
            partial = [w for w in partial if w not in changed]
            for w in changed:
                w.changed = True
            against += [w for w in changed if w not in against]
        status = self._status(support, against, partial, docs, data.min_sources)
        coi_first = sorted(support, key=lambda w: docs[w.passage.doc_id].kind != "coi")  # stable: by score within
        shown = self._pick(coi_first + partial if status != "no_information" else [])
        contra = self._pick(against)
        evidence = [self._evidence(w, docs, as_of) for w in shown]
        conflicting = [self._evidence(w, docs, as_of) for w in contra]
        return {
            "fact": fact.to_json(),
            "status": status,
            "explanation": self._explanation(fact, checked, support, partial, against, figures, docs),
            "timeline": self._timeline(support, partial, against, docs),
            "evidence": evidence,
            "conflicting": conflicting,
            "places": [self._place_check(p, all_places) for p in fact.places],
            "flags": self._flags(evidence + conflicting, as_of),
        }

    def _tells_change(self, w: Weighed, fact: Fact, checked: Fact, spellings: dict[str, list[str]]) -> bool:
        """A sentence of the passage naming the statement's place (its actors, for a whole country) says
        that the situation changed, and the statement itself does not."""
        if states_change(fact.text) or w.place not in ("exact", "within", "context"):
            return False
        written = [s for p in checked.places if p.level != "country" for s in spellings.get(p.id, [])]
        if not written:  # a statement about a whole country: the sentence must name its actors
            written = [fold(s) for a in fact.actors for s in [a.text, *self.actors.spellings(a.id)] if s]
        if not written:
            return False
        for a, b in _sentence_spans(w.passage.text, 0):
            sentence = w.passage.text[a:b]
            if _names_any(sentence, written) and states_change(sentence):
                return True
        return False

    def _names_country(self, doc: Any, country: Place) -> bool:
        """A document whose countries are not recorded (a court decision) that names the country or its
        people ("la Somalie", "ressortissant somalien") is about it."""
        key = (doc.id, country.id)
        if key not in self._country_named:
            words = {fold(s) for s in (country.name, *self.gaz.spellings(country.id)) if _LATIN.match(s)}
            words |= {d for d, iso in demonyms().items() if iso == country.country}
            self._country_named[key] = _names_any(doc.text[:20_000], sorted(words))
        return self._country_named[key]

    @staticmethod
    def _core_word(words: list[str], weights: list[float]) -> int | None:
        """The fact's event word that the fewest passages read have (of those config/events.json lists, in
        either language): "mutinerie" in a statement about a prison that the reports describe at length."""
        listed = [i for i, w in enumerate(words) if _EVENT_GROUPS.get(_gkey(w))]
        if not listed:
            return None
        top = max(listed, key=lambda i: weights[i])
        return top if weights[top] >= max(weights) - 1e-9 else None

    def _weigh_meaning(self, fact: Fact, weighed: list[Weighed], docs: dict[str, Any]) -> None:
        """The meaning of the best passages by words, place and the dense side compared with the fact's;
        whether each states the event; the final score."""
        if self.meaning.on:
            best = sorted(weighed, key=lambda w: -(w.score + 3.0 * w.dense))[:MEANING_PASSAGES]
            keys = [
                (
                    (w.passage.doc_id, docs[w.passage.doc_id].sha256 or "", w.passage.start, w.passage.end),
                    w.passage.text,
                )
                for w in best
            ]
            for w, cos in zip(best, self.meaning.similarity(fact.text, keys), strict=True):
                w.meaning = cos
        for w in weighed:
            m = w.meaning
            if m is None:  # not compared by meaning: the words alone
                w.event = w.words >= EVENT_WORDS and w.core
                continue
            stated = w.words + MEANING_FACTOR * (m - MEANING_BASE)
            w.event = stated >= EVENT_STATED and (w.core or m >= MEANING_ALONE)
            w.score += EVENT_WEIGHT * stated

    @staticmethod
    def _overtaken(
        support: list[Weighed], weighed: list[Weighed], docs: dict[str, Any], about_it: Any
    ) -> list[Weighed]:
        """A situation in the present ("Kaboul est sous le contrôle du gouvernement") that newer sources no
        longer state: the best passage of each document published a year or more after the newest that
        states it, on the same place and as close to the fact by meaning, that does not state it."""
        dates = [docs[w.passage.doc_id].published for w in support]
        newest = max((d for d in dates if d is not None), default=None)
        if newest is None:
            return []
        best_meaning = max((w.meaning for w in support if w.meaning is not None), default=None)
        if best_meaning is None:
            return []
        stating = {w.passage.doc_id for w in support}
        out: dict[str, Weighed] = {}
        for w in weighed:
            d = docs[w.passage.doc_id]
            if (
                d.id not in stating
                and d.published is not None
                and d.published >= newest + OVERTAKEN_AFTER
                and about_it(w)
                and w.meaning is not None
                and w.meaning >= best_meaning - OVERTAKEN_MEANING
                and (d.id not in out or w.score > out[d.id].score)
            ):
                out[d.id] = w
        return list(out.values())

    @staticmethod
    def _status(
        support: list[Weighed], against: list[Weighed], partial: list[Weighed], docs: dict[str, Any], min_sources: int
    ) -> Status:
        """Corroborated by independent sources, unless newer information at the "as of" date says otherwise."""

        def newest(ws: list[Weighed]) -> dt.date:
            dates = [docs[w.passage.doc_id].published for w in ws]
            return max((d for d in dates if d is not None), default=dt.date.min)

        if against and (not support or newest(against) >= newest(support)):
            return "conflicting"
        # independent sources are COI sources; court decisions restate COI, so they count as one source
        # only when no COI states it
        sources = {docs[w.passage.doc_id].source for w in support if docs[w.passage.doc_id].kind == "coi"}
        if support and len(sources or {"case law"}) >= min_sources:
            return "corroborated"
        if support or partial:
            return "partly_consistent"
        return "no_information"

    def _explanation(
        self,
        fact: Fact,
        checked: Fact,
        support: list[Weighed],
        partial: list[Weighed],
        against: list[Weighed],
        figures: list[Figure],
        docs: dict[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        """Element by element, what the sources confirm, contradict or do not state (the best passage of each);
        a situation a newer source says changed is the event contradicted, with that source's date and words."""
        out: list[dict[str, Any]] = []
        stating = support + partial + against

        def element(name: str, value: str, state: str, detail: str | None = None) -> None:
            out.append({"element": name, "value": value, "state": state, "detail": detail})

        if not stating:
            element("event", fact.text[:80], "not_stated")
            return out
        event = ", ".join(fact.keywords[:4]) or fact.text[:60]
        if newer := next((w for w in against if w.changed), None):
            d = (docs or {}).get(newer.passage.doc_id)
            said = " ".join(newer.passage.text.split())[:160]
            when = d.published.isoformat() if d is not None and d.published else None
            element("event", event, "contradicted", f"{when} : {said}" if when else said)
        else:
            element("event", event, "confirmed")
        if checked.places:
            places = ", ".join(p.text for p in checked.places)
            state = "confirmed" if any(w.place in ("exact", "within", "context") for w in stating) else "not_stated"
            inside = next((w for w in stating if w.place == "within"), None)
            element("place", places, state, "a place inside it" if inside and state == "confirmed" else None)
        if fact.actors:
            state = "confirmed" if any(w.actor for w in stating) else "not_stated"
            element("actor", ", ".join(a.text for a in fact.actors), state)
        if fact.dates:
            dates = ", ".join(d["text"] for d in fact.dates)
            if any(w.date == "match" for w in support + partial):
                element("date", dates, "confirmed")
            elif contra := next((w for w in against if w.date == "conflict"), None):
                element("date", dates, "contradicted", ", ".join(contra.other_dates) or None)
            else:
                element("date", dates, "not_stated")
        if figures:
            value = ", ".join(f.text for f in figures)
            if any(w.figure == "match" for w in support):
                element("figure", value, "confirmed")
            elif contra := next((w for w in against if w.figure == "differ"), None):
                element("figure", value, "contradicted", contra.source_figure)
            elif close := next((w for w in partial if w.figure == "close"), None):
                element("figure", value, "close", close.source_figure)
            else:
                element("figure", value, "not_stated")
        return out

    @staticmethod
    def _timeline(
        support: list[Weighed], partial: list[Weighed], against: list[Weighed], docs: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """What each source said about the fact, oldest first (undated last): a change over time shows."""
        rows: dict[str, dict[str, Any]] = {}
        for stance, ws in (("contradicts", against), ("confirms", support), ("partly", partial)):
            for w in ws:
                d = docs[w.passage.doc_id]
                if d.id in rows:
                    continue
                rows[d.id] = {
                    "document_id": d.id,
                    "published": d.published.isoformat() if d.published else None,
                    "source": d.source,
                    "source_name": source_name(d.source),
                    "title": d.title,
                    "stance": stance,
                    "said": w.passage.text.strip()[:300],
                    "dates": list(w.other_dates)
                    if stance == "contradicts"
                    else [v for _, _, v, _ in w.passage.dates][:3],
                    "figure": w.source_figure,
                }
        return sorted(rows.values(), key=lambda r: (r["published"] is None, r["published"] or ""))

    @staticmethod
    def _pick(weighed: list[Weighed]) -> list[Weighed]:
        out: list[Weighed] = []
        per_doc: dict[str, int] = {}
        for w in weighed:
            if per_doc.get(w.passage.doc_id, 0) >= 2:
                continue
            per_doc[w.passage.doc_id] = per_doc.get(w.passage.doc_id, 0) + 1
            out.append(w)
            if len(out) >= MAX_EVIDENCE:
                break
        return out

    def _evidence(self, w: Weighed, docs: dict[str, Any], as_of: dt.date) -> dict[str, Any]:
        d = docs[w.passage.doc_id]
        starts = (d.extra or {}).get("page_starts") or []
        page = None
        if len(starts) > 1:
            page = sum(1 for s in starts if s <= w.passage.start) or 1
        accessed = as_of if d.added.date() > as_of else d.added.date()
        return {
            "document_id": d.id,
            "title": d.title,
            "source": d.source,
            "source_name": source_name(d.source),
            "source_acronym": source_acronym(d.source),
            "source_type": source_type(d.source),
            "published": d.published.isoformat() if d.published else None,
            "url": d.url,
            "sha256": d.sha256,
            "version": d.version,
            "passage": w.passage.text.strip(),
            "start": w.passage.start,
            "end": w.passage.end,
            "page": page,
            "paragraph": w.passage.paragraph,
            "event_dates": [v for _, _, v, _ in w.passage.dates],
            "match": {
                "place": w.place,
                "actor": w.actor,
                "words": round(w.words, 2),
                "date": w.date,
                "other_dates": list(w.other_dates),  # the dates this passage gives the event, when not the fact's
                "figure": w.figure,
                "source_figure": w.source_figure,  # the figure it gives, next to the fact's
                "meaning": round(w.meaning, 3) if w.meaning is not None else None,
                "changed": w.changed,  # says the situation changed (or, newer, no longer states it)
            },
            "citation": citation(d.source, d.title, d.published, d.url, d.added.date(), "en", page=page),
            "footnote": euaa_footnote(d.source, d.title, d.published, d.url, page, w.passage.paragraph, accessed),
        }

    def _place_check(self, fp: FactPlace, all_places: list[FactPlace]) -> dict[str, Any]:
        place: Place | None = self.gaz.by_id.get(fp.id)
        if place is None:
            return {"as_written": fp.text, "found": False}
        others: list[dict[str, Any]] = []
        for other in all_places:
            q = self.gaz.by_id.get(other.id)
            if q is None or q.id == place.id or q.level == "country":
                continue
            km = distance_km(place, q)
            if km is not None and not any(o["id"] == q.id for o in others):
                others.append({"id": q.id, "name": q.name, "km": round(km)})
        return {
            "as_written": fp.text,
            "found": True,
            "id": place.id,
            "name": place.name,
            "level": place.level,
            "country": place.country,
            "in": [p.name for p in self.gaz.parents(place)],
            "lat": place.lat,
            "lon": place.lon,
            "spellings": self.gaz.spellings(place.id)[:15],
            # as the COI documents consulted write it (from their enrichment)
            "spellings_in_sources": sorted(self._seen_spellings.get(place.id, set()) - {fp.text}),
            "distances": others,
        }

    @staticmethod
    def _flags(evidence: list[dict[str, Any]], as_of: dt.date) -> list[str]:
        if not evidence:
            return []
        flags = []
        if len({e["source"] for e in evidence}) == 1:
            flags.append("single_source")
        dates = [dt.date.fromisoformat(e["published"]) for e in evidence if e["published"]]
        if dates and all(as_of - d > OLD_AFTER for d in dates):
            flags.append("old_evidence")
        if len({e["source_type"] for e in evidence}) == 1:
            flags.append("one_source_type")
        if any(e["published"] is None for e in evidence):
            flags.append("undated_evidence")
        return flags
