"""Fact verification as it runs in the product: the demo corpus enriched and embedded with the real
multilingual model (e5-small on onnxruntime), passages found by words and by meaning, figures compared,
time reasoned about, element-by-element explanation and source timeline, on the page and in the export.

The statements come from the development half of the blind set (tests/fixtures/verify_eval/
facts_blind.json), written by helpers who never saw the code; bench/verify_eval.py measures both halves.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from docx import Document as Docx
from fastapi.testclient import TestClient

from ingest.embed import embed_pending
from search_api.app import create_app
from services.context import AppContext
from services.verify import VerifyIn
from tests.conftest import PASSWORD, load_demo, make_settings

BLIND = Path(__file__).resolve().parents[1] / "fixtures" / "verify_eval" / "facts_blind.json"
FACTS = {f["id"]: f for f in json.loads(BLIND.read_text())["facts"]}


@pytest.fixture(scope="module")
def ctx(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppContext]:
    c = AppContext.open(make_settings(tmp_path_factory.mktemp("verify-meaning")))
    load_demo(c)
    while embed_pending(c.store, c.dense.passages, c.dense.embedder, limit=16):
        pass
    assert c.dense.available()
    yield c
    c.close()


def _fact(ctx: AppContext, fact_id: str) -> dict:
    f = FACTS[fact_id]
    assert f["half"] == "dev"  # tests use the development half only: the test half stays unseen
    result = ctx.verifier().verify(
        VerifyIn(statements=f["statement"], country=f["country"], as_of=dt.date.fromisoformat(f["as_of"]))
    )
    assert len(result["facts"]) == 1
    return result["facts"][0]


def _element(fact: dict, name: str) -> dict:
    return next(x for x in fact["explanation"] if x["element"] == name)


def test_development_half_floor(ctx: AppContext) -> None:
    """A floor on the half the rules were tuned on: a change that drops below it is a regression. The
    honest score is the test half's, printed by bench/verify_eval.py."""
    dev = [f for f in FACTS.values() if f["half"] == "dev"]
    right = 0
    for f in dev:
        got = _fact(ctx, f["id"])
        right += got["status"] == f["expected_status"]
        if f["expected_status"] == "no_information":
            assert got["status"] != "corroborated", f["id"]  # never tell an officer COI confirms it
    assert right / len(dev) >= 0.6, f"{right}/{len(dev)}"


def test_a_different_figure_is_a_contradiction_with_both_figures_shown(ctx: AppContext) -> None:
    got = _fact(ctx, "a-alb-smi-beds")  # "500 beds" where the CPT report says 350
    assert got["status"] == "conflicting"
    figure = _element(got, "figure")
    assert figure["state"] == "contradicted" and "350" in figure["detail"] and "500" in figure["value"]
    assert any("350 beds" in e["passage"] for e in got["conflicting"])


def test_a_situation_newer_sources_deny_is_conflicting_with_a_timeline(ctx: AppContext) -> None:
    before = _fact(ctx, "a-aze-access-2023")  # only the 2022 visit report was out
    assert before["status"] == "corroborated"
    after = _fact(ctx, "a-aze-access-2024")  # the June 2024 public statement: no co-operation at all
    assert after["status"] == "conflicting"
    rows = [(row["published"] or "")[:4] + " " + row["stance"] for row in after["timeline"]]
    assert "2024 contradicts" in rows and any(r.startswith("2023") for r in rows), rows
    dates = [row["published"] for row in after["timeline"] if row["published"]]
    assert dates == sorted(dates)


def test_place_and_actor_without_the_event_is_no_information(ctx: AppContext) -> None:
    got = _fact(ctx, "a-alb-tepelena-riot")  # the report describes Tepelena prison, no riot anywhere
    assert got["status"] == "no_information" and got["evidence"] == [] and got["conflicting"] == []
    assert _element(got, "event")["state"] == "not_stated"


def test_a_french_statement_is_confirmed_by_an_english_report(ctx: AppContext) -> None:
    got = _fact(ctx, "a-mkd-chains")  # chains and padlocks at Demir Hisar, said in English by the CPT
    assert got["status"] == "corroborated"
    assert set(FACTS["a-mkd-chains"]["expected_documents"]) and got["evidence"][0]["passage"]
    assert any("chain" in e["passage"].lower() for e in got["evidence"][:3])
    assert _element(got, "place")["state"] == "confirmed"


def test_a_day_the_source_does_not_give_is_only_partly_consistent(ctx: AppContext) -> None:
    got = _fact(ctx, "a-cyp-murder-day")  # "14 October 2022"; the CPT says "October 2022"
    assert got["status"] == "partly_consistent"


def test_page_and_export_carry_the_explanation(ctx: AppContext) -> None:
    ctx.accounts.create_user("ra_meaning", PASSWORD, ["research_assistant"])
    token = ctx.accounts.create_token(ctx.accounts.user_by_name("ra_meaning").id, "tests")[1]  # type: ignore[union-attr]
    app = create_app(ctx.settings, context=ctx, writer=False)
    f = FACTS["a-alb-smi-beds"]
    body = {"statements": f["statement"], "country": f["country"], "as_of": f["as_of"]}
    headers = {"Authorization": f"Bearer {token}"}
    with TestClient(app, base_url="https://testserver") as api:
        result = api.post("/api/verify", json=body, headers=headers)
        assert result.status_code == 200
        fact = result.json()["facts"][0]
        assert fact["explanation"] and fact["timeline"]
        exported = api.post("/api/verify/export?format=docx&lang=fr", json=body, headers=headers)
        assert exported.status_code == 200
        text = "\n".join(p.text for p in Docx(io.BytesIO(exported.content)).paragraphs)
        assert "Élément par élément" in text and "chiffre contredit (350 beds)" in text
