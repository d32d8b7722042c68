"""Alembic environment: runs on the connection coidesk hands it (``store/schema_version.py``)."""

from __future__ import annotations

from alembic import context

from store.db import register_tables
from store.models import Base

register_tables()
connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
