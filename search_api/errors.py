"""Domain errors mapped to HTTP in one place, with one JSON error shape.

    {"error": {"status": 400, "code": "unclosed_quote", "message": "..."}}

API routes (``/api/...``) answer JSON; pages answer the same status with the error template.
Engine messages never reach the user: they are logged, and the user gets a translated sentence.
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode, urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from search_api.i18n import MESSAGES, translate
from services.errors import AuthError, Conflict, Forbidden, InvalidInput
from store.documents import NotFound
from store.index.errors import BadQuery, IndexBusy, IndexUnavailable

log = logging.getLogger(__name__)


class OriginalMissing(Exception):
    pass


def _locale(request: Request) -> str:
    from search_api.rendering import locale_of

    return locale_of(request)


INPUT_STATUS = {
    "too_large": 413,
    "unsupported_file": 415,
    "user_exists": 409,
    "case_exists": 409,
    "location_exists": 409,
    "crawl_running": 409,
    "report_published": 409,
    "report_not_draft": 409,
    "report_not_in_review": 409,
    "report_not_published": 409,
}


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get("accept", "")


KEPT_FIELDS_MAX = 20  # form fields shown back on an error page (what the user typed is not lost)
HIDDEN_FIELDS = {"csrf_token", "password", "new_password", "current_password", "action", "target", "document_id"}


def _back_url(request: Request) -> str | None:
    """The page the user came from, when it is one of ours (never another site: no open redirect)."""
    referer = request.headers.get("referer")
    if not referer:
        return None
    ref = urlsplit(referer)
    if ref.netloc and ref.netloc != request.headers.get("host", ""):
        return None
    path = ref.path if ref.path.startswith("/") and not ref.path.startswith("//") else "/"
    return path + ("?" + ref.query if ref.query else "")


async def _typed_values(request: Request) -> list[tuple[str, str]]:
    """The text fields of a refused form, to show them back; files and secrets never."""
    if request.method in ("GET", "HEAD") or not request.headers.get("content-type", "").startswith(
        "application/x-www-form-urlencoded"
    ):
        return []
    try:
        form = await request.form()
    except Exception:  # the body was consumed or is malformed: nothing to show back
        return []
    kept = [(k, v) for k, v in form.multi_items() if isinstance(v, str) and v.strip() and k not in HIDDEN_FIELDS]
    return kept[:KEPT_FIELDS_MAX]


async def error_response(
    request: Request,
    status: int,
    code: str,
    params: dict | None = None,
    headers: dict[str, str] | None = None,
    keep_typed: bool = True,
) -> Response:
    """JSON for the API; for pages, the error inside the site's layout (header, menu), with what was typed."""
    from search_api.rendering import render

    locale = _locale(request)
    message = translate(code, locale, **(params or {}))
    if not _wants_html(request):
        body = {"error": {"status": status, "code": code, "message": message}}
        return JSONResponse(body, status_code=status, headers=headers)
    hint_key = "hint_" + code
    response = render(
        "error.html",
        request,
        locale,
        getattr(request.state, "principal", None),
        status=status,
        message=message,
        hint=translate(hint_key, locale) if hint_key in MESSAGES else None,
        kept=await _typed_values(request) if keep_typed else [],
        back_url=_back_url(request),
    )
    for k, v in (headers or {}).items():
        response.headers[k] = v
    return response


async def auth_error_response(request: Request, exc: AuthError, keep_typed: bool = True) -> Response:
    """No valid credential: the login page for a page GET, otherwise 401 (429 while throttled)."""
    if exc.code == "login_throttled":
        return await error_response(
            request, 429, exc.code, headers={"Retry-After": str(exc.retry_after or 900)}, keep_typed=keep_typed
        )
    if _wants_html(request) and request.method == "GET":
        return RedirectResponse("/login?" + urlencode({"next": request.url.path}), status_code=303)
    return await error_response(request, 401, exc.code, headers={"WWW-Authenticate": "Bearer"}, keep_typed=keep_typed)


def install(app: FastAPI) -> None:
    @app.exception_handler(BadQuery)
    async def _bad_query(request: Request, exc: BadQuery) -> Response:
        return await error_response(request, 400, exc.code, exc.params)

    @app.exception_handler(AuthError)
    async def _auth(request: Request, exc: AuthError) -> Response:
        return await auth_error_response(request, exc)

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden) -> Response:
        return await error_response(request, 403, exc.code)

    @app.exception_handler(InvalidInput)
    async def _invalid(request: Request, exc: InvalidInput) -> Response:
        return await error_response(request, INPUT_STATUS.get(exc.code, 400), exc.code, exc.params)

    @app.exception_handler(Conflict)
    async def _conflict(request: Request, exc: Conflict) -> Response:
        return await error_response(request, 409, exc.code, exc.params)

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, exc: NotFound) -> Response:
        return await error_response(request, 404, "not_found")

    @app.exception_handler(OriginalMissing)
    async def _original_missing(request: Request, exc: OriginalMissing) -> Response:
        return await error_response(request, 404, "original_missing")

    @app.exception_handler(IndexUnavailable)
    async def _unavailable(request: Request, exc: IndexUnavailable) -> Response:
        log.error("search engine unavailable: %s", exc)
        return await error_response(request, 503, "index_unavailable")

    @app.exception_handler(IndexBusy)
    async def _busy(request: Request, exc: IndexBusy) -> Response:
        return await error_response(request, 503, "index_unavailable")

    @app.exception_handler(ValidationError)
    async def _model_validation(request: Request, exc: ValidationError) -> Response:
        if exc.title.endswith("Out"):  # an answer the service built does not fit its model: our fault, not input
            log.error("response model %s refused what a service built on %s", exc.title, request.url.path)
            return await error_response(request, 500, "internal")
        return await error_response(request, 422, "validation")

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        return await error_response(request, 422, "validation")

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 413:
            return await error_response(request, 413, "too_large", {"max": getattr(exc, "limit", "")})
        code = getattr(exc, "code", None) or ("not_found" if exc.status_code == 404 else "http_error")
        return await error_response(request, exc.status_code, code)

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s", request.url.path)
        return await error_response(request, 500, "internal")
