"""COI reports and query responses: one document model (``reports/model.py``) rendered to HTML, PDF and
DOCX through templates the research desk can adapt (``reports/templates/``, or a folder of its own)."""
