"""Uploads become jobs: archive the original first, then extract in the sandbox, then store.

Used by the API, the upload page and ``coidesk ingest`` for files; the server runs queued jobs in the
background (``JobLoop``), the CLI runs them itself.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
import re
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

from analyzers.pseudonymise import pseudonymise_fields
from config.calendar import iso_date
from ingest.background import BackgroundLoop
from ingest.extract import ExtractError, Options, detect
from ingest.sandbox import extract_file
from store.documents import DocumentStore
from store.jobs import IngestJob, Jobs
from store.schemas import DocumentCreate

log = logging.getLogger(__name__)
_UNSAFE = re.compile(r"[\x00-\x1f\x7f]")


class UploadFields(BaseModel):
    """Metadata given with an upload; what is missing is detected from the file."""

    kind: Literal["coi", "decision", "case_document"] = "coi"
    case_id: str | None = Field(default=None, pattern=r"^[0-9a-f]{32}$")  # case documents only
    title: str | None = Field(default=None, max_length=500)
    countries: list[str] = Field(default_factory=list, max_length=20)
    source: str = Field(default="upload", max_length=64, pattern=r"^[a-z0-9_-]+$")
    doc_type: str | None = Field(default=None, max_length=64)
    published: dt.date | None = None
    url: str | None = Field(default=None, max_length=2000, pattern=r"^https?://")
    language: str | None = Field(default=None, pattern=r"^[a-z]{2}$")
    # decisions: what the publisher states (issue 6 extracts the rest from the text)
    court: str | None = Field(default=None, max_length=200)
    decision_date: dt.date | None = None
    file_number: str | None = Field(default=None, max_length=64)
    ecli: str | None = Field(default=None, max_length=64, pattern=r"^ECLI:[A-Z]{2}:[A-Za-z0-9.:]+$")
    headnote: str | None = Field(default=None, max_length=20_000)

    @field_validator("countries")
    @classmethod
    def _iso3(cls, v: list[str]) -> list[str]:
        out = [c.strip().upper() for c in v if c.strip()]
        if any(not re.fullmatch(r"[A-Z]{3}", c) for c in out):
            raise ValueError("countries are ISO 3166 alpha-3 codes")
        return out


def safe_filename(name: str | None) -> str:
    """The name to show: no directories (``../``, absolute paths), no NUL or control characters.
    It is never used to build a path: originals are stored under their sha256."""
    name = unicodedata.normalize("NFC", name or "")
    name = _UNSAFE.sub("", name.replace("\\", "/")).split("/")[-1].strip().lstrip(".")
    return name[:255] or "upload"


OcrLanguage = Literal["fra", "eng", "ara"]
DEFAULT_OCR: tuple[OcrLanguage, ...] = ("fra", "eng")


class JobOptions(BaseModel):
    """Per job: OCR (and its languages), NLP enrichment."""

    ocr: bool = True
    ocr_languages: list[OcrLanguage] = Field(default_factory=lambda: list(DEFAULT_OCR), max_length=3)
    nlp: bool = True
    pseudonymise: bool = False  # a decision that is not public: parties' names replaced, mapping encrypted


def submit(
    store: DocumentStore,
    jobs: Jobs,
    data: bytes,
    filename: str | None,
    user: str,
    fields: UploadFields,
    parent_id: int | None = None,
    options: JobOptions | None = None,
    crawl: dict[str, Any] | None = None,
) -> int:
    """Archive the original and queue its job. ``crawl`` (retrieval date, run, page) comes from the
    crawlers only, never from a request."""
    name = safe_filename(filename)
    options = options or JobOptions()
    digest = hashlib.sha256(data).hexdigest()
    if options.pseudonymise:  # names may be in the file name and the title: neither is stored in clear
        name = neutral_filename(name, digest)
    digest = store.archive_original(data, detect(data), name)  # archived before anything else happens
    opts = options.model_dump(mode="json")
    job_fields = fields.model_dump(mode="json") | ({"crawl": crawl} if crawl else {})
    if options.pseudonymise:
        sealed = {k: job_fields.pop(k) for k in SEALED_FIELDS if job_fields.get(k)}
        job_fields |= {"title": None, "headnote": None, "sealed": store.pseudonyms.seal(sealed)}
    return jobs.submit(digest, name, user, job_fields, parent_id, opts)


SEALED_FIELDS = ("title", "headnote")


def neutral_filename(name: str, digest: str) -> str:
    """The name a pseudonymised upload is known by: its extension and digest, never the original name."""
    ext = Path(name).suffix.lower()
    return f"document-{digest[:12]}{ext if re.fullmatch(r'[.][a-z0-9]{1,8}', ext) else ''}"


def run(store: DocumentStore, jobs: Jobs, job: IngestJob, extract: Callable[..., Any] = extract_file) -> None:
    """Extract and store one claimed job; any failure is this job's, recorded in plain words."""
    data = store.archive.get(job.sha256)
    job_fields = dict(job.fields)
    sealed = store.pseudonyms.unseal(job_fields.pop("sealed")) if job_fields.get("sealed") else {}
    fields = UploadFields.model_validate(job_fields | sealed)
    options = JobOptions.model_validate(job.options or {})
    try:
        extracted = extract(data, Options(options.ocr, list(options.ocr_languages)), filename=job.filename)
    except ExtractError as exc:
        jobs.finish(job.id, "failed", exc.code, media_type=detect(data))
        return
    mapping = None
    title = fields.title or extracted.title or job.filename
    if options.pseudonymise:
        # every field that reaches the store, the index and the pages shares one mapping; pages are
        # kept apart so page numbers still point right
        pages = "\x0c".join(extracted.pages)
        (title, headnote, pages), mapping = pseudonymise_fields([title, fields.headnote or "", pages])
        extracted = dataclasses.replace(extracted, pages=pages.split("\x0c"), title=None)
        fields = fields.model_copy(update={"headnote": headnote or None})
    text = extracted.text
    doc = DocumentCreate(
        kind=fields.kind,
        title=title[:500],
        text=text,
        language=fields.language,
        countries=fields.countries,
        source=fields.source,
        doc_type=fields.doc_type,
        published=fields.published or iso_date(extracted.published),
        url=fields.url,
        external_id=fields.url or None,
        case_id=fields.case_id if fields.kind == "case_document" else None,
        court=fields.court,
        decision_date=fields.decision_date,
        file_number=fields.file_number,
        ecli=fields.ecli,
        headnote=fields.headnote,
        extra={
            "filename": job.filename,
            "media_type": extracted.media_type,
            "page_starts": extracted.page_starts(),
            **({} if options.nlp else {"skip_nlp": True}),
            **({"crawl": job.fields["crawl"]} if isinstance(job.fields.get("crawl"), dict) else {}),
            **({"pseudonymised": True} if options.pseudonymise else {}),
        },
    )
    outcome = store.add(
        doc, data, extracted.media_type, origin=fields.url or job.filename, received_by=job.submitted_by
    )
    if mapping is not None:
        store.pseudonyms.save(outcome.id, mapping, job.submitted_by)
    child_fields = fields.model_copy(update={"title": None, "url": None})
    for child in extracted.children:  # e-mail attachments: their own jobs, linked to the e-mail's
        submit(store, jobs, child.data, child.filename, job.submitted_by, child_fields, job.id, options)
    jobs.finish(job.id, "stored", None, outcome.id, extracted.media_type)


def run_queued(store: DocumentStore, jobs: Jobs, limit: int | None = None) -> int:
    done = 0
    while (limit is None or done < limit) and (job := jobs.claim()) is not None:
        try:
            run(store, jobs, job)
        except Exception:  # an unexpected failure fails this job only
            log.exception("ingest job %d failed", job.id)
            jobs.finish(job.id, "failed", "internal")
        done += 1
    return done


class JobLoop(BackgroundLoop):
    """The server's ingest worker: runs queued jobs one at a time (parsing happens in a sandbox process)."""

    name, backoff, join_s = "coidesk-ingest", 9, 90

    def __init__(self, store: DocumentStore, jobs: Jobs, stale_s: int = 300, interval: float = 0.5) -> None:
        super().__init__(interval)
        self.store, self.jobs, self.stale_s = store, jobs, stale_s
        self.last_recovery = 0.0

    def step(self) -> bool:
        if time.monotonic() - self.last_recovery > 60:  # jobs a crashed process left half-done
            self.jobs.recover(older_than_s=self.stale_s)
            self.last_recovery = time.monotonic()
        run_queued(self.store, self.jobs, limit=1)
        return bool(self.jobs.pending())
