"""Database engine and sessions. SQLite in WAL mode for the embedded default."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from store.schema_version import bring_up_to_date

if TYPE_CHECKING:
    from config.settings import Settings


def register_tables() -> None:
    """Import every module that declares tables so ``create_all`` sees them."""
    import store.accounts  # noqa: F401
    import store.actor_entries  # noqa: F401
    import store.archive_stores  # noqa: F401
    import store.audit  # noqa: F401
    import store.cases  # noqa: F401
    import store.civil_status  # noqa: F401
    import store.crawls  # noqa: F401
    import store.decisions  # noqa: F401
    import store.interpreters  # noqa: F401
    import store.jobs  # noqa: F401
    import store.missions  # noqa: F401
    import store.passages  # noqa: F401
    import store.places  # noqa: F401
    import store.pseudonyms  # noqa: F401
    import store.registration  # noqa: F401
    import store.reports  # noqa: F401
    import store.thesaurus  # noqa: F401
    import store.working_groups  # noqa: F401


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()
    else:
        engine = create_engine(url, pool_pre_ping=True)
    register_tables()
    bring_up_to_date(engine)
    return engine


class Database:
    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @classmethod
    def for_settings(cls, settings: Settings) -> Database:
        return cls(settings.sqlalchemy_url)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed on success, rolled back on any error."""
        with self._sessions() as s:
            try:
                yield s
                s.commit()
            except BaseException:
                s.rollback()
                raise

    def close(self) -> None:
        self.engine.dispose()
