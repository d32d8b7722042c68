"""Decisions for legal consultants: structure and corrections, similar decisions, precedent search, and
harmonisation (figures, charts as SVG or PNG, numbers as CSV)."""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from babel.numbers import format_percent
from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from reports.charts import stacked_bars_png, stacked_bars_svg
from search_api.auth import CurrentUser, ctx_of
from search_api.choices import country_choices
from search_api.i18n import translate
from search_api.labels import country_name
from search_api.rendering import locale_of, render
from services.access import may_reveal
from services.context import AppContext
from services.decisions import (
    GROUNDS,
    OUTCOMES,
    CorrectionIn,
    DecisionStructure,
    Harmonisation,
    PrecedentHit,
    Pseudonyms,
    Selection,
    SimilarDecision,
    may_correct,
    may_see_special,
)
from services.errors import Forbidden, NotFound
from services.views import Done
from store.audit import AuditEntry

router = APIRouter()
Ctx = Annotated[AppContext, Depends(ctx_of)]
DocId = Annotated[str, Path(pattern=r"^[0-9a-f]{20}$")]


def selection(
    q: Annotated[str | None, Query(max_length=500)] = None,
    country: Annotated[str | None, Query(max_length=3)] = None,
    ground: Annotated[str | None, Query(max_length=32)] = None,
    outcome: Annotated[str | None, Query(max_length=32)] = None,
    body: Annotated[str | None, Query(max_length=100)] = None,
    gender: Annotated[str | None, Query(max_length=1, description="M | F")] = None,
    date_from: Annotated[str | None, Query(max_length=10, description="YYYY-MM-DD")] = None,
    date_to: Annotated[str | None, Query(max_length=10, description="YYYY-MM-DD")] = None,
    section: Annotated[str | None, Query(max_length=10, description="header | facts | reasons | operative")] = None,
    age_band: Annotated[str | None, Query(max_length=5, description="<18 | 18-25 | 26-35 | 36-50 | >50")] = None,
    group: Annotated[str | None, Query(max_length=60)] = None,
) -> Selection:
    """From the query string; an empty field (as a form without JavaScript sends it) means no filter."""
    given = {
        "q": q,
        "country": country.upper() if country else None,
        "ground": ground,
        "outcome": outcome,
        "body": body,
        "gender": gender,
        "date_from": date_from,
        "date_to": date_to,
        "section": section,
        "age_band": age_band,
        "group": group,
    }
    return Selection.model_validate({k: v for k, v in given.items() if v not in (None, "")})


Sel = Annotated[Selection, Depends(selection)]


def _allowed(sel: Selection, user: Any) -> Selection:
    """Selecting by ethnicity, religion, political affiliation or SOGI is for the roles that may see them."""
    if sel.group and not may_see_special(user):
        raise Forbidden("special_category")
    return sel


class SimilarIn(BaseModel):
    text: str = Field(min_length=20, max_length=20_000)  # a case summary


def _labels(locale: str) -> dict[str, str]:
    return {o: translate(f"outcome_{o}", locale) for o in (*OUTCOMES, "unknown")}


def _chart_title(by: str, sel: Selection, locale: str) -> str:
    """'Issues par année — Tunisie': an exported chart says which selection it counts."""
    title = translate(f"chart_{by}", locale)
    return f"{title} — {country_name(sel.country, locale)}" if sel.country else title


# ---- API ------------------------------------------------------------------------------------------
# a field read in the text has its span, a corrected one who corrected it: absent keys stay absent
@router.get("/api/decisions/{doc_id}/structure", tags=["decisions"], response_model_exclude_unset=True)
def decision_structure(doc_id: DocId, user: CurrentUser, c: Ctx) -> DecisionStructure:
    """Body, formation, date, file number, ECLI, importance, applicant, outcome, grounds, provisions and
    decisions cited (cites / cited by), sections — each value with the text it was read in and its origin."""
    return DecisionStructure.model_validate(c.decisions.get(doc_id, user))


@router.post("/api/decisions/{doc_id}/corrections", status_code=201, tags=["decisions"])
def correct(doc_id: DocId, data: CorrectionIn, user: CurrentUser, c: Ctx) -> Done:
    """A legal consultant corrects a field; kept and applied over every new reading."""
    c.decisions.correct(user, doc_id, data)
    return Done(status="ok")


@router.get("/api/decisions/{doc_id}/pseudonyms", tags=["decisions"])
def pseudonyms(doc_id: DocId, user: CurrentUser, c: Ctx) -> Pseudonyms:
    """The real names behind a pseudonymised decision (legal consultants, data protection); audited."""
    if not may_reveal(user):
        raise Forbidden()
    mapping = c.store.pseudonyms.get(doc_id)
    if mapping is None:
        raise NotFound(doc_id)
    c.audit.append([AuditEntry(user.username, "decision.pseudonyms.view", None, doc_id)])
    return Pseudonyms({alias + "...": name for name, alias in mapping.items()})


@router.get("/api/decisions/{doc_id}/similar", tags=["decisions"])
def similar(
    doc_id: DocId, user: CurrentUser, c: Ctx, limit: Annotated[int, Query(ge=1, le=50)] = 10
) -> list[SimilarDecision]:
    return [SimilarDecision.model_validate(s) for s in c.decisions.similar(doc_id=doc_id, limit=limit)]


