"""Render a page: one Jinja2 environment (autoescape on), the locale, the user and their CSRF token.

The reader's language is the ``lang`` of the URL when there is one, then the one they chose before (a cookie
set when they switch), then the office's default; every page, the error pages included, has the menu.
"""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from config.messages import LOCALES, known, pick_locale, translate
from config.sources import source_name
from search_api import labels
from services.access import confined_to
from services.auth import Principal

HERE = Path(__file__).parent
ENV = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]))
labels.register(ENV)
ENV.globals.update(language_name=labels.language_name, country_name=labels.country_name)
ENV.globals["own_space"] = confined_to  # a confined account's path prefixes (its menu shows nothing else), or None
LANG_COOKIE = "coidesk_lang"
FLASH_PARAM = "done"  # after an action, the page it redirects to says what was done: ?done=<message key>


def locale_of(request: Request, lang: str | None = None) -> str:
    chosen = lang or request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
    return pick_locale(chosen, request.app.state.default_locale)


def flash_of(request: Request) -> str | None:
    """Only known messages of the ``done_`` family: the parameter never puts the URL's text on the page."""
    key = request.query_params.get(FLASH_PARAM, "")
    return f"done_{key}" if known(f"done_{key}") else None


def render(
    name: str, request: Request, locale: str, user: Principal | None = None, status: int = 200, **ctx_vars: object
) -> HTMLResponse:
    other = "en" if locale == "fr" else "fr"
    qs = {k: v for k, v in request.query_params.multi_items() if k not in ("lang", FLASH_PARAM)}
    qs["lang"] = other
    switch_url = request.url.path + "?" + urlencode(qs, doseq=True)
    page = ENV.get_template(name).render(
        locale=locale,
        t=lambda k, **p: translate(k, locale, **p),
        switch_url=switch_url,
        current_path=request.url.path,
        flash=ctx_vars.pop("flash", None) or flash_of(request),
        source_name=source_name,
        user=user,
        csrf_token=user.csrf_token if user else None,
        inbox_unread=_unread(request, user),
        **ctx_vars,
    )
    response = HTMLResponse(page, status_code=status, headers={"Cache-Control": "no-store"})
    remember_locale(request, response)
    return response


def _unread(request: Request, user: Principal | None) -> int:
    """The unread alert count of the page header (notifications the user may still see)."""
    ctx = getattr(request.app.state, "ctx", None)
    if user is None or ctx is None:
        return 0
    from services.alerts import unread_count

    try:
        return unread_count(ctx, user)
    except Exception:  # the header's badge never breaks a page (an error page above all)
        logging.getLogger(__name__).warning("unread alert count not available", exc_info=True)
        return 0


def remember_locale(request: Request, response: HTMLResponse) -> None:
    """A reader who switched language keeps it on every link, including links without ``?lang=``."""
    asked = request.query_params.get("lang")
    if asked in LOCALES and request.cookies.get(LANG_COOKIE) != asked:
        response.set_cookie(LANG_COOKIE, asked, max_age=365 * 86400, httponly=True, samesite="lax", path="/")
