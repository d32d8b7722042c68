"""``coidesk users demo``: the demo set of the archives stores, reading room, missions and working groups (issue 23), made through the services."""

from __future__ import annotations

from services.auth import Principal
from services.context import AppContext


def seed(ctx: AppContext, principals: dict[str, Principal]) -> None:
    """Called once by ``coidesk users demo`` after the demo accounts and cases exist."""
