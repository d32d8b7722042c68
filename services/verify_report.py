"""A verification result as a draft query response in the EUAA structure (header, questions, disclaimer,
one answer per question with every sentence referenced, sources, search log)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from analyzers.gazetteer import default_gazetteer
from config.messages import known, message
from reports.model import Block, ReportDocument, Section
from services.citation import euaa_bibliography, long_date


def _words(locale: str) -> Callable[..., str]:
    """This report's messages in the catalogue (``verify_report_<name>``), as written: no page typography."""
    return lambda key, /, **params: message(f"verify_report_{key}", locale, **params)


def _date(iso: str | None, locale: str) -> str:
    return long_date(dt.date.fromisoformat(iso), locale) if iso else "—"


def query_response(result: dict[str, Any], locale: str, reference: str | None = None) -> ReportDocument:
    words = _words(locale)
    as_of = _date(result["as_of"], locale)
    notes: list[str] = []
    cited: dict[str, str] = {}

    def note(evidence: dict[str, Any]) -> int:
        notes.append(evidence["footnote"])
        if evidence["document_id"] not in cited:
            published = dt.date.fromisoformat(evidence["published"]) if evidence["published"] else None
            accessed = dt.date.fromisoformat(result["as_of"])
            cited[evidence["document_id"]] = euaa_bibliography(
                evidence["source"], evidence["title"], published, evidence["url"], accessed, locale
            )
        return len(notes)

    sections = []
    questions = []
    gaz = default_gazetteer()
    for i, fact in enumerate(result["facts"], start=1):
        questions.append(words("question", fact=fact["fact"]["text"], as_of=as_of))
        blocks = [Block("text", "", label=words(f"status_{fact['status']}"))]
        if not fact["evidence"] and not fact["conflicting"]:
            blocks.append(Block("text", words("none_found")))
        if fact.get("explanation") and (fact["evidence"] or fact["conflicting"]):
            items = [
                f"{words('element_' + x['element'])} {words('state_' + x['state'])}"
                + (f" ({x['detail']})" if x.get("detail") else "")
                for x in fact["explanation"]
            ]
            blocks.append(Block("text", words("elements", items=", ".join(items))))
        if len(fact.get("timeline") or []) > 1:
            blocks.append(Block("text", words("timeline")))
            for row in fact["timeline"]:
                stance = words(f"stance_{row['stance']}")
                line = words(
                    "timeline_row", date=_date(row["published"], locale), source=row["source_name"], stance=stance
                )
                blocks.append(Block("text", line + (f" ({row['figure']})" if row.get("figure") else "")))
        for e in fact["evidence"]:
            blocks.append(Block("quote", e["passage"], [note(e)]))
        if fact["conflicting"]:
            blocks.append(Block("text", words("against")))
            for e in fact["conflicting"]:
                blocks.append(Block("quote", e["passage"], [note(e)]))
        for p in fact["places"]:
            if not p.get("found"):
                blocks.append(Block("text", words("unknown_place", name=p["as_written"])))
                continue
            parents = ", ".join(p["in"])
            inside = words("inside", parents=parents) if parents else ""
            blocks.append(Block("text", words("place", name=p["name"], level=p["level"], inside=inside)))
            for d in p["distances"]:
                blocks.append(Block("text", words("distance", name=d["name"], km=d["km"])))
            if p.get("spellings_in_sources"):
                blocks.append(Block("text", words("in_sources", names=", ".join(p["spellings_in_sources"]))))
            if p["spellings"]:
                blocks.append(Block("text", words("spellings", names=", ".join(p["spellings"][:10]))))
        if fact["flags"]:
            flags = ", ".join(words(f"flag_{f}") if known(f"verify_report_flag_{f}") else f for f in fact["flags"])
            blocks.append(Block("text", words("flags", flags=flags)))
        sections.append(Section(f"{i}. {fact['fact']['text']}", blocks))
    period = ""
    a, b = result.get("period") or [None, None]
    if a or b:
        period = words("period", a=_date(a, locale), b=_date(b, locale))
    consulted = ", ".join(s["name"] for s in result.get("sources_consulted", [])) or "—"
    country = None
    if result.get("country"):
        place = gaz.by_id.get(f"iso:{result['country']}")
        country = place.name if place else result["country"]
    return ReportDocument(
        kind="query_response",
        locale=locale,  # type: ignore[arg-type]
        title=words("title") + (f" — {country}" if country else ""),
        date=long_date(dt.date.fromisoformat(result["generated"][:10]), locale),
        reference=reference,
        country=country,
        subject=words("subject"),
        questions=questions,
        methodology=[words("method", as_of=as_of, period=period), words("consulted", sources=consulted)],
        disclaimer=words("disclaimer"),
        sections=sections,
        notes=notes,
        bibliography=sorted(cited.values()),
        annex_title=words("annex"),
        annex=[
            words(
                "log",
                at=entry.get("at", ""),
                fact=entry.get("fact", ""),
                purpose=entry.get("purpose", ""),
                query=entry.get("query", ""),
                hits=entry.get("hits", 0),
                sources=", ".join(entry.get("sources", [])) or "—",
            )
            for entry in result.get("search_log", [])
        ],
    )
