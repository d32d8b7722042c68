"""Working groups (issue 23): the harmonisation committee, thematic and geographic groups.

A group shares a collection of COI documents and decisions, each with the group's tags and note; the group,
its collection and its notes are visible to its members only (anyone else gets the same 404 as for a group
that does not exist). Case documents never enter a collection (their need-to-know is the case's).

Mutualised nationalities: a division gives the examination of one nationality to another division (the
head of the giving division, or an admin, sets it); from then on the applications of that nationality
registered in the giving division are routed to the receiving division's head too: they appear in that
head's case list with full access, and the head may assign them to an officer (``services/access.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field, field_validator

from services.auth import Principal
from services.errors import Forbidden, InvalidInput, NotFound
from store.accounts import DIVISIONS, AccountRecords
from store.audit import AuditEntry, AuditLog
from store.documents import DocumentStore
from store.working_groups import GroupItem, GroupRecords, WorkingGroup

if TYPE_CHECKING:
    from services.context import AppContext

GroupKind = Literal["harmonisation", "thematic", "geographic"]
STAFF_ROLES = ("research_assistant", "protection_officer", "legal_consultant", "secretary")


class GroupIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    kind: GroupKind = "thematic"
    description: str = Field(default="", max_length=5000)
    members: list[str] = Field(default_factory=list, max_length=200)


class GroupItemIn(BaseModel):
    document_id: str = Field(min_length=1, max_length=64)
    tags: list[str] = Field(default_factory=list, max_length=20)
    note: str = Field(default="", max_length=20_000)

    @field_validator("tags")
    @classmethod
    def _tags(cls, v: list[str]) -> list[str]:
        out = [t.strip()[:40] for t in v if t.strip()]
        return list(dict.fromkeys(out))


class MutualisationIn(BaseModel):
    nationality: str = Field(pattern=r"^[A-Z]{3}$")
    from_division: str
    to_division: str

    @field_validator("from_division", "to_division")
    @classmethod
    def _division(cls, v: str) -> str:
        if v not in DIVISIONS:
            raise ValueError("unknown division")
        return v


class GroupSummary(BaseModel):
    id: int
    name: str
    kind: str
    description: str
    members: int


class GroupItemOut(BaseModel):
    document_id: str
    title: str
    kind: str  # coi | decision
    doc_type: str | None
    tags: list[str]
    note: str
    added_by: str
    added_at: str


class GroupOut(GroupSummary):
    member_names: list[str]
    items: list[GroupItemOut]  # the collection, most recent additions first


class MutualisationOut(BaseModel):
    id: int
    nationality: str
    from_division: str
    to_division: str
    set_by: str
    set_at: str


class GroupDesk:
    def __init__(self, records: GroupRecords, accounts: AccountRecords, store: DocumentStore, audit: AuditLog):
        self.records = records
        self.accounts = accounts
        self.store = store
        self.audit = audit

    @staticmethod
    def _staff(p: Principal) -> None:
        if not p.has(*STAFF_ROLES):
            raise Forbidden("group_staff_only")

    def _group(self, p: Principal, group_id: int, action: str) -> WorkingGroup:
        """The group if the caller is one of its members; a group of others answers like a missing one."""
        self._staff(p)
        g = self.records.get(group_id)
        if g is None or p.user_id not in self.records.member_ids(g.id):
            self.audit.append([AuditEntry(p.username, action, outcome="denied", subject=f"group:{group_id}")])
            raise NotFound(str(group_id))
        return g

    def _user_ids(self, usernames: list[str]) -> list[int]:
        out = []
        for name in usernames:
            u = self.accounts.by_name(name.strip())
            if u is None or not u.active or not set(u.roles or []) & set(STAFF_ROLES):
                raise InvalidInput("group_unknown_member", username=name[:64])
            out.append(u.id)
        return out

    def groups(self, p: Principal) -> list[GroupSummary]:
        """The caller's groups."""
        self._staff(p)
        mine = self.records.groups_of(p.user_id)
        return [
            GroupSummary(
                id=g.id,
                name=g.name,
                kind=g.kind,
                description=g.description,
                members=len(self.records.member_ids(g.id)),
            )
            for g in self.records.all()
            if g.id in mine
        ]

    def create(self, p: Principal, data: GroupIn) -> GroupSummary:
        self._staff(p)
        if self.records.name_taken(data.name.strip()):
            raise InvalidInput("group_exists")
        ids = [p.user_id, *self._user_ids(data.members)]
        g = self.records.create(
            WorkingGroup(name=data.name.strip(), kind=data.kind, description=data.description, created_by=p.username),
            ids,
        )
        self.audit.append([AuditEntry(p.username, "group.create", subject=f"group:{g.id}")])
        return GroupSummary(id=g.id, name=g.name, kind=g.kind, description=g.description, members=len(set(ids)))

    def get(self, p: Principal, group_id: int, limit: int = 100) -> GroupOut:
        g = self._group(p, group_id, "group.view")
        member_ids = self.records.member_ids(g.id)
        items = [
            GroupItemOut(
                document_id=d.id,
                title=d.title,
                kind=d.kind,
                doc_type=d.doc_type,
                tags=list(i.tags or []),
                note=i.note,
                added_by=i.added_by,
                added_at=i.added_at.isoformat(timespec="seconds"),
            )
            for i, d in self.records.items(g.id, limit)
        ]
        names = sorted(u.username for u in (self.accounts.get(i) for i in member_ids) if u)
        return GroupOut(
            id=g.id,
            name=g.name,
            kind=g.kind,
            description=g.description,
            members=len(member_ids),
            member_names=names,
            items=items,
        )

    def add_member(self, p: Principal, group_id: int, username: str) -> None:
        g = self._group(p, group_id, "group.member.add")
        (uid,) = self._user_ids([username])
        if not self.records.add_member(g.id, uid, p.username):
            raise InvalidInput("group_already_member")
        self.audit.append([AuditEntry(p.username, "group.member.add", subject=f"group:{g.id}:{username[:30]}")])

    def add_item(self, p: Principal, group_id: int, data: GroupItemIn) -> None:
        """A COI document or a decision into the collection; a case document is refused."""
        g = self._group(p, group_id, "group.item.add")
        try:
            d = self.store.get(data.document_id.strip())
        except NotFound:
            raise InvalidInput("group_unknown_document") from None
        if d.kind not in ("coi", "decision"):
            raise InvalidInput("group_unknown_document")  # a case document is answered like a missing one
        item = GroupItem(group_id=g.id, document_id=d.id, tags=data.tags, note=data.note, added_by=p.username)
        if not self.records.add_item(item):
            raise InvalidInput("group_item_exists")
        self.audit.append([AuditEntry(p.username, "group.item.add", document_id=d.id, subject=f"group:{g.id}")])

    # ---- mutualised nationalities ------------------------------------------------------------------------
    def mutualisations(self, p: Principal) -> list[MutualisationOut]:
        if not p.has("protection_officer", "secretary", "admin"):
            raise Forbidden("group_staff_only")
        return [
            MutualisationOut(
                id=m.id,
                nationality=m.nationality,
                from_division=m.from_division,
                to_division=m.to_division,
                set_by=m.set_by,
                set_at=m.set_at.isoformat(timespec="seconds"),
            )
            for m in self.records.mutualisations()
        ]

    @staticmethod
    def _may_mutualise(p: Principal, from_division: str) -> bool:
        return p.has("admin") or (p.has("protection_officer") and p.heads_division and p.division == from_division)

    def set_mutualisation(self, p: Principal, data: MutualisationIn) -> None:
        if not self._may_mutualise(p, data.from_division):
            raise Forbidden("group_mutualise_heads_only")
        if data.from_division == data.to_division:
            raise InvalidInput("group_same_division")
        self.records.set_mutualisation(data.nationality, data.from_division, data.to_division, p.username)
        self.audit.append(
            [
                AuditEntry(
                    p.username,
                    "division.mutualise",
                    subject=f"{data.nationality}:{data.from_division}>{data.to_division}",
                )
            ]
        )

    def remove_mutualisation(self, p: Principal, mutualisation_id: int) -> None:
        rows = {m.id: m for m in self.records.mutualisations()}
        row = rows.get(mutualisation_id)
        if row is None:
            raise NotFound(str(mutualisation_id))
        if not self._may_mutualise(p, row.from_division):
            raise Forbidden("group_mutualise_heads_only")
        self.records.remove_mutualisation(mutualisation_id)
        self.audit.append([AuditEntry(p.username, "division.mutualise.remove", subject=row.nationality)])


def group_desk(ctx: AppContext) -> GroupDesk:
    return GroupDesk(GroupRecords(ctx.db), ctx.cases.accounts, ctx.store, ctx.audit)
