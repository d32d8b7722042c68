"""Write the Word templates report.fr.docx and report.en.docx (docxtpl: Jinja2 tags inside Word).

    python reports/templates/make_docx_templates.py

The research desk may open them in Word and restyle them, keeping the {{ }} and {%p %} tags. Word
footnotes are not available through python-docx: notes are numbered [n] in the text and listed at the end.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.shared import Pt

HERE = Path(__file__).parent


def make(path: Path) -> None:
    d = Document()
    style = d.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(10.5)
    d.add_paragraph("{{ t[doc.kind] }}")
    d.add_heading("{{ doc.title }}", level=0)
    d.add_paragraph("{%p if doc.reference %}")
    d.add_paragraph("{{ t.reference }} : {{ doc.reference }}")
    d.add_paragraph("{%p endif %}")
    d.add_paragraph("{%p if doc.country %}")
    d.add_paragraph("{{ t.country }} : {{ doc.country }}")
    d.add_paragraph("{%p endif %}")
    d.add_paragraph("{%p if doc.subject %}")
    d.add_paragraph("{{ t.subject }} : {{ doc.subject }}")
    d.add_paragraph("{%p endif %}")
    d.add_paragraph("{{ t.date }} : {{ doc.date }}")
    d.add_paragraph("{%p if doc.status %}")
    d.add_paragraph(
        "{{ t.status }} : {{ doc.status }} {% if doc.version %}— {{ t.version }} {{ doc.version }}{% endif %}"
    )
    d.add_paragraph("{%p endif %}")
    d.add_paragraph("{%p if doc.questions %}")
    d.add_heading("{{ t.questions if doc.kind == 'query_response' else t.terms_of_reference }}", level=1)
    d.add_paragraph("{%p for q in doc.questions %}")
    d.add_paragraph("{{ loop.index }}. {{ q }}")
    d.add_paragraph("{%p endfor %}")
    d.add_paragraph("{%p endif %}")
    d.add_paragraph("{%p if doc.methodology %}")
    d.add_heading("{{ t.methodology }}", level=1)
    d.add_paragraph("{%p for p in doc.methodology %}")
    d.add_paragraph("{{ p }}")
    d.add_paragraph("{%p endfor %}")
    d.add_paragraph("{%p endif %}")
    d.add_paragraph("{%p if doc.disclaimer %}")
    d.add_heading("{{ t.disclaimer }}", level=1)
    d.add_paragraph("{{ doc.disclaimer }}")
    d.add_paragraph("{%p endif %}")
    d.add_paragraph("{%p if doc.warnings %}")
    d.add_heading("{{ t.warnings }}", level=1)
    d.add_paragraph("{%p for w in doc.warnings %}")
    d.add_paragraph("– {{ w }}")
    d.add_paragraph("{%p endfor %}")
    d.add_paragraph("{%p endif %}")
    d.add_paragraph("{%p for s in doc.sections %}")
    d.add_heading("{{ s.title }}", level=1)
    d.add_paragraph("{%p if s.subtitle %}")
    d.add_paragraph("{{ s.subtitle }}")
    d.add_paragraph("{%p endif %}")
    d.add_paragraph("{%p for b in s.blocks %}")
    d.add_paragraph(
        "{% if b.label %}{{ b.label }} {% endif %}{% if b.kind == 'quote' %}« {{ b.text }} »{% else %}{{ b.text }}{% endif %}"
        "{% for n in b.notes %} [{{ n }}]{% endfor %}"
    )
    d.add_paragraph("{%p endfor %}")
    d.add_paragraph("{%p endfor %}")
    d.add_paragraph("{%p if doc.notes %}")
    d.add_heading("{{ t.notes }}", level=1)
    d.add_paragraph("{%p for n in doc.notes %}")
    d.add_paragraph("[{{ loop.index }}] {{ n }}")
    d.add_paragraph("{%p endfor %}")
    d.add_paragraph("{%p endif %}")
    d.add_paragraph("{%p if doc.bibliography %}")
    d.add_heading("{{ t.sources if doc.kind == 'query_response' else t.bibliography }}", level=1)
    d.add_paragraph("{%p for b in doc.bibliography %}")
    d.add_paragraph("{{ b }}")
    d.add_paragraph("{%p endfor %}")
    d.add_paragraph("{%p endif %}")
    d.add_paragraph("{%p if doc.annex %}")
    d.add_heading("{{ doc.annex_title }}", level=1)
    d.add_paragraph("{%p for a in doc.annex %}")
    d.add_paragraph("{{ loop.index }}. {{ a }}")
    d.add_paragraph("{%p endfor %}")
    d.add_paragraph("{%p endif %}")
    d.save(str(path))


if __name__ == "__main__":
    for locale in ("fr", "en"):
        make(HERE / f"report.{locale}.docx")
