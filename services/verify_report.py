"""A verification result as a draft query response in the EUAA structure (header, questions, disclaimer,
one answer per question with every sentence referenced, sources, search log)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from analyzers.gazetteer import default_gazetteer
from reports.model import Block, ReportDocument, Section
from services.citation import euaa_bibliography, long_date

STATUS = {
    "fr": {
        "corroborated": "Corroboré.",
        "partly_consistent": "Partiellement cohérent.",
        "conflicting": "Informations divergentes.",
        "no_information": "Aucune information trouvée.",
    },
    "en": {
        "corroborated": "Corroborated.",
        "partly_consistent": "Partly consistent.",
        "conflicting": "Conflicting information.",
        "no_information": "No information found.",
    },
}
FLAGS = {
    "fr": {
        "single_source": "une seule source",
        "old_evidence": "informations de plus de deux ans",
        "one_source_type": "un seul type de source",
        "undated_evidence": "source non datée",
    },
    "en": {
        "single_source": "single source",
        "old_evidence": "information older than two years",
        "one_source_type": "one type of source only",
        "undated_evidence": "undated source",
    },
}
TEXT: dict[str, dict[str, Any]] = {
    "fr": {
        "title": "Vérification de déclarations",
        "subject": "Cohérence externe des déclarations avec l'information sur les pays d'origine",
        "question": "« {fact} » : les informations disponibles au {as_of} le confirment-elles ?",
        "disclaimer": (
            "Cette réponse a été préparée à partir d'informations publiquement disponibles, dans un temps limité. "
            "Elle ne prétend pas être exhaustive et ne préjuge pas du bien-fondé d'une demande de protection. "
            "L'absence d'information ne signifie pas que les faits n'ont pas eu lieu."
        ),
        "method": "Recherche dans les documents d'information sur les pays d'origine publiés au plus tard le {as_of}{period}.",
        "period": ", pour la période du {a} au {b}",
        "consulted": "Sources consultées : {sources}.",
        "none_found": "Les sources consultées ne contiennent pas d'information sur ce fait.",
        "against": "Informations divergentes :",
        "place": "{name} ({level}){inside}.",
        "inside": ", situé dans : {parents}",
        "distance": "Distance de {name} : {km} km.",
        "spellings": "Autres graphies connues : {names}.",
        "in_sources": "Graphies employées par les sources consultées : {names}.",
        "unknown_place": "« {name} » : lieu inconnu du référentiel géographique.",
        "flags": "Attention : {flags}.",
        "elements": "Élément par élément : {items}.",
        "element": {"event": "événement", "place": "lieu", "actor": "acteur", "date": "date", "figure": "chiffre"},
        "state": {
            "confirmed": "confirmé",
            "contradicted": "contredit",
            "close": "proche",
            "not_stated": "non mentionné",
        },
        "timeline": "Chronologie des sources :",
        "stance": {"confirms": "confirme", "partly": "confirme en partie", "contradicts": "dit autre chose"},
        "annex": "Journal de recherche",
        "log": "{at} — fait {fact} — {purpose} — requête {query} — {hits} résultat(s) — sources : {sources}",
    },
    "en": {
        "title": "Verification of statements",
        "subject": "External consistency of statements with country of origin information",
        "question": "“{fact}”: does the information available on {as_of} confirm it?",
        "disclaimer": (
            "This response was prepared on the basis of publicly available information, within time constraints. "
            "It is not exhaustive and is not conclusive as to the merit of any claim for international protection. "
            "Absence of information does not mean that the facts did not occur."
        ),
        "method": "Search of country of origin information documents published on or before {as_of}{period}.",
        "period": ", for the period {a} to {b}",
        "consulted": "Sources consulted: {sources}.",
        "none_found": "The sources consulted contain no information on this fact.",
        "against": "Conflicting information:",
        "place": "{name} ({level}){inside}.",
        "inside": ", located in: {parents}",
        "distance": "Distance from {name}: {km} km.",
        "spellings": "Other known spellings: {names}.",
        "in_sources": "Spellings used by the sources consulted: {names}.",
        "unknown_place": "“{name}”: not in the gazetteer.",
        "flags": "Note: {flags}.",
        "elements": "Element by element: {items}.",
        "element": {"event": "event", "place": "place", "actor": "actor", "date": "date", "figure": "figure"},
        "state": {
            "confirmed": "confirmed",
            "contradicted": "contradicted",
            "close": "close",
            "not_stated": "not stated",
        },
        "timeline": "Timeline of the sources:",
        "stance": {"confirms": "confirms", "partly": "partly confirms", "contradicts": "says otherwise"},
        "annex": "Search log",
        "log": "{at} — fact {fact} — {purpose} — query {query} — {hits} hit(s) — sources: {sources}",
    },
}


def _date(iso: str | None, locale: str) -> str:
    return long_date(dt.date.fromisoformat(iso), locale) if iso else "—"


def query_response(result: dict[str, Any], locale: str, reference: str | None = None) -> ReportDocument:
    words = TEXT[locale]
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
        questions.append(words["question"].format(fact=fact["fact"]["text"], as_of=as_of))
        blocks = [Block("text", "", label=STATUS[locale][fact["status"]])]
        if not fact["evidence"] and not fact["conflicting"]:
            blocks.append(Block("text", words["none_found"]))
        if fact.get("explanation") and (fact["evidence"] or fact["conflicting"]):
            items = [
                f"{words['element'][x['element']]} {words['state'][x['state']]}"
                + (f" ({x['detail']})" if x.get("detail") else "")
                for x in fact["explanation"]
            ]
            blocks.append(Block("text", words["elements"].format(items=", ".join(items))))
        if len(fact.get("timeline") or []) > 1:
            blocks.append(Block("text", words["timeline"]))
            for row in fact["timeline"]:
                colon = " : " if locale == "fr" else ": "
                line = (
                    f"{_date(row['published'], locale)} — {row['source_name']}{colon}{words['stance'][row['stance']]}"
                )
                blocks.append(Block("text", line + (f" ({row['figure']})" if row.get("figure") else "")))
        for e in fact["evidence"]:
            blocks.append(Block("quote", e["passage"], [note(e)]))
        if fact["conflicting"]:
            blocks.append(Block("text", words["against"]))
            for e in fact["conflicting"]:
                blocks.append(Block("quote", e["passage"], [note(e)]))
        for p in fact["places"]:
            if not p.get("found"):
                blocks.append(Block("text", words["unknown_place"].format(name=p["as_written"])))
                continue
            parents = ", ".join(p["in"])
            inside = words["inside"].format(parents=parents) if parents else ""
            blocks.append(Block("text", words["place"].format(name=p["name"], level=p["level"], inside=inside)))
            for d in p["distances"]:
                blocks.append(Block("text", words["distance"].format(name=d["name"], km=d["km"])))
            if p.get("spellings_in_sources"):
                blocks.append(Block("text", words["in_sources"].format(names=", ".join(p["spellings_in_sources"]))))
            if p["spellings"]:
                blocks.append(Block("text", words["spellings"].format(names=", ".join(p["spellings"][:10]))))
        if fact["flags"]:
            blocks.append(
                Block("text", words["flags"].format(flags=", ".join(FLAGS[locale].get(f, f) for f in fact["flags"])))
            )
        sections.append(Section(f"{i}. {fact['fact']['text']}", blocks))
    period = ""
    a, b = result.get("period") or [None, None]
    if a or b:
        period = words["period"].format(a=_date(a, locale), b=_date(b, locale))
    consulted = ", ".join(s["name"] for s in result.get("sources_consulted", [])) or "—"
    country = None
    if result.get("country"):
        place = gaz.by_id.get(f"iso:{result['country']}")
        country = place.name if place else result["country"]
    return ReportDocument(
        kind="query_response",
        locale=locale,  # type: ignore[arg-type]
        title=words["title"] + (f" — {country}" if country else ""),
        date=long_date(dt.date.fromisoformat(result["generated"][:10]), locale),
        reference=reference,
        country=country,
        subject=words["subject"],
        questions=questions,
        methodology=[words["method"].format(as_of=as_of, period=period), words["consulted"].format(sources=consulted)],
        disclaimer=words["disclaimer"],
        sections=sections,
        notes=notes,
        bibliography=sorted(cited.values()),
        annex_title=words["annex"],
        annex=[
            words["log"].format(
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
