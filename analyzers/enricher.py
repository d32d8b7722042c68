"""Enrichment of a batch of documents: language, countries, places, actors, dates, topics.

Versioned: the hash of the input and ``ENRICHER_VERSION`` identify an enrichment, so enriching an
unchanged document again costs nothing (the caller skips it).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal

from analyzers import language as lang_mod
from analyzers.actors import (
    ActorList,
    actors_desk_digest,
    default_actors,
    find_english_actors,
    find_listed_actors,
    from_ner,
)
from analyzers.dates import find_dates
from analyzers.gazetteer import Gazetteer, default_gazetteer, desk_digest
from analyzers.model import ENRICHER_VERSION, Enrichment, Mention
from analyzers.ner import entities
from analyzers.places import find_places, rank_countries
from analyzers.topics import find_topics
from config.reference import reference

_DATA_FILES = ("actors.json", "topics.json", "places.json", "countries.json")


@dataclass
class EnrichInput:
    id: str
    title: str
    text: str
    language: str | None = None
    countries: list[str] = field(default_factory=list)


def data_version() -> str:
    """Changes when the code version or any curated list changes (then everything is re-enriched)."""
    h = hashlib.sha256(ENRICHER_VERSION.encode())
    for name in _DATA_FILES:
        h.update(reference().raw[name])
    h.update(desk_digest().encode())  # places and spellings added from the product's page
    h.update(actors_desk_digest().encode())  # actors, names and acronyms added from the product's page
    return h.hexdigest()[:12]


def input_hash(doc: EnrichInput) -> str:
    payload = json.dumps([doc.title, doc.text, doc.language, doc.countries, data_version()], ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


class Enricher:
    def __init__(
        self,
        gazetteer: Gazetteer | None = None,
        actors: ActorList | None = None,
        n_process: int = 1,
        use_ner: bool = True,
        english_actors: Literal["cues", "list", "french-ner"] = "cues",
    ) -> None:
        self.gazetteer = gazetteer or default_gazetteer()
        self.actors = actors or default_actors()
        self.n_process = n_process
        self.use_ner = use_ner
        # English has no spaCy model on the registries here; bench/nlp_eval.py --compare-english measures
        # the alternatives: listed actors only, + capitalisation cues (default), + the French model's NER
        self.english_actors = english_actors

    def enrich(self, docs: Sequence[EnrichInput]) -> list[Enrichment]:
        return list(self.iter_enrich(docs))

    def iter_enrich(self, docs: Sequence[EnrichInput]) -> Iterator[Enrichment]:
        languages = [d.language or lang_mod.detect(f"{d.title}\n{d.text}") for d in docs]
        ner_languages = {"fr", "en"} if self.english_actors == "french-ner" else {"fr"}
        french = [i for i, lang in enumerate(languages) if lang in ner_languages] if self.use_ner else []
        # Rules run on each document as soon as spaCy's worker processes hand back its entities, so
        # the rule work overlaps the NER of the following documents (both cores stay busy).
        stream = iter(
            entities((f"{docs[i].title}\n{docs[i].text}" for i in french), n_process=self.n_process) if french else ()
        )
        ents: dict[int, list[tuple[str, str, int, int]]] = {}
        pending = iter(french)
        for i, doc in enumerate(docs):
            if languages[i] in ner_languages and french:
                while i not in ents:
                    ents[next(pending)] = next(stream)
            yield self._one(doc, languages[i], ents.pop(i, []))

    def _one(self, doc: EnrichInput, language: str | None, ents: list[tuple[str, str, int, int]]) -> Enrichment:
        content = f"{doc.title}\n{doc.text}"
        listed = find_listed_actors(content, self.actors)
        listed_spans = [(m.start, m.end) for m in listed]
        ner_places = (
            [(s, e) for _, label, s, e in ents if label == "LOC"] if language == "fr" and self.use_ner else None
        )
        # first pass: countries named in the text give the context that resolves ambiguous places
        first = find_places(content, self.gazetteer, doc.countries, ner_places)
        context = [m.extra["country"] for m in first if m.extra.get("level") == "country"] + doc.countries
        places = find_places(content, self.gazetteer, context, ner_places)
        actors: list[Mention] = list(listed)
        if language == "fr":
            actors += from_ner(ents, listed_spans + [(p.start, p.end) for p in places], content)
        elif language == "en" and self.english_actors == "cues":
            actors += find_english_actors(content, listed_spans)
        elif language == "en" and self.english_actors == "french-ner":
            actors += from_ner(ents, listed_spans + [(p.start, p.end) for p in places], content)
        # a place inside an actor's name ("Union of Democratic Forces of Guinea") is part of the name
        actor_spans = [(a.start, a.end) for a in actors]
        places = [
            p
            for p in places
            if p.extra.get("level") == "country" or not any(a <= p.start and p.end <= b for a, b in actor_spans)
        ]
        countries = rank_countries(doc.title, content, places, doc.countries, self.gazetteer)
        mentions = [*places, *actors, *find_dates(content), *find_topics(doc.title, doc.text)]
        for code in countries:
            mentions.append(Mention("country", code, code))
        parts = lang_mod.parts(doc.text) if len(doc.text) > 2000 else []
        return Enrichment(ENRICHER_VERSION, input_hash(doc), language, parts, countries, mentions)
