"""Rendering a ``ReportDocument``: HTML through Jinja2, PDF from that HTML through WeasyPrint (footnotes at
the foot of each page), DOCX through docxtpl (a Word template holding Jinja2 tags).

Templates are looked up first in the research desk's folder (``COIDESK_REPORT_TEMPLATES``), then in
``reports/templates/``: ``report.<locale>.html`` and ``report.<locale>.docx``.
"""

from __future__ import annotations

import io
from dataclasses import asdict
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape

from reports.model import ReportDocument

HERE = Path(__file__).parent / "templates"
LABELS: dict[str, dict[str, str]] = {
    "fr": {
        "query_response": "Réponse à une demande d'information",
        "report": "Rapport d'information sur les pays d'origine",
        "reference": "Référence",
        "country": "Pays",
        "subject": "Objet",
        "date": "Date",
        "status": "Statut",
        "version": "Version",
        "questions": "Questions",
        "terms_of_reference": "Termes de référence",
        "methodology": "Méthodologie",
        "disclaimer": "Avertissement",
        "sources": "Sources",
        "bibliography": "Bibliographie",
        "notes": "Notes",
        "warnings": "Points d'attention",
    },
    "en": {
        "query_response": "COI query response",
        "report": "Country of origin information report",
        "reference": "Reference",
        "country": "Country",
        "subject": "Subject",
        "date": "Date",
        "status": "Status",
        "version": "Version",
        "questions": "Questions",
        "terms_of_reference": "Terms of reference",
        "methodology": "Methodology",
        "disclaimer": "Disclaimer",
        "sources": "Sources",
        "bibliography": "Bibliography",
        "notes": "Notes",
        "warnings": "Warnings",
    },
}


class TemplateMissing(Exception):
    pass


def _folders(extra: Path | None) -> list[Path]:
    return [p for p in (extra, HERE) if p is not None]


def _environment(extra: Path | None) -> Environment:
    return Environment(
        loader=ChoiceLoader([FileSystemLoader(str(p)) for p in _folders(extra)]),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _context(doc: ReportDocument) -> dict[str, Any]:
    return {"doc": asdict(doc), "t": LABELS[doc.locale]}


def render_html(doc: ReportDocument, templates: Path | None = None) -> str:
    return _environment(templates).get_template(f"report.{doc.locale}.html").render(**_context(doc))


def render_pdf(doc: ReportDocument, templates: Path | None = None) -> bytes:
    from weasyprint import HTML  # imported when used: pango is needed only to write PDFs

    html = render_html(doc, templates)
    # base_url None and no url_fetcher reach: the HTML carries no external resources (no network)
    return HTML(string=html, base_url=None, url_fetcher=_no_fetch).write_pdf()  # type: ignore[no-any-return]


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    raise ValueError(f"reports load nothing from outside: {url[:80]}")


def render_docx(doc: ReportDocument, templates: Path | None = None) -> bytes:
    from docxtpl import DocxTemplate

    name = f"report.{doc.locale}.docx"
    path = next((p / name for p in _folders(templates) if (p / name).exists()), None)
    if path is None:
        raise TemplateMissing(name)
    template = DocxTemplate(str(path))
    template.render(_context(doc), autoescape=True)
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html; charset=utf-8",
}


def render_as(doc: ReportDocument, fmt: str, templates: Path | None = None) -> tuple[bytes, str]:
    """The document in one of ``MEDIA_TYPES``' formats, with its media type."""
    if fmt == "pdf":
        body = render_pdf(doc, templates)
    elif fmt == "docx":
        body = render_docx(doc, templates)
    elif fmt == "html":
        body = render_html(doc, templates).encode()
    else:
        raise ValueError(fmt)
    return body, MEDIA_TYPES[fmt]
