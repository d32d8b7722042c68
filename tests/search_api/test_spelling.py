"""Spelling, on the real demo store and the embedded engine: words no searchable document holds.

The dictionary is the searchable documents' own words (never a case document's); best-match searches an
unknown word as its correction too; an empty result offers the query as the documents spell it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from search_api.app import create_app
from services.context import AppContext
from services.spelling import Dictionary, respell
from tests.conftest import People


@pytest.fixture(scope="module")
def dictionary(demo_ctx: AppContext, people: People) -> Dictionary:
    built = demo_ctx.spelling.dictionary(wait=True)
    assert built is not None
    # the case documents of `people` exist before the build: their words must not be in it
    return built


@pytest.fixture(scope="module")
def api(demo_ctx: AppContext, people: People, dictionary: Dictionary) -> Iterator[TestClient]:
    with TestClient(create_app(demo_ctx.settings, context=demo_ctx, writer=False), base_url="https://testserver") as c:
        yield c


def _auth(people: People, user: str = "ra") -> dict[str, str]:
    return {"Authorization": f"Bearer {people.tokens[user]}"}


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("violance", "violence"), ("persecuton", "persecution"), ("Soudn", "soudan"), ("refugies", None)],
)
def test_a_word_no_document_holds_gets_the_documents_spelling(dictionary: Dictionary, typed: str, meant: str) -> None:
    if meant is None:  # accents are not spelling: "refugies" is "réfugiés" folded, a known word
        assert dictionary.known(typed) and dictionary.correct(typed) is None
    else:
        assert dictionary.correct(typed) == meant


def test_known_short_and_compound_words_are_left_as_typed(dictionary: Dictionary) -> None:
    for word in ("Soudan", "violence", "ONU", "art", "Mazar-e-Charif", "2023", "l'armée"):
        assert dictionary.correct(word) is None, word


def test_a_case_documents_words_never_become_corrections(dictionary: Dictionary) -> None:
    # "Xylophantine" and "Quorvexian" are written only in case A's document and interview (tests/conftest.py)
    assert not dictionary.known("Xylophantine") and not dictionary.known("Quorvexian")
    assert dictionary.correct("Xylophantina") != "xylophantine"
    assert dictionary.correct("Quorvexiann") != "quorvexian"


def test_respell_keeps_operators_quotes_and_other_words(dictionary: Dictionary) -> None:
    assert respell('"violance sexuelle" ET Soudan', dictionary) == '"violence sexuelle" ET Soudan'
    assert respell("Soudan", dictionary) == "Soudan"


def test_best_match_searches_the_correction_and_says_so(api: TestClient, people: People) -> None:
    typo = api.get("/api/search", params={"q": "violance Darfour"}, headers=_auth(people)).json()
    right = api.get("/api/search", params={"q": "violence Darfour"}, headers=_auth(people)).json()
    assert typo["total"] > 0 and "violence" in typo["also_searched"]
    top = {h["id"] for h in right["hits"][:5]}
    assert len(top & {h["id"] for h in typo["hits"][:10]}) >= 3
    exact = api.get("/api/search", params={"q": "violance Darfour", "expand": "0"}, headers=_auth(people)).json()
    assert "violence" not in exact["also_searched"]  # "mots exacts": as typed


def test_an_empty_result_offers_the_documents_spelling(api: TestClient, people: People) -> None:
    r = api.get("/api/search", params={"q": "violance ET persecuton", "match": "all"}, headers=_auth(people)).json()
    assert r.get("total") == 0, r
    offered = [s for s in r["suggestions"] if s["kind"] == "spelling"]
    assert offered and offered[0]["change"]["q"] == "violence ET persecution" and offered[0]["total"] > 0
    page = api.get("/", params={"q": "violance ET persecuton", "match": "all"}, headers=_auth(people))
    assert "violence ET persecution" in page.text and "orthographe" in page.text


def test_a_case_word_misspelled_is_not_offered_to_anyone(api: TestClient, people: People) -> None:
    for user in ("officer_a", "ra"):  # officer_a may read the case document; the dictionary is COI only anyway
        r = api.get("/api/search", params={"q": "Xylophantina", "match": "all"}, headers=_auth(people, user)).json()
        assert all("xylophantine" not in str(s["change"]).lower() for s in r["suggestions"])
        assert "xylophantine" not in " ".join(r["also_searched"]).lower()
