"""The registration desk, civil status and interpreters (issue 18), wired together for ``AppContext``."""

from __future__ import annotations

from dataclasses import dataclass

from config.settings import Settings
from services.cases import CaseService
from services.civil_status import CivilStatusDesk
from services.desk_gate import CaseGate
from services.interpreting import InterpreterDesk
from services.registration_desk import RegistrationDesk
from store.audit import AuditLog
from store.civil_status import CivilStatusRecords
from store.db import Database
from store.interpreters import InterpreterRecords
from store.jobs import Jobs
from store.registration import RegistrationRecords


@dataclass
class OfficeDesk:
    registration: RegistrationDesk
    civil: CivilStatusDesk
    interpreters: InterpreterDesk

    @classmethod
    def build(cls, db: Database, audit: AuditLog, cases: CaseService, jobs: Jobs, settings: Settings) -> OfficeDesk:
        gate = CaseGate(cases.records, audit)
        return cls(
            RegistrationDesk(RegistrationRecords(db, audit), gate, cases, jobs, settings),
            CivilStatusDesk(CivilStatusRecords(db, audit), gate),
            InterpreterDesk(InterpreterRecords(db, audit), gate, cases.accounts),
        )
