"""Missions (issue 23): information-gathering missions, their reports and their oral sources.

A mission's country, dates, purpose, terms of reference, reports and the anonymised description of its oral
sources are open to the research desk, officers and legal consultants. An oral source's identity (name,
organisation, contact) is shown to the mission's members only, each time audited; it is kept in its own
table and never reaches a document, so search, facets, exports and reports cannot carry it. Reports cite a
source by its anonymised reference, in the EUAA oral-source style:
"Source orale n° 3, responsable d'une ONG, Khartoum, entretien du 12 mars 2026".
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import TYPE_CHECKING, Literal

from babel.dates import format_date
from pydantic import BaseModel, Field, field_validator

from config.messages import message
from config.settings import Settings
from services.auth import Principal
from services.errors import Forbidden, InvalidInput, NotFound
from store.accounts import AccountRecords
from store.audit import AuditEntry, AuditLog
from store.documents import DocumentStore
from store.jobs import Jobs
from store.missions import Mission, MissionRecords, MissionReport, OralSource, OralSourceIdentity

if TYPE_CHECKING:
    from services.context import AppContext

DESK_ROLES = ("research_assistant", "protection_officer", "legal_consultant")
InterviewType = Literal["in_person", "phone", "video", "written"]


class MissionIn(BaseModel):
    title: str = Field(min_length=1, max_length=300)
    country: str = Field(pattern=r"^[A-Z]{3}$")
    starts_on: dt.date
    ends_on: dt.date
    purpose: str = Field(default="", max_length=5000)
    terms_of_reference: str = Field(default="", max_length=50_000)
    members: list[str] = Field(default_factory=list, max_length=50)  # accounts besides its creator


class OralSourceIn(BaseModel):
    description: str = Field(min_length=1, max_length=300)  # anonymised: "responsable d'une ONG"
    place: str = Field(min_length=1, max_length=200)
    met_on: dt.date
    interview_type: InterviewType = "in_person"
    reliability_note: str = Field(default="", max_length=5000)
    # identity: members only
    full_name: str = Field(min_length=1, max_length=200)
    organisation: str = Field(default="", max_length=300)
    contact: str = Field(default="", max_length=300)

    @field_validator("description", "place", "full_name")
    @classmethod
    def _strip(cls, v: str) -> str:
        v = v.strip()
        if not v:
            raise ValueError("empty")
        return v


class Identity(BaseModel):
    full_name: str
    organisation: str
    contact: str


class OralSourceOut(BaseModel):
    id: int
    number: int
    description: str
    place: str
    met_on: str
    interview_type: str
    reliability_note: str
    citation: str  # the anonymised reference to put in a report
    identity: Identity | None = None  # the mission's members only


class MissionReportOut(BaseModel):
    id: int
    title: str
    job_id: int
    document_id: str | None  # once ingested: a COI document of type mission_report
    added_by: str
    added_at: str


class MissionSummary(BaseModel):
    id: int
    title: str
    country: str
    starts_on: str
    ends_on: str
    member: bool  # whether the caller is one of its members


class MissionOut(MissionSummary):
    purpose: str
    terms_of_reference: str
    members: list[str]
    created_by: str
    sources: list[OralSourceOut]
    reports: list[MissionReportOut]


def citation(src: OralSource, locale: str) -> str:
    """EUAA oral-source style: description of the source, place, type of interview and date; no identity."""
    return message(
        "mission_oral_citation",
        locale,
        number=src.number,
        description=src.description,
        place=src.place,
        interview=message(f"mission_interview_{src.interview_type}", locale),
        date=format_date(src.met_on, "d MMMM y", locale=locale),
    )


def _folded(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


class MissionDesk:
    def __init__(
        self,
        records: MissionRecords,
        accounts: AccountRecords,
        store: DocumentStore,
        jobs: Jobs,
        audit: AuditLog,
        settings: Settings,
    ) -> None:
        self.records = records
        self.accounts = accounts
        self.store = store
        self.jobs = jobs
        self.audit = audit
        self.settings = settings

    @staticmethod
    def _desk(p: Principal) -> None:
        if not p.has(*DESK_ROLES):
            raise Forbidden("mission_desk_only")

    def _mission(self, mission_id: int) -> Mission:
        m = self.records.get(mission_id)
        if m is None:
            raise NotFound(str(mission_id))
        return m

    def _member(self, p: Principal, m: Mission, action: str) -> None:
        if not self.records.is_member(m.id, p.user_id):
            self.audit.append([AuditEntry(p.username, action, outcome="denied", subject=f"mission:{m.id}")])
            raise Forbidden("mission_members_only")

    def _user_ids(self, usernames: list[str]) -> list[int]:
        out = []
        for name in usernames:
            u = self.accounts.by_name(name.strip())
            if u is None or not u.active or not set(u.roles or []) & set(DESK_ROLES):
                raise InvalidInput("mission_unknown_member", username=name[:64])
            out.append(u.id)
        return out

    # ---- missions --------------------------------------------------------------------------------------
    def missions(self, p: Principal) -> list[MissionSummary]:
        self._desk(p)
        mine = self.records.missions_of(p.user_id)
        return [
            MissionSummary(
                id=m.id,
                title=m.title,
                country=m.country,
                starts_on=m.starts_on.isoformat(),
                ends_on=m.ends_on.isoformat(),
                member=m.id in mine,
            )
            for m in self.records.all()
        ]

    def create(self, p: Principal, data: MissionIn) -> MissionSummary:
        if not p.has("research_assistant", "protection_officer"):
            raise Forbidden("mission_desk_only")
        if data.ends_on < data.starts_on:
            raise InvalidInput("mission_bad_dates")
        members = [p.user_id, *self._user_ids(data.members)]
        m = Mission(
            title=data.title.strip(),
            country=data.country,
            starts_on=data.starts_on,
            ends_on=data.ends_on,
            purpose=data.purpose,
            terms_of_reference=data.terms_of_reference,
            created_by=p.username,
        )
        m = self.records.create(m, members, p.username)
        self.audit.append([AuditEntry(p.username, "mission.create", subject=f"mission:{m.id}")])
        return MissionSummary(
            id=m.id,
            title=m.title,
            country=m.country,
            starts_on=m.starts_on.isoformat(),
            ends_on=m.ends_on.isoformat(),
            member=True,
        )

    def get(self, p: Principal, mission_id: int, locale: str = "fr") -> MissionOut:
        self._desk(p)
        m = self._mission(mission_id)
        member_ids = self.records.member_ids(m.id)
        member = p.user_id in member_ids
        sources = self.records.sources(m.id)
        identities = self.records.identities(m.id) if member else {}
        if member and identities:
            self.audit.append(
                [
                    AuditEntry(p.username, "mission.source.identity.view", subject=f"mission:{m.id}:{n}")
                    for n in identities
                ]
            )
        reports = []
        for r in self.records.reports(m.id):
            job = self.jobs.get(r.job_id)
            reports.append(
                MissionReportOut(
                    id=r.id,
                    title=r.title,
                    job_id=r.job_id,
                    document_id=job.document_id if job else None,
                    added_by=r.added_by,
                    added_at=r.added_at.isoformat(timespec="seconds"),
                )
            )
        names = [u.username for u in (self.accounts.get(i) for i in member_ids) if u]
        return MissionOut(
            id=m.id,
            title=m.title,
            country=m.country,
            starts_on=m.starts_on.isoformat(),
            ends_on=m.ends_on.isoformat(),
            member=member,
            purpose=m.purpose,
            terms_of_reference=m.terms_of_reference,
            members=sorted(names),
            created_by=m.created_by,
            sources=[self._source_out(s, locale, identities.get(s.id)) for s in sources],
            reports=reports,
        )

    @staticmethod
    def _source_out(s: OralSource, locale: str, ident: OralSourceIdentity | None) -> OralSourceOut:
        return OralSourceOut(
            id=s.id,
            number=s.number,
            description=s.description,
            place=s.place,
            met_on=s.met_on.isoformat(),
            interview_type=s.interview_type,
            reliability_note=s.reliability_note,
            citation=citation(s, locale),
            identity=Identity(full_name=ident.full_name, organisation=ident.organisation, contact=ident.contact)
            if ident
            else None,
        )

    def add_member(self, p: Principal, mission_id: int, username: str) -> None:
        self._desk(p)
        m = self._mission(mission_id)
        self._member(p, m, "mission.member.add")
        (uid,) = self._user_ids([username])
        if not self.records.add_member(m.id, uid, p.username):
            raise InvalidInput("mission_already_member")
        self.audit.append([AuditEntry(p.username, "mission.member.add", subject=f"mission:{m.id}:{username[:30]}")])

    def add_source(self, p: Principal, mission_id: int, data: OralSourceIn, locale: str = "fr") -> OralSourceOut:
        self._desk(p)
        m = self._mission(mission_id)
        self._member(p, m, "mission.source.add")
        if _folded(data.full_name) in _folded(data.description + " " + data.place):
            raise InvalidInput("mission_identity_in_description")
        src = OralSource(
            mission_id=m.id,
            number=0,
            description=data.description,
            place=data.place,
            met_on=data.met_on,
            interview_type=data.interview_type,
            reliability_note=data.reliability_note,
            created_by=p.username,
        )
        ident = OralSourceIdentity(
            source_id=0, full_name=data.full_name, organisation=data.organisation, contact=data.contact
        )
        src = self.records.add_source(
            src, ident, [AuditEntry(p.username, "mission.source.add", subject=f"mission:{m.id}")]
        )
        return self._source_out(src, locale, ident)

    def add_report(
        self, p: Principal, mission_id: int, title: str, data: bytes, filename: str, language: str | None = None
    ) -> MissionReportOut:
        """The report goes through the ordinary ingest path as a COI document of type ``mission_report``.
        A report whose text names one of the mission's sources is refused (checked on the text of text-like
        files before ingest; the identity is never stored in a document)."""
        from ingest.uploads import UploadFields, submit

        self._desk(p)
        m = self._mission(mission_id)
        self._member(p, m, "mission.report.add")
        if len(data) > self.settings.max_upload_bytes:
            raise InvalidInput("too_large", max=self.settings.max_upload_bytes)
        text = _folded(data.decode("utf-8", errors="ignore"))
        for ident in self.records.identities(m.id).values():
            for value in (ident.full_name, ident.contact):
                if value and len(value) >= 4 and _folded(value) in text:
                    raise InvalidInput("mission_report_names_source")
        fields = UploadFields(
            kind="coi",
            title=title.strip() or m.title,
            countries=[m.country],
            doc_type="mission_report",
            published=m.ends_on,
            language=language,
        )
        job_id = submit(self.store, self.jobs, data, filename, p.username, fields)
        r = self.records.add_report(
            MissionReport(mission_id=m.id, job_id=job_id, title=fields.title or m.title, added_by=p.username)
        )
        self.audit.append([AuditEntry(p.username, "mission.report.add", subject=f"mission:{m.id}")])
        return MissionReportOut(
            id=r.id,
            title=r.title,
            job_id=job_id,
            document_id=None,
            added_by=r.added_by,
            added_at=r.added_at.isoformat(timespec="seconds"),
        )


def mission_desk(ctx: AppContext) -> MissionDesk:
    return MissionDesk(
        MissionRecords(ctx.db, ctx.audit), ctx.cases.accounts, ctx.store, ctx.jobs, ctx.audit, ctx.settings
    )
