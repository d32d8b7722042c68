"""JSON routes for case records, their documents and physical files. Access rules live in services."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, UploadFile

from search_api.auth import CurrentUser, ctx_of
from services.case_inputs import CaseChange, CaseIn, GrantIn, InterviewIn, LocationIn, MovementIn, NoteIn
from services.context import AppContext
from services.errors import InvalidInput

router = APIRouter(prefix="/api", tags=["cases"])
Ctx = Annotated[AppContext, Depends(ctx_of)]
CHUNK = 1 << 20


async def read_upload(upload: UploadFile, limit: int) -> bytes:
    """Read an upload without holding more than ``limit`` bytes: over the limit is a 413."""
    parts: list[bytes] = []
    size = 0
    while chunk := await upload.read(CHUNK):
        size += len(chunk)
        if size > limit:
            raise InvalidInput("too_large", max=limit)
        parts.append(chunk)
    return b"".join(parts)


@router.get("/cases")
def list_cases(
    user: CurrentUser,
    c: Ctx,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[dict[str, Any]]:
    return c.cases.list_cases(user, limit, offset)


@router.post("/cases", status_code=201)
def create_case(data: CaseIn, user: CurrentUser, c: Ctx) -> dict[str, Any]:
    return c.cases.create(user, data)


@router.get("/cases/{case_id}")
def get_case(case_id: str, user: CurrentUser, c: Ctx) -> dict[str, Any]:
    return c.cases.get(user, case_id)


@router.patch("/cases/{case_id}")
def change_case(case_id: str, change: CaseChange, user: CurrentUser, c: Ctx) -> dict[str, Any]:
    return c.cases.change(user, case_id, change)


@router.post("/cases/{case_id}/interviews", status_code=201)
def add_interview(case_id: str, data: InterviewIn, user: CurrentUser, c: Ctx) -> dict[str, str]:
    c.cases.add_interview(user, case_id, data)
    return {"status": "recorded"}


@router.post("/cases/{case_id}/notes", status_code=201)
def add_note(case_id: str, data: NoteIn, user: CurrentUser, c: Ctx) -> dict[str, str]:
    c.cases.add_note(user, case_id, data)
    return {"status": "recorded"}


@router.get("/cases/{case_id}/documents")
def case_documents(case_id: str, user: CurrentUser, c: Ctx) -> list[dict[str, Any]]:
    return c.cases.documents(user, case_id)


@router.post("/cases/{case_id}/documents", status_code=202)
async def add_case_document(
    case_id: str,
    user: CurrentUser,
    c: Ctx,
    file: Annotated[
        UploadFile, File(description="Any supported format: PDF, scans (OCR), DOCX, ODT, HTML, text, e-mail")
    ],
    title: Annotated[str, Form(max_length=300)] = "",
) -> dict[str, Any]:
    """The file becomes an ingest job linked to the case; ``GET /api/jobs/{id}`` gives its document id."""
    data = await read_upload(file, c.settings.max_upload_bytes)
    job_id = c.cases.add_document(user, case_id, title, data, file.filename or "upload")
    return {"job_id": job_id}


@router.get("/cases/{case_id}/timeline")
def case_timeline(case_id: str, user: CurrentUser, c: Ctx) -> list[dict[str, Any]]:
    return c.cases.timeline(user, case_id)


@router.post("/cases/{case_id}/grants", status_code=201)
def grant(case_id: str, data: GrantIn, user: CurrentUser, c: Ctx) -> dict[str, str]:
    c.cases.grant(user, case_id, data)
    return {"status": "granted"}


@router.delete("/cases/{case_id}/grants/{username}")
def revoke_grant(case_id: str, username: str, user: CurrentUser, c: Ctx) -> dict[str, int]:
    return {"revoked": c.cases.revoke_grant(user, case_id, username)}


@router.get("/cases/{case_id}/location", tags=["movements"])
def where_is(case_id: str, user: CurrentUser, c: Ctx) -> dict[str, Any]:
    return c.cases.where_is(user, case_id)


@router.get("/cases/{case_id}/movements", tags=["movements"])
def movements(case_id: str, user: CurrentUser, c: Ctx) -> list[dict[str, Any]]:
    return c.cases.movements(user, case_id)


@router.post("/cases/{case_id}/movements", status_code=201, tags=["movements"])
def move(case_id: str, data: MovementIn, user: CurrentUser, c: Ctx) -> dict[str, Any]:
    return c.cases.move(user, case_id, data)


@router.get("/movements/overdue", tags=["movements"])
def overdue(user: CurrentUser, c: Ctx) -> list[dict[str, Any]]:
    return c.cases.overdue(user)


@router.get("/locations", tags=["movements"])
def locations(user: CurrentUser, c: Ctx) -> list[dict[str, Any]]:
    return c.cases.locations()


@router.post("/locations", status_code=201, tags=["movements"])
def add_location(data: LocationIn, user: CurrentUser, c: Ctx) -> dict[str, str]:
    c.cases.add_location(user, data)
    return {"status": "created"}
