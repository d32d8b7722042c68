"""Query expansion across languages and vocabularies, before the engine (so both engines get the same).

Sources: the bilingual COI thesaurus (``config/thesaurus.json``) and the curated actors with their
aliases and acronyms (``config/actors.json``). A run of the user's plain terms that names a concept
(compared after folding and stemming, stop words ignored: "détentions arbitraires" = "détention
arbitraire") becomes ``typed words OR (other terms, weighted below)``. Quoted phrases, wildcards and
excluded terms are never expanded. Place spellings need no expansion: enrichment indexes every spelling
of the places a document names (the ``alias`` field), in both engines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from config.reference import reference
from store.index.analysis import analyze_word
from store.index.query import And, Boost, Node, Or, Phrase, Term
from textnorm import iter_raw_tokens

CHAINS = ("fr", "en")
MAX_NGRAM = 6
EXPANSION_WEIGHT = 0.5  # an expansion scores half of what the typed words score
MAX_ALTERNATIVES = 8  # per matched concept
MAX_TOTAL = 24  # per query (the parser's clause limit stays meaningful)


@dataclass
class Vocabulary:
    groups: list[list[str]] = field(default_factory=list)
    keys: dict[tuple[str, tuple[str, ...]], set[int]] = field(default_factory=dict)
    acronyms: dict[str, set[int]] = field(default_factory=dict)  # exact (case-sensitive) acronym -> groups

    def add_group(self, terms: list[str], acronyms: list[str] = ()) -> None:  # type: ignore[assignment]
        gid = len(self.groups)
        self.groups.append([*terms, *acronyms])
        for t in terms:
            for key in term_keys(t):
                self.keys.setdefault(key, set()).add(gid)
        for a in acronyms:
            self.acronyms.setdefault(a, set()).add(gid)
            if len(a) >= 3:  # "pkk" typed in lower case still names the PKK; "ei" does not name the EI
                for key in term_keys(a):
                    self.keys.setdefault(key, set()).add(gid)


def term_keys(text: str) -> set[tuple[str, tuple[str, ...]]]:
    keys = set()
    for chain in CHAINS:
        tokens = tuple(t for raw, _, _ in iter_raw_tokens(text) if (t := analyze_word(raw, chain)) is not None)  # type: ignore[arg-type]
        if tokens:
            keys.add((chain, tokens))
    return keys


def file_concepts() -> list[dict[str, Any]]:
    return list(reference().thesaurus)


def merge_concepts(
    concepts: list[dict[str, Any]], additions: list[tuple[str, list[str], list[str]]]
) -> list[dict[str, Any]]:
    """The file's concepts with the desk's additions (terms added to a concept of the same id, or new ones)."""
    merged = {c["id"]: {"id": c["id"], "fr": list(c.get("fr", [])), "en": list(c.get("en", []))} for c in concepts}
    for concept_id, fr, en in additions:
        c = merged.setdefault(concept_id, {"id": concept_id, "fr": [], "en": []})
        c["fr"] += [t for t in fr if t not in c["fr"]]
        c["en"] += [t for t in en if t not in c["en"]]
    return list(merged.values())


def merge_actors(additions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The listed actors with the desk's additions (names and acronyms added to the same id, or new ones)."""
    merged = {a["id"]: {**a, "names": list(a["names"]), "acronyms": list(a.get("acronyms", []))} for a in file_actors()}
    for add in additions:
        a = merged.setdefault(
            add["id"],
            {
                "id": add["id"],
                "type": add.get("type", "organisation"),
                "countries": add.get("countries", []),
                "names": [],
                "acronyms": [],
            },
        )
        a["names"] += [n for n in add.get("names", []) if n not in a["names"]]
        a["acronyms"] += [n for n in add.get("acronyms", []) if n not in a["acronyms"]]
    return list(merged.values())


def file_actors() -> list[dict[str, Any]]:
    return list(reference().actors)


def build_vocabulary(concepts: list[dict[str, Any]], actors: list[dict[str, Any]] | None = None) -> Vocabulary:
    vocab = Vocabulary()
    for concept in concepts:
        vocab.add_group([*concept.get("fr", []), *concept.get("en", [])])
    for actor in actors if actors is not None else file_actors():
        vocab.add_group(list(actor["names"]), list(actor.get("acronyms", [])))
    return vocab


@lru_cache(maxsize=1)
def default_vocabulary() -> Vocabulary:
    """The shipped thesaurus and actors only (the CLI and tests); the server adds the desk's terms."""
    return build_vocabulary(file_concepts())


@dataclass
class Expansion:
    tree: Node
    also_searched: list[str]


def expand(tree: Node, vocab: Vocabulary | None = None, weight: float = EXPANSION_WEIGHT) -> Expansion:
    vocab = vocab or default_vocabulary()
    also: list[str] = []
    return Expansion(_expand(tree, vocab, weight, also), also)


def _expand(node: Node, vocab: Vocabulary, weight: float, also: list[str]) -> Node:
    if isinstance(node, Term):
        return _expand_run([node], vocab, weight, also)[0]
    if isinstance(node, Or):
        return Or(tuple(_expand(c, vocab, weight, also) for c in node.children))
    if isinstance(node, And):
        out: list[Node] = []
        run: list[Term] = []
        for child in node.children:
            if isinstance(child, Term):
                run.append(child)
                continue
            out += _expand_run(run, vocab, weight, also)
            run = []
            out.append(child if not isinstance(child, Or) else _expand(child, vocab, weight, also))
        out += _expand_run(run, vocab, weight, also)
        return And(tuple(out))
    return node  # phrases, wildcards, exclusions and boosts stay as typed


def _groups_for(terms: list[Term], vocab: Vocabulary) -> set[int]:
    if len(terms) == 1 and terms[0].text in vocab.acronyms:
        return set(vocab.acronyms[terms[0].text])
    found: set[int] = set()
    for key in term_keys(" ".join(t.text for t in terms)):
        found |= vocab.keys.get(key, set())
    return found


def _expand_run(run: list[Term], vocab: Vocabulary, weight: float, also: list[str]) -> list[Node]:
    """Greedy, longest first: each span of terms naming a concept becomes typed OR alternatives."""
    out: list[Node] = []
    i = 0
    while i < len(run):
        for n in range(min(MAX_NGRAM, len(run) - i), 0, -1):
            span = run[i : i + n]
            if all(
                analyze_word(raw, c) is None for t in span[:1] for raw, _, _ in iter_raw_tokens(t.text) for c in CHAINS
            ):  # type: ignore[arg-type]
                continue  # a span starting with a stop word ("les groupes") is found from its next word
            groups = _groups_for(span, vocab)
            if not groups or len(also) >= MAX_TOTAL:
                continue
            typed = term_keys(" ".join(t.text for t in span))
            alternatives: list[str] = []
            for gid in sorted(groups):
                for alt in vocab.groups[gid]:
                    if alt not in alternatives and not (term_keys(alt) & typed) and alt not in (t.text for t in span):
                        alternatives.append(alt)
            alternatives = alternatives[: min(MAX_ALTERNATIVES, MAX_TOTAL - len(also))]
            if not alternatives:
                continue
            also.extend(alternatives)
            original: Node = span[0] if n == 1 else And(tuple(span))
            boosted = [Boost(Phrase(a) if len(list(iter_raw_tokens(a))) > 1 else Term(a), weight) for a in alternatives]
            out.append(Or((original, *boosted)))
            i += n
            break
        else:
            out.append(run[i])
            i += 1
    return out
