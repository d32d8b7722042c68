"""French-first pages: login and logout, cases, a case (documents, timeline, movements), movements, audit.

Every form posts a CSRF token (checked in ``search_api.auth``); every page is rendered with autoescape,
and each handler redirects after a successful POST so a reload never repeats it.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from search_api.admin_routes import RowId
from search_api.auth import (
    SESSION_COOKIE,
    Admin,
    AuditReader,
    CurrentUser,
    check_login_csrf,
    clear_session_cookie,
    client_of,
    ctx_of,
    new_login_csrf,
    set_login_csrf,
    set_session_cookie,
)
from search_api.case_routes import read_upload
from search_api.choices import code_label, country_choices, language_name, language_names
from search_api.rendering import locale_of, render
from search_api.verify_routes import may_verify
from services.access import may_create_case
from services.case_inputs import ApplicantIn, CaseIn, InterviewIn, LocationIn, MovementIn, NoteIn
from services.context import AppContext
from services.errors import AuthError
from store.accounts import DIVISIONS, ROLES
from store.cases import PROCEDURES

router = APIRouter(include_in_schema=False)
Ctx = Annotated[AppContext, Depends(ctx_of)]


def _safe_next(target: str | None) -> str:
    """Only a local path: never an absolute URL or a scheme-relative ``//host``."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _back(path: str, locale: str, done: str | None = None) -> RedirectResponse:
    """Back to the page after a POST; ``done`` names the message it shows (``done_<name>`` in i18n)."""
    query = {"lang": locale} | ({"done": done} if done else {})
    return RedirectResponse(f"{path}?{urlencode(query)}", status_code=303)


# ---- login / logout -----------------------------------------------------------------------------
@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str | None = None, lang: str | None = None) -> Response:
    return _login_form(request, locale_of(request, lang), next, None, 200)


def _login_form(request: Request, locale: str, next: str | None, error: str | None, status: int) -> Response:
    token = new_login_csrf()
    response = render(
        "login.html", request, locale, next=_safe_next(next), error=error, login_csrf=token, status=status
    )
    set_login_csrf(response, token, ctx_of(request).settings.cookie_secure)
    return response


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    c: Ctx,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=1024)],
    csrf_token: Annotated[str, Form(max_length=64)] = "",
    next: Annotated[str, Form(max_length=500)] = "/",
    lang: str | None = None,
) -> Response:
    locale = locale_of(request, lang)
    check_login_csrf(request, csrf_token)
    try:
        secret, _ = c.accounts.login(username, password, client_of(request))
    except AuthError as exc:
        response = _login_form(request, locale, next, exc.code, 429 if exc.code == "login_throttled" else 401)
        if exc.code == "login_throttled":
            response.headers["Retry-After"] = str(exc.retry_after or 60)
        return response
    response = RedirectResponse(_safe_next(next), status_code=303)
    set_session_cookie(response, secret, c.settings.cookie_secure)
    return response


@router.post("/logout")
def logout(request: Request, user: CurrentUser, c: Ctx) -> Response:
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        c.accounts.logout(cookie)
    response = RedirectResponse(
        f"/login?{urlencode({'lang': locale_of(request), 'done': 'logged_out'})}", status_code=303
    )
    clear_session_cookie(response, c.settings.cookie_secure)
    return response


# ---- cases --------------------------------------------------------------------------------------
@router.get("/cases", response_class=HTMLResponse)
def cases_page(request: Request, user: CurrentUser, c: Ctx, lang: str | None = None) -> Response:
    locale = locale_of(request, lang)
    creatable = [d for d in DIVISIONS if may_create_case(user, d)]
    return render(
        "cases.html",
        request,
        locale,
        user,
        cases=c.cases.list_cases(user),
        divisions=creatable,
        procedures=PROCEDURES,
        country_choices=country_choices(locale),
        today=dt.date.today().isoformat(),
    )


@router.post("/cases")
def create_case_form(
    request: Request,
    user: CurrentUser,
    c: Ctx,
    reference: Annotated[str, Form(max_length=64)],
    registered_on: Annotated[dt.date, Form()],
    division: Annotated[str, Form(max_length=32)],
    applicant_name: Annotated[str, Form(max_length=200)],
    procedure: Annotated[str, Form(max_length=16)] = "normal",
    nationality: Annotated[str, Form(max_length=3)] = "",
    date_of_birth: Annotated[str, Form(max_length=10)] = "",
    lang: str | None = None,
) -> Response:
    applicant = ApplicantIn(
        full_name=applicant_name,
        nationality=nationality.upper() or None,
        date_of_birth=dt.date.fromisoformat(date_of_birth) if date_of_birth else None,
    )
    data = CaseIn.model_validate(
        {
            "reference": reference,
            "registered_on": registered_on,
            "division": division,
            "procedure": procedure,
            "applicants": [applicant],
        }
    )
    case = c.cases.create(user, data)
    return _back(f"/cases/{case['id']}", locale_of(request, lang), "case_created")


@router.get("/cases/{case_id}", response_class=HTMLResponse)
def case_page(request: Request, case_id: str, user: CurrentUser, c: Ctx, lang: str | None = None) -> Response:
    locale = locale_of(request, lang)
    case = c.cases.get(user, case_id)
    timeline = c.cases.timeline(user, case_id) if case["access"] != "location" else []
    movements = c.cases.movements(user, case_id)
    locations = c.cases.locations()
    return render(
        "case.html",
        request,
        locale,
        user,
        case=case,
        timeline=timeline,
        movements=movements,
        locations=locations,
        location_names={loc["code"]: loc["name"] for loc in locations},
        language_name=lambda code: language_name(code, locale),
        language_names=lambda codes: language_names(codes, locale),
        today=dt.date.today().isoformat(),
        verifications=c.cases.verifications(user, case_id) if case["access"] == "full" else [],
        may_verify=may_verify(user),
    )


