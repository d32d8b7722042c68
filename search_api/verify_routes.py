"""Checking an applicant's statements against COI: API and pages (statements → facts the officer edits →
statuses and evidence → draft query response in DOCX or PDF).

Statements and results are case data: stored (and every read audited) only with a case the user may work
on, never logged; the request log carries the route template only.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field, ValidationError

from reports.render import MEDIA_TYPES, render_as
from search_api.auth import CurrentUser, ctx_of
from search_api.choices import code_label, country_choices
from search_api.params import RowId
from search_api.rendering import locale_of, render
from services.auth import Principal
from services.context import AppContext
from services.errors import Forbidden, InvalidInput
from services.verify import FactIn, Verifier, VerifyIn
from services.verify_report import query_response
from services.verify_views import FactsOut, StoredVerification, VerificationResult, VerificationSummary
from store.audit import AuditEntry

router = APIRouter()
Ctx = Annotated[AppContext, Depends(ctx_of)]
Format = Literal["pdf", "docx", "html"]


class SplitIn(BaseModel):
    statements: str = Field(min_length=1, max_length=20_000)
    country: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")


def may_verify(p: Principal) -> bool:
    return p.has("protection_officer", "research_assistant", "legal_consultant")


def _verifier(c: AppContext) -> Verifier:
    return c.verifier()


def _run(c: AppContext, user: Principal, data: VerifyIn) -> dict[str, Any]:
    if not may_verify(user):
        raise Forbidden()
    if data.case_id:
        decided = c.cases.check_verify(user, data.case_id)  # refused and audited before anything is searched
        if data.as_of is None and decided is not None:
            data = data.model_copy(update={"as_of": decided})  # by default, what was known at the decision
    result = _verifier(c).verify(data)
    if data.case_id:
        result["verification_id"] = c.cases.save_verification(user, data.case_id, data.model_dump(mode="json"), result)
    return result


def _file(result: dict[str, Any], fmt: str, locale: str, reference: str | None, c: AppContext) -> Response:
    body, media = render_as(query_response(result, locale, reference), fmt, c.settings.report_templates)
    name = f"verification-{result['generated'][:10]}.{fmt}"
    return Response(
        body,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


# ---- API ------------------------------------------------------------------------------------------
@router.post("/api/verify/facts", tags=["verify"])
def split(data: SplitIn, user: CurrentUser, c: Ctx) -> FactsOut:
    """The statements split into facts (place, date or period, actors, event words) for the officer to
    edit or drop before the search runs. Nothing is stored."""
    if not may_verify(user):
        raise Forbidden()
    return FactsOut.model_validate({"facts": _verifier(c).split(data.statements, data.country)})


# ``verification_id`` only when saved with a case: absent otherwise, as before
@router.post("/api/verify", tags=["verify"], response_model_exclude_unset=True)
def verify(data: VerifyIn, user: CurrentUser, c: Ctx) -> VerificationResult:
    """Each fact's status (corroborated, partly consistent, conflicting, no information found), evidence
    with pinpoint and citation, gazetteer checks, flags and the search log. With ``case_id`` the request
    and result are stored with the case (``verification_id``)."""
    return VerificationResult.model_validate(_run(c, user, data))


@router.post("/api/verify/export", tags=["verify"])
def export(
    data: VerifyIn,
    user: CurrentUser,
    c: Ctx,
    format: Annotated[Format, Query()] = "docx",
    lang: Annotated[Literal["fr", "en"], Query()] = "fr",
) -> Response:
    """The verification as a draft query response (EUAA structure) in DOCX, PDF or HTML."""
    result = _run(c, user, data)
    reference = c.cases.get(user, data.case_id)["reference"] if data.case_id else None
    return _file(result, format, lang, reference, c)


CaseId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$")]
VerificationId = RowId


@router.get("/api/cases/{case_id}/verifications", tags=["verify"])
def case_verifications(case_id: CaseId, user: CurrentUser, c: Ctx) -> list[VerificationSummary]:
    return [VerificationSummary.model_validate(v) for v in c.cases.verifications(user, case_id)]


@router.get("/api/cases/{case_id}/verifications/{verification_id}", tags=["verify"])
def case_verification(
    case_id: CaseId, verification_id: VerificationId, user: CurrentUser, c: Ctx
) -> StoredVerification:
    return StoredVerification.model_validate(c.cases.verification(user, case_id, verification_id))


@router.get("/api/cases/{case_id}/verifications/{verification_id}/export", tags=["verify"])
def case_verification_export(
    case_id: CaseId,
    verification_id: VerificationId,
    user: CurrentUser,
    c: Ctx,
    format: Annotated[Format, Query()] = "docx",
    lang: Annotated[Literal["fr", "en"], Query()] = "fr",
) -> Response:
    stored = c.cases.verification(user, case_id, verification_id)
    c.audit.append([AuditEntry(user.username, "case.verification.export", case_id)])
    return _file(stored["result"], format, lang, stored["reference"], c)


# ---- pages ----------------------------------------------------------------------------------------
def _form_facts(form: Any) -> list[FactIn]:
    facts = []
    for i in range(int(form.get("fact_count", 0) or 0)):
        if form.get(f"fact_{i}_keep") != "on":
            continue  # dropped by the officer

        def listed(name: str, i: int = i) -> list[str]:
            return [x.strip() for x in str(form.get(f"fact_{i}_{name}", "")).split(",") if x.strip()]

        facts.append(
            FactIn(
                id=f"f{i + 1}",
                text=str(form.get(f"fact_{i}_text", "")).strip()[:2000] or "—",
                places=listed("places"),
                dates=listed("dates"),
                actors=listed("actors"),
                keywords=listed("keywords"),
                names=listed("names"),
            )
        )
    return facts


def _ids(value: Any) -> list[str]:
    return [x.strip() for x in str(value or "").split(",") if x.strip()][:30]


def _request_from_form(form: Any, with_facts: bool) -> VerifyIn:
    def day(name: str) -> str | None:
        return str(form.get(name) or "").strip() or None

    return VerifyIn.model_validate(
        {
            "statements": str(form.get("statements", "")),
            "country": (str(form.get("country") or "").strip().upper() or None),
            "period_from": day("period_from"),
            "period_to": day("period_to"),
            "as_of": day("as_of"),
            "case_id": day("case_id"),
            "facts": [f.model_dump() for f in _form_facts(form)] if with_facts else None,
            "sources_include": _ids(form.get("sources_include")),
            "sources_exclude": _ids(form.get("sources_exclude")),
            "min_sources": str(form.get("min_sources") or "1"),
        }
    )


def _page(request: Request, user: Principal, locale: str, vcase: Any, **values: Any) -> Response:
    """The verification page at one of its steps; with a case, its reference heads the page."""
    return render(
        "verify.html",
        request,
        locale,
        user,
        vcase=vcase,
        country_choices=country_choices(locale),
        label=lambda prefix, code: code_label(prefix, code, locale),
        **values,
    )


def _case_of(c: AppContext, user: Principal, case_id: str | None) -> dict[str, Any] | None:
    """The case the verification is for: refused like the case page (404, audited) to whoever may not
    verify on it, so its reference and nationality are shown only to those who may read it."""
    return c.cases.verify_context(user, case_id) if case_id else None


@router.get("/verify", response_class=HTMLResponse, include_in_schema=False)
def verify_page(
    request: Request,
    user: CurrentUser,
    c: Ctx,
    case: Annotated[str | None, Query(max_length=64)] = None,
    country: Annotated[str | None, Query(max_length=3)] = None,
    lang: str | None = None,
) -> Response:
    if not may_verify(user):
        raise Forbidden()
    vcase = _case_of(c, user, case)
    # the country the user chose, else the applicant's nationality
    from_case = not country and bool(vcase and vcase["nationalities"])
    chosen = (country or "").upper() or (vcase["nationalities"][0] if vcase and vcase["nationalities"] else "")
    return _page(
        request,
        user,
        locale_of(request, lang),
        vcase,
        step="statements",
        # empty "as of": today, or the date of the case's decision when it has one
        form={"case_id": case or "", "country": chosen, "as_of": "" if case else dt.date.today().isoformat()},
        country_from_case=from_case,
        facts=[],
        result=None,
    )


@router.post("/verify/facts", response_class=HTMLResponse, include_in_schema=False)
async def verify_facts_page(request: Request, user: CurrentUser, c: Ctx, lang: str | None = None) -> Response:
    if not may_verify(user):
        raise Forbidden()
    form = await request.form()
    try:
        data = _request_from_form(form, with_facts=False)
    except ValidationError as exc:
        raise InvalidInput("invalid_form") from exc
    vcase = _case_of(c, user, data.case_id)
    facts = _verifier(c).split(data.statements, data.country)
    return _page(
        request,
        user,
        locale_of(request, lang),
        vcase,
        step="facts",
        form=data.model_dump(mode="json"),
        facts=facts,
        result=None,
    )


@router.post("/verify/run", response_class=HTMLResponse, include_in_schema=False)
async def verify_run_page(request: Request, user: CurrentUser, c: Ctx, lang: str | None = None) -> Response:
    form = await request.form()
    try:
        data = _request_from_form(form, with_facts=True)
    except ValidationError as exc:
        raise InvalidInput("invalid_form") from exc
    if not may_verify(user):
        raise Forbidden()
    vcase = _case_of(c, user, data.case_id)
    result = _run(c, user, data)
    return _page(
        request,
        user,
        locale_of(request, lang),
        vcase,
        step="result",
        form=data.model_dump(mode="json"),
        facts=[],
        result=result,
        request_json=json.dumps(data.model_dump(mode="json"), ensure_ascii=False),
    )


@router.post("/verify/export", include_in_schema=False)
async def verify_export_page(request: Request, user: CurrentUser, c: Ctx, lang: str | None = None) -> Response:
    """The results page's export buttons (no JavaScript): the validated request travels in a hidden field."""
    form = await request.form()
    fmt = str(form.get("format", "docx"))
    if fmt not in MEDIA_TYPES:
        raise InvalidInput("invalid_form")
    try:
        data = VerifyIn.model_validate(json.loads(str(form.get("request", "{}"))))
    except (ValidationError, ValueError) as exc:
        raise InvalidInput("invalid_form") from exc
    data = data.model_copy(update={"case_id": None})  # already stored: an export does not store it again
    result = _run(c, user, data)
    return _file(result, fmt, locale_of(request, lang), None, c)
