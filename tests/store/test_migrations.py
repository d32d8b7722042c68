"""Alembic migrations on both databases: the revisions build the same schema as the models, the audit
table stays append-only after a migration, and an existing database is brought up to date without loss."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import DBAPIError

from store.db import Database, register_tables
from store.models import Base
from store.schema_version import bring_up_to_date, current_revision, head_revision, upgrade_step_by_step
from tests.engines.scale import fresh_database, pg_url
from tests.engines.search_server import required

DATABASES = ["sqlite"] + (["postgresql"] if pg_url() else [])
if required() and not pg_url():
    raise RuntimeError("COIDESK_REQUIRE_ENGINES=1 but no PostgreSQL: run `make engines-up` first")


@pytest.fixture(params=DATABASES)
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    return fresh_database()


@pytest.fixture()
def bare_engine(empty_url: str) -> Iterator[Engine]:
    engine = create_engine(empty_url)
    yield engine
    engine.dispose()


def _differences(engine: Engine) -> list[object]:
    register_tables()
    with engine.connect() as connection:
        return list(compare_metadata(MigrationContext.configure(connection), Base.metadata))


def _append_only(engine: Engine) -> None:
    with engine.begin() as con:
        con.execute(
            text(
                "INSERT INTO audit (at, actor, action, outcome, prev_hash, hash) "
                "VALUES ('2026-01-01 00:00:00', 'a', 'case.view', 'ok', 'p', 'h')"
            )
        )
    for statement in ("UPDATE audit SET actor = 'b'", "DELETE FROM audit"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as con:
            con.execute(text(statement))


def test_every_revision_run_in_turn_gives_the_models_schema(bare_engine: Engine) -> None:
    upgrade_step_by_step(bare_engine)
    assert current_revision(bare_engine) == head_revision()
    assert _differences(bare_engine) == []
    _append_only(bare_engine)


def test_a_new_database_is_created_at_the_newest_revision(bare_engine: Engine) -> None:
    bring_up_to_date(bare_engine)
    assert current_revision(bare_engine) == head_revision()
    assert _differences(bare_engine) == []
    _append_only(bare_engine)


def test_a_database_from_before_migrations_is_stamped_and_keeps_its_rows(empty_url: str) -> None:
    engine = create_engine(empty_url)
    register_tables()
    Base.metadata.create_all(engine)  # how the first installations were created
    with engine.begin() as con:
        con.execute(text("DROP TABLE report_citations"))  # a table added later
        con.execute(
            text(
                "INSERT INTO audit (at, actor, action, outcome, prev_hash, hash) "
                "VALUES ('2026-01-01 00:00:00', 'a', 'case.view', 'ok', 'p', 'h')"
            )
        )
    engine.dispose()
    db = Database(empty_url)  # what coidesk does when it opens a database
    try:
        assert current_revision(db.engine) == head_revision()
        assert _differences(db.engine) == []
        with db.engine.connect() as con:
            assert con.execute(text("SELECT count(*) FROM audit")).scalar() == 1
    finally:
        db.close()


def test_opening_a_database_twice_changes_nothing(empty_url: str) -> None:
    for _ in range(2):
        db = Database(empty_url)
        assert current_revision(db.engine) == head_revision()
        db.close()
