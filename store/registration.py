"""Registration desk (issue 18): the register of incoming mail and applications, completeness checklists, receipts of originals.

Tables are declared here (imported by ``store.db.register_tables``)."""

from __future__ import annotations
