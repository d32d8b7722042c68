"""``coidesk users demo``: the demo set of the registration desk, civil status and interpreters (issue 18), made through the services."""

from __future__ import annotations

from services.auth import Principal
from services.context import AppContext


def seed(ctx: AppContext, principals: dict[str, Principal]) -> None:
    """Called once by ``coidesk users demo`` after the demo accounts and cases exist."""
