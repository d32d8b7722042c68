"""Registration desk, civil status and interpreters' space (issue 18): pages and API.

Other modules of the area may hold routes too: include their routers into this one."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
