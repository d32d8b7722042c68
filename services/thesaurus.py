"""The thesaurus as the research desk edits it: the shipped file plus additions made in the product.

The vocabulary used for expansion is rebuilt when the additions change (their last id is the version),
so an added term applies to the next search in this process, identically for both engines.
"""

from __future__ import annotations

import re
import threading
import time
from typing import Any

from pydantic import BaseModel, Field, field_validator, model_validator

from services.auth import Principal
from services.errors import Forbidden
from services.expansion import Vocabulary, build_vocabulary, file_concepts, merge_actors, merge_concepts
from store.actor_entries import ActorEntries
from store.thesaurus import ThesaurusEntries
from textnorm import fold

_SLUG = re.compile(r"[^a-z0-9]+")


class ConceptIn(BaseModel):
    concept_id: str | None = Field(default=None, max_length=80, pattern=r"^[a-z0-9-]+$")
    fr: list[str] = Field(default_factory=list, max_length=30)
    en: list[str] = Field(default_factory=list, max_length=30)

    @field_validator("fr", "en")
    @classmethod
    def _clean(cls, v: list[str]) -> list[str]:
        return [t.strip()[:120] for t in v if t.strip()]

    @model_validator(mode="after")
    def _terms(self) -> ConceptIn:
        if not self.fr and not self.en:
            raise ValueError("give at least one term")
        return self


def may_edit_thesaurus(p: Principal) -> bool:
    return p.has("research_assistant", "admin")


RECHECK_S = 1.0


class ThesaurusDesk:
    def __init__(self, entries: ThesaurusEntries, actors: ActorEntries) -> None:
        self.entries = entries
        self.actors = actors
        self._lock = threading.Lock()
        self._cached: tuple[tuple[int, int], Vocabulary] | None = None
        self._checked: tuple[tuple[int, int], float] = ((-1, -1), 0.0)

    def concepts(self) -> list[dict[str, Any]]:
        return merge_concepts(file_concepts(), [(e.concept_id, e.fr, e.en) for e in self.entries.all()])

    def vocabulary(self) -> Vocabulary:
        """Thesaurus and actors as the desk edited them; rebuilt when either changes.

        Edits made through this process apply to the next search; the database is asked for edits made by
        other processes at most once every RECHECK_S (two queries saved on every search).
        """
        local = (self.entries.local_changes, self.actors.local_changes)
        now = time.monotonic()
        with self._lock:
            if self._cached is not None and self._checked[0] == local and now - self._checked[1] < RECHECK_S:
                return self._cached[1]
            version = (self.entries.version(), self.actors.version())
            self._checked = (local, now)
            if self._cached is None or self._cached[0] != version:
                self._cached = (version, build_vocabulary(self.concepts(), merge_actors(self.actors.as_entries())))
            return self._cached[1]

    def add(self, user: Principal, data: ConceptIn) -> str:
        if not may_edit_thesaurus(user):
            raise Forbidden("role")
        concept_id = data.concept_id or _SLUG.sub("-", fold((data.fr or data.en)[0])).strip("-")[:80]
        self.entries.add(concept_id, data.fr, data.en, user.username)
        return concept_id

    def history(self) -> list[dict[str, Any]]:
        return [
            {
                "version": e.id,
                "concept_id": e.concept_id,
                "fr": e.fr,
                "en": e.en,
                "added_by": e.added_by,
                "added_at": e.added_at.isoformat(timespec="seconds"),
            }
            for e in reversed(self.entries.all())
        ]
