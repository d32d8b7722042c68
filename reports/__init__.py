"""COI reports and query responses (Jinja2 templates, HTML/PDF/DOCX). Not built yet: see issue 7."""
