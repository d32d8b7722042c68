"""The document store and the archive of originals."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from services.context import AppContext
from store.archive import Archive, ArchiveError, sha256_bytes
from store.documents import NotFound
from store.schemas import DocumentCreate


def doc(text: str = "Texte", **kw: object) -> DocumentCreate:
    base = {
        "kind": "coi",
        "title": "Titre",
        "text": text,
        "source": "usdos",
        "language": "fr",
        "external_id": "ext-1",
        "published": dt.date(2024, 1, 2),
    }
    return DocumentCreate(**{**base, **kw})  # type: ignore[arg-type]


def test_same_bytes_twice_is_one_document_with_two_receipts(fresh_ctx: AppContext) -> None:
    a = fresh_ctx.store.add(doc(), b"original", "text/plain", origin="a.txt", received_by="alice")
    b = fresh_ctx.store.add(doc(), b"original", "text/plain", origin="b.txt", received_by="bob")
    assert a.id == b.id and a.created and not b.created and not b.changed
    assert fresh_ctx.store.count() == 1
    from sqlalchemy import select

    from store.models import Receipt

    with fresh_ctx.db.session() as s:
        receipts = list(s.scalars(select(Receipt.received_by).where(Receipt.sha256 == sha256_bytes(b"original"))))
    assert sorted(receipts) == ["alice", "bob"]


def test_new_bytes_make_a_new_version_and_queue_a_reindex(fresh_ctx: AppContext) -> None:
    first = fresh_ctx.store.add(doc(), b"v1", "text/plain", origin="x", received_by="t")
    fresh_ctx.indexer.drain()
    second = fresh_ctx.store.add(doc(text="Texte révisé"), b"v2", "text/plain", origin="x", received_by="t")
    assert second.id == first.id and second.changed
    stored = fresh_ctx.store.get(first.id)
    assert stored.version == 2 and stored.sha256 == sha256_bytes(b"v2")
    assert fresh_ctx.store.archive.exists(sha256_bytes(b"v1"))  # the old original is kept
    assert fresh_ctx.store.pending_count() == 1


def test_invalid_country_codes_are_refused() -> None:
    with pytest.raises(ValueError, match="alpha-3"):
        doc(countries=["Sudan"])
    assert doc(countries=["sdn", "SDN"]).countries == ["SDN"]


def test_archive_paths_come_from_the_hash_only(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive")
    digest = archive.put(b"data")
    assert archive.get(digest) == b"data" and archive.verify(digest)
    assert archive.path_for(digest).is_relative_to((tmp_path / "archive").resolve())
    for bad in ("../../etc/passwd", "/etc/passwd", "a" * 63 + "\x00", "A" * 64):
        with pytest.raises(ArchiveError):
            archive.path_for(bad)
    assert not list((tmp_path / "archive").rglob(".incoming-*"))


def test_missing_document(fresh_ctx: AppContext) -> None:
    with pytest.raises(NotFound):
        fresh_ctx.store.get("0" * 20)


def test_reindex_rebuilds_from_the_store_and_switches_versions(fresh_ctx: AppContext) -> None:
    for i in range(3):
        fresh_ctx.store.add(
            doc(text=f"Document numéro {i} Zorblaxie", external_id=f"e{i}"),
            f"b{i}".encode(),
            "text/plain",
            origin=f"f{i}",
            received_by="t",
        )
    fresh_ctx.indexer.drain()
    old_version = fresh_ctx.index.version
    assert fresh_ctx.indexer.reindex() == 3
    assert fresh_ctx.index.version != old_version  # type: ignore[attr-defined]
    assert fresh_ctx.index.ids() == fresh_ctx.store.all_ids()
