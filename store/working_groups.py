"""Working groups (issue 23): groups, members, shared collections with tags and notes, mutualised nationalities.

Tables are declared here (imported by ``store.db.register_tables``)."""

from __future__ import annotations
