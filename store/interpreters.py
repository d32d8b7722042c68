"""Interpreters (issue 18): contracted firms, interpreters, languages, code of conduct, assignments, conflicts of interest.

Tables are declared here (imported by ``store.db.register_tables``)."""

from __future__ import annotations
