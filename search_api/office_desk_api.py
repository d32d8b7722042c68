"""JSON API of the registration desk, civil status and interpreters (issue 18). Access rules live in services.

- ``/api/desk/...``: the mail register (secretaries), originals and their scans, the completeness letter;
  firms, interpreters and interview bookings.
- ``/api/civil-status/...``: protected people and their acts (civil registrars on grant).
- ``/api/interpreter/...``: an interpreter's own bookings, the only API their account reaches.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Query, UploadFile
from fastapi.responses import Response

from search_api.auth import CurrentUser, ctx_of
from search_api.case_routes import read_upload
from search_api.params import RowId
from services.civil_status import ActEdit, ActIn, ActOut, CorrectionIn, PersonIn, PersonOut, PersonSummary
from services.context import AppContext
from services.interpreting import (
    AssignmentIn,
    AssignmentOut,
    ConflictIn,
    FirmIn,
    FirmOut,
    InterpreterIn,
    InterpreterOut,
    OwnAssignment,
    OwnConflictIn,
)
from services.registration_desk import (
    ChecklistIn,
    LinkIn,
    MailIn,
    MailOut,
    MailPage,
    OriginalIn,
    OriginalOut,
    ScanQueued,
)
from services.views import Done

router = APIRouter(prefix="/api")
Ctx = Annotated[AppContext, Depends(ctx_of)]
Fmt = Literal["pdf", "html"]


def attachment(body: bytes, media: str, name: str) -> Response:
    return Response(
        body,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


# ---- the mail register -------------------------------------------------------------------------------
@router.get("/desk/mail", tags=["registration desk"])
def mail_register(
    user: CurrentUser,
    c: Ctx,
    incomplete: bool = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> MailPage:
    return c.office.registration.page(user, incomplete, limit, offset)


@router.post("/desk/mail", status_code=201, tags=["registration desk"])
def register_mail(data: MailIn, user: CurrentUser, c: Ctx) -> MailOut:
    return c.office.registration.register(user, data)


@router.get("/desk/mail/{mail_id}", tags=["registration desk"])
def mail_entry(mail_id: RowId, user: CurrentUser, c: Ctx) -> MailOut:
    return c.office.registration.get(user, mail_id)


@router.put("/desk/mail/{mail_id}/checklist", tags=["registration desk"])
def set_checklist(mail_id: RowId, data: ChecklistIn, user: CurrentUser, c: Ctx) -> MailOut:
    return c.office.registration.set_checklist(user, mail_id, data)


@router.post("/desk/mail/{mail_id}/case", tags=["registration desk"])
def link_case(mail_id: RowId, data: LinkIn, user: CurrentUser, c: Ctx) -> MailOut:
    return c.office.registration.link(user, mail_id, data)


@router.post("/desk/mail/{mail_id}/originals", status_code=201, tags=["registration desk"])
def add_original(mail_id: RowId, data: OriginalIn, user: CurrentUser, c: Ctx) -> OriginalOut:
    """A paper original received, with its own receipt number and where it is kept."""
    return c.office.registration.add_original(user, mail_id, data)


@router.post("/desk/originals/{original_id}/scan", status_code=202, tags=["registration desk"])
async def scan_original(
    original_id: RowId,
    user: CurrentUser,
    c: Ctx,
    file: Annotated[UploadFile, File(description="the scan (PDF, image: OCR) of this original")],
) -> ScanQueued:
    data = await read_upload(file, c.settings.max_upload_bytes)
    return c.office.registration.scan(user, original_id, data, file.filename or "scan")


@router.get("/desk/mail/{mail_id}/letter", tags=["registration desk"])
def completion_letter(mail_id: RowId, user: CurrentUser, c: Ctx, format: Fmt = "pdf") -> Response:
    """The letter asking the applicant for the missing items (PDF, or HTML to print)."""
    body, media = c.office.registration.letter(user, mail_id, format)
    return attachment(body, media, f"demande-de-pieces-{mail_id}.{format}")


# ---- firms, interpreters, bookings -------------------------------------------------------------------
@router.get("/desk/interpreting-firms", tags=["interpreters"])
def firms(user: CurrentUser, c: Ctx) -> list[FirmOut]:
    return c.office.interpreters.firms(user)


@router.post("/desk/interpreting-firms", status_code=201, tags=["interpreters"])
def add_firm(data: FirmIn, user: CurrentUser, c: Ctx) -> FirmOut:
    return c.office.interpreters.add_firm(user, data)


@router.get("/desk/interpreters", tags=["interpreters"])
def interpreters(user: CurrentUser, c: Ctx) -> list[InterpreterOut]:
    return c.office.interpreters.interpreters(user)


@router.post("/desk/interpreters", status_code=201, tags=["interpreters"])
def add_interpreter(data: InterpreterIn, user: CurrentUser, c: Ctx) -> InterpreterOut:
    return c.office.interpreters.add_interpreter(user, data)


@router.get("/desk/cases/{case_id}/interpreter-candidates", tags=["interpreters"])
def candidates(
    case_id: str,
    user: CurrentUser,
    c: Ctx,
    language: Annotated[str, Query(min_length=1, max_length=32)],
    starts_at: dt.datetime,
) -> list[InterpreterOut]:
    """Who may be booked: the language, a signed code of conduct, no conflict of interest, free then."""
    return c.office.interpreters.candidates(user, case_id, language, starts_at)


@router.get("/desk/cases/{case_id}/interpreter-assignments", tags=["interpreters"])
def case_assignments(case_id: str, user: CurrentUser, c: Ctx) -> list[AssignmentOut]:
    return c.office.interpreters.case_assignments(user, case_id)


@router.post("/desk/cases/{case_id}/interpreter-assignments", status_code=201, tags=["interpreters"])
def assign(case_id: str, data: AssignmentIn, user: CurrentUser, c: Ctx) -> AssignmentOut:
    return c.office.interpreters.assign(user, case_id, data)


@router.post("/desk/cases/{case_id}/interpreter-conflicts", status_code=201, tags=["interpreters"])
def declare_conflict(case_id: str, data: ConflictIn, user: CurrentUser, c: Ctx) -> Done:
    c.office.interpreters.declare_conflict(user, case_id, data)
    return Done(status="recorded")


# ---- civil status ------------------------------------------------------------------------------------
@router.get("/civil-status/people", tags=["civil status"])
def protected_people(user: CurrentUser, c: Ctx) -> list[PersonSummary]:
    return c.office.civil.people(user)


@router.post("/civil-status/people", status_code=201, tags=["civil status"])
def open_person(data: PersonIn, user: CurrentUser, c: Ctx) -> PersonOut:
    return c.office.civil.open_person(user, data)


@router.get("/civil-status/people/{person_id}", tags=["civil status"])
def person(person_id: RowId, user: CurrentUser, c: Ctx) -> PersonOut:
    return c.office.civil.person(user, person_id)


@router.post("/civil-status/people/{person_id}/acts", status_code=201, tags=["civil status"])
def draw_up(person_id: RowId, data: ActIn, user: CurrentUser, c: Ctx) -> ActOut:
    """A new draft, numbered in the register of its type and year."""
    return c.office.civil.draw_up(user, person_id, data)


@router.get("/civil-status/acts/{act_id}", tags=["civil status"])
def act(act_id: RowId, user: CurrentUser, c: Ctx) -> ActOut:
    return c.office.civil.get(user, act_id)


@router.patch("/civil-status/acts/{act_id}", tags=["civil status"])
def edit_act(act_id: RowId, data: ActEdit, user: CurrentUser, c: Ctx) -> ActOut:
    """Only a draft changes; a signed act answers 409."""
    return c.office.civil.edit(user, act_id, data)


@router.post("/civil-status/acts/{act_id}/sign", tags=["civil status"])
def sign_act(act_id: RowId, user: CurrentUser, c: Ctx) -> ActOut:
    return c.office.civil.sign(user, act_id)


@router.post("/civil-status/acts/{act_id}/issue", tags=["civil status"])
def issue_act(act_id: RowId, user: CurrentUser, c: Ctx) -> ActOut:
    return c.office.civil.issue(user, act_id)


@router.post("/civil-status/acts/{act_id}/corrections", status_code=201, tags=["civil status"])
def correct_act(act_id: RowId, data: CorrectionIn, user: CurrentUser, c: Ctx) -> ActOut:
    """A correcting act: a new draft that references the signed one."""
    return c.office.civil.correct(user, act_id, data)


@router.get("/civil-status/acts/{act_id}/export", tags=["civil status"])
def export_act(act_id: RowId, user: CurrentUser, c: Ctx, format: Fmt = "pdf") -> Response:
    body, media, name = c.office.civil.pdf(user, act_id, format)
    return attachment(body, media, name)


# ---- the interpreter's own space ---------------------------------------------------------------------
@router.get("/interpreter/assignments", tags=["interpreter's space"])
def own_assignments(user: CurrentUser, c: Ctx) -> list[OwnAssignment]:
    """This interpreter's bookings only: when, where, which language, the case reference."""
    return c.office.interpreters.own(user)


@router.post("/interpreter/assignments/{assignment_id}/confirm", tags=["interpreter's space"])
def confirm_own(assignment_id: RowId, user: CurrentUser, c: Ctx) -> Done:
    c.office.interpreters.confirm_own(user, assignment_id)
    return Done(status="confirmed")


@router.post("/interpreter/assignments/{assignment_id}/conflict", tags=["interpreter's space"])
def decline_own(assignment_id: RowId, data: OwnConflictIn, user: CurrentUser, c: Ctx) -> Done:
    c.office.interpreters.declare_own_conflict(user, assignment_id, data)
    return Done(status="cancelled")
