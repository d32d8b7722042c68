"""Civil status (issue 18): acts drawn up for protected people, register number sequences, draft -> signed -> issued.

Tables are declared here (imported by ``store.db.register_tables``)."""

from __future__ import annotations
