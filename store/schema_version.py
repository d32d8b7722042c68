"""The database schema's version, kept by Alembic (``store/migrations/``), on SQLite and PostgreSQL alike.

- A new, empty database is created from the models in one step and stamped with the newest revision
  (Alembic's recipe for building an up-to-date database from scratch); ``tests/store/test_migrations.py``
  checks that running every revision gives the same schema, triggers included.
- A database with a revision is upgraded to the newest one when coidesk opens it.
- A database made before migrations existed (tables, no revision) gets the missing tables and is stamped.
"""

from __future__ import annotations

import logging

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect

from store.models import Base

SCRIPT_LOCATION = "store:migrations"
logging.getLogger("alembic").setLevel(logging.WARNING)  # no "Context impl SQLiteImpl" lines on every CLI run


def alembic_config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config(None)).get_current_head()  # type: ignore[arg-type]
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def bring_up_to_date(engine: Engine) -> None:
    with engine.begin() as connection:
        tables = set(inspect(connection).get_table_names())
        config = alembic_config(connection)
        if "alembic_version" in tables:
            command.upgrade(config, "head")
            return
        Base.metadata.create_all(connection)
        command.stamp(config, "head")


def upgrade_step_by_step(engine: Engine) -> None:
    """Runs every revision from an empty database (what an office upgrading from the first release does)."""
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")
