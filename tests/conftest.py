"""Shared fixtures: a real store (SQLite file), a real embedded index, the real demo corpus."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from config.settings import Settings
from ingest.pipeline import ingest_corpus
from services.context import AppContext
from store.schemas import DocumentCreate

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "demo" / "corpus"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# Extra documents every engine must handle: hostile markup and a confidential case document.
HOSTILE = DocumentCreate(
    kind="coi",
    title="<script>alert('titre')</script> Rapport piégé",
    source="upload",
    language="fr",
    text="Ce rapport contient <script>alert(1)</script> et <img src=x onerror=alert(2)> autour du mot piège "
    "Zorblaxie, ainsi qu'un lien javascript:alert(3).",
    countries=["SDN"],
    published=dt.date(2024, 5, 2),
    doc_type="report",
    external_id="hostile-1",
)
CASE_DOC = DocumentCreate(
    kind="case_document",
    title="Compte rendu d'entretien",
    source="upload",
    language="fr",
    case_id="CASE-0001",
    text="Le demandeur déclare être originaire de Zorblaxie et avoir été détenu à Kadugli.",
    countries=["SDN"],
    published=dt.date(2025, 1, 10),
    doc_type="interview",
    external_id="case-1",
)


def make_settings(tmp: Path, **overrides: object) -> Settings:
    return Settings(data_dir=tmp, _env_file=None, **overrides)  # type: ignore[call-arg]


def load_demo(ctx: AppContext) -> None:
    from analyzers.enricher import Enricher
    from ingest.enrich import enrich_documents

    report = ingest_corpus(ctx.store, [CORPUS], received_by="tests")
    assert not report.failed, report.failed
    for doc in (HOSTILE, CASE_DOC):
        ctx.store.add(doc, doc.text.encode(), "text/plain", origin=f"fixture:{doc.external_id}", received_by="tests")
    ctx.indexer.drain()
    enriched = enrich_documents(ctx.store, Enricher(n_process=1))
    assert enriched.enriched == ctx.store.count() and enriched.failed == 0
    ctx.indexer.drain()


@pytest.fixture(scope="session")
def demo_ctx(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppContext]:
    ctx = AppContext.open(make_settings(tmp_path_factory.mktemp("demo")))
    load_demo(ctx)
    yield ctx
    ctx.close()


@pytest.fixture()
def fresh_ctx(tmp_path: Path) -> Iterator[AppContext]:
    ctx = AppContext.open(make_settings(tmp_path))
    yield ctx
    ctx.close()


def es_url() -> str | None:
    return os.environ.get("COIDESK_ES_URL") or None
