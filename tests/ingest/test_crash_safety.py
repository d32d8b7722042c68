"""kill -9 in the middle of a 2,000-file batch, then the same command again: 0 lost, 0 duplicated, and
store and index agree (``coidesk check``). Real processes, real SQLite, real index."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import ROOT

N = 2000


def _env(data: Path) -> dict[str, str]:
    return {**os.environ, "COIDESK_DATA_DIR": str(data), "COIDESK_JOB_STALE_SECONDS": "0", "COLUMNS": "200"}


def _stored_jobs(db: Path) -> int:
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return int(con.execute("SELECT count(*) FROM ingest_jobs WHERE status = 'stored'").fetchone()[0])
        finally:
            con.close()
    except sqlite3.OperationalError:
        return 0


def test_kill_9_mid_batch_then_run_again(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(N):
        (folder / f"note-{i:04d}.txt").write_text(f"Note {i} : situation à Kadugli, rapport numéro {i * 7919}.\n")
    data = tmp_path / "data"
    cmd = [sys.executable, "-m", "cli.main", "upload", str(folder)]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=_env(data), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    db = data / "coidesk.sqlite3"
    deadline = time.monotonic() + 240
    while _stored_jobs(db) < N // 4 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert proc.poll() is None, "the batch finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    partial = _stored_jobs(db)
    assert 0 < partial < N

    again = subprocess.run(cmd, cwd=ROOT, env=_env(data), capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr[-2000:]
    check = subprocess.run(
        [sys.executable, "-m", "cli.main", "check"],
        cwd=ROOT,
        env=_env(data),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert f"stockés/stored {N} · indexés/indexed {N} · manquants/missing 0 · en trop/extra 0" in check.stdout, (
        check.stdout
    )
    con = sqlite3.connect(db)
    try:
        docs = con.execute("SELECT count(*), count(DISTINCT sha256) FROM documents").fetchone()
        unfinished = con.execute(
            "SELECT count(*) FROM ingest_jobs WHERE status IN ('queued', 'extracting')"
        ).fetchone()[0]
    finally:
        con.close()
    assert docs == (N, N)  # 0 lost, 0 duplicated
    assert unfinished == 0


def test_two_ingesting_processes_and_the_server_at_once(tmp_path: Path) -> None:
    import httpx

    from tests.search_api.browser_fixtures import _free_port

    data = tmp_path / "data"
    env = _env(data)
    env["COIDESK_ENRICH_IN_SERVER"] = "false"
    subprocess.run(
        [sys.executable, "-m", "cli.main", "users", "create", "ra", "--role", "research_assistant", "--password-stdin"],
        cwd=ROOT, env=env, input="a long enough passphrase\n", text=True, check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    token = subprocess.run(
        [sys.executable, "-m", "cli.main", "users", "token", "ra"],
        cwd=ROOT,
        env=env,
        text=True,
        check=True,
        capture_output=True,
    ).stdout.strip()
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "serve", "--port", str(port)], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                if httpx.get(f"{base}/api/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        folders = []
        for k in range(2):
            folder = tmp_path / f"in{k}"
            folder.mkdir()
            for i in range(150):
                (folder / f"f{i}.txt").write_text(f"Processus {k}, note {i} sur Kadugli.")
            folders.append(folder)
        clis = [
            subprocess.Popen(
                [sys.executable, "-m", "cli.main", "upload", str(f)],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for f in folders
        ]
        h = {"Authorization": f"Bearer {token}"}
        for i in range(30):  # the API ingests at the same time
            r = httpx.post(
                f"{base}/api/documents",
                headers=h,
                files=[("files", (f"api{i}.txt", f"Par l'API {i}, Kadugli.".encode()))],
            )
            assert r.status_code == 202, r.text
        for p in clis:
            out, errs = p.communicate(timeout=600)
            assert p.returncode == 0, errs[-2000:]
        deadline = time.monotonic() + 300  # the server also runs the jobs the CLIs left, whoever submitted them
        while time.monotonic() < deadline:
            jobs = httpx.get(f"{base}/api/jobs", headers=h).json()
            health = httpx.get(f"{base}/api/health").json()
            done = all(j["status"] not in ("queued", "extracting", "indexing") for j in jobs)
            if done and health["store"]["documents"] == 330 and health["store"]["queued"] == 0:
                break
            time.sleep(0.5)
        assert all(j["status"] != "failed" for j in jobs)
    finally:
        server.terminate()
        server.wait(timeout=60)
    check = subprocess.run(
        [sys.executable, "-m", "cli.main", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert "stockés/stored 330 · indexés/indexed 330 · manquants/missing 0 · en trop/extra 0" in check.stdout, (
        check.stdout
    )
