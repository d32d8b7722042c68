"""Small answers shared by the JSON routes (typed, so OpenAPI shows them): what an action did, what it made."""

from __future__ import annotations

from pydantic import BaseModel


class Done(BaseModel):
    """An action that returns nothing else: what state it left (``recorded``, ``granted``, ``ok``, …)."""

    status: str


class Created(BaseModel):
    """A new row: its id."""

    id: int
