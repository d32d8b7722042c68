"""Actors: the curated, editable list (config/actors.json) with aliases and acronyms in any language,
plus people and organisations found by spaCy's French NER, or by capitalisation cues in English."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from analyzers.model import Mention, entries_digest
from textnorm import fold, iter_raw_tokens, name_tokens

CONFIG = Path(__file__).resolve().parent.parent / "config"
MAX_NAME_TOKENS = 10


@dataclass(frozen=True)
class Actor:
    id: str
    type: str
    name: str
    countries: tuple[str, ...]
    aliases: tuple[str, ...]


@dataclass
class ActorList:
    by_id: dict[str, Actor]
    by_name: dict[str, Actor]  # folded multi-token key
    by_acronym: dict[str, Actor]  # exact case
    first_tokens: set[str] = field(default_factory=set)  # folded first word of every name: the only starts tried
    longest: int = 1  # tokens in the longest name

    def index_name(self, key: str, actor: Actor) -> None:
        self.by_name[key] = actor
        words = key.split()
        if words:
            self.first_tokens.add(words[0])
            self.longest = min(MAX_NAME_TOKENS, max(self.longest, len(words)))

    def spellings(self, actor_id: str) -> list[str]:
        a = self.by_id.get(actor_id)
        return list(a.aliases) if a else []


def file_entries() -> list[dict[str, Any]]:
    return list(json.loads((CONFIG / "actors.json").read_text())["actors"])


def add_entry(actors: ActorList, entry: dict[str, Any]) -> None:
    """An actor, or more names and acronyms for a listed one (same id). Idempotent."""
    known = actors.by_id.get(entry["id"])
    names = list(entry.get("names", []))
    acronyms = list(entry.get("acronyms", []))
    if known is not None:
        aliases = tuple(dict.fromkeys([*known.aliases, *names, *acronyms]))
        actor = Actor(known.id, known.type, known.name, known.countries, aliases)
        for key, value in list(actors.by_name.items()):
            if value is known:
                actors.by_name[key] = actor
        for key, value in list(actors.by_acronym.items()):
            if value is known:
                actors.by_acronym[key] = actor
    else:
        actor = Actor(
            entry["id"],
            entry.get("type", "organisation"),
            names[0],
            tuple(entry.get("countries", [])),
            tuple(names + acronyms),
        )
    actors.by_id[actor.id] = actor
    for n in names:
        actors.index_name(" ".join(fold(t) for t, _, _ in iter_raw_tokens(n)), actor)
    for a in acronyms:
        actors.by_acronym[a] = actor


@lru_cache(maxsize=1)
def default_actors() -> ActorList:
    actors = ActorList({}, {}, {})
    for entry in file_entries():
        add_entry(actors, entry)
    return actors


_desk_digest = ""


def use_desk_actors(entries: list[dict[str, Any]]) -> None:
    """Apply the actors, names and acronyms the research desk added through the product to this
    process's list; their digest joins the enrichment data version (documents are enriched again)."""
    global _desk_digest
    actors = default_actors()
    for entry in entries:
        add_entry(actors, entry)
    _desk_digest = entries_digest(entries)


def actors_desk_digest() -> str:
    return _desk_digest


def find_listed_actors(text: str, actors: ActorList) -> list[Mention]:
    """Listed actors under any of their names (any case: "les taliban") or acronyms (exact case)."""
    tokens = name_tokens(text)
    folded = [fold(t) for t, _, _ in tokens]  # once per token, not once per candidate name
    found: list[Mention] = []
    i = 0
    while i < len(tokens):
        hit = None
        raw = tokens[i][0]
        if raw in actors.by_acronym:
            hit = (actors.by_acronym[raw], 1)
        elif folded[i] in actors.first_tokens:
            for length in range(min(actors.longest, len(tokens) - i), 0, -1):
                key = " ".join(folded[i : i + length])
                if key in actors.by_name:
                    hit = (actors.by_name[key], length)
                    break
        if hit:
            actor, length = hit
            start, end = tokens[i][1], tokens[i + length - 1][2]
            found.append(
                Mention(
                    "actor",
                    actor.id,
                    actor.name,
                    text[start:end],
                    start,
                    end,
                    {"actor_type": actor.type, "listed": True},
                )
            )
            i += length
        else:
            i += 1
    return found


