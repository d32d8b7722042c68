"""Render a page: one Jinja2 environment (autoescape on), the locale, the user and their CSRF token."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from config.sources import source_name
from search_api.i18n import pick_locale, translate
from services.auth import Principal

HERE = Path(__file__).parent
ENV = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]))


def locale_of(request: Request, lang: str | None = None) -> str:
    return pick_locale(lang or request.query_params.get("lang"), request.app.state.default_locale)


def render(
    name: str, request: Request, locale: str, user: Principal | None = None, status: int = 200, **ctx_vars: object
) -> HTMLResponse:
    other = "en" if locale == "fr" else "fr"
    qs = dict(request.query_params)
    qs["lang"] = other
    switch_url = request.url.path + "?" + urlencode(qs, doseq=True)
    page = ENV.get_template(name).render(
        locale=locale,
        t=lambda k, **p: translate(k, locale, **p),
        switch_url=switch_url,
        source_name=source_name,
        user=user,
        csrf_token=user.csrf_token if user else None,
        **ctx_vars,
    )
    return HTMLResponse(page, status_code=status, headers={"Cache-Control": "no-store"})
