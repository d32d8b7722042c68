"""The HTTP API and pages through FastAPI's test client, on the real store and embedded index."""

from __future__ import annotations

import random
import string
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from search_api.app import create_app
from services.context import AppContext
from tests.conftest import People


@pytest.fixture(scope="module")
def client(demo_ctx: AppContext, people: People) -> Iterator[TestClient]:
    """A research assistant's API token: the whole COI library, no case."""
    app = create_app(demo_ctx.settings, context=demo_ctx, writer=False)
    with TestClient(
        app, base_url="https://testserver", headers={"Authorization": f"Bearer {people.tokens['ra']}"}
    ) as c:
        yield c


def test_search_shape(client: TestClient) -> None:
    r = client.get("/api/search", params={"q": "Darfour"})
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {
        "total",
        "hits",
        "facets",
        "next_cursor",
        "also_searched",
        "mode",
        "all_words_total",
        "hybrid",
        "suggestions",
    }
    assert body["mode"] == "boolean"  # one word: nothing to rank by best match
    hit = body["hits"][0]
    assert set(hit) >= {"id", "kind", "title", "source", "countries", "published", "snippets", "score"}
    assert any("<mark>Darfour</mark>" in s for s in hit["snippets"])
    assert body["facets"]["source"][0] == {"value": "cnda", "count": 2}  # then notes spelling it "Darfur"


def test_filters_negation_sort_and_cursor(client: TestClient) -> None:
    all_ = client.get("/api/search").json()["total"]
    no_coi = client.get("/api/search", params={"kind": "-coi"}).json()
    assert no_coi["total"] < all_ and all(h["kind"] != "coi" for h in no_coi["hits"])
    page1 = client.get("/api/search", params={"sort": "added", "size": 10}).json()
    page2 = client.get("/api/search", params={"sort": "added", "size": 10, "cursor": page1["next_cursor"]}).json()
    assert not {h["id"] for h in page1["hits"]} & {h["id"] for h in page2["hits"]}
    eri = client.get("/api/search", params={"country": "ERI"}).json()
    assert eri["total"] >= 2 and all("ERI" in h["countries"] for h in eri["hits"])


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"q": '"Darfour'}, "unclosed_quote"),
        ({"q": "(a OR"}, "dangling_operator"),
        ({"q": "*x"}, "wildcard_prefix"),
        ({"published_from": "2024-13-40"}, "bad_date"),
        ({"published_from": "2025-01-01", "published_to": "2024-01-01"}, "bad_range"),
        ({"sort": "title"}, "bad_sort"),
        ({"cursor": "not-a-cursor"}, "bad_cursor"),
        ({"q": "x" * 2000}, "query_too_long"),
    ],
)
def test_malformed_requests_get_400_with_one_error_shape(client: TestClient, params: dict, code: str) -> None:
    r = client.get("/api/search", params=params)
    assert r.status_code == 400
    err = r.json()["error"]
    assert err["code"] == code and err["status"] == 400 and err["message"]
    assert "tantivy" not in r.text.lower() and "Traceback" not in r.text


def test_error_messages_are_french_first_english_available(client: TestClient) -> None:
    fr = client.get("/api/search", params={"q": '"abc'}).json()["error"]["message"]
    en = client.get("/api/search", params={"q": '"abc', "lang": "en"}).json()["error"]["message"]
    assert "Guillemet" in fr and "Unclosed quote" in en


def test_error_shape_for_404_and_validation(client: TestClient) -> None:
    r = client.get("/api/documents/ffffffffffffffffffff")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    r = client.get("/api/documents/../../etc/passwd")
    assert r.status_code == 404
    r = client.get("/api/search", params={"size": 1000})
    assert r.status_code == 422 and r.json()["error"]["code"] == "validation"


@pytest.mark.parametrize("beyond", [2**31, 2**62, -1, 0])
def test_ids_beyond_what_an_id_column_holds_are_refused_before_any_query(client: TestClient, beyond: int) -> None:
    """PostgreSQL's id columns are 32-bit: a larger id in any path is a 422, never a database error."""
    for method, path in (
        ("get", f"/api/reports/{beyond}"),
        ("get", f"/api/jobs/{beyond}"),
        ("delete", f"/api/me/tokens/{beyond}"),
        ("get", f"/api/reports/{beyond}/export"),
    ):
        r = client.request(method, path)
        assert r.status_code == 422 and r.json()["error"]["code"] == "validation", (path, r.text[:200])


