"""Batch search and bulk export through the real API on the real store and index: a failed line says why
and the others run; exports stream every document of a search, page after page, up to the office's ceiling,
case documents only for those who may read them, each one audited."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from search_api.app import create_app
from services import export
from services.batch import parse_lines
from services.context import AppContext
from tests.conftest import LEVEL_A, SECRET_WORDS, People

RANK = {None: 0, "location": 1, "registration": 2, "full": 3}


@pytest.fixture(scope="module")
def api(demo_ctx: AppContext, people: People) -> Iterator[TestClient]:
    app = create_app(demo_ctx.settings, context=demo_ctx, writer=False)
    with TestClient(app, base_url="https://testserver") as c:
        yield c


def auth(people: People, user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {people.tokens[user]}"}


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


# ---- batch ------------------------------------------------------------------------------------------------
def test_parse_lines_and_csv_with_per_line_filters() -> None:
    assert [(b.line, b.query) for b in parse_lines("Darfour\n\n# a comment\n  Kadugli  \n")] == [
        (1, "Darfour"),
        (4, "Kadugli"),
    ]
    lines = parse_lines("query;country;label\nDarfour;SDN|TCD;un\nJanjawid;;deux\n;SDN;vide\n")
    assert [(b.line, b.query, b.filters, b.label) for b in lines] == [
        (2, "Darfour", {"country": ["SDN", "TCD"]}, "un"),
        (3, "Janjawid", {}, "deux"),
    ]
    assert [b.query for b in parse_lines("Darfour,Soudan\nTchad", filename="names.csv")] == ["Darfour", "Tchad"]


def test_a_malformed_query_fails_its_line_only(api: TestClient, people: People) -> None:
    body = {"queries": ["Darfour", '"Darfour', "Zorblaxie", "a*", "Kadugli"], "top": 2}
    r = api.post("/api/batch-search", json=body, headers=auth(people, "ra"))
    assert r.status_code == 200, r.text
    out = r.json()
    by_line = {row["line"]: row for row in out["rows"]}
    assert by_line[1]["status"] == "ok" and by_line[1]["total"] > 0 and len(by_line[1]["hits"]) == 2
    assert "<mark>" in by_line[1]["hits"][0]["snippet"].lower()
    assert by_line[2]["status"] == "failed" and by_line[2]["error"] == "unclosed_quote" and out["messages"]["2"]
    assert by_line[3]["status"] == "ok" and by_line[3]["total"] == 1  # the hostile document, escaped
    assert "<script>" not in json.dumps(by_line[3]) or "&lt;script&gt;" in json.dumps(by_line[3])
    assert by_line[4]["status"] == "failed" and by_line[4]["error"]
    assert out["ok"] == 3 and out["failed"] == 2
    # the same batch as CSV: one row per hit, failed lines with their reason
    r = api.post("/api/batch-search", params={"format": "csv"}, json=body, headers=auth(people, "ra"))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = rows_of(r.text)
    assert [x["rank"] for x in rows if x["line"] == "1"] == ["1", "2"]
    failed = [x for x in rows if x["line"] == "2"]
    assert len(failed) == 1 and failed[0]["status"] == "failed" and "guillemet" in failed[0]["error"].lower()


def test_batch_page_takes_pasted_lines_and_a_csv_file(api: TestClient, people: People) -> None:
    h = {**auth(people, "ra"), "Accept": "text/html"}
    assert 'id="batch-form"' in api.get("/batch", headers=h).text
    r = api.post("/batch", data={"queries": 'Darfour\n"Darfour\n', "top": "2"}, headers=h)
    assert r.status_code == 200 and 'id="batch-table"' in r.text
    assert 'data-line="2"' in r.text and "batch-error" in r.text and 'id="batch-summary"' in r.text
    upload = b"query,country\n=cmd|' /C calc'!A0,SDN\nDarfour,SDN\n"
    r = api.post("/batch", data={"format": "csv"}, files={"file": ("noms.csv", upload, "text/csv")}, headers=h)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = rows_of(r.text)
    assert rows[0]["query"].startswith("'=")  # never a formula in a spreadsheet
    assert any(x["query"] == "Darfour" and int(x["total"]) > 0 for x in rows)


def test_batch_limits(api: TestClient, people: People, demo_ctx: AppContext) -> None:
    h = auth(people, "ra")
    r = api.post("/api/batch-search", json={"queries": [" ", ""]}, headers=h)
    assert r.status_code == 400 and r.json()["error"]["code"] == "batch_empty"
    too_many = [f"mot{i}" for i in range(demo_ctx.settings.batch_max_queries + 1)]
    r = api.post("/api/batch-search", json={"queries": too_many}, headers=h)
    assert r.status_code == 400 and r.json()["error"]["code"] == "batch_too_many"


# ---- export -----------------------------------------------------------------------------------------------
def test_export_streams_every_document_of_the_search_across_pages(
    api: TestClient, people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = auth(people, "ra")
    total = api.get("/api/search", params={"q": "Soudan", "match": "all", "size": 1}, headers=h).json()["total"]
    assert total > 2
    monkeypatch.setattr(export, "PAGE", 2)  # several pages of the keyset cursor
    r = api.get("/api/export", params={"q": "Soudan", "match": "all", "format": "csv"}, headers=h)
    assert r.status_code == 200 and r.headers["x-total-count"] == str(total) and r.headers["x-export-truncated"] == "0"
    assert r.headers["x-export-order"] == "added" and "attachment" in r.headers["content-disposition"]
    rows = rows_of(r.text)
    assert len(rows) == total == len({x["id"] for x in rows})
    every: set[str] = set()
    cursor = None
    while True:
        page = api.get(
            "/api/search",
            params={
                "q": "Soudan",
                "match": "all",
                "size": 100,
                "sort": "added",
                **({"cursor": cursor} if cursor else {}),
            },
            headers=h,
        ).json()
        every |= {x["id"] for x in page["hits"]}
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert {x["id"] for x in rows} == every
    jl = api.get("/api/export", params={"q": "Soudan", "match": "all", "format": "jsonl"}, headers=h)
    lines = [json.loads(x) for x in jl.text.splitlines()]
    assert len(lines) == total and all(x["text"] and x["title"] for x in lines)
    assert jl.headers["content-type"].startswith("application/x-ndjson")


def test_export_ceiling_is_the_admins(api: TestClient, people: People, demo_ctx: AppContext) -> None:
    h = auth(people, "ra")
    old = demo_ctx.settings.export_max_rows
    demo_ctx.settings.export_max_rows = 3
    try:
        r = api.get("/api/export", params={"q": "Soudan", "format": "csv"}, headers=h)
        assert (
            r.headers["x-export-truncated"] == "1" and r.headers["x-total-count"] == "3" and len(rows_of(r.text)) == 3
        )
        r = api.get("/api/export", params={"q": "Soudan", "max_rows": 4}, headers=h)
        assert r.status_code == 400 and r.json()["error"]["code"] == "export_limit"
    finally:
        demo_ctx.settings.export_max_rows = old
    r = api.get("/api/export", params={"q": "Soudan", "max_rows": 2}, headers=h)
    assert len(rows_of(r.text)) == 2
    r = api.get("/api/export", params={"q": '"Soudan'}, headers=h)
    assert r.status_code == 400 and r.json()["error"]["code"] == "unclosed_quote"


@pytest.mark.parametrize("user", sorted(LEVEL_A))
def test_access_matrix_batch_and_export_never_reveal_case_a(
    api: TestClient, people: People, demo_ctx: AppContext, user: str
) -> None:
    h = auth(people, user)
    sees = RANK[LEVEL_A[user]] >= RANK["registration"]
    out = api.post("/api/batch-search", json={"queries": ["Xylophantine", "Zaynab Testapplicant"]}, headers=h).json()
    assert (out["rows"][0]["total"] == 1) is sees
    assert out["rows"][1]["total"] == 0  # applicant names are not in any document's text
    r = api.get("/api/export", params={"kind": "case_document", "format": "jsonl"}, headers=h)
    ids = {json.loads(x)["id"] for x in r.text.splitlines()}
    assert (people.doc_a in ids) is sees
    if not sees:
        assert ids == set() and r.headers["x-total-count"] == "0"
        for word in SECRET_WORDS:
            assert word not in r.text and word not in json.dumps(out["rows"][0]["hits"])
    else:
        exported = [
            x
            for x in demo_ctx.audit.query(actor=user, limit=200)
            if x.action == "document.export" and x.document_id == people.doc_a
        ]
        assert exported and exported[0].case_id == people.case_a
