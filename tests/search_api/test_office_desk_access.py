"""The registration desk, civil status and interpreters (issue 18), through the real API on the real store.

Need-to-know on every new route x every role: an entry, a person or an act of a case the user may not see
is answered like a missing one (404) and leaves a denied audit record; a completeness letter never goes out
for a case the user may not see; a signed act cannot change; an interpreter sees only their own bookings and
nothing of the applicant. Register numbers never repeat nor skip with 16 parallel issuers.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from search_api.app import create_app
from services.case_inputs import ApplicantIn, CaseIn, GrantIn
from services.civil_status import ActIn, PersonIn
from services.context import AppContext
from store.audit import AuditRecord
from store.civil_status import CivilAct
from tests.conftest import PASSWORD, SECRET_WORDS, STAFF, People

APPLICANT = "Nafisa Civiltest"  # the applicant of case D: never shown to an interpreter
WHEN = (dt.datetime.now() + dt.timedelta(days=7)).replace(hour=10, minute=0, second=0, microsecond=0)


@dataclass
class Desk:
    tokens: dict[str, str]
    case_d: str  # Africa, assigned to officer_a, granted to the registrar
    case_b: str  # Asia (people.case_b)
    case_a: str  # Africa (people.case_a), not granted to the registrar
    mail_a: int  # sec_africa's entry about case A, items missing
    mail_b: int  # sec_asia's entry about case B, items missing
    interp_id: int  # the interpreter record of account "interp"
    other_interp_id: int  # of account "interp2"


@pytest.fixture(scope="module")
def api(demo_ctx: AppContext, people: People) -> Iterator[TestClient]:
    app = create_app(demo_ctx.settings, context=demo_ctx, writer=False)
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as c:
        yield c


def h(desk: Desk, user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {desk.tokens[user]}"}


@pytest.fixture(scope="module")
def desk(api: TestClient, demo_ctx: AppContext, people: People) -> Desk:
    ctx = demo_ctx
    tokens = dict(people.tokens)
    interp2 = ctx.accounts.create_user("interp2", PASSWORD, ["interpreter"], "interp2", None, False)
    tokens["interp2"] = ctx.accounts.create_token(interp2.user_id, "tests")[1]
    d = api.post(
        "/api/cases",
        json={
            "reference": "CIV-2026-0001",
            "registered_on": "2026-02-01",
            "division": "africa",
            "applicants": [{"full_name": APPLICANT, "nationality": "AFG", "date_of_birth": "1994-05-06"}],
            "assigned_officer": "officer_a",
        },
        headers={"Authorization": f"Bearer {tokens['sec_africa']}"},
    )
    assert d.status_code == 201, d.text
    case_d = d.json()["id"]
    r = api.post(
        f"/api/cases/{case_d}/grants",
        json={"username": "registrar", "reason": "état civil"},
        headers={"Authorization": f"Bearer {tokens['head_africa']}"},
    )
    assert r.status_code == 201, r.text
    mail_a = api.post(
        "/api/desk/mail",
        json={"received_on": "2026-03-03", "sender": "Zaynab Testapplicant", "case_reference": "PRIV-2026-0042"},
        headers={"Authorization": f"Bearer {tokens['sec_africa']}"},
    )
    assert mail_a.status_code == 201, mail_a.text
    mail_b = api.post(
        "/api/desk/mail",
        json={"received_on": "2026-04-02", "sender": "Bellurique Second", "case_reference": "PRIV-2026-0099"},
        headers={"Authorization": f"Bearer {tokens['sec_asia']}"},
    )
    assert mail_b.status_code == 201, mail_b.text
    sa = {"Authorization": f"Bearer {tokens['sec_africa']}"}
    firm = api.post("/api/desk/interpreting-firms", json={"name": "Langues Test SARL"}, headers=sa).json()
    ids = []
    for name, account in (("Interprète Test", "interp"), ("Interprète Deux", "interp2")):
        r = api.post(
            "/api/desk/interpreters",
            json={
                "firm_id": firm["id"],
                "full_name": name,
                "username": account,
                "languages": ["ps", "fa"],
                "code_signed_on": "2026-01-05",
            },
            headers=sa,
        )
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    return Desk(tokens, case_d, people.case_b, people.case_a, mail_a.json()["id"], mail_b.json()["id"], *ids)


# ---- the mail register -------------------------------------------------------------------------------
def test_only_secretaries_keep_the_register(api: TestClient, desk: Desk) -> None:
    for user in sorted(STAFF) + ["interp2"]:
        r = api.get("/api/desk/mail", headers=h(desk, user))
        if user in ("sec_africa", "sec_asia"):
            assert r.status_code == 200, user
        else:
            assert r.status_code == 403, (user, r.status_code)
        body = api.post("/api/desk/mail", json={"received_on": "2026-05-01", "sender": "X"}, headers=h(desk, user))
        assert body.status_code == (201 if user.startswith("sec_") else 403), (user, body.status_code)


def test_a_division_s_register_shows_only_its_own_entries(api: TestClient, desk: Desk) -> None:
    africa = api.get("/api/desk/mail", headers=h(desk, "sec_africa")).json()
    asia = api.get("/api/desk/mail", headers=h(desk, "sec_asia")).json()
    assert desk.mail_a in {e["id"] for e in africa["items"]} and desk.mail_b not in {e["id"] for e in africa["items"]}
    assert desk.mail_b in {e["id"] for e in asia["items"]} and desk.mail_a not in {e["id"] for e in asia["items"]}
    assert "Zaynab" not in str(asia) and "Bellurique" not in str(africa)


@pytest.mark.parametrize("user", sorted(STAFF) + ["interp2"])
def test_an_entry_is_seen_only_by_its_division_s_desk(api: TestClient, desk: Desk, user: str) -> None:
    r = api.get(f"/api/desk/mail/{desk.mail_a}", headers=h(desk, user))
    want = 200 if user == "sec_africa" else 403 if user in ("interp", "reader", "interp2") else 404
    assert r.status_code == want, (user, r.status_code)
    if want != 200:
        for word in SECRET_WORDS:
            assert word not in r.text


def test_checklist_says_what_is_missing_and_an_original_gets_its_own_receipt(api: TestClient, desk: Desk) -> None:
    sa = h(desk, "sec_africa")
    r = api.put(f"/api/desk/mail/{desk.mail_a}/checklist", json={"present": ["form_signed", "photographs"]}, headers=sa)
    assert r.status_code == 200, r.text
    entry = r.json()
    assert entry["missing_count"] == 3 and len(entry["missing"]) == 3
    assert {i["key"] for i in entry["checklist"] if i["present"]} == {"form_signed", "photographs"}
    bad = api.put(f"/api/desk/mail/{desk.mail_a}/checklist", json={"present": ["nonsense"]}, headers=sa)
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "desk_unknown_item"
    o1 = api.post(
        f"/api/desk/mail/{desk.mail_a}/originals",
        json={
            "description": "Passeport",
            "location": "Magasin A, boîte 7",
            "received_on": "2026-03-03",
            "item": "identity_documents",
        },
        headers=sa,
    )
    assert o1.status_code == 201, o1.text
    later = api.post(  # an original sent later by post: its own receipt, same case
        f"/api/desk/mail/{desk.mail_a}/originals",
        json={"description": "Acte de naissance", "location": "Magasin A, boîte 7", "received_on": "2026-04-10"},
        headers=sa,
    )
    assert later.status_code == 201
    assert o1.json()["receipt_number"] != later.json()["receipt_number"]
    entry = api.get(f"/api/desk/mail/{desk.mail_a}", headers=sa).json()
    assert entry["missing_count"] == 2  # the passport answered "identity documents"
    assert [o["receipt_number"] for o in entry["originals"]] == [
        o1.json()["receipt_number"],
        later.json()["receipt_number"],
    ]
    # the scan goes through ingest, linked to the case and to the original
    scan = api.post(
        f"/api/desk/originals/{o1.json()['id']}/scan",
        files={"file": ("passeport.txt", "Passeport numérisé Zaynab".encode(), "text/plain")},
        headers=sa,
    )
    assert scan.status_code == 202, scan.text
    job = api.get(f"/api/jobs/{scan.json()['job_id']}", headers=sa)
    assert job.status_code == 200
    # the other division's desk may neither add an original nor scan to it
    assert (
        api.post(
            f"/api/desk/mail/{desk.mail_a}/originals",
            json={"description": "x", "location": "y", "received_on": "2026-03-03"},
            headers=h(desk, "sec_asia"),
        ).status_code
        == 404
    )
    assert (
        api.post(
            f"/api/desk/originals/{o1.json()['id']}/scan",
            files={"file": ("x.txt", b"x", "text/plain")},
            headers=h(desk, "sec_asia"),
        ).status_code
        == 404
    )


def test_the_letter_never_goes_out_for_a_case_the_user_may_not_see(
    api: TestClient, desk: Desk, demo_ctx: AppContext
) -> None:
    ok = api.get(f"/api/desk/mail/{desk.mail_a}/letter?format=html", headers=h(desk, "sec_africa"))
    assert ok.status_code == 200 and "PRIV-2026-0042" in ok.text and "Zaynab Testapplicant" in ok.text
    pdf = api.get(f"/api/desk/mail/{desk.mail_a}/letter", headers=h(desk, "sec_africa"))
    assert (
        pdf.status_code == 200
        and pdf.content.startswith(b"%PDF")
        and "attachment" in pdf.headers["content-disposition"]
    )
    for user in sorted(STAFF):
        if user == "sec_africa":
            continue
        for fmt in ("pdf", "html"):
            r = api.get(f"/api/desk/mail/{desk.mail_a}/letter?format={fmt}", headers=h(desk, user))
            assert r.status_code in (403, 404), (user, r.status_code)
            assert "Zaynab" not in r.text and "PRIV-2026-0042" not in r.text
    # Asia's letter is refused to Africa's desk, and the refusal is audited as denied
    r = api.get(f"/api/desk/mail/{desk.mail_b}/letter", headers=h(desk, "sec_africa"))
    assert r.status_code == 404 and "Bellurique" not in r.text
    with demo_ctx.db.session() as s:
        denied = (
            s.query(AuditRecord)
            .filter(
                AuditRecord.actor == "sec_africa", AuditRecord.action == "desk.letter", AuditRecord.outcome == "denied"
            )
            .count()
        )
    assert denied >= 1


def test_a_secretary_cannot_register_mail_for_another_division_s_case(api: TestClient, desk: Desk) -> None:
    r = api.post(
        "/api/desk/mail",
        json={"received_on": "2026-04-03", "sender": "X", "case_reference": "PRIV-2026-0099"},
        headers=h(desk, "sec_africa"),
    )
    assert r.status_code == 404 and "Bellurique" not in r.text


# ---- civil status ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def person(api: TestClient, desk: Desk) -> int:
    r = api.post(
        "/api/civil-status/people",
        json={
            "case_id": desk.case_d,
            "protection": "refugee",
            "granted_on": "2026-06-01",
            "birth_place": "Herat",
            "father_name": "Père Civiltest",
            "mother_name": "Mère Civiltest",
        },
        headers=h(desk, "registrar"),
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


@pytest.mark.parametrize("user", sorted(STAFF))
def test_only_a_registrar_on_grant_opens_a_civil_status_file(
    api: TestClient, desk: Desk, person: int, user: str
) -> None:
    for case in (desk.case_a, desk.case_b, desk.case_d):
        r = api.post(
            "/api/civil-status/people",
            json={"case_id": case, "protection": "refugee", "granted_on": "2026-06-01"},
            headers=h(desk, user),
        )
        if user in ("interp", "reader"):
            assert r.status_code == 403
        elif user == "registrar" and case == desk.case_d:
            assert r.status_code == 409  # already opened by the fixture
        else:
            assert r.status_code in (403, 404), (user, case, r.status_code)
            assert "Zaynab" not in r.text and APPLICANT not in r.text


@pytest.mark.parametrize("user", sorted(STAFF))
def test_civil_status_data_only_under_need_to_know(api: TestClient, desk: Desk, person: int, user: str) -> None:
    readers = {"registrar", "officer_a", "head_africa", "fuzz_head"}  # grant, assigned officer, Africa heads
    r = api.get(f"/api/civil-status/people/{person}", headers=h(desk, user))
    listed = api.get("/api/civil-status/people", headers=h(desk, user))
    if user in readers:
        assert r.status_code == 200 and r.json()["father_name"] == "Père Civiltest"
        assert person in {x["id"] for x in listed.json()}
    else:
        assert r.status_code in (403, 404), (user, r.status_code)
        assert "Civiltest" not in r.text and "Herat" not in r.text
        assert listed.status_code == 403 or person not in {x["id"] for x in listed.json()}


def test_a_signed_act_cannot_change_and_a_correction_is_a_new_act(api: TestClient, desk: Desk, person: int) -> None:
    rh = h(desk, "registrar")
    draft = api.post(
        f"/api/civil-status/people/{person}/acts", json={"act_type": "birth", "fields": {"sex": "F"}}, headers=rh
    )
    assert draft.status_code == 201, draft.text
    act = draft.json()
    assert act["fields"]["full_name"] == APPLICANT and act["fields"]["birth_place"] == "Herat"  # from the file
    assert act["register_number"].startswith(f"N-{dt.date.today().year}-")
    # only the registrar may draw up or sign, even with full access to the case
    assert api.post(f"/api/civil-status/acts/{act['id']}/sign", headers=h(desk, "head_africa")).status_code == 404
    edited = api.patch(f"/api/civil-status/acts/{act['id']}", json={"fields": {"sex": "féminin"}}, headers=rh)
    assert edited.status_code == 200 and edited.json()["fields"]["sex"] == "féminin"
    signed = api.post(f"/api/civil-status/acts/{act['id']}/sign", headers=rh)
    assert (
        signed.status_code == 200 and signed.json()["status"] == "signed" and len(signed.json()["content_hash"]) == 64
    )
    for attempt in (
        api.patch(f"/api/civil-status/acts/{act['id']}", json={"fields": {"sex": "masculin"}}, headers=rh),
        api.post(f"/api/civil-status/acts/{act['id']}/sign", headers=rh),
    ):
        assert attempt.status_code == 409 and attempt.json()["error"]["code"] == "civil_act_frozen"
        assert act["register_number"] in attempt.json()["error"]["message"]
    again = api.get(f"/api/civil-status/acts/{act['id']}", headers=rh).json()
    assert again["fields"]["sex"] == "féminin" and again["content_hash"] == signed.json()["content_hash"]
    issued = api.post(f"/api/civil-status/acts/{act['id']}/issue", headers=rh)
    assert issued.status_code == 200 and issued.json()["status"] == "issued"
    assert api.post(f"/api/civil-status/acts/{act['id']}/issue", headers=rh).status_code == 409
    pdf = api.get(f"/api/civil-status/acts/{act['id']}/export", headers=rh)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert api.get(f"/api/civil-status/acts/{act['id']}/export", headers=h(desk, "sec_africa")).status_code == 404
    fix = api.post(
        f"/api/civil-status/acts/{act['id']}/corrections",
        json={"fields": {"birth_place": "Herat (Afghanistan)"}, "note": "lieu de naissance précisé"},
        headers=rh,
    )
    assert fix.status_code == 201, fix.text
    new = fix.json()
    assert new["corrects_id"] == act["id"] and new["status"] == "draft" and new["number"] == act["number"] + 1
    assert new["fields"]["correction_note"] == "lieu de naissance précisé"
    old = api.get(f"/api/civil-status/acts/{act['id']}", headers=rh).json()
    assert old["fields"]["birth_place"] == "Herat" and old["corrected_by"] == [new["id"]]


def test_a_signed_act_altered_in_the_database_is_refused(
    api: TestClient, desk: Desk, person: int, demo_ctx: AppContext
) -> None:
    rh = h(desk, "registrar")
    act = api.post(f"/api/civil-status/people/{person}/acts", json={"act_type": "celibacy"}, headers=rh).json()
    assert api.post(f"/api/civil-status/acts/{act['id']}/sign", headers=rh).status_code == 200
    with demo_ctx.db.session() as s:  # someone with database access changes the signed content
        row = s.get(CivilAct, act["id"])
        assert row is not None
        row.fields = {**row.fields, "full_name": "Quelqu'un d'autre"}
    for r in (
        api.post(f"/api/civil-status/acts/{act['id']}/issue", headers=rh),
        api.get(f"/api/civil-status/acts/{act['id']}/export", headers=rh),
    ):
        assert r.status_code == 409 and r.json()["error"]["code"] == "civil_act_tampered"


def test_register_numbers_neither_repeat_nor_skip_under_16_parallel_issuers(fresh_ctx: AppContext) -> None:
    ctx = fresh_ctx
    sec = ctx.accounts.create_user("s", PASSWORD, ["secretary"], "s", "africa", False)
    head = ctx.accounts.create_user("h", PASSWORD, ["protection_officer"], "h", "africa", True)
    reg = ctx.accounts.create_user("r", PASSWORD, ["civil_registrar"], "r", None, False)
    case = ctx.cases.create(
        sec,
        CaseIn(
            reference="PAR-1",
            registered_on=dt.date(2026, 1, 1),
            division="africa",
            applicants=[ApplicantIn(full_name="Parallèle")],
        ),
    )
    ctx.cases.grant(head, case["id"], GrantIn(username="r", reason="état civil"))
    pp = ctx.office.civil.open_person(
        reg, PersonIn(case_id=case["id"], protection="refugee", granted_on=dt.date(2026, 1, 1))
    )
    clients, per_client = 16, 63  # 1,008 acts
    numbers: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(clients)

    def issuer() -> None:
        start.wait()
        for _ in range(per_client):
            try:
                a = ctx.office.civil.draw_up(reg, pp.id, ActIn(act_type="marriage"))
            except BaseException as exc:  # every failure is counted, none hidden
                errors.append(exc)
                continue
            with lock:
                numbers.append(a.number)

    threads = [threading.Thread(target=issuer) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(numbers) == clients * per_client
    assert len(set(numbers)) == len(numbers)  # no duplicate
    assert sorted(numbers) == list(range(1, len(numbers) + 1))  # no gap
    assert ctx.office.civil.records.numbers("marriage", dt.date.today().year) == sorted(numbers)


# ---- interpreters ------------------------------------------------------------------------------------
def test_only_eligible_interpreters_are_proposed_and_a_conflict_removes_one(api: TestClient, desk: Desk) -> None:
    sa = h(desk, "sec_africa")
    firm_id = api.get("/api/desk/interpreting-firms", headers=sa).json()[0]["id"]
    unsigned = api.post(
        "/api/desk/interpreters",
        json={"firm_id": firm_id, "full_name": "Sans Code", "languages": ["ps"]},
        headers=sa,
    ).json()
    q = {"language": "ps", "starts_at": WHEN.isoformat()}
    names = {
        c["id"] for c in api.get(f"/api/desk/cases/{desk.case_d}/interpreter-candidates", params=q, headers=sa).json()
    }
    assert {desk.interp_id, desk.other_interp_id} <= names and unsigned["id"] not in names
    other_lang = api.get(
        f"/api/desk/cases/{desk.case_d}/interpreter-candidates", params={**q, "language": "ti"}, headers=sa
    ).json()
    assert desk.interp_id not in {c["id"] for c in other_lang}
    refused = api.post(
        f"/api/desk/cases/{desk.case_d}/interpreter-assignments",
        json={"interpreter_id": unsigned["id"], "language": "ps", "starts_at": WHEN.isoformat(), "place": "Siège"},
        headers=sa,
    )
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "interp_not_eligible"
    r = api.post(
        f"/api/desk/cases/{desk.case_d}/interpreter-conflicts",
        json={"interpreter_id": desk.other_interp_id, "reason": "parent éloigné"},
        headers=sa,
    )
    assert r.status_code == 201
    names = {
        c["id"] for c in api.get(f"/api/desk/cases/{desk.case_d}/interpreter-candidates", params=q, headers=sa).json()
    }
    assert desk.other_interp_id not in names and desk.interp_id in names
    # other divisions and roles without the case cannot list or book
    for user in ("sec_asia", "ra", "registrar", "consultant2", "archivist"):
        r = api.get(f"/api/desk/cases/{desk.case_d}/interpreter-candidates", params=q, headers=h(desk, user))
        assert r.status_code in (403, 404), user


def test_an_interpreter_sees_only_their_own_bookings_and_nothing_of_the_applicant(api: TestClient, desk: Desk) -> None:
    sa = h(desk, "sec_africa")
    mine = api.post(
        f"/api/desk/cases/{desk.case_d}/interpreter-assignments",
        json={
            "interpreter_id": desk.interp_id,
            "language": "ps",
            "starts_at": WHEN.isoformat(),
            "place": "Siège, Fontenay-sous-Bois",
            "room": "Salle 12",
        },
        headers=sa,
    )
    assert mine.status_code == 201, mine.text
    theirs = api.post(
        f"/api/cases/{desk.case_a}/interviews", json={"held_on": "2026-06-01"}, headers=h(desk, "officer_a")
    )
    assert theirs.status_code == 201
    own = api.get("/api/interpreter/assignments", headers=h(desk, "interp"))
    assert own.status_code == 200
    rows = own.json()
    assert [r["id"] for r in rows] == [mine.json()["id"]]
    assert rows[0]["case_reference"] == "CIV-2026-0001" and rows[0]["room"] == "Salle 12"
    assert set(rows[0]) == {"id", "starts_at", "place", "room", "language", "case_reference", "status"}
    assert APPLICANT not in own.text and desk.case_d not in own.text
    assert api.get("/api/interpreter/assignments", headers=h(desk, "interp2")).json() == []
    # another interpreter can neither confirm nor decline it; the case itself stays closed to both
    assert (
        api.post(f"/api/interpreter/assignments/{mine.json()['id']}/confirm", headers=h(desk, "interp2")).status_code
        == 404
    )
    for user in ("interp", "interp2"):
        assert api.get(f"/api/cases/{desk.case_d}", headers=h(desk, user)).status_code == 403
        assert (
            api.get(f"/api/desk/cases/{desk.case_d}/interpreter-assignments", headers=h(desk, user)).status_code == 403
        )
    ok = api.post(f"/api/interpreter/assignments/{mine.json()['id']}/confirm", headers=h(desk, "interp"))
    assert ok.status_code == 200
    assert api.get("/api/interpreter/assignments", headers=h(desk, "interp")).json()[0]["status"] == "confirmed"


def test_an_interpreter_who_declines_for_a_conflict_is_not_proposed_again(api: TestClient, desk: Desk) -> None:
    sa = h(desk, "sec_africa")
    later = WHEN + dt.timedelta(days=2)
    booked = api.post(
        f"/api/desk/cases/{desk.case_d}/interpreter-assignments",
        json={"interpreter_id": desk.interp_id, "language": "fa", "starts_at": later.isoformat(), "place": "Siège"},
        headers=sa,
    ).json()
    r = api.post(
        f"/api/interpreter/assignments/{booked['id']}/conflict",
        json={"reason": "je connais la famille"},
        headers=h(desk, "interp"),
    )
    assert r.status_code == 200
    q = {"language": "fa", "starts_at": (later + dt.timedelta(days=1)).isoformat()}
    names = {
        c["id"] for c in api.get(f"/api/desk/cases/{desk.case_d}/interpreter-candidates", params=q, headers=sa).json()
    }
    assert desk.interp_id not in names
    statuses = {a["id"]: a["status"] for a in api.get("/api/interpreter/assignments", headers=h(desk, "interp")).json()}
    assert statuses[booked["id"]] == "cancelled"
