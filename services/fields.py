"""Field types shared by the services' input models: what a client may send, bounded before any SQL sees it."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from store.models import MAX_ROW_ID

# A reference to a row by id: within what every database's id column can hold (SQLite and PostgreSQL alike),
# so an absurd id is a 422 at the door, never an OverflowError inside a query.
RowRef = Annotated[int, Field(ge=1, le=MAX_ROW_ID)]