def test_a_nul_character_anywhere_in_a_request_is_refused_whole_with_a_clear_error(client: TestClient) -> None:
    """PostgreSQL keeps no NUL in text: whatever the way it comes (query string, JSON escape, raw byte, form),
    the request is refused before any of it is used, in the user's language; an escaped backslash is text."""
    json_type = {"Content-Type": "application/json"}
    refused = [
        client.get("/api/search?q=Darfour%00"),
        client.get("/api/search", params={"q": "Khartoum\x00", "country": "SDN\x00"}),
        client.post("/api/verify/facts", json={"statements": "Il a fui El Fasher\u0000 en 2024."}),
        client.post("/api/verify/facts", content=b'{"statements": "El Fasher\x00"}', headers=json_type),
        client.post("/api/reports", json={"title": "Soudan\u0000", "kind": "report"}),
        client.post(
            "/login",
            content=b"username=ra%00&password=x",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        ),
    ]
    for r in refused:
        assert r.status_code == 400 and r.json()["error"]["code"] == "control_character", r.text[:200]
        assert "NUL" in r.json()["error"]["message"]
    english = client.get("/api/search?q=a%00&lang=en", headers={"Accept-Language": "en"})
    assert english.status_code == 400
    kept = client.post(
        "/api/verify/facts", content=rb'{"statements": "Le texte \\u0000 est cit\u00e9."}', headers=json_type
    )
    assert kept.status_code == 200, kept.text[:200]


def test_fuzzed_queries_never_fail_with_5xx(client: TestClient) -> None:
    rng = random.Random(7)
    alphabet = string.ascii_letters + string.digits + " \"()*?~-+:!&|^[]{}\\/'éà" + "\u0000\u202e"
    for _ in range(300):
        q = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40)))
        r = client.get("/api/search", params={"q": q})
        assert r.status_code in (200, 400), (q, r.status_code, r.text[:200])
        if r.status_code == 400:
            assert r.json()["error"]["code"]


def _doc_id(client: TestClient, q: str) -> str:
    return client.get("/api/search", params={"q": q}).json()["hits"][0]["id"]


def test_document_has_metadata_text_and_citation(client: TestClient) -> None:
    doc_id = _doc_id(client, "Massalit")
    d = client.get(f"/api/documents/{doc_id}").json()
    assert d["source_name"] == "Cour nationale du droit d'asile" and d["decision_date"] == "2025-10-13"
    assert "Massalit" in d["text"]
    assert d["citation"].startswith("Cour nationale du droit d'asile, La CNDA reconnait")
    assert "3 décembre 2025" in d["citation"] and "[consulté le" in d["citation"] and d["url"] in d["citation"]
    en = client.get(f"/api/documents/{doc_id}", params={"lang": "en"}).json()["citation"]
    assert "3 December 2025" in en and "[accessed" in en


def test_original_is_served_as_an_attachment(client: TestClient, demo_ctx: AppContext) -> None:
    doc_id = _doc_id(client, "Massalit")
    r = client.get(f"/api/documents/{doc_id}/original")
    assert r.status_code == 200
    assert r.headers["content-disposition"].startswith("attachment;")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["content-type"] == "application/octet-stream"
    import hashlib

    assert hashlib.sha256(r.content).hexdigest() == client.get(f"/api/documents/{doc_id}").json()["sha256"]


def test_case_documents_are_not_served_to_staff_without_access(client: TestClient, demo_ctx: AppContext) -> None:
    from store.documents import make_document_id

    orphan = make_document_id("upload", "case-1", "case:CASE-0001")  # its case id matches no case: nobody may read it
    assert demo_ctx.store.get(orphan).kind == "case_document"
    assert client.get(f"/api/documents/{orphan}").status_code == 404
    assert client.get(f"/api/documents/{orphan}/original").status_code == 404
    assert client.get(f"/documents/{orphan}", headers={"accept": "text/html"}).status_code == 404


