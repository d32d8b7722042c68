"""JSON routes for case records, their documents and physical files. Access rules live in services."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Query, UploadFile

from search_api.auth import CurrentUser, ctx_of
from services.case_inputs import CaseChange, CaseIn, GrantIn, InterviewIn, LocationIn, MovementIn, NoteIn
from services.cases import (
    CaseDocumentOut,
    CasePublic,
    CaseSummary,
    JobCreated,
    LocationOut,
    MovementOut,
    OverdueFile,
    Revoked,
    TimelineEvent,
    Whereabouts,
)
from services.context import AppContext
from services.errors import InvalidInput
from services.views import Done

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


# keys of a higher access level are absent from a case, not null (see services/cases.py)
@router.get("/cases", response_model_exclude_unset=True)
def list_cases(
    user: CurrentUser,
    c: Ctx,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[CaseSummary]:
    return [CaseSummary.model_validate(x) for x in c.cases.list_cases(user, limit, offset)]


@router.post("/cases", status_code=201, response_model_exclude_unset=True)
def create_case(data: CaseIn, user: CurrentUser, c: Ctx) -> CasePublic:
    return CasePublic.model_validate(c.cases.create(user, data))


@router.get("/cases/{case_id}", response_model_exclude_unset=True)
def get_case(case_id: str, user: CurrentUser, c: Ctx) -> CasePublic:
    return CasePublic.model_validate(c.cases.get(user, case_id))


@router.patch("/cases/{case_id}", response_model_exclude_unset=True)
def change_case(case_id: str, change: CaseChange, user: CurrentUser, c: Ctx) -> CasePublic:
    return CasePublic.model_validate(c.cases.change(user, case_id, change))


@router.post("/cases/{case_id}/interviews", status_code=201)
def add_interview(case_id: str, data: InterviewIn, user: CurrentUser, c: Ctx) -> Done:
    c.cases.add_interview(user, case_id, data)
    return Done(status="recorded")


@router.post("/cases/{case_id}/notes", status_code=201)
def add_note(case_id: str, data: NoteIn, user: CurrentUser, c: Ctx) -> Done:
    c.cases.add_note(user, case_id, data)
    return Done(status="recorded")


@router.get("/cases/{case_id}/documents")
def case_documents(case_id: str, user: CurrentUser, c: Ctx) -> list[CaseDocumentOut]:
    return [CaseDocumentOut.model_validate(d) for d in c.cases.documents(user, case_id)]


@router.post("/cases/{case_id}/documents", status_code=202)
async def add_case_document(
    case_id: str,
    user: CurrentUser,
    c: Ctx,
    file: Annotated[
        UploadFile, File(description="Any supported format: PDF, scans (OCR), DOCX, ODT, HTML, text, e-mail")
    ],
    title: Annotated[str, Form(max_length=300)] = "",
) -> JobCreated:
    """The file becomes an ingest job linked to the case; ``GET /api/jobs/{id}`` gives its document id."""
    data = await read_upload(file, c.settings.max_upload_bytes)
    job_id = c.cases.add_document(user, case_id, title, data, file.filename or "upload")
    return JobCreated(job_id=job_id)


@router.get("/cases/{case_id}/timeline", response_model_exclude_unset=True)
def case_timeline(case_id: str, user: CurrentUser, c: Ctx) -> list[TimelineEvent]:
    return [TimelineEvent.model_validate(e) for e in c.cases.timeline(user, case_id)]


@router.post("/cases/{case_id}/grants", status_code=201)
def grant(case_id: str, data: GrantIn, user: CurrentUser, c: Ctx) -> Done:
    c.cases.grant(user, case_id, data)
    return Done(status="granted")


@router.delete("/cases/{case_id}/grants/{username}")
def revoke_grant(case_id: str, username: str, user: CurrentUser, c: Ctx) -> Revoked:
    return Revoked(revoked=c.cases.revoke_grant(user, case_id, username))


@router.get("/cases/{case_id}/location", tags=["movements"])
def where_is(case_id: str, user: CurrentUser, c: Ctx) -> Whereabouts:
    return Whereabouts.model_validate(c.cases.where_is(user, case_id))


@router.get("/cases/{case_id}/movements", tags=["movements"])
def movements(case_id: str, user: CurrentUser, c: Ctx) -> list[MovementOut]:
    return [MovementOut.model_validate(m) for m in c.cases.movements(user, case_id)]


@router.post("/cases/{case_id}/movements", status_code=201, tags=["movements"])
def move(case_id: str, data: MovementIn, user: CurrentUser, c: Ctx) -> Whereabouts:
    return Whereabouts.model_validate(c.cases.move(user, case_id, data))


@router.get("/movements/overdue", tags=["movements"])
def overdue(user: CurrentUser, c: Ctx) -> list[OverdueFile]:
    return [OverdueFile.model_validate(f) for f in c.cases.overdue(user)]


@router.get("/locations", tags=["movements"])
def locations(user: CurrentUser, c: Ctx) -> list[LocationOut]:
    return [LocationOut.model_validate(loc) for loc in c.cases.locations()]


@router.post("/locations", status_code=201, tags=["movements"])
def add_location(data: LocationIn, user: CurrentUser, c: Ctx) -> Done:
    c.cases.add_location(user, data)
    return Done(status="created")
