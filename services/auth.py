"""Who is calling: local accounts, web sessions, API tokens, login throttling.

Every request re-reads the account (roles, division, active flag), so a revoked role or a disabled
account takes effect on the next request. Sessions and tokens are random secrets stored as sha256.
An identity provider (OpenID Connect) plugs in by mapping its subject to ``User.external_subject`` and
producing the same ``Principal``; nothing downstream knows how the user logged in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from pydantic import BaseModel

from config.settings import Settings
from services.errors import AuthError, Forbidden, InvalidInput
from store.accounts import DIVISIONS, ROLES, AccountRecords, User, WebSession
from store.audit import AuditEntry
from store.models import utcnow

_hasher = PasswordHasher()  # argon2id, memory-hard (RFC 9106 defaults of argon2-cffi)
_DUMMY_HASH = _hasher.hash("not a password of anyone")


@dataclass(frozen=True)
class Principal:
    user_id: int
    username: str
    roles: frozenset[str]
    division: str | None
    heads_division: bool
    session_id_hash: str | None = None  # set when authenticated by a web session (CSRF applies)
    csrf_token: str | None = None

    def has(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))


def _sha(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _principal(u: User, session: WebSession | None = None) -> Principal:
    return Principal(
        user_id=u.id,
        username=u.username,
        roles=frozenset(u.roles or []),
        division=u.division,
        heads_division=bool(u.heads_division),
        session_id_hash=session.id_hash if session else None,
        csrf_token=session.csrf_token if session else None,
    )


class Accounts:
    def __init__(self, records: AccountRecords, settings: Settings) -> None:
        self.records = records
        self.settings = settings

    @staticmethod
    def _audit(actor: str, action: str, subject: str) -> list[AuditEntry]:
        """Account events (creation, roles, activation, passwords, tokens, unlocking) are audited with the
        account they concern, in the same unit of work as the change."""
        return [AuditEntry(actor, action, subject=subject[:64])]

    # ---- account management --------------------------------------------------------------------
    def create_user(
        self,
        username: str,
        password: str | None,
        roles: list[str],
        full_name: str = "",
        division: str | None = None,
        heads_division: bool = False,
        actor: str = "system",
    ) -> Principal:
        self._check_roles(roles, division)
        if (
            not username
            or len(username) > 64
            or not username.replace(".", "").replace("-", "").replace("_", "").isalnum()
        ):
            raise InvalidInput("bad_username")
        if password is not None:
            self._check_password(password)
        if self.records.by_name(username):
            raise InvalidInput("user_exists")
        u = self.records.create(
            User(
                username=username,
                full_name=full_name,
                password_hash=_hasher.hash(password) if password is not None else None,
                roles=sorted(set(roles)),
                division=division,
                heads_division=heads_division,
            ),
            self._audit(actor, "account.create", username),
        )
        if u is None:
            raise InvalidInput("user_exists")
        return _principal(u)

    def _account(self, user_id: int) -> User:
        u = self.records.get(user_id)
        if u is None:
            raise InvalidInput("unknown_user")
        return u

    def set_roles(
        self, actor: Principal, user_id: int, roles: list[str], division: str | None, heads_division: bool
    ) -> Principal:
        if not actor.has("admin"):
            raise Forbidden("admin_only")
        self._check_roles(roles, division)
        u = self._account(user_id)
        values = {"roles": sorted(set(roles)), "division": division, "heads_division": heads_division}
        return _principal(self.records.update(u.id, values, self._audit(actor.username, "account.roles", u.username)))

    def set_active(self, actor: Principal, user_id: int, active: bool) -> None:
        if not actor.has("admin"):
            raise Forbidden("admin_only")
        u = self._account(user_id)
        action = "account.enable" if active else "account.disable"
        self.records.update(u.id, {"active": active}, self._audit(actor.username, action, u.username))

    def set_password(self, username: str, password: str, actor: str = "system") -> None:
        self._check_password(password)
        u = self.records.by_name(username)
        if u is None:
            raise InvalidInput("unknown_user")
        self.records.set_password_hash(u.id, _hasher.hash(password), self._audit(actor, "account.password", username))

    def unlock(self, actor: str, username: str) -> int:
        """Forget an account's failed logins (an admin, after checking with its owner); returns how many."""
        return self.records.clear_failures(username, self._audit(actor, "account.unlock", username))

    def login_delay(self, failures: int) -> int:
        """Seconds an account must wait after its last failure: none for the first failures, then
        doubling up to the window (a named account is slowed down, never locked for the whole window
        by five guesses; the per-client limit still stops one client guessing many accounts)."""
        over = failures - self.settings.login_max_failures
        if over < 0:
            return 0
        return int(min(self.settings.login_window_minutes * 60, self.settings.login_base_delay_seconds * 2**over))

    def list_users(self) -> list[User]:
        return self.records.all()

    def user_by_name(self, username: str) -> User | None:
        return self.records.by_name(username)

    def has_admin(self) -> bool:
        return any("admin" in (u.roles or []) and u.active for u in self.list_users())

    def _check_roles(self, roles: list[str], division: str | None) -> None:
        unknown = [r for r in roles if r not in ROLES]
        if unknown or not roles:
            raise InvalidInput("unknown_role", roles=", ".join(unknown) or "-")
        if division is not None and division not in DIVISIONS:
            raise InvalidInput("unknown_division")

    def _check_password(self, password: str) -> None:
        if len(password) < self.settings.password_min_chars or len(password) > 1024:
            raise InvalidInput("weak_password", min=self.settings.password_min_chars)

    # ---- login, sessions -------------------------------------------------------------------------
    def login(self, username: str, password: str, client: str) -> tuple[str, Principal]:
        """Check the password (throttled) and open a new session; returns (session secret, principal)."""
        username = username.strip()[:64]
        client = client[:64]
        window_start = utcnow() - dt.timedelta(minutes=self.settings.login_window_minutes)
        failures = self.records.failures(username, client, window_start)
        now = utcnow()
        if failures.by_client >= self.settings.login_max_failures_per_ip and failures.first is not None:
            wait = self.settings.login_window_minutes * 60 - (now - failures.first).total_seconds()
            raise AuthError("login_throttled", retry_after=max(1, int(wait) + 1))
        delay = self.login_delay(failures.by_user)
        last = failures.last
        if delay and last is not None and (now - last).total_seconds() < delay:
            raise AuthError("login_throttled", retry_after=max(1, int(delay - (now - last).total_seconds()) + 1))
        u = self.records.by_name(username)
        ok = False
        if u is not None and u.password_hash and u.active:
            try:
                ok = _hasher.verify(u.password_hash, password)
            except (VerifyMismatchError, VerificationError, InvalidHashError):
                ok = False
        else:
            try:  # same work whether or not the account exists
                _hasher.verify(_DUMMY_HASH, password)
            except (VerifyMismatchError, VerificationError, InvalidHashError):
                pass
        if not ok or u is None:
            self.records.add_failure(username, client)
            raise AuthError("bad_credentials")
        rehashed = _hasher.hash(password) if _hasher.check_needs_rehash(u.password_hash or "") else None
        secret = secrets.token_urlsafe(32)
        ws = self.records.open_session(u.id, _sha(secret), secrets.token_urlsafe(32), rehashed)
        return secret, _principal(u, ws)

    def from_session(self, secret: str) -> Principal:
        now = utcnow()
        idle = dt.timedelta(minutes=self.settings.session_idle_minutes)
        absolute = dt.timedelta(hours=self.settings.session_absolute_hours)
        ws = self.records.web_session(_sha(secret))
        if ws is None:
            raise AuthError("session_expired")
        if now - ws.last_seen > idle or now - ws.created_at > absolute:
            self.records.end_session(ws.id_hash)
            raise AuthError("session_expired")
        u = self.records.get(ws.user_id)
        if u is None or not u.active:
            self.records.end_session(ws.id_hash)
            raise AuthError("session_expired")
        if now - ws.last_seen > dt.timedelta(seconds=30):
            self.records.touch_session(ws.id_hash, now)
        return _principal(u, ws)

    def logout(self, secret: str) -> None:
        self.records.end_session(_sha(secret))

    # ---- API tokens ------------------------------------------------------------------------------
    def create_token(self, user_id: int, name: str, actor: str | None = None) -> tuple[int, str]:
        """A new API token; the secret is returned once and only its hash is kept."""
        secret = "cdk_" + secrets.token_urlsafe(32)
        owner = self.records.get(user_id)
        owner_name = owner.username if owner else str(user_id)
        audit = self._audit(actor or owner_name, "account.token.create", owner_name)
        return self.records.add_token(user_id, _sha(secret), name[:128], audit), secret

    def revoke_token(self, user_id: int, token_id: int) -> bool:
        owner = self.records.get(user_id)
        owner_name = owner.username if owner else str(user_id)
        return self.records.revoke_token(user_id, token_id, self._audit(owner_name, "account.token.revoke", owner_name))

    def from_token(self, secret: str) -> Principal:
        t = self.records.token(_sha(secret))
        if t is None or t.revoked_at is not None or not hmac.compare_digest(t.token_hash, _sha(secret)):
            raise AuthError("bad_token")
        u = self.records.get(t.user_id)
        if u is None or not u.active:
            raise AuthError("bad_token")
        now = utcnow()
        if t.last_used is None or now - t.last_used > dt.timedelta(minutes=1):
            self.records.touch_token(t.id, now)
        return _principal(u)