def test_pages_render_french_and_english(client: TestClient) -> None:
    r = client.get("/", params={"q": "Darfour"})
    assert r.status_code == 200 and "résultat(s)" in r.text and "<mark>Darfour</mark>" in r.text
    assert "Content-Security-Policy" in r.headers
    en = client.get("/", params={"q": "Darfour", "lang": "en"})
    assert "result(s)" in en.text and 'lang="en"' in en.text
    # the choice is kept: a link without ?lang= stays in English, errors included
    kept = client.get("/", params={"q": "Darfour"})
    assert 'lang="en"' in kept.text and "result(s)" in kept.text
    bad_en = client.get("/", params={"q": '"abc'}, headers={"accept": "text/html"})
    assert bad_en.status_code == 400 and "Unclosed quote" in bad_en.text
    client.get("/", params={"lang": "fr"})
    bad = client.get("/", params={"q": '"abc'}, headers={"accept": "text/html"})
    # French typography: a narrow no-break space before the colon; the error page keeps the menu
    assert bad.status_code == 400 and "Guillemet non fermé\u202f:" in bad.text and 'id="nav-search"' in bad.text


def test_hostile_document_renders_inert(client: TestClient) -> None:
    page = client.get("/", params={"q": "Zorblaxie"}).text
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    doc_id = _doc_id(client, "Zorblaxie")
    doc = client.get(f"/documents/{doc_id}").text
    assert "<script>alert" not in doc and "<img src=x" not in doc


def test_openapi_is_published(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert "/api/search" in spec["paths"] and "/api/documents/{doc_id}/original" in spec["paths"]
    # the answers' shapes are published, not only the parameters
    ok = {
        path: spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        for path in ("/api/search", "/api/documents/{doc_id}")
    }
    assert ok == {
        "/api/search": {"$ref": "#/components/schemas/SearchOut"},
        "/api/documents/{doc_id}": {"$ref": "#/components/schemas/DocumentOut"},
    }
    hit = spec["components"]["schemas"]["HitOut"]["properties"]
    assert {"snippets", "matched", "passage", "score"} <= set(hit)


def test_health(client: TestClient) -> None:
    h = client.get("/api/health").json()
    assert h["index"]["ok"] is True and h["store"]["documents"] == h["index"]["documents"]


def test_a_french_query_finds_english_reports_and_says_what_it_also_searched(client: TestClient) -> None:
    q = "recrutement forcé d'enfants"
    # every word required, so only the expansion can bring English documents (best-match also ranks partial ones)
    on = client.get("/api/search", params={"q": q, "match": "all"}).json()
    off = client.get("/api/search", params={"q": q, "expand": "false", "match": "all"}).json()
    assert "child recruitment" in on["also_searched"] and off["also_searched"] == []
    english = [h for h in on["hits"] if h["language"] == "en"]
    assert english and not [h for h in off["hits"] if h["language"] == "en"]
    page = client.get("/", params={"q": q}).text
    assert "Également recherché" in page and "expand=0" in page


def test_plain_questions_are_ranked_best_match_and_operators_stay_boolean(client: TestClient) -> None:
    question = client.get("/api/search", params={"q": "Quelles violences contre les civils au Darfour ?"}).json()
    assert question["total"] > 0 and question["mode"] in ("all_words", "closest")
    strict = client.get("/api/search", params={"q": "Quelles violences contre les civils au Darfour ?", "match": "all"})
    assert strict.status_code == 200 and strict.json()["total"] <= question["total"]
    for q in ("Darfour ?", "« Darfour » : violences…", "est-il dangereux de rentrer au Darfour?"):
        r = client.get("/api/search", params={"q": q})
        assert r.status_code == 200 and r.json()["total"] > 0, q
    boolean = client.get("/api/search", params={"q": "Darfour ET Zorblaxiequinexiste"}).json()
    assert boolean["total"] == 0 and boolean["mode"] == "boolean"


def test_an_empty_result_offers_ways_out(client: TestClient) -> None:
    filtered = client.get("/api/search", params={"q": "Darfour", "country": "NOR", "published_to": "2001-01-01"}).json()
    assert filtered["total"] == 0
    kinds = {x["kind"]: x for x in filtered["suggestions"]}
    assert kinds["without_filters"]["total"] > 0
    strict = client.get("/api/search", params={"q": "Darfour Zorblaxiequinexiste", "match": "all"}).json()
    assert strict["total"] == 0 and "closest" in {x["kind"] for x in strict["suggestions"]}
    page = client.get("/", params={"q": "Darfour", "country": "NOR"}, headers={"accept": "text/html"}).text
    assert 'id="suggestions"' in page and "sans les filtres" in page
    nothing = client.get("/api/search", params={"q": "Zorblaxiequinexiste"}).json()
    assert nothing["total"] == 0 and nothing["suggestions"] == []
