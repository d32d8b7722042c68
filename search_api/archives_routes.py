"""Archives stores, the researchers' reading room, missions and working groups (issue 23): pages and API.

Other modules of the area may hold routes too: include their routers into this one."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
