"""Actors: the curated, editable list (config/actors.json) with aliases and acronyms in any language,
plus people and organisations found by spaCy's French NER, or by capitalisation cues in English.

Names found by NER or cues go through ``clean_name_spans`` first: a capitalised sentence start or a
heading read as part of a name ("If the Party", "HEADNOTE The Court", "L’ACLED") is trimmed off, and
what is left without a content word, or is an identifier ("ECLI", "C-411/10"), is no name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from spacy.lang.en.stop_words import STOP_WORDS as EN_STOP_WORDS
from spacy.lang.fr.stop_words import STOP_WORDS as FR_STOP_WORDS

from analyzers.model import Mention, entries_digest
from config.reference import reference
from textnorm import fold, name_tokens

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
    return list(reference().actors)


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
        # the tokens find_listed_actors reads: elided articles cut ("droit d'asile" -> "droit", "asile")
        actors.index_name(" ".join(fold(t) for t, _, _ in name_tokens(n)), actor)
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
# Function words: spaCy's English and French stop words, less the few content words in those lists
# that begin real names ("Front de libération…", "First Instance Court", "Nouveau Parti…").
_NAME_WORDS_IN_STOP = {"front", "first", "third", "full", "top", "side", "back", "part", "one", "premier", "premiere"}
_NAME_WORDS_IN_STOP |= {"nouveau", "ouvert", "ouverte", "stop", "personne", "gens"}
FUNCTION_WORDS = frozenset(fold(w) for w in EN_STOP_WORDS | FR_STOP_WORDS) - _NAME_WORDS_IN_STOP
_ARTICLES = {"the", "le", "la", "les"}  # inside a name only after a preposition ("Court of The Hague")
_ELISION = re.compile(r"^(?:l|d|qu|lorsqu|puisqu|jusqu|s|n|j|m|t|c)['’](?=\w)", re.I)
_EDGE_PUNCT = ",;:!?()[]«»\"“”‘'’"
_CODE = re.compile(r"\d[^\w\s]+\w|[^\W\d_][^\w\s]+\d")  # C-411/10, A.3.3, RS 142.281, CASS:2013
_NUMBER = re.compile(r"\d+[^\W\d_]{0,2}")  # "10", "111a", "1er"
_WORDS = re.compile(r"\S+")


def _core(word: str) -> str:
    return _ELISION.sub("", word.strip(_EDGE_PUNCT))


def is_function_word(word: str) -> bool:
    """A stop word of English or French ("If", "the", "Lorsque", "l’"), unless written as an acronym ("US")."""
    core = word.strip(_EDGE_PUNCT)
    if len(core) > 1 and core.isupper():
        return False
    return fold(core) in FUNCTION_WORDS


def _is_number(word: str) -> bool:
    return _NUMBER.fullmatch(word.strip(_EDGE_PUNCT)) is not None


def _is_capitalised(word: str) -> bool:
    core = _core(word)
    return core[:1].isupper() and not (len(core) > 1 and core.isupper())


def _spells_out(acronym: str, words: list[str]) -> bool:
    """The acronym is made of the initials of the capitalised words after it ("MoFA Ministry of Foreign Affairs")."""
    capitals = "".join(c for c in acronym if c.isupper())
    return len(capitals) >= 2 and capitals == "".join(w[0] for w in words if w[:1].isupper())


def _trim(text: str, words: list[tuple[int, int]], keep_particle: bool) -> tuple[int, int] | None:
    """The span without the function words, numbers, elided articles and possessives at its edges."""
    i, j = 0, len(words)
    while i < j:
        w = text[words[i][0] : words[i][1]]
        particle = (
            keep_particle
            and _is_capitalised(w)
            and i + 1 < j
            and _is_capitalised(text[words[i + 1][0] : words[i + 1][1]])
        )
        if not particle and (is_function_word(w) or _is_number(w) or not w.strip(_EDGE_PUNCT)):
            i += 1
            continue
        break
    while j > i:
        w = text[words[j - 1][0] : words[j - 1][1]]
        if is_function_word(w) or _is_number(w) or not w.strip(_EDGE_PUNCT) or fold(w.strip(".")) in _HONORIFICS:
            j -= 1
            continue
        break
    if i + 1 < j and _spells_out(text[words[i][0] : words[i][1]], [text[a:b] for a, b in words[i + 1 : j]]):
        i += 1  # a list of abbreviations: "AGO Attorney General Office" -> "Attorney General Office"
    if i == j:
        return None
    start, end = words[i][0], words[j - 1][1]
    while start < end and text[start] in _EDGE_PUNCT:
        start += 1
    m = _ELISION.match(text, start, end)
    if m:
        start = m.end()  # "L’ACLED" -> "ACLED", "d’experts" -> "experts"
    while end > start and text[end - 1] in _EDGE_PUNCT.replace("’", "").replace("'", ""):
        end -= 1
    if text[start:end].endswith(("’s", "'s")):
        end -= 2  # "Council of Europe’s" -> "Council of Europe"
    elif text[start:end].endswith(("’", "'")):
        end -= 1
    return (start, end) if start < end else None


def clean_name_spans(
    text: str, start: int, end: int, keep_particle: bool = False, split_clauses: bool = True
) -> list[tuple[int, int]]:
    """The name or names a candidate span of ``text`` holds, without the noise around them.

    * a definite article after a word that is no preposition starts a new phrase: the span is split
      there ("Hospital the Committee", "Bonhomme La Cour…", "encourage les États");
    * function words (spaCy's stop words), numbers, elided articles and possessives at either edge are
      trimmed ("If the Party" -> "Party", "L’ACLED" -> "ACLED", "Council of Europe’s");
    * what is left is no name when it is an identifier ("C-411/10", "A.3.3"), a heading (every word in
      capitals), or has no more content words than function words.

    ``keep_particle``: a capitalised first word followed by a capitalised word stays (a person's
    "Le Pelletier de Woillemont", "Da Silva"); spaCy's French NER does not put sentence starts in people.
    ``split_clauses=False``: a span with an article in lower case after a word that is no preposition
    ("Commission encourage les États") is a clause read as a name: nothing is kept of it.
    """
    words = [(m.start(), m.end()) for m in _WORDS.finditer(text, start, end)]
    groups: list[list[tuple[int, int]]] = []
    for k, (ws, we) in enumerate(words):
        w = text[ws:we]
        if k and fold(w.strip(_EDGE_PUNCT)) in _ARTICLES and not w.isupper():
            prev = text[words[k - 1][0] : words[k - 1][1]]
            if not is_function_word(prev) and (w[:1].isupper() or prev[-1:].isalnum()):
                if not (split_clauses or w[:1].isupper()):
                    return []
                groups.append([])
        if not groups:
            groups.append([])
        groups[-1].append((ws, we))
    out = []
    for group in groups:
        if any(_CODE.search(text, ws, we) for ws, we in group):
            continue
        span = _trim(text, group, keep_particle and group is groups[0])  # a split starts with an article
        if span is None:
            continue
        kept = _WORDS.findall(text, span[0], span[1])
        lettered = [w for w in kept if any(c.isalpha() for c in w)]
        function = sum(is_function_word(w) for w in kept)
        if not lettered or function * 2 > len(kept):
            continue
        if len(lettered) >= 2 and all(w.isupper() for w in lettered):
            continue  # a heading in capitals ("SUPREME COURT OF APPEAL", "COUR NATIONALE DU DROIT")
        out.append(span)
    return out


_WRAP_LINE = 60  # a line at least this long that ends inside a phrase is prose wrapped at a fixed width
_LINE_END = re.compile(r"[^\S\n]*\n")


def unwrap_lines(text: str) -> str:
    """The text with the line breaks that only wrap prose made spaces (same length, so offsets hold).

    A line break stays where a name cannot go on: a blank line, the end of a short line (headings,
    lists: "HEADNOTE", "AGO Attorney General Office"), a next line in capitals. It goes where a long
    line wraps, or where the line ends or the next begins with a connector ("Commissioner for\nHuman").
    """
    out = list(text)
    for m in _LINE_END.finditer(text):
        br = m.end() - 1
        line_start = text.rfind("\n", 0, br) + 1
        left = text[line_start : m.start()].split()
        next_end = text.find("\n", br + 1)
        nxt = text[br + 1 : next_end if next_end >= 0 else len(text)].split()
        if not left or not nxt:
            continue  # blank line or end of text
        if sum(c.isupper() for c in nxt[0]) >= 2:
            continue  # a heading or a list of acronyms below ("HEADNOTE", "MoPH Ministry of Public Health")
        connector = (left[-1].islower() and is_function_word(left[-1])) or (
            nxt[0].islower() and is_function_word(nxt[0])
        )
        if m.start() - line_start >= _WRAP_LINE or connector:
            out[br] = " "
    return "".join(out)


_NAME_WORD = r"(?:(?:al|el|ul|ad|as|ash|bin|ibn)-)?[A-Z][\w'’\-]+"
_CAP_SEQ = re.compile(  # on one line: see unwrap_lines
    rf"\b{_NAME_WORD}(?:[^\S\n]+(?:(?:of|for|the|and|bin|ibn|de|du|des)[^\S\n]+)?{_NAME_WORD}){{1,6}}"
)


def find_english_actors(text: str, skip: list[tuple[int, int]]) -> list[Mention]:
    """Organisations (capitalised names holding an organisation word) and people (after a title)."""
    found: list[Mention] = []
    for m in _CAP_SEQ.finditer(unwrap_lines(text)):
        for start, end in clean_name_spans(text, *m.span()):
            mention = _english_actor(text, start, end, skip)
            if mention is not None:
                found.append(mention)
    return found


def _english_actor(text: str, start: int, end: int, skip: list[tuple[int, int]]) -> Mention | None:
    if any(a < end and start < b for a, b in skip):
        return None
    words = text[start:end].split()
    name = " ".join(words)  # a name wrapped to the next line is shown on one
    lowered = [fold(w) for w in words]
    before = text[max(0, start - 20) : start].split()
    if len(words) >= 2 and set(lowered) & _ORG_WORDS:
        kind, key, label = "organisation", "org:" + " ".join(lowered), name
    elif lowered[0] in _TITLES and len(words) >= 3 and not is_function_word(words[1]):
        # "President Omar al-Bashir"; "Minister for Justice and Equality" is an office, not a person
        label = " ".join(words[1:])
        kind, key = "person", "per:" + " ".join(lowered[1:])
        start = text.index(words[1], start)
    elif before and fold(before[-1].strip(".,")) in _TITLES and len(words) >= 2:
        kind, key, label = "person", "per:" + " ".join(lowered), name
    else:
        return None
    return Mention("actor", key, label, text[start:end], start, end, {"actor_type": kind, "listed": False})


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


def _initial(word: str) -> bool:
    """A one-letter word or initials ("A.", "V°", "N.A.K.", "e.a")."""
    return len(re.sub(r"\W", "", word)) <= 1 or re.fullmatch(r"(?:[^\W\d_]\.)+[^\W\d_]?\.?", word) is not None


def _in_identifier(text: str, start: int, end: int) -> bool:
    """The span is glued by a colon to a code around it ("ECLI:EU:C:2012:594")."""
    after, before = text[end : end + 2], text[max(0, start - 2) : start]
    return (len(after) == 2 and after[0] == ":" and after[1].isalnum()) or (
        len(before) == 2 and before[1] == ":" and before[0].isalnum()
    )


def from_ner(ents: list[tuple[str, str, int, int]], skip: list[tuple[int, int]], text: str = "") -> list[Mention]:
    """spaCy PER/ORG entities not already covered by a listed actor, without the usual noise:
    generic words ("Cour", "Conseil"), pseudonymised initials ("Mme A."), running headers, sentence
    starts and codes (``clean_name_spans``), spans glued to an identifier in ``text`` (the analysed text)."""
    out = []
    for raw, label, start, end in ents:
        if label not in ("PER", "ORG") or any(a < end and start < b for a, b in skip) or "\n" in raw:
            continue
        if text and _in_identifier(text, start, end):
            continue
        name = _ELIDED_TAIL.sub("", raw)  # cut at its end only: offsets hold
        for s, e in clean_name_spans(name, 0, len(name), keep_particle=label == "PER", split_clauses=False):
            mention = _ner_actor(name[s:e], label, start + s)
            if mention is not None:
                out.append(mention)
    return out


def _ner_actor(text: str, label: str, start: int) -> Mention | None:
    words = text.split()
    folded = [fold(w.strip(".,")) for w in words]
    if len(text) < 3 or sum(_initial(w) for w in words) * 2 >= len(words):
        return None  # letter-spaced headers, initials of pseudonymised persons, "V° Recours"
    if not any(_is_capitalised(w) or (w.isupper() and len(w) > 1) for w in words):
        return None  # no proper noun: "ministre de la défense", "d’experts onusiens"
    if label == "PER" and (len(words) < 2 or any(_initial(w) for w in words)):
        return None  # a lone name or a name with an initial is too ambiguous to be an actor
    if label == "ORG" and len(words) == 1 and not (text.isupper() and len(text) >= 3):
        return None  # a single capitalised word is a generic noun more often than an organisation
    if folded[0] in _GENERIC and len(words) <= 2:
        return None
    if label == "PER" and folded[0].strip(".") in _HONORIFICS:
        return None  # judges, rapporteurs and counsel named in a decision are not COI actors
    if fold(text) in _BOILERPLATE:
        return None
    kind = "person" if label == "PER" else "organisation"
    return Mention(
        "actor",
        f"{label.lower()}:" + " ".join(folded),
        text,
        text,
        start,
        start + len(text),
        {"actor_type": kind, "listed": False},
    )