@router.post("/cases/{case_id}/notes")
def add_note_form(
    request: Request,
    case_id: str,
    user: CurrentUser,
    c: Ctx,
    text: Annotated[str, Form(max_length=20_000)],
    lang: str | None = None,
) -> Response:
    c.cases.add_note(user, case_id, NoteIn(text=text))
    return _back(f"/cases/{case_id}", locale_of(request, lang), "note_added")


@router.post("/cases/{case_id}/interviews")
def add_interview_form(
    request: Request,
    case_id: str,
    user: CurrentUser,
    c: Ctx,
    held_on: Annotated[dt.date, Form()],
    interpreter_language: Annotated[str, Form(max_length=32)] = "",
    transcript: Annotated[str, Form(max_length=500_000)] = "",
    lang: str | None = None,
) -> Response:
    data = InterviewIn(held_on=held_on, interpreter_language=interpreter_language or None, transcript=transcript)
    c.cases.add_interview(user, case_id, data)
    return _back(f"/cases/{case_id}", locale_of(request, lang), "interview_recorded")


@router.post("/cases/{case_id}/movements")
def move_form(
    request: Request,
    case_id: str,
    user: CurrentUser,
    c: Ctx,
    to_location: Annotated[str, Form(max_length=32)],
    reason: Annotated[str, Form(max_length=500)] = "",
    borrower: Annotated[str, Form(max_length=64)] = "",
    lang: str | None = None,
) -> Response:
    c.cases.move(user, case_id, MovementIn(to_location=to_location, reason=reason, borrower=borrower or None))
    return _back(f"/cases/{case_id}", locale_of(request, lang), "movement_recorded")


@router.post("/cases/{case_id}/documents")
async def upload_form(
    request: Request,
    case_id: str,
    user: CurrentUser,
    c: Ctx,
    file: Annotated[UploadFile, File()],
    title: Annotated[str, Form(max_length=300)] = "",
    lang: str | None = None,
) -> Response:
    data = await read_upload(file, c.settings.max_upload_bytes)
    c.cases.add_document(user, case_id, title, data, file.filename or "upload")
    return _back(f"/cases/{case_id}", locale_of(request, lang), "document_received")


# ---- movements and audit ------------------------------------------------------------------------
@router.get("/movements", response_class=HTMLResponse)
def movements_page(request: Request, user: CurrentUser, c: Ctx, lang: str | None = None) -> Response:
    locale = locale_of(request, lang)
    overdue = c.cases.overdue(user) if user.has("archivist") else []
    return render("movements.html", request, locale, user, overdue=overdue, locations=c.cases.locations())


@router.post("/locations")
def add_location_form(
    request: Request,
    user: CurrentUser,
    c: Ctx,
    code: Annotated[str, Form(max_length=32)],
    name: Annotated[str, Form(max_length=200)],
    kind: Annotated[str, Form(max_length=16)],
    lang: str | None = None,
) -> Response:
    c.cases.add_location(user, LocationIn.model_validate({"code": code, "name": name, "kind": kind}))
    return _back("/movements", locale_of(request, lang), "location_added")


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    reader: AuditReader,
    c: Ctx,
    case_id: str | None = None,
    actor: str | None = None,
    lang: str | None = None,
) -> Response:
    locale = locale_of(request, lang)
    records = c.audit.query(case_id=(case_id or None), actor=(actor or None), limit=200)
    return render(
        "audit.html",
        request,
        locale,
        reader,
        records=records,
        case_id=case_id or "",
        actor=actor or "",
        verification=c.audit.verify(),
        label=lambda prefix, code: code_label(prefix, code, locale),
    )


# ---- accounts (admins) --------------------------------------------------------------------------
@router.get("/admin/users", response_class=HTMLResponse)
def users_page(request: Request, admin: Admin, c: Ctx, lang: str | None = None) -> Response:
    return render(
        "users.html",
        request,
        locale_of(request, lang),
        admin,
        users=c.accounts.list_users(),
        roles=ROLES,
        divisions=DIVISIONS,
    )


@router.post("/admin/users")
def create_user_form(
    request: Request,
    admin: Admin,
    c: Ctx,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=1024)],
    roles: Annotated[list[str], Form()],
    full_name: Annotated[str, Form(max_length=200)] = "",
    division: Annotated[str, Form(max_length=32)] = "",
    heads_division: Annotated[str, Form(max_length=1)] = "",
    lang: str | None = None,
) -> Response:
    c.accounts.create_user(username, password, roles, full_name, division or None, bool(heads_division))
    return _back("/admin/users", locale_of(request, lang), "user_created")


@router.post("/admin/users/{user_id}/roles")
def roles_form(
    request: Request,
    user_id: RowId,
    admin: Admin,
    c: Ctx,
    roles: Annotated[list[str], Form()],
    division: Annotated[str, Form(max_length=32)] = "",
    heads_division: Annotated[str, Form(max_length=1)] = "",
    lang: str | None = None,
) -> Response:
    c.accounts.set_roles(admin, user_id, roles, division or None, bool(heads_division))
    return _back("/admin/users", locale_of(request, lang), "roles_saved")


@router.post("/admin/users/{user_id}/disable")
def disable_form(request: Request, user_id: RowId, admin: Admin, c: Ctx, lang: str | None = None) -> Response:
    c.accounts.set_active(admin, user_id, False)
    return _back("/admin/users", locale_of(request, lang), "user_disabled")
