"""Registration desk, civil status and interpreters' space (issue 18): pages and API.

The API is in ``office_desk_api.py``, the pages in ``office_desk_pages.py``; both are included here.
"""

from __future__ import annotations

from fastapi import APIRouter

from search_api.office_desk_api import router as api_router

router = APIRouter()
router.include_router(api_router)
