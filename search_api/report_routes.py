"""COI reports and query responses: API and pages (list, editor, workflow, exports, citing a passage from
a document page or a search result)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from reports.render import render_as
from search_api.auth import CurrentUser, ctx_of
from search_api.params import RowId
from search_api.rendering import locale_of, render
from services.context import AppContext
from services.reports import (
    CommentIn,
    PassageIn,
    ReportIn,
    ReportPublic,
    ReportSummary,
    ReviewerCandidate,
    SectionIn,
    may_comment,
    may_publish,
    may_write,
)
from services.views import Created, Done

router = APIRouter()
Ctx = Annotated[AppContext, Depends(ctx_of)]
ReportId = RowId
ItemId = RowId
Format = Literal["pdf", "docx", "html"]


def _export(c: AppContext, report: dict[str, Any], fmt: str) -> Response:
    body, media = render_as(c.reports.document(report), fmt, c.settings.report_templates)
    name = f"rapport-{report['id']}-v{report['version']}.{fmt}"
    return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})


# ---- API ------------------------------------------------------------------------------------------
@router.get("/api/reports", tags=["reports"])
def list_reports(user: CurrentUser, c: Ctx) -> list[ReportSummary]:
    return [ReportSummary.model_validate(r) for r in c.reports.summaries()]


@router.post("/api/reports", status_code=201, tags=["reports"])
def create_report(data: ReportIn, user: CurrentUser, c: Ctx) -> Created:
    """A new draft (research desk): terms of reference, methodology, disclaimer (EUAA wording by default)."""
    return Created(id=c.reports.create(user, data))


@router.get("/api/reports/reviewers", tags=["reports"])
def reviewers(user: CurrentUser, c: Ctx) -> list[ReviewerCandidate]:
    """Who may be named to review a report this user writes."""
    return [ReviewerCandidate.model_validate(r) for r in c.reports.reviewer_candidates(user)]


@router.get("/api/reports/{report_id}", tags=["reports"])
def get_report(report_id: ReportId, user: CurrentUser, c: Ctx) -> ReportPublic:
    """The report with its sections, citations (each pinned to a document version, with ``source_changed``
    when the document changed since) and review comments."""
    return ReportPublic.model_validate(c.reports.get(report_id))


@router.post("/api/reports/{report_id}/sections", status_code=201, tags=["reports"])
def add_section(report_id: ReportId, data: SectionIn, user: CurrentUser, c: Ctx) -> Created:
    return Created(id=c.reports.add_section(user, report_id, data))


@router.put("/api/reports/{report_id}/sections/{section_id}", tags=["reports"])
def edit_section(report_id: ReportId, section_id: ItemId, data: SectionIn, user: CurrentUser, c: Ctx) -> Done:
    c.reports.edit_section(user, report_id, section_id, data)
    return Done(status="ok")


@router.post("/api/reports/{report_id}/citations", status_code=201, tags=["reports"])
def add_passage(report_id: ReportId, data: PassageIn, user: CurrentUser, c: Ctx) -> Created:
    """A passage of a document (its current version) as a quotation or paraphrase in a section."""
    return Created(id=c.reports.add_passage(user, report_id, data))


@router.delete("/api/reports/{report_id}/citations/{citation_id}", tags=["reports"])
def remove_passage(report_id: ReportId, citation_id: ItemId, user: CurrentUser, c: Ctx) -> Done:
    c.reports.remove_citation(user, report_id, citation_id)
    return Done(status="ok")


class SubmitIn(BaseModel):
    reviewers: list[str] | None = Field(default=None, max_length=10)


@router.post("/api/reports/{report_id}/submit", tags=["reports"])
def submit(report_id: ReportId, user: CurrentUser, c: Ctx, data: SubmitIn | None = None) -> Done:
    """Into review. ``reviewers`` (optional) names who will review it: accounts that may review, not the author."""
    c.reports.submit(user, report_id, data.reviewers if data else None)
    return Done(status="in_review")


@router.post("/api/reports/{report_id}/comments", status_code=201, tags=["reports"])
def comment(report_id: ReportId, data: CommentIn, user: CurrentUser, c: Ctx) -> Done:
    c.reports.comment(user, report_id, data)
    return Done(status="ok")


@router.post("/api/reports/{report_id}/publish", tags=["reports"])
def publish(report_id: ReportId, user: CurrentUser, c: Ctx) -> Done:
    c.reports.publish(user, report_id)
    return Done(status="published")


@router.post("/api/reports/{report_id}/reopen", tags=["reports"])
def reopen(report_id: ReportId, user: CurrentUser, c: Ctx) -> Done:
    c.reports.reopen(user, report_id)
    return Done(status="draft")


@router.get("/api/reports/{report_id}/export", tags=["reports"])
def export(report_id: ReportId, user: CurrentUser, c: Ctx, format: Annotated[Format, Query()] = "pdf") -> Response:
    """The report now, in PDF, DOCX or HTML (French or English template, per the report's language)."""
    return _export(c, c.reports.get(report_id), format)


@router.get("/api/reports/{report_id}/versions/{version}/export", tags=["reports"])
def export_version(
    report_id: ReportId, version: ItemId, user: CurrentUser, c: Ctx, format: Annotated[Format, Query()] = "pdf"
) -> Response:
    """A version as it was submitted or published, rebuilt from its snapshot and the pinned originals."""
    return _export(c, c.reports.snapshot(report_id, version), format)


# ---- pages ----------------------------------------------------------------------------------------
@router.get("/reports", response_class=HTMLResponse, include_in_schema=False)
def reports_page(request: Request, user: CurrentUser, c: Ctx, lang: str | None = None) -> Response:
    return render(
        "reports.html",
        request,
        locale_of(request, lang),
        user,
        reports=c.reports.summaries(),
        may_write=may_write(user),
        reviewer_candidates=c.reports.reviewer_candidates(user) if may_write(user) else [],
    )


@router.post("/reports", include_in_schema=False)
def create_form(
    request: Request,
    user: CurrentUser,
    c: Ctx,
    title: Annotated[str, Form(max_length=300)],
    kind: Annotated[Literal["report", "query_response"], Form()] = "report",
    report_locale: Annotated[Literal["fr", "en"], Form()] = "fr",
    country: Annotated[str, Form(max_length=3)] = "",
    reference: Annotated[str, Form(max_length=64)] = "",
    questions: Annotated[str, Form(max_length=20_000)] = "",
    sources: Annotated[str, Form(max_length=5000)] = "",
    period: Annotated[str, Form(max_length=200)] = "",
    reviewers: Annotated[list[str] | None, Form(max_length=10)] = None,
    lang: str | None = None,
) -> Response:
    data = ReportIn.model_validate(
        {
            "kind": kind,
            "locale": report_locale,
            "title": title,
            "country": country.strip().upper() or None,
            "reference": reference.strip() or None,
            "questions": questions.splitlines(),
            "sources": sources,
            "period": period,
            "reviewers": [r.strip() for r in reviewers or [] if r.strip()],
        }
    )
    report_id = c.reports.create(user, data)
    return _back(request, report_id, lang, "report_created")


def _back(request: Request, report_id: int, lang: str | None, done: str, anchor: str = "") -> RedirectResponse:
    """After an action, the report page says what was done."""
    return RedirectResponse(
        f"/reports/{report_id}?lang={locale_of(request, lang)}&done={done}{anchor}", status_code=303
    )


@router.get("/reports/{report_id}", response_class=HTMLResponse, include_in_schema=False)
def report_page(request: Request, report_id: ReportId, user: CurrentUser, c: Ctx, lang: str | None = None) -> Response:
    report = c.reports.get(report_id)
    return render(
        "report.html",
        request,
        locale_of(request, lang),
        user,
        report=report,
        may_write=may_write(user),
        may_publish=may_publish(user, report),
        may_comment=may_comment(user, report),
        reviewer_candidates=c.reports.reviewer_candidates(user) if report["status"] == "draft" else [],
        changed=[x for s in report["sections"] for x in s["citations"] if x["source_changed"]],
    )


@router.post("/reports/{report_id}/sections", include_in_schema=False)
def add_section_form(
    request: Request,
    report_id: ReportId,
    user: CurrentUser,
    c: Ctx,
    title: Annotated[str, Form(max_length=300)],
    text: Annotated[str, Form(max_length=50_000)] = "",
    lang: str | None = None,
) -> Response:
    section_id = c.reports.add_section(user, report_id, SectionIn(title=title, text=text))
    return _back(request, report_id, lang, "section_added", f"#section-{section_id}")


@router.post("/reports/{report_id}/sections/{section_id}", include_in_schema=False)
def edit_section_form(
    request: Request,
    report_id: ReportId,
    section_id: ItemId,
    user: CurrentUser,
    c: Ctx,
    title: Annotated[str, Form(max_length=300)],
    text: Annotated[str, Form(max_length=50_000)] = "",
    lang: str | None = None,
) -> Response:
    c.reports.edit_section(user, report_id, section_id, SectionIn(title=title, text=text))
    return _back(request, report_id, lang, "section_saved", f"#section-{section_id}")


@router.post("/reports/{report_id}/citations/{citation_id}/remove", include_in_schema=False)
def remove_form(
    request: Request, report_id: ReportId, citation_id: ItemId, user: CurrentUser, c: Ctx, lang: str | None = None
) -> Response:
    c.reports.remove_citation(user, report_id, citation_id)
    return _back(request, report_id, lang, "citation_removed")


@router.post("/reports/{report_id}/workflow", include_in_schema=False)
def workflow_form(
    request: Request,
    report_id: ReportId,
    user: CurrentUser,
    c: Ctx,
    action: Annotated[Literal["submit", "publish", "reopen"], Form()],
    reviewers: Annotated[list[str] | None, Form(max_length=10)] = None,
    lang: str | None = None,
) -> Response:
    if action == "submit":
        c.reports.submit(user, report_id, [r for r in reviewers or [] if r.strip()] or None)
    elif action == "publish":
        c.reports.publish(user, report_id)
    else:
        c.reports.reopen(user, report_id)
    return _back(
        request, report_id, lang, {"submit": "submitted", "publish": "published", "reopen": "reopened"}[action]
    )


@router.post("/reports/{report_id}/comments", include_in_schema=False)
def comment_form(
    request: Request,
    report_id: ReportId,
    user: CurrentUser,
    c: Ctx,
    text: Annotated[str, Form(max_length=5000)],
    lang: str | None = None,
) -> Response:
    c.reports.comment(user, report_id, CommentIn(text=text))
    return _back(request, report_id, lang, "commented", "#comments")


@router.post("/reports/cite", include_in_schema=False)
def cite_form(
    request: Request,
    user: CurrentUser,
    c: Ctx,
    target: Annotated[str, Form(pattern=r"^\d{1,18}:\d{1,18}$")],  # "report_id:section_id"
    document_id: Annotated[str, Form(pattern=r"^[0-9a-f]{20}$")],
    quote: Annotated[str, Form(min_length=3, max_length=5000)],
    mode: Annotated[Literal["quote", "paraphrase"], Form()] = "quote",
    paraphrase: Annotated[str, Form(max_length=5000)] = "",
    lang: str | None = None,
) -> Response:
    """From a document page: the selected passage goes to a section of an open report."""
    report_id, section_id = (int(x) for x in target.split(":"))
    c.reports.add_passage(
        user,
        report_id,
        PassageIn(
            section_id=section_id, document_id=document_id, quote=quote, mode=mode, paraphrase=paraphrase or None
        ),
    )
    return _back(request, report_id, lang, "citation_added", f"#section-{section_id}")
