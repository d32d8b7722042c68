"""Human labels for enrichment values (place ids, actor ids, topic ids) in facets and pages."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from analyzers.actors import default_actors
from analyzers.gazetteer import default_gazetteer
from analyzers.topics import Topic, default_topics


@lru_cache(maxsize=1)
def _topics() -> dict[str, Topic]:
    return {t.id: t for t in default_topics()[1]}


def label(kind: str, value: str, locale: str = "fr") -> str:
    if kind == "place":
        p = default_gazetteer().by_id.get(value)
        return f"{p.name} ({p.country})" if p else value
    if kind == "actor":
        a = default_actors().by_id.get(value)
        if a:
            return a.name
        return value.split(":", 1)[-1].title()
    if kind == "topic":
        t = _topics().get(value)
        return t.name(locale) if t else value
    return value


def _mention_label(m: dict[str, Any], locale: str) -> str:
    """Curated names for listed values; an unlisted actor keeps the name as the text wrote it."""
    if m["type"] == "actor" and m["value"] not in default_actors().by_id:
        return str(m.get("label") or m["value"])
    return label(m["type"], m["value"], locale)


def place_details(place_id: str) -> dict[str, object] | None:
    gaz = default_gazetteer()
    p = gaz.by_id.get(place_id)
    if p is None:
        return None
    return {**p.as_dict(), "parents": [q.name for q in gaz.parents(p)], "spellings": gaz.spellings(place_id)[:25]}


def enrichment_view(enrichment: dict[str, Any] | None, locale: str) -> dict[str, Any] | None:
    """Grouped, labelled enrichment for the document page and API."""
    if not enrichment:
        return None
    groups: dict[str, dict[str, dict[str, Any]]] = {"place": {}, "actor": {}, "date": {}, "topic": {}}
    for m in enrichment.get("mentions", []):
        if m["type"] not in groups:
            continue
        entry = groups[m["type"]].setdefault(
            m["value"],
            {"value": m["value"], "label": _mention_label(m, locale), "as_written": [], "count": 0},
        )
        entry["count"] = int(entry["count"]) + 1
        if m.get("text") and m["text"] not in entry["as_written"] and len(entry["as_written"]) < 5:
            entry["as_written"].append(m["text"])
        if m["type"] == "date":
            entry["extra"] = m.get("extra", {})
    places = []
    for entry in groups["place"].values():
        details = place_details(str(entry["value"]))
        places.append({**entry, **({"place": details} if details else {})})
    return {
        "language": enrichment.get("language"),
        "language_parts": enrichment.get("language_parts", []),
        "countries": enrichment.get("countries", []),
        "places": sorted(places, key=lambda e: -int(e["count"])),
        "actors": sorted(groups["actor"].values(), key=lambda e: -int(e["count"])),
        "dates": sorted(groups["date"].values(), key=lambda e: str(e["value"])),
        "topics": list(groups["topic"].values()),
        "corrections": enrichment.get("corrections", []),
        "version": enrichment.get("version"),
    }
