"""Shared fixtures: a real store (SQLite file), a real embedded index, the real demo corpus."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from config.settings import Settings
from ingest.pipeline import ingest_corpus
from services.context import AppContext
from store.schemas import DocumentCreate
from tests.engines.scale import scale_mode, scale_overrides

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
    """Settings of a new store in ``tmp``; with COIDESK_TEST_CONFIG=scale, on PostgreSQL and the search server."""
    if scale_mode() and "database_url" not in overrides and "search_backend" not in overrides:
        overrides = {**scale_overrides(), **overrides}
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


# ---- accounts and cases for access tests ------------------------------------------------------------
PASSWORD = "correct horse battery staple"
# username: (roles, division, heads division)
STAFF: dict[str, tuple[list[str], str | None, bool]] = {
    "admin": (["admin"], None, False),
    "ra": (["research_assistant"], None, False),
    "officer_a": (["protection_officer"], "africa", False),
    "officer_b": (["protection_officer"], "africa", False),
    "head_africa": (["protection_officer"], "africa", True),
    "head_asia": (["protection_officer"], "asia", True),
    "consultant": (["legal_consultant"], None, False),
    "consultant2": (["legal_consultant"], None, False),
    "sec_africa": (["secretary"], "africa", False),
    "sec_asia": (["secretary"], "asia", False),
    "archivist": (["archivist"], None, False),
    "registrar": (["civil_registrar"], None, False),
    "dpo": (["data_protection"], None, False),
    "interp": (["interpreter"], None, False),  # confined to their own assignments
    "reader": (["researcher"], None, False),  # confined to the reading room
    "visitor": (["legal_consultant"], None, False),  # target of grants made by the matrix (never a subject)
    "fuzz_head": (["protection_officer"], "africa", True),  # schemathesis' account (may revoke its own tokens)
}
# What each account may see of case A (Africa, assigned to officer_a, consultant on grant)
LEVEL_A: dict[str, str | None] = {
    "admin": None,
    "ra": None,
    "officer_a": "full",
    "officer_b": None,
    "head_africa": "full",
    "head_asia": None,
    "consultant": "full",
    "consultant2": None,
    "sec_africa": "registration",
    "sec_asia": None,
    "archivist": "location",
    "registrar": None,
    "dpo": None,
}
SECRET_WORDS = ("Xylophantine", "Quorvexian", "Zaynab Testapplicant", "PRIV-2026-0042", "Bellurique")


@dataclass
class People:
    tokens: dict[str, str]
    case_a: str
    case_b: str
    doc_a: str


@pytest.fixture(scope="session")
def people(demo_ctx: AppContext) -> People:
    """Every role, two cases with secrets in every field, a case document, a grant: in the demo store."""
    from services.case_inputs import ApplicantIn, CaseIn, GrantIn, InterviewIn, LocationIn, NoteIn

    ctx = demo_ctx
    principals = {}
    tokens = {}
    for name, (roles, division, head) in STAFF.items():
        principals[name] = ctx.accounts.create_user(name, PASSWORD, roles, name, division, head)
        tokens[name] = ctx.accounts.create_token(principals[name].user_id, "tests")[1]
    sec = principals["sec_africa"]
    a = ctx.cases.create(
        sec,
        CaseIn(
            reference="PRIV-2026-0042",
            registered_on=dt.date(2026, 3, 2),
            division="africa",
            applicants=[ApplicantIn(full_name="Zaynab Testapplicant", nationality="SDN", languages=["ar", "fr"])],
            assigned_officer="officer_a",
        ),
    )
    b = ctx.cases.create(
        principals["sec_asia"],
        CaseIn(
            reference="PRIV-2026-0099",
            registered_on=dt.date(2026, 4, 1),
            division="asia",
            applicants=[ApplicantIn(full_name="Bellurique Second")],
        ),
    )
    officer = principals["officer_a"]
    ctx.cases.add_interview(
        officer, a["id"], InterviewIn(held_on=dt.date(2026, 5, 4), transcript="Il cite Quorvexian.")
    )
    ctx.cases.add_note(officer, a["id"], NoteIn(text="Note Quorvexian"))
    from ingest.uploads import run_queued

    job = ctx.cases.add_document(
        officer, a["id"], "Attestation", "Attestation médicale Xylophantine, Kadugli.".encode(), "a.txt"
    )
    run_queued(ctx.store, ctx.jobs)  # the server's job loop does this; tests run it in place
    doc_a = ctx.jobs.get(job).document_id  # type: ignore[union-attr]
    assert doc_a
    ctx.indexer.drain()
    ctx.cases.grant(principals["head_africa"], a["id"], GrantIn(username="consultant", reason="harmonisation"))
    ctx.cases.add_location(principals["archivist"], LocationIn(code="MAG-1", name="Magasin 1", kind="store"))
    ctx.cases.add_location(principals["archivist"], LocationIn(code="BUR-1", name="Bureau 1", kind="office"))
    return People(tokens, a["id"], b["id"], doc_a)
