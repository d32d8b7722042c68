"""The query grammar, and the clear errors a malformed query gets."""

import pytest

from store.index.errors import BadQuery
from store.index.query import And, MatchAll, Not, Or, Phrase, Term, Wildcard
from store.index.query_parser import Limits, parse


def test_and_is_default_and_or_binds_looser() -> None:
    assert parse("a b OR c") == Or((And((Term("a"), Term("b"))), Term("c")))


def test_phrase_proximity_negation_and_groups() -> None:
    assert parse('"droit d\'asile"~3 -Soudan') == And((Phrase("droit d'asile", 3), Not(Term("Soudan"))))
    assert parse("(a OR b) AND NOT c") == And((Or((Term("a"), Term("b"))), Not(Term("c"))))
    assert parse("a SAUF b OU c") == Or((And((Term("a"), Not(Term("b")))), Term("c")))


def test_lower_case_operators_are_words() -> None:
    assert parse("or not") == And((Term("or"), Term("not")))


def test_wildcards_are_folded() -> None:
    assert parse("Réfug*") == Wildcard("refug*")
    assert parse("ma?i") == Wildcard("ma?i")


def test_empty_query_matches_all() -> None:
    assert parse("") == MatchAll()
    assert parse("   ") == MatchAll()


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ('"abc', "unclosed_quote"),
        ("(a OR b", "unbalanced_parenthesis"),
        ("a)", "unbalanced_parenthesis"),
        ("a OR", "dangling_operator"),
        ("AND a", "dangling_operator"),
        ("NOT", "dangling_operator"),
        ("()", "empty_group"),
        ('""', "empty_phrase"),
        ("*ab", "wildcard_prefix"),
        ("a*", "wildcard_prefix"),
        ("((((((((((a))))))))))", "too_deep"),
        ('"a b"~500', "slop_too_large"),
        ("a\x00b", "syntax"),
    ],
)
def test_malformed_queries_raise_bad_query(text: str, code: str) -> None:
    with pytest.raises(BadQuery) as err:
        parse(text)
    assert err.value.code == code


def test_limits() -> None:
    with pytest.raises(BadQuery) as err:
        parse("x" * 1001)
    assert err.value.code == "query_too_long"
    with pytest.raises(BadQuery) as err:
        parse(" ".join(f"w{i}" for i in range(70)))
    assert err.value.code == "too_many_clauses"
    with pytest.raises(BadQuery) as err:
        parse("ab* cd* ef* gh* ij*", Limits(max_wildcards=4))
    assert err.value.code == "too_many_wildcards"
