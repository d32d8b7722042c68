"""Accounts, API tokens, web sessions and failed logins (tables of the system of record).

Secrets are never stored: session ids and API tokens are kept as their sha256, passwords as argon2 hashes.
``external_subject`` is where an identity provider's subject (OpenID Connect ``sub``) maps to a local account.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text, delete, func, select
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Mapped, mapped_column

from store.audit import AuditEntry, AuditLog
from store.db import Database
from store.models import Base, utcnow

ROLES = (
    "research_assistant",
    "protection_officer",
    "legal_consultant",
    "secretary",
    "archivist",
    "civil_registrar",
    "interpreter",  # of a contracted firm: sees only their own interview assignments (issue 18)
    "researcher",  # accredited, of the history and archives mission: sees only files transferred to them (issue 23)
    "data_protection",
    "admin",
)
DIVISIONS = ("africa", "americas_maghreb", "asia", "europe_middle_east")


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    full_name: Mapped[str] = mapped_column(Text, default="")
    password_hash: Mapped[str | None] = mapped_column(Text)  # None: no local password (identity provider)
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    division: Mapped[str | None] = mapped_column(String(32))
    heads_division: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    external_subject: Mapped[str | None] = mapped_column(String(255), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # bumped on every change of roles, division or status: sessions and tokens re-read the account anyway
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    user_id: Mapped[int] = mapped_column(Integer, ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_used: Mapped[dt.datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class WebSession(Base):
    __tablename__ = "web_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer, ForeignKey("users.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_seen: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class LoginFailure(Base):
    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    client: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)


@dataclass(frozen=True)
class LoginFailures:
    """Failed logins in the throttling window: of one account (and the last one), of one client (and the first)."""

    by_user: int
    last: dt.datetime | None
    by_client: int
    first: dt.datetime | None


class AccountRecords:
    """Accounts, web sessions, API tokens and failed logins. Changes to an account take the audit entries
    that record them and commit them in the same unit of work."""

    def __init__(self, db: Database, audit: AuditLog) -> None:
        self.db = db
        self.audit = audit

    # ---- accounts ------------------------------------------------------------------------------------
    def get(self, user_id: int) -> User | None:
        with self.db.session() as s:
            return s.get(User, user_id)

    def by_name(self, username: str) -> User | None:
        with self.db.session() as s:
            return s.scalars(select(User).where(User.username == username)).first()

    def all(self) -> list[User]:
        with self.db.session() as s:
            return list(s.scalars(select(User).order_by(User.username)))

    def create(self, user: User, audit: list[AuditEntry]) -> User | None:
        """The new account, or None if the username is taken."""
        with self.db.session() as s:
            if s.scalars(select(User).where(User.username == user.username)).first():
                return None
            s.add(user)
            s.flush()
            self.audit.append(audit, s)
            return user

    def update(self, user_id: int, values: dict[str, Any], audit: list[AuditEntry]) -> User:
        """Change these fields; ``changed_at`` is bumped, so sessions and tokens see the change."""
        with self.db.session() as s:
            u = s.get(User, user_id)
            assert u is not None
            for name, value in values.items():
                setattr(u, name, value)
            u.changed_at = utcnow()
            self.audit.append(audit, s)
            if values.get("active") is False:  # a disabled account loses its sessions and tokens at once
                s.execute(delete(WebSession).where(WebSession.user_id == user_id))
                for t in s.scalars(select(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))):
                    t.revoked_at = utcnow()
            return u

    def set_password_hash(self, user_id: int, password_hash: str, audit: list[AuditEntry]) -> None:
        """A new password; the account's web sessions end."""
        with self.db.session() as s:
            u = s.get(User, user_id)
            assert u is not None
            u.password_hash = password_hash
            s.execute(delete(WebSession).where(WebSession.user_id == user_id))
            self.audit.append(audit, s)

    # ---- failed logins -------------------------------------------------------------------------------
    def failures(self, username: str, client: str, since: dt.datetime) -> LoginFailures:
        with self.db.session() as s:
            by_user, last = s.execute(
                select(func.count(), func.max(LoginFailure.at)).where(
                    LoginFailure.username == username, LoginFailure.at >= since
                )
            ).one()
            by_client, first = s.execute(
                select(func.count(), func.min(LoginFailure.at)).where(
                    LoginFailure.client == client, LoginFailure.at >= since
                )
            ).one()
            return LoginFailures(by_user or 0, last, by_client or 0, first)

    def add_failure(self, username: str, client: str) -> None:
        with self.db.session() as s:
            s.add(LoginFailure(username=username, client=client))

    def clear_failures(self, username: str, audit: list[AuditEntry]) -> int:
        """Forget an account's failed logins; returns how many."""
        with self.db.session() as s:
            result = cast("CursorResult[Any]", s.execute(delete(LoginFailure).where(LoginFailure.username == username)))
            n = result.rowcount or 0
            self.audit.append(audit, s)
            return int(n)

    # ---- web sessions --------------------------------------------------------------------------------
    def open_session(self, user_id: int, id_hash: str, csrf_token: str, rehashed: str | None) -> WebSession:
        """After a good password: the account's failed logins are forgotten, its hash upgraded if
        ``rehashed``, and a new web session opened."""
        with self.db.session() as s:
            u = s.get(User, user_id)
            assert u is not None
            s.execute(delete(LoginFailure).where(LoginFailure.username == u.username))
            if rehashed is not None:
                u.password_hash = rehashed
            ws = WebSession(id_hash=id_hash, user_id=user_id, csrf_token=csrf_token)
            s.add(ws)
            s.flush()
            return ws

    def web_session(self, id_hash: str) -> WebSession | None:
        with self.db.session() as s:
            return s.get(WebSession, id_hash)

    def touch_session(self, id_hash: str, now: dt.datetime) -> None:
        with self.db.session() as s:
            ws = s.get(WebSession, id_hash)
            if ws is not None:
                ws.last_seen = now

    def end_session(self, id_hash: str) -> None:
        with self.db.session() as s:
            s.execute(delete(WebSession).where(WebSession.id_hash == id_hash))

    # ---- API tokens ----------------------------------------------------------------------------------
    def add_token(self, user_id: int, token_hash: str, name: str, audit: list[AuditEntry]) -> int:
        with self.db.session() as s:
            t = ApiToken(token_hash=token_hash, user_id=user_id, name=name)
            s.add(t)
            s.flush()
            self.audit.append(audit, s)
            return t.id

    def revoke_token(self, user_id: int, token_id: int, audit: list[AuditEntry]) -> bool:
        """False if the token is not this user's or is revoked already."""
        with self.db.session() as s:
            t = s.get(ApiToken, token_id)
            if t is None or t.user_id != user_id or t.revoked_at is not None:
                return False
            t.revoked_at = utcnow()
            self.audit.append(audit, s)
            return True

    def token(self, token_hash: str) -> ApiToken | None:
        with self.db.session() as s:
            return s.scalars(select(ApiToken).where(ApiToken.token_hash == token_hash)).first()

    def touch_token(self, token_id: int, now: dt.datetime) -> None:
        with self.db.session() as s:
            t = s.get(ApiToken, token_id)
            if t is not None:
                t.last_used = now
