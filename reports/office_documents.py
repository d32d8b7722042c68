"""The office's letters and civil-status acts (issue 18): HTML from Jinja2 templates, PDF from that HTML.

Templates live in ``reports/templates/office/`` (the office's letterhead, its civil-status form); the values
come from the services already checked for need-to-know. Nothing is fetched from outside (no network).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

HERE = Path(__file__).parent / "templates" / "office"
_ENV = Environment(
    loader=FileSystemLoader(str(HERE)), autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True
)


def render_office_html(template: str, **values: Any) -> str:
    return _ENV.get_template(template).render(**values)


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported when used: pango is needed only to write PDFs

    return HTML(string=html, base_url=None, url_fetcher=_no_fetch).write_pdf()  # type: ignore[no-any-return]


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    raise ValueError(f"office documents load nothing from outside: {url[:80]}")
