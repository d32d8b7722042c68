"""The coidesk command, run as a user runs it, on a temporary data directory."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import CORPUS, ROOT


def coidesk(data: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COIDESK_DATA_DIR": str(data), "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *args],
        env=env,
        cwd=ROOT,
        text=True,
        capture_output=True,
        timeout=300,
        check=check,
    )


def test_ingest_search_reindex_check_stats(tmp_path: Path) -> None:
    out = coidesk(tmp_path, "ingest", str(CORPUS))
    assert "created 74" in out.stdout and "failed 0" in out.stdout
    again = coidesk(tmp_path, "ingest", str(CORPUS))
    assert "created 0" in again.stdout and "unchanged 74" in again.stdout  # same bytes: nothing new

    hits = coidesk(tmp_path, "search", "Darfour", "-f", "kind=decision")
    assert "2 résultat(s)" in hits.stdout and "Zaghawa" in hits.stdout

    bad = coidesk(tmp_path, "search", '"Darfour', check=False)
    assert bad.returncode == 2 and "unclosed_quote" in bad.stderr

    before = sorted(p.name for p in (tmp_path / "index").iterdir() if p.is_dir())
    coidesk(tmp_path, "reindex")
    after = sorted(p.name for p in (tmp_path / "index").iterdir() if p.is_dir())
    assert after != before  # a new version directory is live
    assert "2 résultat(s)" in coidesk(tmp_path, "search", "Darfour", "-f", "kind=decision").stdout

    check = coidesk(tmp_path, "check")
    assert "missing 0" in check.stdout and "extra 0" in check.stdout

    stats = coidesk(tmp_path, "stats")
    assert "Documents: 74" in stats.stdout and "SDN" in stats.stdout


def test_check_repairs_an_index_that_lost_documents(tmp_path: Path) -> None:
    coidesk(tmp_path, "ingest", str(CORPUS / "decisions" / "fr_cnda"))
    from config.settings import Settings
    from services.context import AppContext

    ctx = AppContext.open(Settings(data_dir=tmp_path, _env_file=None))  # type: ignore[call-arg]
    victim = sorted(ctx.store.all_ids())[0]
    ctx.index.delete([victim])
    assert victim not in ctx.index.ids()
    ctx.close()
    out = coidesk(tmp_path, "check")
    assert "missing 1" in out.stdout and "repaired" in out.stdout
    ctx = AppContext.open(Settings(data_dir=tmp_path, _env_file=None))  # type: ignore[call-arg]
    assert victim in ctx.index.ids()
    ctx.close()


def test_second_writer_is_told_the_index_is_busy(tmp_path: Path) -> None:
    from config.settings import Settings
    from services.context import AppContext
    from store.index.errors import IndexBusy

    coidesk(tmp_path, "ingest", str(CORPUS / "coi" / "uk_cpin"))
    ctx = AppContext.open(Settings(data_dir=tmp_path, _env_file=None))  # type: ignore[call-arg]
    index = ctx.index
    held = index._index_now().writer(15_000_000, 1)  # type: ignore[attr-defined]  # another writer holds the lock
    try:
        import pytest

        with pytest.raises(IndexBusy):
            index.upsert([])
        # the CLI leaves the work queued instead of failing
        ctx.store.enqueue_all()
        assert ctx.indexer.try_drain() == 0 and ctx.store.pending_count() == 5
    finally:
        del held
    assert ctx.indexer.try_drain() == 5 and ctx.store.pending_count() == 0
    ctx.close()


def test_accounts_from_the_shell(tmp_path: Path) -> None:
    def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "COIDESK_DATA_DIR": str(tmp_path), "COLUMNS": "200"}
        return subprocess.run(
            [sys.executable, "-m", "cli.main", *args],
            env=env,
            cwd=ROOT,
            text=True,
            capture_output=True,
            input=stdin,
            timeout=120,
        )

    assert "admin" not in run("users", "list").stdout  # no default account
    weak = run("users", "create", "alice", "--admin", "--password-stdin", stdin="short\n")
    assert weak.returncode == 2 and "weak_password" in weak.stderr
    ok = run("users", "create", "alice", "--admin", "--password-stdin", stdin="a long enough passphrase\n")
    assert ok.returncode == 0, ok.stderr
    assert run("users", "create", "bob", "--role", "wizard", "--password-stdin", stdin="x" * 20 + "\n").returncode == 2
    token = run("users", "token", "alice").stdout.strip()
    assert token.startswith("cdk_") and len(token) > 40
    assert run("users", "token", "nobody").returncode == 2
    assert run("users", "roles", "alice", "--role", "data_protection").returncode == 0
    assert "data_protection" in run("users", "list").stdout
    assert run("users", "disable", "alice").returncode == 0
    verify = run("audit", "verify")
    assert verify.returncode == 0 and "intègre" in verify.stdout


def test_upload_files_from_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "note.txt").write_text("Une note sur Kadugli en mars 2024.")
    (folder / "sub").mkdir()
    (folder / "sub" / "page.html").write_text(
        "<html><body><article><p>Rapport : des combats ont eu lieu à El Fasher en mai 2024, selon des témoins.</p></article></body></html>"
    )
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj <<")
    data = tmp_path / "data"
    out = coidesk(data, "upload", str(folder), "--countries", "SDN", check=False)
    assert out.returncode == 0, out.stderr
    assert "stored 2" in out.stdout and "failed 1" in out.stdout and "broken.pdf" in out.stderr
    found = coidesk(data, "search", "Kadugli")
    assert "Une note sur Kadugli" in found.stdout or "note.txt" in found.stdout


def test_ingest_takes_plain_files_too(tmp_path: Path) -> None:
    folder = tmp_path / "scans"
    folder.mkdir()
    (folder / "note.md").write_text("# Note Kordofan\n\nDes combats à Kadugli en mars 2024.")
    out = coidesk(tmp_path / "data", "ingest", str(folder))
    assert "stored 1" in out.stdout
    assert "Note Kordofan" in coidesk(tmp_path / "data", "search", "Kadugli").stdout


def test_decisions_command_reads_every_decision(tmp_path: Path) -> None:
    coidesk(tmp_path, "ingest", str(CORPUS / "decisions" / "fr_cnda"))
    out = coidesk(tmp_path, "decisions").stdout
    # the 15 CNDA decisions of the corpus: 9 grant protection, 6 are rejected (labels in tests/fixtures/decision_eval)
    assert "refugee_status" in out and "rejection" in out and "subsidiary_protection" in out
    rows = {line.split("│")[1].strip(): int(line.split("│")[2]) for line in out.splitlines() if line.count("│") == 3}
    assert rows == {"refugee_status": 8, "subsidiary_protection": 1, "rejection": 6}
