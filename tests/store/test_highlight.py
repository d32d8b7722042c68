"""Snippets and marks over raw text: accents and case ignored, offsets exact, long texts scanned to the match."""

from __future__ import annotations

from store.index.highlight import MAX_SCAN_CHARS, match_spans, matcher_for, snippets
from store.index.query import And, Phrase, Term, Wildcard


def _marked(text: str, tree, language: str = "fr") -> list[str]:  # type: ignore[no-untyped-def]
    return [text[a:b] for a, b in match_spans(text, language, matcher_for(tree))]


def test_accents_and_case_are_ignored_and_offsets_are_those_of_the_raw_text() -> None:
    text = "La SÉCURITÉ des réfugiés ; la securite, la Sécurité : des Réfugiées."
    assert _marked(text, Term("securite")) == ["SÉCURITÉ", "securite", "Sécurité"]
    assert _marked(text, Term("réfugié")) == ["réfugiés", "Réfugiées"]


def test_elided_words_stemming_and_wildcards() -> None:
    text = "L'excision et les excisions; d’Afghanistan, afghans, détentions arbitraires."
    assert _marked(text, Term("excision")) == ["L'excision", "excisions"]
    assert _marked(text, Wildcard("afghan*")) == ["d’Afghanistan", "afghans"]
    assert _marked(text, Phrase("détention arbitraire")) == ["détentions", "arbitraires"]


def test_a_match_deep_in_a_long_text_is_the_snippet() -> None:
    filler = "Le tribunal rappelle les principes applicables en la matière. " * 4000  # ~250,000 characters
    text = filler + "Le requérant invoque des violences commises à Kassala par la milice. " + filler
    assert len(text) < MAX_SCAN_CHARS * 2
    found = snippets(text, "fr", matcher_for(And((Term("Kassala"), Term("milice")))))
    assert len(found) == 1 and "<mark>Kassala</mark>" in found[0] and "<mark>milice</mark>" in found[0]


def test_a_word_everywhere_gives_three_fragments_quickly() -> None:
    text = "Sur la torture. " * 50_000
    found = snippets(text, "fr", matcher_for(Term("torture")))
    assert len(found) == 3 and all("<mark>torture</mark>" in f for f in found)


def test_markup_in_the_text_is_escaped_around_marks() -> None:
    found = snippets("<script>alert(1)</script> torture <b>", "fr", matcher_for(Term("torture")))
    assert found == ["&lt;script&gt;alert(1)&lt;/script&gt; <mark>torture</mark> &lt;b&gt;"]
