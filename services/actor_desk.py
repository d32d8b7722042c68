"""The research desk's list of actors: add names and acronyms to a listed actor, or a new actor.

Additions are stored (who, when), applied at once to this process's actor list (enrichment) and to
query expansion; documents are enriched again with them (background enrichment or ``coidesk enrich``).
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from analyzers.actors import use_desk_actors
from services.auth import Principal
from services.errors import Forbidden
from services.expansion import merge_actors
from store.actor_entries import ActorEntries
from textnorm import fold

_SLUG = re.compile(r"[^a-z0-9]+")


class ActorIn(BaseModel):
    actor_id: str | None = Field(default=None, max_length=80, pattern=r"^[a-z0-9-]+$")
    type: Literal["armed_group", "authority", "party", "un_io", "ngo", "organisation", "person"] = "organisation"
    countries: list[str] = Field(default_factory=list, max_length=20)
    names: list[str] = Field(default_factory=list, max_length=30)
    acronyms: list[str] = Field(default_factory=list, max_length=10)

    @field_validator("names", "acronyms")
    @classmethod
    def _clean(cls, v: list[str]) -> list[str]:
        return [t.strip()[:160] for t in v if t.strip()]

    @field_validator("countries")
    @classmethod
    def _iso3(cls, v: list[str]) -> list[str]:
        out = [c.strip().upper() for c in v if c.strip()]
        if any(not re.fullmatch(r"[A-Z]{3}", c) for c in out):
            raise ValueError("countries are ISO 3166 alpha-3 codes")
        return out

    @model_validator(mode="after")
    def _something(self) -> ActorIn:
        if not self.names and not self.acronyms:
            raise ValueError("give at least one name or acronym")
        if not self.actor_id and not self.names:
            raise ValueError("a new actor needs a name")
        return self


def may_edit_actors(p: Principal) -> bool:
    return p.has("research_assistant", "admin")


class ActorDesk:
    def __init__(self, entries: ActorEntries) -> None:
        self.entries = entries

    def actors(self) -> list[dict[str, Any]]:
        return sorted(merge_actors(self.entries.as_entries()), key=lambda a: a["id"])

    def add(self, user: Principal, data: ActorIn) -> str:
        if not may_edit_actors(user):
            raise Forbidden("role")
        actor_id = data.actor_id or _SLUG.sub("-", fold(data.names[0])).strip("-")[:80]
        self.entries.add(actor_id, data.type, data.countries, data.names, data.acronyms, user.username)
        use_desk_actors(self.entries.as_entries())
        return actor_id

    def history(self) -> list[dict[str, Any]]:
        return [
            {
                "version": e.id,
                "actor_id": e.actor_id,
                "names": e.names,
                "acronyms": e.acronyms,
                "added_by": e.added_by,
                "added_at": e.added_at.isoformat(timespec="seconds"),
            }
            for e in reversed(self.entries.all())
        ]
