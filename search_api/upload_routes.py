"""Uploads: ``POST /api/documents`` (multipart, one or many files), the jobs they became, the upload page."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ingest.extract import formats
from ingest.uploads import JobOptions, UploadFields, submit
from search_api.auth import CurrentUser, ctx_of
from search_api.case_routes import read_upload
from search_api.i18n import translate
from search_api.params import RowId
from search_api.rendering import locale_of, render
from services.auth import Principal
from services.context import AppContext
from services.errors import Forbidden, InvalidInput, NotFound
from services.job_views import JobPublic, JobsSubmitted
from store.jobs import IngestJob

router = APIRouter()
Ctx = Annotated[AppContext, Depends(ctx_of)]
UPLOADERS = ("research_assistant", "secretary", "protection_officer", "legal_consultant", "admin")
MAX_FILES = 50
JOB_STATUSES = ("queued", "extracting", "stored", "indexing", "enriching", "indexed", "failed")
JOB_ERRORS = (  # the reasons a job fails (ingest's ExtractError codes), each with a message in i18n
    "archive_bomb",
    "corrupt_file",
    "empty_file",
    "encrypted_pdf",
    "image_too_large",
    "no_text_layer",
    "ocr_skipped",
    "ocr_unavailable",
    "parse_timeout",
    "too_large_to_parse",
    "too_many_pages",
    "unsupported_format",
    "unreadable_file",
    "internal",
)


def js_labels(locale: str) -> dict[str, dict[str, str]]:
    """The words upload.js shows while it follows a job: statuses, reasons of failure, a network error."""
    return {
        "status": {s: translate(f"job_{s}", locale) for s in JOB_STATUSES},
        "error": {e: translate(e, locale) for e in JOB_ERRORS},
        "other": {"network_error": translate("network_error", locale)},
    }


def _may_upload(user: Principal) -> None:
    if not user.has(*UPLOADERS):
        raise Forbidden("role")


def jobs_json(c: AppContext, user: Principal, jobs: list[IngestJob]) -> list[dict[str, Any]]:
    """Jobs as the user may see them: a job of a case document follows the case's need-to-know (its name,
    document and digest are shown, and audited, only to those who may see the case's documents)."""
    case_jobs = [(j.id, (j.fields or {}).get("case_id"), j.document_id) for j in jobs if _is_case_job(j)]
    shown = c.cases.visible_case_jobs(user, case_jobs)
    return [job_json(c, j, redact=_is_case_job(j) and j.id not in shown) for j in jobs]


def _is_case_job(job: IngestJob) -> bool:
    return (job.fields or {}).get("kind") == "case_document"


def job_json(c: AppContext, job: IngestJob, redact: bool = False) -> dict[str, Any]:
    """Status in plain steps: queued, extracting, indexing, enriching, indexed, failed (with the reason)."""
    if redact:
        return {
            "id": job.id,
            "filename": None,
            "case_document": True,
            "status": job.status,
            "error": job.error,
            "media_type": None,
            "document_id": None,
            "parent_id": job.parent_id,
            "submitted_by": job.submitted_by,
            "submitted_at": job.submitted_at.isoformat(timespec="seconds") + "Z",
            "sha256": None,
        }
    status = job.status
    if status == "stored" and job.document_id:
        if c.store.is_queued(job.document_id):
            status = "indexing"
        elif not c.store.enrichments([job.document_id]).get(job.document_id):
            status = "enriching"
        else:
            status = "indexed"
    return {
        "id": job.id,
        "filename": job.filename,
        "status": status,
        "error": job.error,
        "media_type": job.media_type,
        "document_id": job.document_id,
        "parent_id": job.parent_id,
        "submitted_by": job.submitted_by,
        "submitted_at": job.submitted_at.isoformat(timespec="seconds") + "Z",
        "sha256": job.sha256,
    }


