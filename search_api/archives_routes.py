"""Archives stores, the researchers' reading room, missions and working groups (issue 23): pages and API.

The API is in ``archives_api.py``, the pages in ``archives_pages.py``; both are included here."""

from __future__ import annotations

from fastapi import APIRouter

from search_api.archives_api import router as api_router
from search_api.archives_pages import router as pages_router

router = APIRouter()
router.include_router(api_router)
router.include_router(pages_router)
