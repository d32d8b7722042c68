"""Wires settings to the store, the archive, the index and the indexer: one place, one object."""

from __future__ import annotations

from dataclasses import dataclass

from config.settings import Settings
from ingest.indexer import Indexer
from store.archive import Archive
from store.db import Database
from store.documents import DocumentStore
from store.index import SearchIndex, open_index


@dataclass
class AppContext:
    settings: Settings
    db: Database
    store: DocumentStore
    index: SearchIndex
    indexer: Indexer

    @classmethod
    def open(cls, settings: Settings) -> AppContext:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        db = Database(settings.sqlalchemy_url)
        store = DocumentStore(db, Archive(settings.archive_dir))
        index = open_index(settings)
        if getattr(index, "fresh", False) and store.count():
            store.enqueue_all()  # a new or upgraded embedded index is filled again from the store
        return cls(settings, db, store, index, Indexer(store, index))

    def close(self) -> None:
        self.index.close()
        self.db.close()
