"""The research desk's own places and spellings: look a place up, add a spelling or a local place.

Additions are stored (who, when) and applied to this process's gazetteer at once; documents are enriched
again with them by the server's background enrichment or ``coidesk enrich``.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from analyzers.gazetteer import default_gazetteer, use_desk_entries
from services.auth import Principal
from services.errors import Forbidden, InvalidInput
from store.places import PlaceEntries
from textnorm import fold

_SLUG = re.compile(r"[^a-z0-9]+")


class PlaceIn(BaseModel):
    """Either spellings for a known place (``place_id``) or a new local place (``name``, ``country``...)."""

    place_id: str | None = Field(default=None, max_length=80)
    name: str | None = Field(default=None, max_length=200)
    country: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    level: Literal["admin1", "region", "city", "locality"] = "locality"
    parent: str | None = Field(default=None, max_length=80)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    spellings: list[str] = Field(default_factory=list, max_length=50)

    @field_validator("spellings")
    @classmethod
    def _clean(cls, v: list[str]) -> list[str]:
        return [x.strip()[:200] for x in v if x.strip()]

    @model_validator(mode="after")
    def _one_or_the_other(self) -> PlaceIn:
        if not self.place_id and not (self.name and self.country):
            raise ValueError("give a place_id, or a name and a country")
        return self


def may_edit_places(p: Principal) -> bool:
    return p.has("research_assistant", "admin")


class PlaceDesk:
    def __init__(self, entries: PlaceEntries) -> None:
        self.entries = entries

    def lookup(self, name: str, limit: int = 20) -> list[dict[str, Any]]:
        gaz = default_gazetteer()
        return [
            {**p.as_dict(), "parents": [q.name for q in gaz.parents(p)], "spellings": gaz.spellings(p.id)[:12]}
            for p in gaz.lookup(name)[:limit]
        ]

    def add(self, user: Principal, data: PlaceIn) -> str:
        if not may_edit_places(user):
            raise Forbidden("role")
        gaz = default_gazetteer()
        if data.place_id:
            known = gaz.by_id.get(data.place_id)
            if known is None:
                raise InvalidInput("unknown_place")
            if not data.spellings:
                raise InvalidInput("no_spelling")
            entry: dict[str, Any] = {
                "id": known.id,
                "name": known.name,
                "country": known.country,
                "level": known.level,
                "parent": known.parent,
                "names": data.spellings,
            }
        else:
            assert data.name and data.country  # checked by PlaceIn
            if data.parent and data.parent not in gaz.by_id:
                raise InvalidInput("unknown_place")
            base = "local:" + _SLUG.sub("-", fold(data.name)).strip("-")[:60] + "-" + data.country.lower()
            place_id, n = base, 1
            while place_id in gaz.by_id:
                n += 1
                place_id = f"{base}-{n}"
            entry = {
                "id": place_id,
                "name": data.name,
                "country": data.country,
                "level": data.level,
                "parent": data.parent or f"iso:{data.country}",
                "lat": data.lat,
                "lon": data.lon,
                "names": [data.name, *data.spellings],
            }
        self.entries.add(entry, user.username)
        use_desk_entries(self.entries.as_gazetteer_entries())
        return str(entry["id"])

    def history(self) -> list[dict[str, Any]]:
        return [
            {
                "place_id": e.place_id,
                "name": e.name,
                "country": e.country,
                "names": e.names,
                "added_by": e.added_by,
                "added_at": e.added_at.isoformat(timespec="seconds"),
            }
            for e in reversed(self.entries.all())
        ]