# ---- what the account, admin and audit API answers (OpenAPI shows these shapes) -------------------
class Me(BaseModel):
    """The caller's own account as the server sees it on this request."""

    username: str
    roles: list[str]  # sorted
    division: str | None
    heads_division: bool


class TokenCreated(BaseModel):
    id: int
    token: str  # the secret, shown this once


class TokenRevoked(BaseModel):
    revoked: bool


class UserPublic(BaseModel):
    id: int
    username: str
    full_name: str
    roles: list[str]
    division: str | None
    heads_division: bool
    active: bool

    @classmethod
    def of(cls, u: User) -> UserPublic:
        return cls(
            id=u.id,
            username=u.username,
            full_name=u.full_name,
            roles=u.roles,
            division=u.division,
            heads_division=u.heads_division,
            active=u.active,
        )


class UserCreated(BaseModel):
    id: int
    username: str


class RolesSet(BaseModel):
    id: int
    roles: list[str]  # sorted


class UserActive(BaseModel):
    active: bool


class FailuresCleared(BaseModel):
    failures_cleared: int  # failed logins forgotten


class AuditRecordOut(BaseModel):
    """One audit record: ids and actions only, never content."""

    id: int
    at: str  # ISO date and time, UTC ("Z")
    user: str
    action: str
    case_id: str | None
    document_id: str | None
    outcome: str  # ok | denied | missing


class AuditCheck(BaseModel):
    """The audit chain checked from its start."""

    ok: bool
    checked: int  # records checked
    first_bad_id: int | None
    reason: str | None
