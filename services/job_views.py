"""What the upload API answers about ingest jobs, as typed models (OpenAPI shows their shapes)."""

from __future__ import annotations

from pydantic import BaseModel


class JobPublic(BaseModel):
    """An uploaded file's ingest job, in plain steps. A job of a case document the user may not see keeps
    its status but not its name, document or digest (``case_document`` is then true; absent otherwise)."""

    id: int
    filename: str | None
    status: str  # queued | extracting | stored | indexing | enriching | indexed | failed
    error: str | None  # why it failed (an ingest error code)
    media_type: str | None
    document_id: str | None  # the stored document, once extracted
    parent_id: int | None  # e-mail attachments: the e-mail's job
    submitted_by: str
    submitted_at: str  # ISO date and time, UTC ("Z")
    sha256: str | None
    case_document: bool | None = None


class JobsSubmitted(BaseModel):
    jobs: list[JobPublic]  # one per file (an archive or an e-mail may add more later)
