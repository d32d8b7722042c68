"""Query expansion (thesaurus, actor aliases) before the engine, and its effect through the real API."""

from __future__ import annotations

from services.expansion import expand
from store.index.query import And, Boost, Not, Or, Phrase, Term
from store.index.query_parser import parse


def test_a_concept_becomes_typed_words_or_weighted_alternatives() -> None:
    e = expand(parse("détentions arbitraires Soudan"))
    assert "arbitrary detention" in e.also_searched
    assert isinstance(e.tree, And)
    first = e.tree.children[0]
    assert isinstance(first, Or) and first.children[0] == And((Term("détentions"), Term("arbitraires")))
    assert all(isinstance(c, Boost) and c.factor < 1 for c in first.children[1:])
    assert e.tree.children[1] == Term("Soudan")  # not a concept: as typed


def test_phrases_exclusions_and_wildcards_are_never_expanded() -> None:
    for q in ('"détention arbitraire"', "Soudan -PKK", "détent*"):
        e = expand(parse(q))
        assert e.also_searched == [] and e.tree == parse(q)
    assert isinstance(parse("Soudan -PKK"), And) and isinstance(parse("Soudan -PKK").children[1], Not)  # type: ignore[union-attr]


def test_acronyms_and_names_across_languages() -> None:
    assert {"Kurdistan Workers' Party", "Parti des travailleurs du Kurdistan"} <= set(
        expand(parse("PKK")).also_searched
    )
    assert {"EASO", "AUEA"} <= set(expand(parse("EUAA")).also_searched)
    assert "HTS" in expand(parse("Hayat Tahrir al-Cham")).also_searched
    assert expand(parse("ei")).also_searched == []  # a two-letter acronym only in capitals
    child = expand(parse("recrutement forcé d'enfants par les groupes armés")).also_searched
    assert "child recruitment" in child and "armed groups" in child
    assert any(
        isinstance(c, Boost) and c.child == Phrase("child soldiers")
        for c in _boosts(expand(parse("enfants soldats")).tree)
    )


def _boosts(node):  # type: ignore[no-untyped-def]
    if isinstance(node, Boost):
        yield node
    for c in getattr(node, "children", ()):
        yield from _boosts(c)
