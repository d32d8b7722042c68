"""`coidesk backup` while documents are being ingested, `--verify`, then `coidesk restore` into an empty data
directory: the same documents, cases, originals, audit chain (it verifies) and search answers; keys apart."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from config.settings import Settings
from ingest.pipeline import ingest_corpus
from services.case_inputs import ApplicantIn, CaseIn
from services.context import AppContext
from services.search import SearchParams, build_query
from store.audit import AuditEntry
from store.schemas import DocumentCreate
from tests.conftest import CASE_DOC, CORPUS, PASSWORD, ROOT
from tests.engines.scale import fresh_database, pg_url
from tests.engines.search_server import required

DATABASES = ["sqlite"] + (["postgresql"] if pg_url() else [])
if required() and not pg_url():
    raise RuntimeError("COIDESK_REQUIRE_ENGINES=1 but no PostgreSQL: run `make engines-up` first")

QUERIES = ("Darfour", "Khartoum OR Kadugli", "Taliban", "réfugié", "Zorblaxie")


def _ids(ctx: AppContext, q: str) -> list[str]:
    result = ctx.index.search(build_query(SearchParams(q=q, size=100, sort="published"), ctx.settings))
    return [h.id for h in result.hits]


def _more(n: int) -> list[DocumentCreate]:
    return [
        DocumentCreate(
            kind="coi",
            title=f"Note d'actualité {i}",
            source="upload",
            language="fr",
            text=f"Des affrontements sont signalés à Khartoum, note {i}.",
            countries=["SDN"],
            published=dt.date(2026, 1, 1) + dt.timedelta(days=i),
            external_id=f"more-{i}",
        )
        for i in range(n)
    ]


def _settings(data: Path, database_url: str | None) -> Settings:
    return Settings(data_dir=data, database_url=database_url, _env_file=None)  # type: ignore[call-arg]


def coidesk(settings: Settings, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """The real command line, on the installation the settings name."""
    env = {**os.environ, "COIDESK_DATA_DIR": str(settings.data_dir), "COLUMNS": "200"}
    env.pop("COIDESK_DATABASE_URL", None)
    if settings.database_url:
        env["COIDESK_DATABASE_URL"] = settings.database_url
    done = subprocess.run(
        [sys.executable, "-m", "cli.main", *args], env=env, cwd=ROOT, text=True, capture_output=True, timeout=600
    )
    assert not check or done.returncode == 0, done.stderr[-2000:]
    return done


@pytest.fixture(params=DATABASES)
def office(request: pytest.FixtureRequest, tmp_path: Path) -> AppContext:
    url = fresh_database() if request.param == "postgresql" else None
    ctx = AppContext.open(_settings(tmp_path / "data", url))
    ingest_corpus(ctx.store, [CORPUS], received_by="tests")
    ctx.store.add(CASE_DOC, CASE_DOC.text.encode(), "text/plain", origin="fixture:case-1", received_by="tests")
    sec = ctx.accounts.create_user("sec", PASSWORD, ["secretary"], division="africa")
    ctx.accounts.create_user("off", PASSWORD, ["protection_officer"], division="africa")
    case = ctx.cases.create(
        sec,
        CaseIn(
            reference="AFR-1",
            registered_on=dt.date(2026, 1, 5),
            division="africa",
            applicants=[ApplicantIn(full_name="N. N.")],
            assigned_officer="off",
        ),
    )
    ctx.audit.append([AuditEntry(actor="off", action="case.view", case_id="CASE-0001") for _ in range(20)])
    ctx.indexer.drain()
    ctx.case_ids = [case["id"]]  # type: ignore[attr-defined]
    return ctx


def test_a_backup_taken_during_an_ingest_restores_to_the_same_answers(office: AppContext, tmp_path: Path) -> None:
    ctx = office
    dest, keys, restored_dir = tmp_path / "backup", tmp_path / "keys", tmp_path / "restored"
    before = ctx.store.count()

    def ingest_more() -> None:
        for d in _more(60):
            ctx.store.add(d, d.text.encode(), "text/plain", origin=f"test:{d.external_id}", received_by="tests")

    writer = threading.Thread(target=ingest_more)
    writer.start()
    made = coidesk(ctx.settings, "backup", str(dest), "--keys", str(keys))
    writer.join()
    assert ctx.store.count() == before + 60  # the ingest ran beside the backup
    assert "documents" in made.stdout
    manifest = json.loads((dest / "manifest.json").read_text())
    assert not (dest / "audit.key").exists() and sorted(p.name for p in keys.iterdir()) == sorted(manifest["keys"])
    assert all(oct(p.stat().st_mode)[-3:] == "600" for p in keys.iterdir())

    checked = coidesk(ctx.settings, "backup", str(dest), "--verify", "--keys", str(keys))
    assert "OK" in checked.stdout

    target = _settings(restored_dir, fresh_database() if ctx.settings.database_url else None)
    coidesk(target, "restore", str(dest), "--keys", str(keys))
    back = AppContext.open(target)
    try:
        ctx.indexer.drain()
        kept = {d.id for batch in back.store.iter_documents() for d in batch}
        original = {d.id: d for batch in ctx.store.iter_documents() for d in batch}
        assert len(kept) == manifest["documents"] and kept <= set(original)
        assert len(kept) >= len(original) - 60  # only documents added after the snapshot may be missing
        for doc_id in kept:
            mine, theirs = back.store.get(doc_id), original[doc_id]
            assert (mine.title, mine.text, mine.sha256, mine.case_id) == (
                theirs.title,
                theirs.text,
                theirs.sha256,
                theirs.case_id,
            )
            if mine.sha256:
                assert back.store.archive.verify(mine.sha256)  # the original is there, intact
        case_id = ctx.case_ids[0]  # type: ignore[attr-defined]
        mine_case, their_case = back.cases.records.get(case_id), ctx.cases.records.get(case_id)
        assert mine_case is not None and their_case is not None and mine_case.reference == their_case.reference
        assert [a.full_name for a in back.cases.records.applicants(case_id)] == ["N. N."]
        chain = back.audit.verify()
        assert chain.ok and chain.checked >= 21  # the 20 reads, the backup itself, then the restore
        for q in QUERIES:  # the index was rebuilt from the store: the same answers
            assert _ids(back, q) == [i for i in _ids(ctx, q) if i in kept], q
    finally:
        back.close()
        ctx.close()


def test_a_damaged_backup_or_the_wrong_keys_are_refused_and_nothing_is_restored(
    office: AppContext, tmp_path: Path
) -> None:
    ctx = office
    dest, keys = tmp_path / "backup", tmp_path / "keys"
    coidesk(ctx.settings, "backup", str(dest), "--keys", str(keys))
    ctx.close()
    assert coidesk(ctx.settings, "backup", str(dest), "--keys", str(dest / "keys"), check=False).returncode == 2
    original = next(p for p in (dest / "archive").rglob("*") if p.is_file())
    original.write_bytes(original.read_bytes() + b"!")
    checked = coidesk(ctx.settings, "backup", str(dest), "--verify", check=False)
    assert checked.returncode == 1 and f"archive file {original.name}: altered" in checked.stderr
    target = _settings(tmp_path / "restored", fresh_database() if ctx.settings.database_url else None)
    restored = coidesk(target, "restore", str(dest), "--keys", str(keys), check=False)
    assert restored.returncode == 2 and not (tmp_path / "restored" / "coidesk.sqlite3").exists()
    original.write_bytes(original.read_bytes()[:-1])
    (keys / "audit.key").write_text("00" * 32)
    wrong = coidesk(target, "restore", str(dest), "--keys", str(keys), check=False)
    assert wrong.returncode == 2 and "audit.key" in wrong.stderr
