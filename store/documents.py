"""The document store: the system of record. The index is derived from it and can be rebuilt."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select

from store.archive import Archive
from store.db import Database
from store.index.base import IndexedDoc, month_number
from store.models import (
    Correction,
    Document,
    DocumentVersion,
    EnrichmentRecord,
    IndexQueue,
    Original,
    Receipt,
    utcnow,
)
from store.pseudonyms import PseudonymVault
from store.schemas import DocumentCreate


class NotFound(Exception):
    """No such document (or not visible to this user)."""


class IdentityConflict(Exception):
    """A write would change the context (public, or which case) of a document it does not own."""


def document_context(kind: str, case_id: str | None) -> str:
    """Where a document belongs: the public collection, or one case. Part of its identity."""
    return f"case:{case_id}" if kind == "case_document" else ""


def make_document_id(source: str, key: str, context: str = "") -> str:
    """A stable id from the publisher and its own identifier (or URL), kept across versions.

    The context is part of it: the same bytes (or URL) received for a case and for the public
    collection, or for two cases, are different documents that share only their archived original."""
    seed = f"{source}\x00{key}" if not context else f"{source}\x00{key}\x00{context}"
    return hashlib.sha256(seed.encode()).hexdigest()[:20]


@dataclass
class StoreOutcome:
    id: str
    created: bool
    changed: bool


_FIELDS = (
    "kind",
    "title",
    "text",
    "language",
    "countries",
    "source",
    "doc_type",
    "published",
    "event_dates",
    "url",
    "external_id",
    "case_id",
    "court",
    "decision_date",
    "file_number",
    "ecli",
    "outcome",
    "headnote",
    "keywords",
    "extra",
)


class DocumentStore:
    def __init__(self, db: Database, archive: Archive) -> None:
        self.db = db
        self.archive = archive
        # mappings of pseudonymised decisions: the key file lives beside the archive, not in the database
        self.pseudonyms = PseudonymVault(db, archive.root.parent / "pseudonym.key")

    # ---- writes ---------------------------------------------------------------------------------
    def add(self, doc: DocumentCreate, original: bytes, media_type: str, origin: str, received_by: str) -> StoreOutcome:
        """Archive the original first, then record the document and queue it for indexing.

        The same bytes received twice give one document with two receipts; new bytes for a known
        document id make a new version.
        """
        digest = self.archive.put(original)
        key = doc.external_id or doc.url or digest
        context = document_context(doc.kind, doc.case_id)
        doc_id = make_document_id(doc.source, key, context)
        with self.db.session() as s:
            if s.get(Original, digest) is None:
                s.add(Original(sha256=digest, size=len(original), media_type=media_type, filename=origin[-255:]))
                s.flush()
            seen = s.scalars(
                select(Receipt.id).where(
                    Receipt.sha256 == digest,
                    Receipt.origin == origin,
                    Receipt.received_by == received_by,
                    Receipt.document_id == doc_id,
                )
            ).first()
            if seen is None:
                s.add(Receipt(sha256=digest, document_id=doc_id, received_by=received_by, origin=origin))
            existing = s.scalars(select(Document).where(Document.id == doc_id)).one_or_none()
            values = {f: getattr(doc, f) for f in _FIELDS}
            if existing is not None and document_context(existing.kind, existing.case_id) != context:
                raise IdentityConflict(doc_id)  # never move a document between the public and a case
            if existing is None:
                s.add(Document(id=doc_id, sha256=digest, version=1, added=utcnow(), **values))
                created, changed = True, True
            elif existing.sha256 != digest or any(getattr(existing, f) != v for f, v in values.items()):
                if existing.sha256 != digest:  # new bytes: the old version is kept and linked
                    s.add(
                        DocumentVersion(
                            document_id=doc_id,
                            version=existing.version,
                            sha256=existing.sha256,
                            title=existing.title,
                            text=existing.text,
                            published=existing.published,
                        )
                    )
                for f, v in values.items():
                    setattr(existing, f, v)
                if existing.sha256 != digest:
                    existing.version += 1
                    existing.sha256 = digest
                created, changed = False, True
            else:
                created, changed = False, False
            if changed:
                s.add(IndexQueue(document_id=doc_id, op="upsert"))
        return StoreOutcome(doc_id, created, changed)

    def versions(self, doc_id: str) -> list[DocumentVersion]:
        """Earlier versions, newest first."""
        with self.db.session() as s:
            return list(
                s.scalars(
                    select(DocumentVersion)
                    .where(DocumentVersion.document_id == doc_id)
                    .order_by(DocumentVersion.version.desc())
                )
            )

    def paged_texts(self, ids: Sequence[str]) -> dict[str, tuple[list[int], str]]:
        """(page starts, text) of those documents whose original has several pages; the others' texts
        are not read."""
        with self.db.session() as s:
            paged = [
                (i, extra["page_starts"])
                for i, extra in s.execute(select(Document.id, Document.extra).where(Document.id.in_(list(ids))))
                if len((extra or {}).get("page_starts") or []) > 1
            ]
            if not paged:
                return {}
            starts = dict(paged)
            rows = s.execute(select(Document.id, Document.text).where(Document.id.in_(list(starts))))
            return {i: (starts[i], text) for i, text in rows}

    def is_queued(self, doc_id: str) -> bool:
        with self.db.session() as s:
            return s.scalars(select(IndexQueue.id).where(IndexQueue.document_id == doc_id).limit(1)).first() is not None

    def archive_original(self, data: bytes, media_type: str, filename: str) -> str:
        """Archive bytes and record the original, before anything else is done with them."""
        digest = self.archive.put(data)
        with self.db.session() as s:
            if s.get(Original, digest) is None:
                s.add(Original(sha256=digest, size=len(data), media_type=media_type, filename=filename[-255:]))
        return digest

    def media_type(self, sha256: str) -> str | None:
        """The media type an archived original was recorded with."""
        with self.db.session() as s:
            o = s.get(Original, sha256)
            return o.media_type if o else None

    def delete(self, doc_id: str) -> None:
        with self.db.session() as s:
            d = s.scalars(select(Document).where(Document.id == doc_id)).one_or_none()
            if d is None:
                raise NotFound(doc_id)
            s.delete(d)
            s.add(IndexQueue(document_id=doc_id, op="delete"))

    # ---- reads ----------------------------------------------------------------------------------
    def get(self, doc_id: str) -> Document:
        with self.db.session() as s:
            d = s.scalars(select(Document).where(Document.id == doc_id)).one_or_none()
            if d is None:
                raise NotFound(doc_id)
            s.expunge(d)
            return d

    def current_sha256(self, doc_id: str) -> str | None:
        """The sha256 of the document's current version, None if there is no such document."""
        with self.db.session() as s:
            return s.scalars(select(Document.sha256).where(Document.id == doc_id)).first()

    def ids_by_origin(self) -> dict[str, str]:
        """{origin (file path or URL an original came from): document id}, the latest receipt of each."""
        with self.db.session() as s:
            rows = s.execute(select(Receipt.origin, Receipt.document_id).order_by(Receipt.id)).all()
        return {origin: doc_id for origin, doc_id in rows if doc_id}

    def get_many(self, ids: Sequence[str]) -> list[Document]:
        with self.db.session() as s:
            docs = list(s.scalars(select(Document).where(Document.id.in_(list(ids)))))
            for d in docs:
                s.expunge(d)
            return docs

    def count(self) -> int:
        with self.db.session() as s:
            return int(s.scalar(select(func.count()).select_from(Document)) or 0)

    def all_ids(self) -> set[str]:
        with self.db.session() as s:
            return set(s.scalars(select(Document.id)))

    def counts_by(self, column: str) -> dict[str, int]:
        col = getattr(Document, column)
        with self.db.session() as s:
            return {str(k): int(v) for k, v in s.execute(select(col, func.count()).group_by(col)).all()}

    def counts_by_country(self) -> dict[str, int]:
        out: dict[str, int] = {}
        with self.db.session() as s:
            for (countries,) in s.execute(select(Document.countries)):
                for c in countries or []:
                    out[c] = out.get(c, 0) + 1
        return dict(sorted(out.items(), key=lambda kv: -kv[1]))

    def iter_indexed(self, batch_size: int = 500) -> Iterator[list[IndexedDoc]]:
        for rows in self.iter_documents(batch_size):
            enrichments = self.enrichments([d.id for d in rows])
            yield [to_indexed(d, enrichments.get(d.id)) for d in rows]

    def iter_documents(self, batch_size: int = 200) -> Iterator[list[Document]]:
        last = 0
        while True:
            with self.db.session() as s:
                rows = list(
                    s.scalars(select(Document).where(Document.seq > last).order_by(Document.seq).limit(batch_size))
                )
                for r in rows:
                    s.expunge(r)
            if not rows:
                return
            last = rows[-1].seq
            yield rows

    def public_signature(self) -> tuple[int, int, str]:
        """Count, newest row and newest change of the documents every searcher may find (not case documents):
        what a vocabulary built from them depends on."""
        with self.db.session() as s:
            n, top, changed = s.execute(
                select(func.count(), func.max(Document.seq), func.max(Document.updated)).where(
                    Document.kind != "case_document"
                )
            ).one()
        return int(n or 0), int(top or 0), str(changed or "")

    def iter_public_texts(self, batch_size: int = 200) -> Iterator[list[str]]:
        """Titles and texts of the documents every searcher may find, never case documents."""
        last = 0
        while True:
            with self.db.session() as s:
                rows = s.execute(
                    select(Document.seq, Document.title, Document.text)
                    .where(Document.seq > last, Document.kind != "case_document")
                    .order_by(Document.seq)
                    .limit(batch_size)
                ).all()
            if not rows:
                return
            last = rows[-1][0]
            yield [f"{title}\n{text}" for _, title, text in rows]

    # ---- enrichment -------------------------------------------------------------------------------
    def save_enrichment(self, doc_id: str, version: str, input_hash: str, payload: dict[str, Any]) -> None:
        """Store an enrichment and queue the document for reindexing, in one transaction."""
        with self.db.session() as s:
            rec = s.get(EnrichmentRecord, doc_id)
            if rec is None:
                s.add(EnrichmentRecord(document_id=doc_id, version=version, input_hash=input_hash, payload=payload))
            else:
                rec.version, rec.input_hash, rec.payload, rec.enriched_at = version, input_hash, payload, utcnow()
            s.add(IndexQueue(document_id=doc_id, op="upsert"))

    def needing_enrichment(self, limit: int = 64) -> list[str]:
        """Ids of documents never enriched or changed since their enrichment (an indexed join, no text read)."""
        stmt = (
            select(Document.id)
            .outerjoin(EnrichmentRecord, EnrichmentRecord.document_id == Document.id)
            .where((EnrichmentRecord.document_id.is_(None)) | (Document.updated > EnrichmentRecord.enriched_at))
            .order_by(Document.seq)
            .limit(limit)
        )
        with self.db.session() as s:
            return list(s.scalars(stmt))

    def enrichment_hashes(self) -> dict[str, str]:
        with self.db.session() as s:
            return {k: v for k, v in s.execute(select(EnrichmentRecord.document_id, EnrichmentRecord.input_hash))}

    def enrichments(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Enrichments of these documents with every user correction applied."""
        with self.db.session() as s:
            records = {
                r.document_id: r.payload
                for r in s.scalars(select(EnrichmentRecord).where(EnrichmentRecord.document_id.in_(list(ids))))
            }
            corrections = list(
                s.scalars(select(Correction).where(Correction.document_id.in_(list(ids))).order_by(Correction.id))
            )
            for c in corrections:
                s.expunge(c)
        merged: dict[str, dict[str, Any]] = {}
        for doc_id in ids:
            payload = records.get(doc_id)
            mine = [c for c in corrections if c.document_id == doc_id]
            if payload is None and not mine:
                continue
            merged[doc_id] = apply_corrections(payload, mine)
        return merged

    def add_correction(self, doc_id: str, type_: str, value: str, label: str, action: str, user: str) -> None:
        if action not in ("add", "remove"):
            raise ValueError("action must be add or remove")
        with self.db.session() as s:
            if s.scalars(select(Document.seq).where(Document.id == doc_id)).first() is None:
                raise NotFound(doc_id)
            s.add(Correction(document_id=doc_id, type=type_, value=value, label=label, action=action, made_by=user))
            s.add(IndexQueue(document_id=doc_id, op="upsert"))

    # ---- index queue ------------------------------------------------------------------------------
    def pending(self, limit: int = 500) -> list[IndexQueue]:
        with self.db.session() as s:
            rows = list(s.scalars(select(IndexQueue).order_by(IndexQueue.id).limit(limit)))
            for r in rows:
                s.expunge(r)
            return rows

    def pending_count(self) -> int:
        with self.db.session() as s:
            return int(s.scalar(select(func.count()).select_from(IndexQueue)) or 0)

    def ack(self, queue_ids: Sequence[int]) -> None:
        with self.db.session() as s:
            s.execute(delete(IndexQueue).where(IndexQueue.id.in_(list(queue_ids))))

    def enqueue_all(self) -> None:
        with self.db.session() as s:
            for (doc_id,) in s.execute(select(Document.id)):
                s.add(IndexQueue(document_id=doc_id, op="upsert"))

    def clear_queue_upto(self, queue_id: int) -> None:
        with self.db.session() as s:
            s.execute(delete(IndexQueue).where(IndexQueue.id <= queue_id))

    def max_queue_id(self) -> int:
        with self.db.session() as s:
            return int(s.scalar(select(func.max(IndexQueue.id))) or 0)


def apply_corrections(payload: dict[str, Any] | None, corrections: Sequence[Correction]) -> dict[str, Any]:
    """Users' corrections over an enrichment: a removed value disappears, an added one is kept."""
    out: dict[str, Any] = {"mentions": [], "countries": [], "aliases": []}
    if payload:
        out = {
            **payload,
            "mentions": list(payload.get("mentions", [])),
            "countries": list(payload.get("countries", [])),
        }
    for c in corrections:
        if c.action == "remove":
            out["mentions"] = [m for m in out["mentions"] if not (m["type"] == c.type and m["value"] == c.value)]
            if c.type == "country":
                out["countries"] = [x for x in out["countries"] if x != c.value]
        else:
            out["mentions"].append(
                {
                    "type": c.type,
                    "value": c.value,
                    "label": c.label,
                    "text": "",
                    "start": -1,
                    "end": -1,
                    "extra": {"corrected_by": c.made_by},
                }
            )
            if c.type == "country" and c.value not in out["countries"]:
                out["countries"].append(c.value)
            if c.type in ("place", "actor"):
                out.setdefault("aliases", []).append(c.label)
    out["corrections"] = [
        {
            "type": c.type,
            "value": c.value,
            "label": c.label,
            "action": c.action,
            "made_by": c.made_by,
            "made_at": c.made_at.isoformat() if c.made_at else None,
        }
        for c in corrections
    ]
    return out


def event_months(mentions: list[dict[str, Any]], published: dt.date | None, limit: int = 240) -> list[int]:
    """Every month covered by the dates and periods a document mentions (open periods run to publication)."""
    months: set[int] = set()
    ceiling = published or dt.date.today()
    for m in mentions:
        if m.get("type") != "date":
            continue
        extra = m.get("extra") or {}
        try:
            start = dt.date.fromisoformat(extra["start"])
            end = dt.date.fromisoformat(extra["end"]) if extra.get("end") else max(start, ceiling)
        except (KeyError, ValueError, TypeError):
            continue
        first, last = month_number(start), month_number(end)
        months.update(range(first, min(last, first + limit) + 1))
    return sorted(months)


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def to_indexed(d: Document, enrichment: dict[str, Any] | None = None) -> IndexedDoc:
    added = d.added.date() if isinstance(d.added, dt.datetime) else d.added
    e = enrichment or {}
    mentions = e.get("mentions", [])
    return IndexedDoc(
        id=d.id,
        seq=d.seq,
        kind=d.kind,
        title=d.title,
        text=d.text,
        language=d.language or e.get("language"),
        countries=_unique([*(d.countries or []), *e.get("countries", [])]),
        source=d.source,
        doc_type=d.doc_type,
        published=d.published,
        added=added,
        case_id=d.case_id,
        url=d.url,
        places=_unique([m["value"] for m in mentions if m["type"] == "place"]),
        actors=_unique([m["value"] for m in mentions if m["type"] == "actor"]),
        topics=_unique([m["value"] for m in mentions if m["type"] == "topic"]),
        aliases=_unique(e.get("aliases", [])),
        event_months=event_months(mentions, d.published),
    )
