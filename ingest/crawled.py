"""Crawled files enter the store through the same path as uploads: archive by sha256, extraction in the
sandbox, store (new version when the bytes changed), index, enrichment.

A file whose bytes are those of the document's current version adds nothing: no job, no new version,
no index write. That is what makes a second crawl of an unchanged site a no-op.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Literal

from ingest.uploads import JobOptions, UploadFields, run, submit
from store.documents import DocumentStore, make_document_id
from store.jobs import Jobs

CRAWLER_USER = "crawler"


@dataclass(frozen=True)
class CrawlOutcome:
    status: Literal["new", "updated", "unchanged", "failed"]
    document_id: str | None = None
    error: str | None = None


def store_crawled(
    store: DocumentStore, jobs: Jobs, data: bytes, filename: str, fields: UploadFields, crawl: dict[str, Any]
) -> CrawlOutcome:
    """Store one crawled file under the stable id of (source, URL); ``crawl`` records when, where from
    and by which run it was retrieved."""
    if not fields.url:
        raise ValueError("a crawled file needs its URL")
    doc_id = make_document_id(fields.source, fields.url)
    current = store.current_sha256(doc_id)
    if current == hashlib.sha256(data).hexdigest():
        return CrawlOutcome("unchanged", doc_id)
    job_id = submit(store, jobs, data, filename, CRAWLER_USER, fields, options=JobOptions(), crawl=crawl)
    job = jobs.claim(job_id)
    if job is None:  # the server's ingest loop took it first: it will be stored there
        return CrawlOutcome("new" if current is None else "updated", doc_id)
    try:
        run(store, jobs, job)
    except Exception:
        jobs.finish(job.id, "failed", "internal")
        raise
    done = jobs.get(job_id)
    if done is None or done.status != "stored":
        return CrawlOutcome("failed", doc_id, done.error if done else "internal")
    return CrawlOutcome("new" if current is None else "updated", done.document_id)
