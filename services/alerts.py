"""Alerts: documents new or changed since a user followed a saved search, matched against that search.

Percolator-like, on both engines and through the one ``SearchIndex`` interface: after the index writer has
committed a batch, its documents are queued (``alert_queue``); the matcher leases a batch of them, runs
each followed search once, restricted to those document ids (an ``id`` filter, so the engine only scores
the new documents) with every word required (``match=all``: a partial match is not worth an alert), and
keeps, for each follower, the hits that follower may see:

- a case document only when the follower may read its case at registration level (services/access.py),
  checked again when the inbox is read (the notification row holds ids only; titles are read at display);
- only documents changed after the follow began; one notification per (search, user, document, version).

Notifications are durable before they are shown and the queue rows are dropped in the same unit of work
(store/notifications.py), so a matcher killed at any point loses nothing and duplicates nothing.
E-mail (only when SMTP is configured) carries a count and a link, never a title or a query.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import smtplib
import time
from collections import defaultdict
from email.message import EmailMessage
from typing import TYPE_CHECKING

from pydantic import BaseModel

from config.messages import message
from ingest.background import BackgroundLoop
from services.access import at_least, case_level
from services.auth import Principal
from services.expansion import Vocabulary
from services.saved_searches import may_see, params_from_dict
from services.search import build_query
from store.audit import AuditEntry
from store.index.errors import BadQuery
from store.index.query import FieldFilter, Permission, SearchQuery
from store.models import SavedSearch, SearchFollow, utcnow
from store.notifications import NewNotification

if TYPE_CHECKING:
    from services.context import AppContext

log = logging.getLogger(__name__)
MATCH_BATCH = 200  # documents per lease (each followed search runs once per batch)


@dataclasses.dataclass
class MatchReport:
    documents: int = 0
    searches_run: int = 0
    notifications: int = 0
    failed_searches: int = 0
    seconds: float = 0.0


def principal_of(ctx: AppContext, user_id: int, cache: dict[int, Principal | None]) -> Principal | None:
    if user_id not in cache:
        u = ctx.accounts.records.get(user_id)
        cache[user_id] = (
            Principal(u.id, u.username, frozenset(u.roles or []), u.division, bool(u.heads_division))
            if u is not None and u.active
            else None
        )
    return cache[user_id]


def match_pending(ctx: AppContext, batch: int = MATCH_BATCH, lease_seconds: float = 300.0) -> MatchReport:
    """Match every queued document against the followed searches; returns what was done."""
    report = MatchReport()
    start = time.perf_counter()
    while True:
        lease = ctx.notifications.lease(batch, lease_seconds)
        if lease is None:
            break
        latest: dict[str, int] = {}
        for r in lease.rows:
            latest[r.document_id] = max(latest.get(r.document_id, 0), r.version)
        found, audit, run, failed = match_documents(ctx, list(latest))
        report.documents += len(latest)
        report.searches_run += run
        report.failed_searches += failed
        report.notifications += ctx.notifications.complete(lease, found, audit)
    report.seconds = time.perf_counter() - start
    return report


def match_documents(ctx: AppContext, doc_ids: list[str]) -> tuple[list[NewNotification], list[AuditEntry], int, int]:
    docs = {d.id: d for d in ctx.store.get_many(doc_ids)}
    follows = ctx.saved.all_follows()
    if not docs or not follows:
        return [], [], 0, 0
    by_search: dict[int, list[SearchFollow]] = defaultdict(list)
    for f in follows:
        by_search[f.saved_search_id].append(f)
    searches = ctx.saved.get_many(list(by_search))
    # the engine sees the case documents of this batch only; who may read each is decided per follower below
    case_ids = frozenset(d.case_id for d in docs.values() if d.kind == "case_document" and d.case_id)
    permission = Permission(case_ids=case_ids)
    ids = tuple(sorted(docs))
    vocabulary = ctx.thesaurus.vocabulary()
    principals: dict[int, Principal | None] = {}
    may_read: dict[tuple[int, str], bool] = {}
    found: list[NewNotification] = []
    audit: list[AuditEntry] = []
    run = failed = 0
    for search_id, fs in by_search.items():
        s = searches.get(search_id)
        if s is None:
            continue
        followers = [(f, p) for f in fs if (p := principal_of(ctx, f.user_id, principals)) and may_see(p, s)]
        if not followers:
            continue
        hits = _hits(ctx, s, ids, permission, vocabulary)
        run += 1
        if hits is None:
            failed += 1
            continue
        for doc_id in hits:
            d = docs[doc_id]
            for f, p in followers:
                if d.updated < f.since:
                    continue  # older than the follow: not news to this follower
                if d.kind == "case_document":
                    key = (p.user_id, d.case_id or "")
                    if key not in may_read:
                        case = ctx.cases.records.get(d.case_id) if d.case_id else None
                        level = case_level(ctx.cases.records, p, case) if case else None
                        may_read[key] = at_least(level, "registration")
                    if not may_read[key]:
                        continue
                    audit.append(AuditEntry(p.username, "alert.match", d.case_id, d.id))
                found.append(
                    NewNotification(
                        user_id=p.user_id,
                        saved_search_id=s.id,
                        document_id=d.id,
                        version=d.version,
                        change="new" if d.version == 1 else "changed",
                        case_id=d.case_id if d.kind == "case_document" else None,
                    )
                )
    return found, audit, run, failed


# parsed and expanded saved searches, by (id, last change, vocabulary): parsing is a third of a match
_BUILT: dict[tuple[int, object, int], SearchQuery | None] = {}
_KEPT: dict[int, Vocabulary] = {}  # the vocabularies keyed by id() stay alive, so no id is reused while cached


def _built(ctx: AppContext, s: SavedSearch, vocabulary: Vocabulary) -> SearchQuery | None:
    key = (s.id, s.updated_at, id(vocabulary))
    if key not in _BUILT:
        if len(_BUILT) > 20_000 or len(_KEPT) > 8:
            _BUILT.clear()
            _KEPT.clear()
        _KEPT[id(vocabulary)] = vocabulary
        params = dataclasses.replace(params_from_dict(s.params), match="all", facets="none", size=1, cursor=None)
        try:
            _BUILT[key] = build_query(params, ctx.settings, highlight=False, vocabulary=vocabulary)
        except BadQuery:
            log.warning("saved search %s no longer parses; skipped", s.id)
            _BUILT[key] = None
    return _BUILT[key]


def _hits(
    ctx: AppContext, s: SavedSearch, ids: tuple[str, ...], permission: Permission, vocabulary: Vocabulary
) -> list[str] | None:
    built = _built(ctx, s, vocabulary)
    if built is None:
        return None
    query = dataclasses.replace(
        built,
        filters=(*built.filters, FieldFilter("id", ids)),
        permission=permission,
        limit=len(ids),
        facets=(),
        sort="relevance",
        cursor=None,
        semantic_text=None,
        all_words=None,
    )
    try:
        return [h.id for h in ctx.index.search(query).hits]
    except BadQuery:
        log.warning("saved search %s refused by the engine; skipped", s.id)
        return None


# ---- inbox ----------------------------------------------------------------------------------------------
class InboxItem(BaseModel):
    id: int
    saved_search_id: int
    saved_search: str
    document_id: str
    kind: str
    title: str
    source: str
    published: dt.date | None
    change: str
    version: int
    created_at: dt.datetime
    read: bool


class Inbox(BaseModel):
    unread: int
    items: list[InboxItem]


def unread_count(ctx: AppContext, user: Principal) -> int:
    return ctx.notifications.unread_count(user.user_id, ctx.cases.search_permission(user).case_ids)


def inbox(ctx: AppContext, user: Principal, limit: int = 200, unread_only: bool = False) -> Inbox:
    """The user's notifications they may still see: a case document's only while need-to-know holds (SQL
    filter on the visible cases, then the access rule again per document); each one shown is audited."""
    visible = ctx.cases.search_permission(user).case_ids
    rows = ctx.notifications.of_user(user.user_id, visible, limit, unread_only)
    docs = {d.id: d for d in ctx.store.get_many(sorted({n.document_id for n in rows}))}
    searches = ctx.saved.get_many(sorted({n.saved_search_id for n in rows}))
    items: list[InboxItem] = []
    audit: list[AuditEntry] = []
    for n in rows:
        d = docs.get(n.document_id)
        s = searches.get(n.saved_search_id)
        if d is None or s is None or not may_see(user, s):
            continue
        if d.kind == "case_document":
            case = ctx.cases.records.get(d.case_id) if d.case_id else None
            if not at_least(case_level(ctx.cases.records, user, case) if case else None, "registration"):
                continue
            audit.append(AuditEntry(user.username, "alert.view", d.case_id, d.id))
        items.append(
            InboxItem(
                id=n.id,
                saved_search_id=s.id,
                saved_search=s.name,
                document_id=d.id,
                kind=d.kind,
                title=d.title,
                source=d.source,
                published=d.published,
                change=n.change,
                version=n.version,
                created_at=n.created_at,
                read=n.read_at is not None,
            )
        )
    if audit:
        ctx.audit.append(audit)  # fails closed: no audit record, no case document shown
    return Inbox(unread=unread_count(ctx, user), items=items)


def mark_read(ctx: AppContext, user: Principal, ids: list[int] | None) -> int:
    return ctx.notifications.mark_read(user.user_id, ids)


# ---- e-mail ---------------------------------------------------------------------------------------------
def send_emails(ctx: AppContext, now: dt.datetime | None = None) -> int:
    """When SMTP is configured: one message per follow with unread, unmailed notifications (immediate), or
    at most one a day (daily). The message says how many and links to the inbox: no title, no query."""
    settings = ctx.settings
    if not settings.smtp_host:
        return 0
    now = now or utcnow()
    sent = 0
    principals: dict[int, Principal | None] = {}
    for f in ctx.saved.all_follows():
        if f.email == "none":
            continue
        if f.email == "daily" and f.last_email_at and now - f.last_email_at < dt.timedelta(hours=24):
            continue
        p = principal_of(ctx, f.user_id, principals)
        if p is None:
            continue
        pending = ctx.notifications.unemailed(f)
        if not pending:
            continue
        locale = settings.default_locale
        msg = EmailMessage()
        msg["From"] = settings.smtp_from
        msg["To"] = settings.mail_address_template.format(username=p.username)
        msg["Subject"] = message("alert_mail_subject", locale)
        link = f"{settings.public_url.rstrip('/')}/inbox"
        msg.set_content(message("alert_mail_body", locale, count=len(pending), url=link))
        try:
            with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:
                if settings.smtp_starttls:
                    smtp.starttls()
                if settings.smtp_username:
                    smtp.login(settings.smtp_username, settings.smtp_password or "")
                smtp.send_message(msg)
        except (OSError, smtplib.SMTPException):
            log.warning("alert e-mail not sent (SMTP); will retry")
            return sent
        ctx.notifications.mark_emailed([n.id for n in pending], now)
        ctx.saved.mark_emailed([f.id], now)
        sent += 1
    return sent


class AlertLoop(BackgroundLoop):
    """The server's matcher: queued documents against followed searches, then the e-mails."""

    name, backoff, join_s = "coidesk-alerts", 6, 30.0

    def __init__(self, ctx: AppContext, interval: float = 1.0, email_every_s: float = 60.0) -> None:
        super().__init__(interval)
        self.ctx = ctx
        self.email_every_s = email_every_s
        self._last_email = 0.0

    def step(self) -> bool:
        report = match_pending(self.ctx)
        if report.documents:
            log.info(
                "alerts: %d documents matched against %d searches, %d notifications in %.2fs",
                report.documents,
                report.searches_run,
                report.notifications,
                report.seconds,
            )
        if report.notifications or time.monotonic() - self._last_email > self.email_every_s:
            self._last_email = time.monotonic()
            send_emails(self.ctx)
        return False
