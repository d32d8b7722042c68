"""Who is calling, for every route: a bearer API token or a web session cookie, and CSRF for forms.

- ``Authorization: Bearer cdk_...`` — scripts; no cookie, so no CSRF.
- the ``coidesk_session`` cookie — pages; every unsafe request must carry the session's CSRF token
  (form field ``csrf_token`` or header ``X-CSRF-Token``) and, when the browser sends one, a same-origin
  ``Origin``. Nothing else is accepted: a route that needs a user cannot be reached without one.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

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
    principal = accounts.from_session(cookie)
    if request.method not in SAFE_METHODS:
        await check_csrf(request, principal.csrf_token or "")
    return principal


async def check_csrf(request: Request, expected: str) -> None:
    origin = request.headers.get("origin")
    if origin and origin != "null":
        host = request.headers.get("host", "")
        if origin.split("://", 1)[-1] != host:
            raise Forbidden("csrf")
    elif origin == "null":
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


class RequireCredentials:
    """Belt and braces in front of the routes: an ``/api`` request carrying no credential at all is
    answered 401 before any route, body parsing or validation runs. (The dependency above still checks
    that the credential is valid; this only guarantees no API operation can be reached anonymously.)"""

    OPEN = ("/api/health",)

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/api/") and scope["path"] not in self.OPEN:
            request = Request(scope)
            if not request.headers.get("authorization") and not request.cookies.get(SESSION_COOKIE):
                from search_api.errors import error_response

                response = error_response(request, 401, "login_required", headers={"WWW-Authenticate": "Bearer"})
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
