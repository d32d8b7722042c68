"""Need-to-know on a case for the registration desk, civil status and interpreters (issue 18).

The same decision as the case service (``services.access.case_level``): a case the user may not see is
answered like a missing one (404), and every attempt, refused or not, leaves one audit record.
"""

from __future__ import annotations

import re

from services.access import Level, at_least, case_level
from services.auth import Principal
from services.errors import Forbidden, NotFound
from store.audit import AuditEntry, AuditLog
from store.cases import Case, CaseRecords

CASE_ID = re.compile(r"^[0-9a-f]{32}$")


class CaseGate:
    """Need-to-know on one case, audited like ``CaseService`` does it."""

    def __init__(self, records: CaseRecords, audit: AuditLog) -> None:
        self.records = records
        self.audit = audit

    def level(self, p: Principal, case: Case) -> Level | None:
        return case_level(self.records, p, case)

    def load(self, p: Principal, case_id: str | None, action: str, needed: Level) -> tuple[Case, Level]:
        well_formed = bool(CASE_ID.match(case_id or ""))
        case = self.records.get(case_id) if well_formed and case_id else None
        level = case_level(self.records, p, case) if case else None
        if case is None or level is None:
            outcome = "denied" if case is not None else "missing"
            self.audit.append([AuditEntry(p.username, action, case_id if well_formed else None, outcome=outcome)])
            raise NotFound(case_id or "")
        if not at_least(level, needed):
            self.audit.append([AuditEntry(p.username, action, case_id, outcome="denied")])
            raise Forbidden("case_level")
        return case, level

    def refuse(self, p: Principal, action: str, case_id: str | None, subject: str) -> None:
        """Audit a refused attempt on an object of the desk (not a case) and answer it as missing."""
        self.audit.append([AuditEntry(p.username, action, case_id, outcome="denied", subject=subject)])
        raise NotFound(subject)