@router.post("/api/decisions/similar", tags=["decisions"])
def similar_to_summary(
    data: SimilarIn, user: CurrentUser, c: Ctx, limit: Annotated[int, Query(ge=1, le=50)] = 10
) -> list[SimilarDecision]:
    """Decisions similar to a free-text case summary."""
    return [SimilarDecision.model_validate(s) for s in c.decisions.similar(text=data.text, limit=limit)]


@router.get("/api/precedents", tags=["decisions"])
def precedents(
    user: CurrentUser,
    c: Ctx,
    sel: Sel,
    sort: Annotated[Literal["relevance", "date"], Query()] = "relevance",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[PrecedentHit]:
    """Text plus filters on body, country, ground, outcome, profile, period and section; each hit with its
    operative part and the matching passage."""
    return [PrecedentHit.model_validate(h) for h in c.decisions.precedents(_allowed(sel, user), sort, limit)]


@router.get("/api/harmonisation", tags=["decisions"])
def harmonisation(user: CurrentUser, c: Ctx, sel: Sel) -> Harmonisation:
    """Counts and rates of each outcome for a selection, over time, by body and formation; the decisions
    behind each number; decisions departing from the majority line; most cited precedents and provisions."""
    return Harmonisation.model_validate(c.decisions.harmonisation(_allowed(sel, user)))


@router.get("/api/harmonisation.csv", tags=["decisions"])
def harmonisation_csv(user: CurrentUser, c: Ctx, sel: Sel) -> Response:
    h = c.decisions.harmonisation(_allowed(sel, user))
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["breakdown", "key", "outcome", "count"])
    for outcome, v in h["outcomes"].items():
        w.writerow(["all", "", outcome, v["count"]])
    for name in ("by_year", "by_body", "by_formation"):
        for key, counts in h[name].items():
            for outcome, n in counts.items():
                w.writerow([name, key, outcome, n])
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="harmonisation.csv"'},
    )


@router.get("/api/harmonisation/chart", tags=["decisions"])
def harmonisation_chart(
    request: Request,
    user: CurrentUser,
    c: Ctx,
    sel: Sel,
    by: Annotated[Literal["by_year", "by_body", "by_formation"], Query()] = "by_year",
    format: Annotated[Literal["svg", "png"], Query()] = "svg",
    lang: Annotated[Literal["fr", "en"], Query()] = "fr",
) -> Response:
    h = c.decisions.harmonisation(_allowed(sel, user))
    title = _chart_title(by, sel, lang)
    if format == "png":
        return Response(stacked_bars_png(title, h[by], _labels(lang)), media_type="image/png")
    return Response(stacked_bars_svg(title, h[by], _labels(lang)), media_type="image/svg+xml")


# ---- pages ----------------------------------------------------------------------------------------
@router.get("/decisions", response_class=HTMLResponse, include_in_schema=False)
def precedents_page(
    request: Request,
    user: CurrentUser,
    c: Ctx,
    sel: Sel,
    sort: Annotated[Literal["relevance", "date"], Query()] = "relevance",
    lang: str | None = None,
) -> Response:
    searched = any(v is not None for v in sel.model_dump().values())
    locale = locale_of(request, lang)
    return render(
        "decisions.html",
        request,
        locale,
        user,
        sel=sel.model_dump(mode="json"),
        sort=sort,
        results=c.decisions.precedents(_allowed(sel, user), sort) if searched else [],
        searched=searched,
        grounds=GROUNDS,
        outcomes=OUTCOMES,
        country_choices=country_choices(locale),
    )


@router.get("/harmonisation", response_class=HTMLResponse, include_in_schema=False)
def harmonisation_page(request: Request, user: CurrentUser, c: Ctx, sel: Sel, lang: str | None = None) -> Response:
    locale = locale_of(request, lang)
    h = c.decisions.harmonisation(_allowed(sel, user))
    charts = {
        by: stacked_bars_svg(_chart_title(by, sel, locale), h[by], _labels(locale)) for by in ("by_year", "by_body")
    }
    # the selection for the links of the page; the language is added to each link on its own
    query = urlencode([(k, v) for k, v in request.query_params.multi_items() if k not in ("lang", "done")])
    return render(
        "harmonisation.html",
        request,
        locale,
        user,
        sel=sel.model_dump(mode="json"),
        h=h,
        charts=charts,
        query=query,
        grounds=GROUNDS,
        outcomes=OUTCOMES,
        country_choices=country_choices(locale),
        percent=lambda rate: format_percent(rate, locale=locale),
    )


@router.post("/decisions/{doc_id}/corrections", include_in_schema=False)
async def correct_form(request: Request, doc_id: DocId, user: CurrentUser, c: Ctx, lang: str | None = None) -> Response:
    form = await request.form()
    field = str(form.get("field", ""))
    raw = str(form.get("value", "")).strip()
    value: Any = [g.strip() for g in raw.split(",") if g.strip()] if field == "grounds" else (raw or None)
    c.decisions.correct(
        user, doc_id, CorrectionIn.model_validate({"field": field, "value": value, "note": form.get("note") or None})
    )
    back = urlencode({"lang": locale_of(request, lang), "done": "decision_corrected"})
    return RedirectResponse(f"/documents/{doc_id}?{back}#decision-structure", status_code=303)


def decision_context(c: AppContext, user: Any, doc_id: str) -> dict[str, Any]:
    """What the document page shows of a decision: its structure, links and similar decisions."""
    return {
        "decision": c.decisions.get(doc_id, user),
        "similar": c.decisions.similar(doc_id=doc_id, limit=5),
        "may_correct_decision": may_correct(user),
    }
