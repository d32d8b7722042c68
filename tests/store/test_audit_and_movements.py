"""The audit chain on the real database (SQLite file, or PostgreSQL in the at-scale configuration), and
physical file movements through the case service."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from services.auth import Principal
from services.case_inputs import ApplicantIn, CaseIn, LocationIn, MovementIn
from services.context import AppContext
from services.errors import Forbidden, NotFound
from store.audit import AuditEntry
from tests.conftest import PASSWORD, ROOT


def _behind_the_back(ctx: AppContext, *statements: str) -> None:
    """Runs SQL straight on the database, outside coidesk's code (as someone with the database password)."""
    with ctx.db.engine.begin() as con:
        for statement in statements:
            con.execute(text(statement))


@pytest.mark.parametrize("statement", ["UPDATE audit SET actor = 'someone else'", "DELETE FROM audit"])
def test_audit_rows_cannot_be_updated_or_deleted_through_the_database(fresh_ctx: AppContext, statement: str) -> None:
    fresh_ctx.audit.append([AuditEntry("u1", "case.view", "c" * 32)])
    with pytest.raises(DBAPIError, match="append-only"):
        _behind_the_back(fresh_ctx, statement)
    if fresh_ctx.db.engine.dialect.name == "postgresql":
        with pytest.raises(DBAPIError, match="append-only"):
            _behind_the_back(fresh_ctx, "TRUNCATE audit")
    assert fresh_ctx.audit.verify().ok and fresh_ctx.audit.verify().checked == 1


@pytest.mark.parametrize("tamper", ["edit", "delete_middle", "insert_forged"])
def test_tampering_behind_the_databases_back_is_detected(fresh_ctx: AppContext, tamper: str) -> None:
    for i in range(5):
        fresh_ctx.audit.append([AuditEntry(f"user{i}", "case.view", f"{i:032x}")])
    assert fresh_ctx.audit.verify().ok
    if fresh_ctx.db.engine.dialect.name == "postgresql":
        drop = ["DROP TRIGGER audit_no_change ON audit"]
    else:
        drop = ["DROP TRIGGER audit_no_update", "DROP TRIGGER audit_no_delete"]
    change = {
        "edit": "UPDATE audit SET actor = 'nobody' WHERE id = 3",
        "delete_middle": "DELETE FROM audit WHERE id = 2",
        "insert_forged": "INSERT INTO audit (at, actor, action, case_id, outcome, prev_hash, hash) VALUES "
        "('2026-01-01 00:00:00', 'x', 'case.view', NULL, 'ok', 'f', 'f')",
    }[tamper]
    _behind_the_back(fresh_ctx, *drop, change)
    v = fresh_ctx.audit.verify()
    assert not v.ok and v.first_bad_id is not None
    env = {"COIDESK_DATA_DIR": str(fresh_ctx.settings.data_dir), "PATH": "/usr/bin:/bin"}
    if fresh_ctx.settings.database_url:
        env["COIDESK_DATABASE_URL"] = fresh_ctx.settings.database_url
    r = subprocess.run(
        [sys.executable, "-m", "cli.main", "audit", "verify"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 1 and "rompue" in r.stderr


def test_concurrent_appends_keep_one_chain(fresh_ctx: AppContext) -> None:
    def work(n: int) -> None:
        for i in range(25):
            fresh_ctx.audit.append([AuditEntry(f"t{n}", "case.view", f"{i:032x}")])

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    v = fresh_ctx.audit.verify()
    assert v.ok and v.checked == 100


@pytest.fixture()
def office(fresh_ctx: AppContext) -> tuple[AppContext, dict[str, Principal], str]:
    acc = fresh_ctx.accounts
    people = {
        "archivist": acc.create_user("arch", PASSWORD, ["archivist"]),
        "secretary": acc.create_user("sec", PASSWORD, ["secretary"], division="asia"),
        "officer": acc.create_user("off", PASSWORD, ["protection_officer"], division="asia"),
        "ra": acc.create_user("ra", PASSWORD, ["research_assistant"]),
    }
    case = fresh_ctx.cases.create(
        people["secretary"],
        CaseIn(
            reference="ASIA-1",
            registered_on=dt.date(2026, 1, 5),
            division="asia",
            applicants=[ApplicantIn(full_name="N. N.")],
            assigned_officer="off",
        ),
    )
    for code, kind in (("STORE", "store"), ("DESK", "office"), ("HIST", "historical")):
        fresh_ctx.cases.add_location(people["archivist"], LocationIn(code=code, name=code.title(), kind=kind))
    return fresh_ctx, people, case["id"]


def test_check_out_check_in_and_overdue(office: tuple[AppContext, dict[str, Principal], str]) -> None:
    ctx, people, case_id = office
    arch = people["archivist"]
    ctx.cases.move(arch, case_id, MovementIn(to_location="STORE", reason="classement"))
    out = ctx.cases.move(arch, case_id, MovementIn(to_location="DESK", borrower="off", reason="entretien"))
    assert out["location"]["code"] == "DESK" and out["checked_out_to"] == "off"
    assert out["due_back"] == (dt.date.today() + dt.timedelta(days=ctx.settings.checkout_days)).isoformat()
    assert ctx.cases.overdue(arch) == []
    late = ctx.cases.overdue(arch, today=dt.date.today() + dt.timedelta(days=30))
    assert [o["reference"] for o in late] == ["ASIA-1"]
    back = ctx.cases.move(people["secretary"], case_id, MovementIn(to_location="STORE", reason="retour"))
    assert back["due_back"] is None and back["checked_out_to"] is None
    assert ctx.cases.overdue(arch, today=dt.date.today() + dt.timedelta(days=30)) == []
    history = ctx.cases.movements(arch, case_id)
    assert [(m["from"], m["to"]) for m in history] == [("DESK", "STORE"), ("STORE", "DESK"), (None, "STORE")]
    assert ctx.cases.where_is(people["officer"], case_id)["location"]["code"] == "STORE"


def test_who_may_move_a_file(office: tuple[AppContext, dict[str, Principal], str]) -> None:
    ctx, people, case_id = office
    with pytest.raises(Forbidden):
        ctx.cases.move(people["officer"], case_id, MovementIn(to_location="DESK"))
    with pytest.raises(NotFound):
        ctx.cases.move(people["ra"], case_id, MovementIn(to_location="DESK"))
    with pytest.raises(Forbidden):
        ctx.cases.overdue(people["secretary"])
    with pytest.raises(Forbidden):
        ctx.cases.add_location(people["secretary"], LocationIn(code="X", name="X", kind="store"))


@pytest.mark.parametrize("field", ["actor", "action", "case_id", "document_id", "outcome", "subject"])
def test_an_audit_value_longer_than_its_column_is_refused_on_every_database(field: str) -> None:
    """PostgreSQL refuses it at commit and SQLite would keep it: both refuse it before, never cut it short."""
    from store.audit import AuditEntry

    values = {"actor": "a", "action": "case.view", field: "x" * 200}
    with pytest.raises(ValueError, match=f"audit {field} longer than"):
        AuditEntry(**values)  # type: ignore[arg-type]