_ORG_WORDS = {
    "forces",
    "force",
    "army",
    "party",
    "front",
    "movement",
    "council",
    "ministry",
    "police",
    "brigade",
    "group",
    "union",
    "commission",
    "committee",
    "watch",
    "agency",
    "militia",
    "service",
    "services",
    "office",
    "organisation",
    "organization",
    "court",
    "tribunal",
    "government",
    "authority",
    "guard",
    "assembly",
    "parliament",
    "senate",
    "congress",
    "alliance",
    "coalition",
    "league",
    "rally",
    "federation",
    "commissioner",
    "commissioner-general",
    "directorate",
    "intelligence",
}
_LEADING = {"The", "In", "On", "Since", "After", "During", "When", "While", "According"}
_TITLES = {
    "president",
    "minister",
    "general",
    "colonel",
    "commander",
    "mr",
    "mrs",
    "ms",
    "dr",
    "sheikh",
    "emir",
    "governor",
    "leader",
    "judge",
}
_NAME_WORD = r"(?:(?:al|el|ul|ad|as|ash|bin|ibn)-)?[A-Z][\w'’\-]+"
_CAP_SEQ = re.compile(rf"\b{_NAME_WORD}(?:\s+(?:of|for|the|and|bin|ibn|de|du|des)?\s*{_NAME_WORD}){{1,6}}")


def find_english_actors(text: str, skip: list[tuple[int, int]]) -> list[Mention]:
    """Organisations (capitalised names holding an organisation word) and people (after a title)."""
    found: list[Mention] = []
    for m in _CAP_SEQ.finditer(text):
        start, end = m.span()
        name = m.group()
        if name.split()[0] in _LEADING:
            rest = name.split(None, 1)
            if len(rest) < 2:
                continue
            start += len(name) - len(rest[1])
            name = rest[1]
        if any(a < end and start < b for a, b in skip):
            continue
        words = name.split()
        lowered = [fold(w) for w in words]
        before = text[max(0, start - 20) : start].split()
        if len(words) >= 2 and set(lowered) & _ORG_WORDS:
            kind, key, label = "organisation", "org:" + " ".join(lowered), name
        elif lowered[0] in _TITLES and len(words) >= 3:
            label = name.split(None, 1)[1]
            kind, key, start = "person", "per:" + " ".join(lowered[1:]), end - len(label)
        elif before and fold(before[-1].strip(".,")) in _TITLES and len(words) >= 2:
            kind, key, label = "person", "per:" + " ".join(lowered), name
        else:
            continue
        found.append(Mention("actor", key, label, label, start, end, {"actor_type": kind, "listed": False}))
    return found


_GENERIC = {
    "cour",
    "conseil",
    "armee",
    "agence",
    "commission",
    "tribunal",
    "office",
    "ministere",
    "gouvernement",
    "etat",
    "republique",
    "haut-commissariat",
    "direction",
    "assemblee",
    "comite",
    "fonds",
    "bureau",
    "president",
    "cheffe",
    "chef",
    "la",
    "le",
    "les",
    "mission",
    "union",
    "police",
    "service",
    "droit",
    "asile",
    "francais",
    "peuple",
    "nationale",
    "national",
}
_HONORIFICS = {"mme", "m", "me", "maitre", "mr", "mrs", "ms", "mlle"}
_BOILERPLATE = {"peuple francais", "la cheffe de chambre", "le president", "la presidente", "nations unies"}
_ELIDED_TAIL = re.compile(r"\s+(?:qu|d|l|n|s|j|c)[’']$", re.I)


def from_ner(ents: list[tuple[str, str, int, int]], skip: list[tuple[int, int]]) -> list[Mention]:
    """spaCy PER/ORG entities not already covered by a listed actor, without the usual noise:
    generic words ("Cour", "Conseil"), pseudonymised initials ("Mme A."), running headers."""
    out = []
    for raw, label, start, end in ents:
        if label not in ("PER", "ORG") or any(a < end and start < b for a, b in skip) or "\n" in raw:
            continue
        text = _ELIDED_TAIL.sub("", raw.strip())
        words = text.split()
        folded = [fold(w.strip(".,")) for w in words]
        if len(text) < 3 or sum(len(w.strip(".")) == 1 for w in words) * 2 >= len(words):
            continue  # letter-spaced headers, initials of pseudonymised persons
        if label == "PER" and (len(words) < 2 or any(len(w.strip(".")) == 1 for w in words)):
            continue  # a lone name or a name with an initial is too ambiguous to be an actor
        if label == "ORG" and len(words) == 1 and not (text.isupper() and len(text) >= 3):
            continue  # a single capitalised word is a generic noun more often than an organisation
        if folded[0] in _GENERIC and len(words) <= 2:
            continue
        if label == "PER" and folded[0].strip(".") in _HONORIFICS:
            continue  # judges, rapporteurs and counsel named in a decision are not COI actors
        if fold(text) in _BOILERPLATE:
            continue
        end = start + len(text)
        kind = "person" if label == "PER" else "organisation"
        out.append(
            Mention(
                "actor",
                f"{label.lower()}:" + " ".join(folded),
                text,
                text,
                start,
                end,
                {"actor_type": kind, "listed": False},
            )
        )
    return out
