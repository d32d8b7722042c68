"""Archives stores (issue 23): stores, shelves, capacity, conservation readings, transfers to the reading room.

Tables are declared here (imported by ``store.db.register_tables``)."""

from __future__ import annotations
