"""JSON routes for the caller's own account and tokens, account management (admins) and the audit."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from search_api.auth import Admin, AuditReader, CurrentUser, ctx_of
from search_api.params import RowId
from services.auth import (
    AuditCheck,
    AuditRecordOut,
    FailuresCleared,
    Me,
    RolesSet,
    TokenCreated,
    TokenRevoked,
    UserActive,
    UserCreated,
    UserPublic,
)
from services.context import AppContext
from services.errors import InvalidInput
from store.models import MAX_ROW_ID

router = APIRouter(prefix="/api")
Ctx = Annotated[AppContext, Depends(ctx_of)]


class UserIn(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)
    full_name: str = Field(default="", max_length=200)
    roles: list[str] = Field(min_length=1, max_length=8)
    division: str | None = Field(default=None, max_length=32)
    heads_division: bool = False


class RolesIn(BaseModel):
    roles: list[str] = Field(min_length=1, max_length=8)
    division: str | None = Field(default=None, max_length=32)
    heads_division: bool = False


class TokenIn(BaseModel):
    name: str = Field(min_length=1, max_length=128)


@router.get("/me", tags=["account"])
def me(user: CurrentUser) -> Me:
    return Me(
        username=user.username, roles=sorted(user.roles), division=user.division, heads_division=user.heads_division
    )


@router.post("/me/tokens", status_code=201, tags=["account"])
def create_token(data: TokenIn, user: CurrentUser, c: Ctx) -> TokenCreated:
    """A new API token for scripts; the secret is shown once."""
    token_id, secret = c.accounts.create_token(user.user_id, data.name, user.username)
    return TokenCreated(id=token_id, token=secret)


@router.delete("/me/tokens/{token_id}", tags=["account"])
def revoke_token(token_id: RowId, user: CurrentUser, c: Ctx) -> TokenRevoked:
    return TokenRevoked(revoked=c.accounts.revoke_token(user.user_id, token_id))


@router.get("/users", tags=["admin"])
def list_users(admin: Admin, c: Ctx) -> list[UserPublic]:
    return [UserPublic.of(u) for u in c.accounts.list_users()]


@router.post("/users", status_code=201, tags=["admin"])
def create_user(data: UserIn, admin: Admin, c: Ctx) -> UserCreated:
    p = c.accounts.create_user(
        data.username, data.password, data.roles, data.full_name, data.division, data.heads_division, admin.username
    )
    return UserCreated(id=p.user_id, username=p.username)


@router.put("/users/{user_id}/roles", tags=["admin"])
def set_roles(user_id: RowId, data: RolesIn, user: CurrentUser, c: Ctx) -> RolesSet:
    p = c.accounts.set_roles(user, user_id, data.roles, data.division, data.heads_division)
    return RolesSet(id=p.user_id, roles=sorted(p.roles))


@router.post("/users/{user_id}/disable", tags=["admin"])
def disable_user(user_id: RowId, user: CurrentUser, c: Ctx) -> UserActive:
    c.accounts.set_active(user, user_id, False)
    return UserActive(active=False)


@router.post("/users/{user_id}/unlock", tags=["admin"])
def unlock_user(user_id: RowId, admin: Admin, c: Ctx) -> FailuresCleared:
    """Forget the account's failed logins (after checking with its owner): it may log in at once."""
    target = next((u for u in c.accounts.list_users() if u.id == user_id), None)
    if target is None:
        raise InvalidInput("unknown_user")
    return FailuresCleared(failures_cleared=c.accounts.unlock(admin.username, target.username))


@router.get("/audit", tags=["audit"])
def audit(
    reader: AuditReader,
    c: Ctx,
    case_id: Annotated[str | None, Query(max_length=32)] = None,
    user: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    before_id: Annotated[int | None, Query(ge=1, le=MAX_ROW_ID)] = None,
) -> list[AuditRecordOut]:
    """Who saw case X; what did user Y open. Never content: ids and actions only."""
    return [
        AuditRecordOut(
            id=r.id,
            at=r.at.isoformat() + "Z",
            user=r.actor,
            action=r.action,
            case_id=r.case_id,
            document_id=r.document_id,
            outcome=r.outcome,
        )
        for r in c.audit.query(case_id, user, limit, before_id)
    ]


@router.get("/audit/verify", tags=["audit"])
def audit_verify(reader: AuditReader, c: Ctx) -> AuditCheck:
    v = c.audit.verify()
    return AuditCheck(ok=v.ok, checked=v.checked, first_bad_id=v.first_bad_id, reason=v.reason)
