"""Backups that restore: a consistent copy of an installation taken while it runs, checked, and restored.

A backup folder holds
- ``database/coidesk.sqlite3``: SQLite's online backup API (a consistent snapshot while the server writes),
  or ``database/coidesk.pgdump``: ``pg_dump`` in its custom format, of a snapshot exported by the
  transaction that counts the documents (both see the same state);
- ``archive/``: the originals (content-addressed: each file's name is its sha256, so each is checkable);
- ``audit-checkpoints/``: the signed checkpoints of the audit chain;
- ``manifest.json``: what was copied, with the sha256 of every file that is not named by its own digest, the
  schema revision, the counts, and the fingerprints of the keys.

The keys (the audit chain's key, the pseudonym vault's key) are written to a *separate* folder, never into
the backup: whoever holds a backup alone can neither read the pseudonymised names nor forge audit records.
The database is copied first, then the archive: originals are written before the rows that name them and
never removed, so every original the copied database names is in the copy. The search index is not copied:
a restore rebuilds it from the store.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import URL, make_url

from config.settings import Settings
from store.archive import _SHA_RE
from store.models import Document
from store.schema_version import current_revision

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE = Path("database") / "coidesk.sqlite3"
PG_DUMP = Path("database") / "coidesk.pgdump"
KEY_NAMES = ("audit.key", "pseudonym.key")


class BackupError(Exception):
    """A backup cannot be taken, checked or restored; the message says why (shown to the operator)."""


@dataclass
class BackupReport:
    folder: Path
    files: int = 0
    bytes: int = 0
    seconds: float = 0.0
    documents: int = 0
    problems: list[str] = field(default_factory=list)  # --verify: what does not match (empty: sound)


def key_paths(settings: Settings) -> dict[str, Path]:
    return {"audit.key": settings.audit_key_path, "pseudonym.key": settings.archive_dir.parent / "pseudonym.key"}


def _sha_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def _url(settings: Settings) -> URL:
    url = make_url(settings.sqlalchemy_url)
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise BackupError(f"no backup for a {url.get_backend_name()} database")
    return url


def _sqlite_path(url: URL) -> Path:
    if not url.database:
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(url.database)


def _pg_tool(name: str, url: URL, *args: str) -> subprocess.CompletedProcess[str]:
    """``pg_dump`` / ``pg_restore`` on the database of ``url``; the password travels in the environment,
    never on the command line (other users of the machine see command lines)."""
    tool = shutil.which(name)
    if tool is None:
        raise BackupError(f"{name} is not installed (Debian: postgresql-client)")
    target = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    env = {**os.environ, **({"PGPASSWORD": str(url.password)} if url.password else {})}
    # the tool found on PATH, fixed options and our own paths: no user input reaches the command line
    done = subprocess.run([tool, *args, f"--dbname={target}"], env=env, capture_output=True, text=True)  # noqa: S603
    if done.returncode:
        raise BackupError(f"{name} failed: {done.stderr.strip()[:500]}")
    return done


def _dump_database(settings: Settings, dest: Path) -> tuple[Path, int, str | None]:
    """The database copied into ``dest``: the file, its document count and schema revision (same state)."""
    url = _url(settings)
    if url.get_backend_name() == "sqlite":
        source = _sqlite_path(url)
        if not source.exists():
            raise BackupError(f"no database at {source}")
        (dest / DATABASE).parent.mkdir(parents=True, exist_ok=True)
        with sqlite3.connect(source) as live, sqlite3.connect(dest / DATABASE) as copy:
            live.backup(copy)  # a consistent snapshot, the writers go on
        documents, revision = _count(f"sqlite:///{(dest / DATABASE).resolve()}")
        return dest / DATABASE, documents, revision
    (dest / PG_DUMP).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)
    try:
        with engine.connect() as con:
            con.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
            snapshot = con.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            documents = int(con.execute(select(func.count()).select_from(Document)).scalar_one())
            revision = con.execute(text("SELECT version_num FROM alembic_version")).scalar()
            _pg_tool(
                "pg_dump", url, "--format=custom", "--no-owner", f"--snapshot={snapshot}", f"--file={dest / PG_DUMP}"
            )
    finally:
        engine.dispose()
    return dest / PG_DUMP, documents, revision


def _count(sqlalchemy_url: str) -> tuple[int, str | None]:
    engine = create_engine(sqlalchemy_url)
    try:
        with engine.connect() as con:
            documents = int(con.execute(select(func.count()).select_from(Document)).scalar_one())
        return documents, current_revision(engine)
    finally:
        engine.dispose()


def _files(root: Path) -> Iterator[Path]:
    if root.is_dir():
        yield from sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith(".incoming-"))


def _copy_tree(src: Path, dest: Path, report: BackupReport, progress: Callable[[int], None] | None) -> None:
    for path in _files(src):
        target = dest / path.relative_to(src)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
        report.files += 1
        report.bytes += path.stat().st_size
        if progress:
            progress(1)


def _inside(a: Path, b: Path) -> bool:
    a, b = a.resolve(), b.resolve()
    return a == b or b in a.parents or a in b.parents


def _write_keys(settings: Settings, keys_dest: Path) -> dict[str, str]:
    keys_dest.mkdir(parents=True, exist_ok=True, mode=0o700)
    fingerprints = {}
    for name, path in key_paths(settings).items():
        if not path.exists():
            continue
        target = keys_dest / name
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(path.read_bytes())
        fingerprints[name] = _sha_file(path)
    return fingerprints


def count_files(settings: Settings) -> int:
    """How many files a backup copies (for a progress bar)."""
    return sum(1 for _ in _files(settings.archive_dir)) + sum(1 for _ in _files(settings.audit_checkpoint_path)) + 1


def backup(
    settings: Settings, dest: Path, keys_dest: Path, progress: Callable[[int], None] | None = None
) -> BackupReport:
    """Copy the installation the settings name into ``dest`` (new or empty), its keys into ``keys_dest``."""
    if dest.exists() and any(dest.iterdir()):
        raise BackupError(f"{dest} is not empty: a backup goes into a new folder")
    if _inside(dest, keys_dest):
        raise BackupError("the keys must be kept apart from the backup: give a --keys folder outside it")
    if _inside(dest, settings.data_dir):
        raise BackupError("the backup folder must be outside the data directory")
    t0 = time.perf_counter()
    report = BackupReport(dest)
    database, report.documents, revision = _dump_database(settings, dest)
    report.files, report.bytes = 1, database.stat().st_size
    if progress:
        progress(1)
    _copy_tree(settings.archive_dir, dest / "archive", report, progress)
    _copy_tree(settings.audit_checkpoint_path, dest / "audit-checkpoints", report, progress)
    manifest = {
        "format": FORMAT,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "schema_revision": revision,
        "documents": report.documents,
        "database": {"file": str(database.relative_to(dest)), "sha256": _sha_file(database)},
        "archive_files": sum(1 for _ in _files(dest / "archive")),
        "checkpoints": {str(p.relative_to(dest)): _sha_file(p) for p in _files(dest / "audit-checkpoints")},
        "keys": _write_keys(settings, keys_dest),  # sha256 fingerprints only: the keys are elsewhere
    }
    (dest / MANIFEST).write_text(json.dumps(manifest, indent=1))
    report.seconds = time.perf_counter() - t0
    return report


def _manifest(folder: Path) -> dict:
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except FileNotFoundError as exc:
        raise BackupError(f"{folder} holds no {MANIFEST}: not a coidesk backup") from exc
    except ValueError as exc:
        raise BackupError(f"{folder / MANIFEST} is not readable JSON") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"backup format {manifest.get('format')!r} is not {FORMAT}")
    return manifest  # type: ignore[no-any-return]


def verify(folder: Path, keys: Path | None = None, progress: Callable[[int], None] | None = None) -> BackupReport:
    """Check a backup without restoring it: every file's digest, the database's integrity, the keys."""
    t0 = time.perf_counter()
    manifest = _manifest(folder)
    report = BackupReport(folder, documents=manifest.get("documents", 0))
    db = folder / manifest["database"]["file"]
    if not db.exists() or _sha_file(db) != manifest["database"]["sha256"]:
        report.problems.append(f"database {db.name}: missing or altered")
    elif db.suffix == ".sqlite3":
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
            if (ok := con.execute("PRAGMA integrity_check").fetchone()[0]) != "ok":
                report.problems.append(f"database {db.name}: {ok}")
    elif pg_restore := shutil.which("pg_restore"):  # the dump's table of contents reads back
        listed = subprocess.run([pg_restore, "--list", str(db)], capture_output=True, text=True)  # noqa: S603
        if listed.returncode or "TABLE DATA public documents" not in listed.stdout:
            report.problems.append(f"database {db.name}: pg_restore cannot read it")
    report.files += 1
    archive = list(_files(folder / "archive"))
    for path in archive:
        report.files += 1
        report.bytes += path.stat().st_size
        if not _SHA_RE.match(path.name) or _sha_file(path) != path.name:
            report.problems.append(f"archive file {path.name}: altered")
        if progress:
            progress(1)
    if len(archive) != manifest["archive_files"]:
        report.problems.append(f"archive: {len(archive)} files, the backup made {manifest['archive_files']}")
    for rel, digest in manifest["checkpoints"].items():
        report.files += 1
        path = folder / rel
        if not path.exists() or _sha_file(path) != digest:
            report.problems.append(f"checkpoint {rel}: missing or altered")
    if keys is not None:
        for name, digest in manifest["keys"].items():
            if not (keys / name).exists() or _sha_file(keys / name) != digest:
                report.problems.append(f"key {name}: missing from {keys} or not the one this backup was made with")
    report.seconds = time.perf_counter() - t0
    return report


def restore(
    folder: Path, keys: Path, settings: Settings, progress: Callable[[int], None] | None = None
) -> BackupReport:
    """Rebuild the installation the settings name (an empty data directory) from a backup and its keys.
    The search index is left empty: the caller rebuilds it from the restored store."""
    checked = verify(folder, keys, progress)
    if checked.problems:
        raise BackupError("the backup does not check out: " + "; ".join(checked.problems[:5]))
    if settings.data_dir.exists() and any(settings.data_dir.iterdir()):
        raise BackupError(f"{settings.data_dir} is not empty: restore into a new data directory")
    manifest = _manifest(folder)
    dump = folder / manifest["database"]["file"]
    url = _url(settings)
    if (dump.suffix == ".sqlite3") != (url.get_backend_name() == "sqlite"):
        raise BackupError(f"this backup holds a {dump.suffix[1:]} database; the settings name {url.get_backend_name()}")
    t0 = time.perf_counter()
    report = BackupReport(settings.data_dir, documents=manifest["documents"])
    if url.get_backend_name() == "sqlite":
        target = _sqlite_path(url)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(dump, target)
    else:
        engine = create_engine(url)
        try:
            with engine.connect() as con:
                tables = con.execute(text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")).scalar_one()
        finally:
            engine.dispose()
        if tables:
            raise BackupError("the PostgreSQL database of the settings is not empty: restore into a new database")
        _pg_tool("pg_restore", url, "--no-owner", "--exit-on-error", "--single-transaction", str(dump))
    report.files, report.bytes = 1, dump.stat().st_size
    _copy_tree(folder / "archive", settings.archive_dir, report, None)
    _copy_tree(folder / "audit-checkpoints", settings.audit_checkpoint_path, report, None)
    for name, path in key_paths(settings).items():
        if name in manifest["keys"]:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write((keys / name).read_bytes())
    report.seconds = time.perf_counter() - t0
    return report
