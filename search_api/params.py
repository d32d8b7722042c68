"""Path parameters shared by the routes: a row id within what every database's id column can hold."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

from store.models import MAX_ROW_ID

RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]
