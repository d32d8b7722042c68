"""Need-to-know: what a user may see of a case, decided in one place from the account and the case.

Levels, from most to least:
- ``full``: the assigned officer, the head of the case's division, a legal consultant on grant;
- ``registration``: secretaries of the case's division, a civil registrar on grant — the case header,
  applicants and documents, not interviews or notes;
- ``location``: archivists — reference, division and the physical file's whereabouts, nothing about the applicant.
Research assistants, data-protection officers and admins see no case (admins manage accounts only).

Confined roles (people from outside the office's desks) reach nothing by default: an account whose every role
is confined may only use the paths of its own space (``confined_to``); every other route answers 403 before it
runs, so a route added later is closed to them without anyone having to remember it.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from services.auth import Principal
from store.cases import Case, CaseRecords

Level = Literal["full", "registration", "location"]
_RANK = {"location": 1, "registration": 2, "full": 3}


# role -> the path prefixes of its own space (pages first: the first one is the account's home page)
CONFINED: dict[str, tuple[str, ...]] = {
    "interpreter": ("/interpreter", "/api/interpreter"),
    "researcher": ("/reading-room", "/api/reading-room"),
}
# what every signed-in account may reach: its own account, signing out, the interface language
ANY_ACCOUNT = ("/logout", "/api/me", "/account", "/lang")


def confined_to(p: Principal) -> tuple[str, ...] | None:
    """The path prefixes an account confined to its own space may use, or None when it is not confined."""
    if not p.roles or not p.roles <= CONFINED.keys():
        return None
    return tuple(prefix for role in sorted(p.roles) for prefix in CONFINED[role])


def may_reach(p: Principal, path: str) -> bool:
    allowed = confined_to(p)
    if allowed is None:
        return True
    return any(path == a or path.startswith(a + "/") for a in allowed + ANY_ACCOUNT)


def at_least(level: Level | None, needed: Level) -> bool:
    return level is not None and _RANK[level] >= _RANK[needed]


def case_level(records: CaseRecords, p: Principal, case: Case) -> Level | None:
    levels: list[Level] = []
    if p.has("protection_officer"):
        if case.assigned_officer_id == p.user_id or (p.heads_division and p.division == case.division):
            levels.append("full")
        elif p.heads_division and p.division and _mutualised(records, p.division, case):
            levels.append("full")  # a nationality the case's division mutualised to this head's division
    if p.has("legal_consultant", "civil_registrar") and records.has_active_grant(case.id, p.user_id, dt.date.today()):
        levels.append("full" if p.has("legal_consultant") else "registration")
    if p.has("secretary") and p.division == case.division:
        levels.append("registration")
    if p.has("archivist"):
        levels.append("location")
    best: Level | None = None
    for lv in levels:
        if best is None or _RANK[lv] > _RANK[best]:
            best = lv
    return best


def visible_case_ids(records: CaseRecords, p: Principal, needed: Level = "registration") -> frozenset[str]:
    """Ids of the cases this user may see at ``needed`` level or above (the search permission filter)."""
    officer = p.user_id if p.has("protection_officer") else None
    divisions = []
    if p.has("protection_officer") and p.heads_division and p.division:
        divisions.append(p.division)
    if p.has("secretary") and p.division and at_least("registration", needed):
        divisions.append(p.division)
    ids = records.ids_matching(officer, divisions, every=p.has("archivist") and at_least("location", needed))
    if p.has("legal_consultant") or (p.has("civil_registrar") and at_least("registration", needed)):
        ids.update(records.granted_case_ids(p.user_id, dt.date.today()))
    if p.has("protection_officer") and p.heads_division and p.division:
        ids.update(records.mutualised_ids(p.division))
    return frozenset(ids)


def _mutualised(records: CaseRecords, division: str, case: Case) -> bool:
    """Whether the case's division gave one of its applicants' nationalities to ``division`` (issue 23)."""
    return case.division != division and bool(records.mutualised_ids(division, case.id))


def may_create_case(p: Principal, division: str) -> bool:
    return (p.has("secretary") and p.division == division) or (
        p.has("protection_officer") and p.heads_division and p.division == division
    )


def may_assign(p: Principal, case: Case, records: CaseRecords | None = None) -> bool:
    """Who may assign an officer: the division head, or the division's secretaries at registration; the head
    of a division the case's nationality is mutualised to (``records`` given)."""
    if p.has("protection_officer") and p.heads_division and p.division and p.division != case.division:
        return _mutualised(records, p.division, case) if records is not None else False
    return p.division == case.division and ((p.has("protection_officer") and p.heads_division) or p.has("secretary"))


def may_grant(p: Principal, case: Case) -> bool:
    return p.has("protection_officer") and p.heads_division and p.division == case.division


def may_move(p: Principal, level: Level | None) -> bool:
    """Archivists move any file; a division's secretaries move the files they register."""
    return p.has("archivist") or (p.has("secretary") and at_least(level, "registration"))


def may_correct_enrichment(p: Principal) -> bool:
    """Research assistants, officers and legal consultants correct places, actors, topics, dates."""
    return p.has("research_assistant", "protection_officer", "legal_consultant")


def may_reveal(p: Principal) -> bool:
    """Who may see the real names behind a pseudonymised decision (its mapping, its original)."""
    return p.has("legal_consultant", "data_protection")


# ---- registration desk, civil status, interpreters (issue 18) -----------------------------------------
def may_keep_register(p: Principal) -> bool:
    """The mail register of a division is kept by its secretaries (a secretary without a division keeps none)."""
    return p.has("secretary") and bool(p.division)


def may_request_completion(p: Principal, level: Level | None) -> bool:
    """A completeness letter only for a case the user may see at registration level, from the desk."""
    return p.has("secretary") and at_least(level, "registration")


def may_read_acts(p: Principal, level: Level | None) -> bool:
    """Civil-status data (acts, parents, places of birth): the civil registrar on grant, or full access."""
    return at_least(level, "full") or (p.has("civil_registrar") and at_least(level, "registration"))


def may_issue_acts(p: Principal, level: Level | None) -> bool:
    """Drawing up, signing and issuing acts: only a civil registrar, on a case granted to them."""
    return p.has("civil_registrar") and at_least(level, "registration")


def may_manage_interpreters(p: Principal) -> bool:
    """Firms and interpreters are kept by the secretaries and the division heads."""
    return p.has("secretary") or (p.has("protection_officer") and p.heads_division)


def may_schedule_interpreter(p: Principal, level: Level | None) -> bool:
    """An interpreter is booked for a case's interview by its division's desk or by who handles the case."""
    return (p.has("secretary") and at_least(level, "registration")) or (
        p.has("protection_officer") and at_least(level, "full")
    )
