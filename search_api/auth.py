"""Who is calling, for every route: a bearer API token or a web session cookie, and CSRF for forms.

- ``Authorization: Bearer cdk_...`` — scripts; no cookie, so no CSRF.
- the ``coidesk_session`` cookie — pages; every unsafe request must carry the session's CSRF token
  (form field ``csrf_token`` or header ``X-CSRF-Token``) and, when the browser sends one, a same-origin
  ``Origin``. Nothing else is accepted: a route that needs a user cannot be reached without one.
"""

from __future__ import annotations

import hmac
import re
import secrets
from typing import Annotated

import anyio.to_thread
from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.access import confined_to, may_reach
from services.auth import Principal
from services.context import AppContext
from services.errors import AuthError, Forbidden

SESSION_COOKIE = "coidesk_session"
LOGIN_CSRF_COOKIE = "coidesk_login_csrf"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def ctx_of(request: Request) -> AppContext:
    return request.app.state.ctx  # type: ignore[no-any-return]


def client_of(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def current_user(request: Request) -> Principal:
    """The caller, authenticated by ``RequireCredentials`` before the body was read; CSRF for forms."""
    principal = getattr(request.state, "principal", None)
    if principal is None:  # an open path's route that asks for a user (logout): authenticate now
        principal = await anyio.to_thread.run_sync(_authenticate, request)
    if not request.headers.get("authorization") and request.method not in SAFE_METHODS:
        await check_csrf(request, principal.csrf_token or "")
    return principal  # type: ignore[no-any-return]


async def check_csrf(request: Request, expected: str) -> None:
    origin = request.headers.get("origin")
    if origin is not None:  # scheme, host and port must all be this site's ("null" never is)
        own = f"{request.url.scheme}://{request.headers.get('host', '')}"
        if not hmac.compare_digest(origin.rstrip("/").lower(), own.lower()):
            raise Forbidden("csrf")
    sent = request.headers.get("x-csrf-token")
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get("csrf_token")
        sent = value if isinstance(value, str) else None
    if not expected or not sent or not hmac.compare_digest(sent, expected):
        raise Forbidden("csrf")


def require(*roles: str):  # type: ignore[no-untyped-def]
    """A dependency: the caller must hold one of ``roles``."""

    async def dependency(user: Annotated[Principal, Depends(current_user)]) -> Principal:
        if not user.has(*roles):
            raise Forbidden("role")
        return user

    return dependency


CurrentUser = Annotated[Principal, Depends(current_user)]
Admin = Annotated[Principal, Depends(require("admin"))]
AuditReader = Annotated[Principal, Depends(require("admin", "data_protection"))]


def set_session_cookie(response: Response, secret: str, secure: bool) -> None:
    response.set_cookie(SESSION_COOKIE, secret, httponly=True, secure=secure, samesite="strict", path="/")


def clear_session_cookie(response: Response, secure: bool) -> None:
    response.delete_cookie(SESSION_COOKIE, httponly=True, secure=secure, samesite="strict", path="/")


def new_login_csrf() -> str:
    """Login forms are protected by a double-submit token (there is no session yet)."""
    return secrets.token_urlsafe(24)


def set_login_csrf(response: Response, token: str, secure: bool) -> None:
    response.set_cookie(
        LOGIN_CSRF_COOKIE, token, httponly=True, secure=secure, samesite="strict", path="/login", max_age=1800
    )


def check_login_csrf(request: Request, sent: str) -> None:
    expected = request.cookies.get(LOGIN_CSRF_COOKIE) or ""
    if not expected or not sent or not hmac.compare_digest(expected, sent):
        raise Forbidden("csrf")


class BodyTooLarge(HTTPException):
    """The request body is over its route's limit (raised while the body is being read: a 413)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413)
        self.limit = limit


class ControlCharacter(HTTPException):
    """A NUL character in a query string, form or JSON body: no text coidesk keeps may hold one (PostgreSQL
    refuses it in text), so the request is refused whole, before any of it is used (a 400)."""

    code = "control_character"

    def __init__(self) -> None:
        super().__init__(400)


# NUL as a percent escape (query strings, forms), as a JSON escape not itself escaped, or raw
_NUL_ESCAPED = re.compile(rb"%00")
_NUL_IN_JSON = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000|\x00")

# Routes that take files; every other request body (forms, JSON) is small.
_UPLOAD_PATHS = re.compile(r"^/(?:api/documents|upload|api/cases/[^/]+/documents|cases/[^/]+/documents)$")


class RequireCredentials:
    """In front of every route: the caller is authenticated *before* any body is read, parsed or
    validated, and no body may exceed its route's limit.

    - Anything but the open paths (login, health, static files, the API docs) needs a valid bearer token
      or session; the principal found is kept for the route (``current_user`` reuses it). Without one:
      401 (the API and unsafe methods) or a redirect to the login page (page GETs), the body unread.
    - Bodies: a declared ``Content-Length`` over the limit is refused at once (413); a body sent without
      one is counted as it is read and cut off at the limit.
    """

    OPEN_EXACT = ("/api/health", "/login", "/openapi.json", "/favicon.ico")
    OPEN_PREFIX = ("/static/", "/docs")

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    def _is_open(self, path: str) -> bool:
        return path in self.OPEN_EXACT or path.startswith(self.OPEN_PREFIX)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        if not self._is_open(scope["path"]):
            try:
                principal = await anyio.to_thread.run_sync(_authenticate, request)
            except AuthError as exc:
                from search_api.errors import auth_error_response

                response = await auth_error_response(request, exc, keep_typed=False)
                await response(scope, receive, send)
                return
            scope.setdefault("state", {})["principal"] = principal
            allowed = confined_to(principal)
            if allowed is not None and not may_reach(principal, scope["path"]):
                if scope["path"] == "/" and scope["method"] in ("GET", "HEAD"):  # home: the account's own space
                    await RedirectResponse(allowed[0], status_code=303)(scope, receive, send)
                else:
                    await _refuse(request, scope, receive, send, 403, "forbidden", {})
                return
        settings = ctx_of(request).settings
        limit = settings.max_request_bytes if _UPLOAD_PATHS.match(scope["path"]) else settings.max_form_bytes
        declared = request.headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _refuse(request, scope, receive, send, 413, "too_large", {"max": limit})
            return
        if _NUL_ESCAPED.search(scope.get("query_string", b"")) or "\x00" in scope["path"]:
            await _refuse(request, scope, receive, send, 400, ControlCharacter.code, {})
            return
        # files are bytes (their text is checked by ingest); a form escapes NUL as %00, JSON as \u0000
        scan = None
        if not _UPLOAD_PATHS.match(scope["path"]):
            form = request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded")
            scan = _NUL_ESCAPED if form else _NUL_IN_JSON
        await self.app(scope, _checked_body(receive, limit, scan), send)


def _authenticate(request: Request) -> Principal:
    accounts = ctx_of(request).accounts
    header = request.headers.get("authorization")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthError("bad_token")
        return accounts.from_token(token.strip())
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        raise AuthError("login_required")
    return accounts.from_session(cookie)


def _checked_body(receive: Receive, limit: int, scan: re.Pattern[bytes] | None) -> Receive:
    """The body as it is read: cut off at the limit; a form or JSON body holding a NUL refused once whole (it
    is small: the form limit), so that an escape split between two chunks is still seen."""
    seen = 0
    body = bytearray()

    async def wrapped() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            chunk = message.get("body", b"")
            seen += len(chunk)
            if seen > limit:
                raise BodyTooLarge(limit)
            if scan is not None:
                body.extend(chunk)
                if not message.get("more_body") and (b"\x00" in body or scan.search(body)):
                    raise ControlCharacter()
        return message

    return wrapped


async def _refuse(
    request: Request, scope: Scope, receive: Receive, send: Send, status: int, code: str, params: dict
) -> None:
    from search_api.errors import error_response

    response = await error_response(request, status, code, params, headers={"Connection": "close"}, keep_typed=False)
    await response(scope, receive, send)
