"""Wires settings to the store, the archive, the index and the indexer: one place, one object."""

from __future__ import annotations

from dataclasses import dataclass, field

from analyzers.embeddings import E5Embedder
from config.settings import Settings
from ingest.indexer import Indexer
from services.actor_desk import ActorDesk
from services.auth import Accounts
from services.cases import CaseService
from services.crawls import CrawlDesk
from services.decisions import DecisionDesk
from services.dense import DenseSearch
from services.office_desk import OfficeDesk
from services.places import PlaceDesk
from services.reports import ReportDesk
from services.spelling import Speller
from services.thesaurus import ThesaurusDesk
from services.verify import Verifier
from services.verify_meaning import Meaning
from store.accounts import AccountRecords
from store.actor_entries import ActorEntries
from store.archive import Archive
from store.audit import AuditKey, AuditLog, Checkpoints
from store.cases import CaseRecords
from store.crawls import CrawlRuns
from store.db import Database
from store.decisions import DecisionRecords
from store.documents import DocumentStore
from store.index import SearchIndex, open_index
from store.jobs import Jobs
from store.notifications import NotificationRecords
from store.passages import PassageStore
from store.places import PlaceEntries
from store.reports import ReportRecords
from store.saved_searches import HistoryRecords, SavedSearchRecords
from store.thesaurus import ThesaurusEntries


@dataclass
class AppContext:
    settings: Settings
    db: Database
    store: DocumentStore
    index: SearchIndex
    indexer: Indexer
    accounts: Accounts
    audit: AuditLog
    cases: CaseService
    places: PlaceDesk
    thesaurus: ThesaurusDesk
    actors: ActorDesk
    jobs: Jobs
    crawls: CrawlRuns
    crawl_desk: CrawlDesk
    reports: ReportDesk
    decisions: DecisionDesk
    dense: DenseSearch
    meaning: Meaning = field(init=False)  # passage vectors of fact verification, kept across requests
    history: HistoryRecords = field(init=False)  # search history, saved searches, alerts (issue 17)
    saved: SavedSearchRecords = field(init=False)
    notifications: NotificationRecords = field(init=False)
    office: OfficeDesk = field(init=False)  # registration desk, civil status, interpreters (issue 18)
    spelling: Speller = field(init=False)  # the searchable documents' own words (corrections, suggestions)

    def __post_init__(self) -> None:
        self.meaning = Meaning(self.dense)
        self.history = HistoryRecords(self.db, self.audit)
        self.saved = SavedSearchRecords(self.db)
        self.notifications = NotificationRecords(self.db, self.audit)
        self.office = OfficeDesk.build(self.db, self.audit, self.cases, self.jobs, self.settings)
        self.spelling = Speller(self.store.public_signature, self.store.iter_public_texts)
        self.indexer.listeners.append(
            lambda docs: self.notifications.enqueue((d.id, d.version, d.updated) for d in docs)
        )

    def verifier(self) -> Verifier:
        """Fact verification on this context's store, engine, thesaurus and dense passages."""
        return Verifier(self.store, self.index, self.settings, self.thesaurus.vocabulary(), self.dense, self.meaning)

    @classmethod
    def open(cls, settings: Settings) -> AppContext:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        db = Database.for_settings(settings)
        store = DocumentStore(db, Archive(settings.archive_dir))
        index = open_index(settings)
        if getattr(index, "fresh", False) and store.count():
            store.enqueue_all()  # a new or upgraded embedded index is filled again from the store
        key = AuditKey(settings.audit_key_path)
        audit = AuditLog(db, key, Checkpoints(settings.audit_checkpoint_path, key, settings.audit_syslog))
        jobs = Jobs(db)
        actor_entries = ActorEntries(db)
        crawls = CrawlRuns(db)
        account_records = AccountRecords(db, audit)
        accounts = Accounts(account_records, settings)
        return cls(
            settings,
            db,
            store,
            index,
            Indexer(store, index),
            accounts,
            audit,
            CaseService(CaseRecords(db, audit), account_records, store, audit, settings, jobs),
            PlaceDesk(PlaceEntries(db)),
            ThesaurusDesk(ThesaurusEntries(db), actor_entries),
            ActorDesk(actor_entries),
            jobs,
            crawls,
            CrawlDesk(crawls, store, settings),
            ReportDesk(ReportRecords(db), store, accounts),
            DecisionDesk(DecisionRecords(db), store, index, settings),
            DenseSearch(
                PassageStore(db),
                E5Embedder(settings.data_dir / "models", settings.embed_threads),
                settings.dense_search,
            ),
        )

    def close(self) -> None:
        self.index.close()
        self.db.close()
