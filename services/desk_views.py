"""What the desks' API answers (gazetteer, thesaurus, actors) and the health check, as typed models."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class PlaceOut(BaseModel):
    id: str  # geonames:… / iso:… / local:…
    name: str
    country: str | None
    level: str | None  # country | admin1 | admin2 | city | …
    parent: str | None
    lat: float | None
    lon: float | None
    parents: list[str]  # names, nearest first
    spellings: list[str]  # at most 12


class ConceptOut(BaseModel):
    id: str
    fr: list[str]
    en: list[str]


class Thesaurus(BaseModel):
    version: int  # the desk's last edit (0: as shipped)
    concepts: list[ConceptOut]


class ActorOut(BaseModel):
    id: str
    type: str
    countries: list[str]
    names: list[str]
    acronyms: list[str]


class Actors(BaseModel):
    version: int
    actors: list[ActorOut]


class PlaceSaved(BaseModel):
    place_id: str


class ConceptSaved(BaseModel):
    concept_id: str


class ActorSaved(BaseModel):
    actor_id: str


class CorrectionQueued(BaseModel):
    document_id: str
    queued_for_reindex: bool


class StoreHealth(BaseModel):
    documents: int
    queued: int  # waiting for the index writer


class IndexHealth(BaseModel):
    model_config = ConfigDict(extra="allow")  # engine-specific details (version, bytes, cluster status)

    backend: str
    ok: bool
    documents: int | None = None
    error: str | None = None


class Health(BaseModel):
    store: StoreHealth
    index: IndexHealth