# a job of a case document hidden from the user carries ``case_document``; other jobs have no such key
@router.post("/api/documents", status_code=202, tags=["documents"], response_model_exclude_unset=True)
async def upload(
    user: CurrentUser,
    c: Ctx,
    files: Annotated[list[UploadFile], File(description=formats())],
    kind: Annotated[str, Form(pattern="^(coi|decision)$")] = "coi",
    title: Annotated[str, Form(max_length=500)] = "",
    countries: Annotated[str, Form(max_length=200, description="ISO alpha-3, comma-separated")] = "",
    source: Annotated[str, Form(max_length=64)] = "upload",
    doc_type: Annotated[str, Form(max_length=64)] = "",
    published: Annotated[dt.date | None, Form()] = None,
    url: Annotated[str, Form(max_length=2000)] = "",
    ocr: Annotated[bool, Form(description="OCR scans and images")] = True,
    ocr_languages: Annotated[str, Form(max_length=20, description="Tesseract codes: fra,eng,ara")] = "fra,eng",
    nlp: Annotated[bool, Form(description="NLP enrichment")] = True,
    pseudonymise: Annotated[
        bool, Form(description="A decision that is not public: parties' names replaced, mapping kept encrypted")
    ] = False,
) -> JobsSubmitted:
    """Each file is archived at once and becomes a job; its status is at ``GET /api/jobs/{id}``."""
    _may_upload(user)
    options = JobOptions.model_validate(
        {
            "ocr": ocr,
            "ocr_languages": [x.strip() for x in ocr_languages.split(",") if x.strip()],
            "nlp": nlp,
            "pseudonymise": pseudonymise,
        }
    )
    if len(files) > MAX_FILES:
        raise InvalidInput("too_many_files")
    fields = UploadFields.model_validate(
        {
            "kind": kind,
            "title": title or None,
            "countries": [x for x in countries.split(",") if x.strip()],
            "source": source,
            "doc_type": doc_type or None,
            "published": published,
            "url": url or None,
        }
    )
    ids = []
    for f in files:
        data = await read_upload(f, c.settings.max_upload_bytes)
        ids.append(submit(c.store, c.jobs, data, f.filename, user.username, fields, options=options))
    return JobsSubmitted.model_validate({"jobs": jobs_json(c, user, [j for i in ids if (j := c.jobs.get(i))])})


def _visible_job(c: AppContext, user: Principal, job_id: int) -> IngestJob:
    job = c.jobs.get(job_id)
    if job is None or (job.submitted_by != user.username and not user.has("admin")):
        raise NotFound(str(job_id))
    return job


@router.get("/api/jobs", tags=["documents"], response_model_exclude_unset=True)
def jobs(user: CurrentUser, c: Ctx) -> list[JobPublic]:
    """Your uploads (all uploads for admins), newest first."""
    return [
        JobPublic.model_validate(j)
        for j in jobs_json(c, user, c.jobs.list(None if user.has("admin") else user.username))
    ]


@router.get("/api/jobs/{job_id}", tags=["documents"], response_model_exclude_unset=True)
def job(job_id: RowId, user: CurrentUser, c: Ctx) -> JobPublic:
    return JobPublic.model_validate(jobs_json(c, user, [_visible_job(c, user, job_id)])[0])


@router.post("/api/jobs/{job_id}/retry", tags=["documents"], response_model_exclude_unset=True)
def retry(job_id: RowId, user: CurrentUser, c: Ctx) -> JobPublic:
    _visible_job(c, user, job_id)
    c.jobs.retry(job_id)
    return JobPublic.model_validate(jobs_json(c, user, [_visible_job(c, user, job_id)])[0])


@router.get("/upload", response_class=HTMLResponse, include_in_schema=False)
def upload_page(request: Request, user: CurrentUser, c: Ctx, lang: str | None = None) -> Response:
    locale = locale_of(request, lang)
    return render(
        "upload.html",
        request,
        locale,
        user,
        jobs=jobs_json(c, user, c.jobs.list(None if user.has("admin") else user.username, 100)),
        may_upload=user.has(*UPLOADERS),
        js_labels=js_labels(locale),
    )


@router.post("/upload", include_in_schema=False)
async def upload_form(
    request: Request,
    user: CurrentUser,
    c: Ctx,
    files: Annotated[list[UploadFile], File()],
    kind: Annotated[str, Form(pattern="^(coi|decision)$")] = "coi",
    countries: Annotated[str, Form(max_length=200)] = "",
    doc_type: Annotated[str, Form(max_length=64)] = "",
    title: Annotated[str, Form(max_length=500)] = "",
    source: Annotated[str, Form(max_length=64)] = "upload",
    published: Annotated[dt.date | None, Form()] = None,
    url: Annotated[str, Form(max_length=2000)] = "",
    ocr_languages: Annotated[str, Form(max_length=20)] = "fra,eng",
    nlp: Annotated[str, Form(max_length=5)] = "",
    lang: str | None = None,
) -> Response:
    """The same as the API, for browsers without JavaScript: back to the page and its job list."""
    await upload(
        user,
        c,
        files,
        kind=kind,
        title=title,
        countries=countries,
        source=source or "upload",
        doc_type=doc_type,
        published=published,
        url=url,
        ocr_languages=ocr_languages,
        nlp=nlp != "off",
    )
    back = urlencode({"lang": locale_of(request, lang), "done": "files_received"})
    return RedirectResponse(f"/upload?{back}", status_code=303)
