"""Archives stores, the reading room, missions and working groups (issue 23), through the real services on a
real store (SQLite file in a temporary directory)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from config.archives import communicable_on
from ingest.uploads import run_queued
from services.access import case_level, may_assign, visible_case_ids
from services.archives import (
    CheckIn,
    IntegrationIn,
    ReadingIn,
    ShelfIn,
    StoreIn,
    TransferIn,
    archive_desk,
)
from services.auth import Principal
from services.case_inputs import ApplicantIn, CaseIn, LocationIn, MovementIn
from services.context import AppContext
from services.errors import Forbidden, InvalidInput, NotFound
from services.missions import MissionIn, OralSourceIn, mission_desk
from services.working_groups import GroupIn, GroupItemIn, MutualisationIn, group_desk
from store.schemas import DocumentCreate
from tests.conftest import PASSWORD

ACCOUNTS: dict[str, tuple[list[str], str | None, bool]] = {
    "arch": (["archivist"], None, False),
    "sec": (["secretary"], "africa", False),
    "sec_eu": (["secretary"], "europe_middle_east", False),
    "head_af": (["protection_officer"], "africa", True),
    "head_eu": (["protection_officer"], "europe_middle_east", True),
    "head_asia": (["protection_officer"], "asia", True),
    "off_eu": (["protection_officer"], "europe_middle_east", False),
    "ra": (["research_assistant"], None, False),
    "ra2": (["research_assistant"], None, False),
    "reader": (["researcher"], None, False),
    "reader2": (["researcher"], None, False),
    "admin": (["admin"], None, False),
}


@dataclass
class World:
    ctx: AppContext
    p: dict[str, Principal]
    cases: dict[str, str]  # reference: case id


@pytest.fixture()
def world(fresh_ctx: AppContext) -> Iterator[World]:
    ctx = fresh_ctx
    p = {n: ctx.accounts.create_user(n, PASSWORD, r, n, d, h) for n, (r, d, h) in ACCOUNTS.items()}
    ctx.cases.add_location(p["arch"], LocationIn(code="BUR-1", name="Bureau 1", kind="office"))
    ctx.cases.add_location(p["arch"], LocationIn(code="HIST", name="Archives historiques", kind="historical"))
    cases = {}
    for ref, nat, born, division in (
        ("F-1", "ERI", dt.date(1950, 1, 1), "africa"),
        ("F-2", "SDN", None, "africa"),
        ("F-3", "SDN", None, "africa"),
        ("F-4", "ERI", None, "asia"),
    ):
        sec = p["sec"] if division == "africa" else None
        if sec is None:
            p["sec_asia"] = ctx.accounts.create_user("sec_asia", PASSWORD, ["secretary"], "s", "asia", False)
            sec = p["sec_asia"]
        c = ctx.cases.create(
            sec,
            CaseIn(
                reference=ref,
                registered_on=dt.date(2026, 1, 5),
                division=division,
                applicants=[ApplicantIn(full_name=f"Demandeur {ref}", nationality=nat, date_of_birth=born)],
            ),
        )
        cases[ref] = c["id"]
    yield World(ctx, p, cases)


def _store(w: World, code: str, *shelves: tuple[str, int]) -> tuple[int, dict[str, int]]:
    desk = archive_desk(w.ctx)
    st = desk.create_store(w.p["arch"], StoreIn(code=code, name=f"Magasin {code}", building="Fontenay"))
    ids = {code_: desk.add_shelf(w.p["arch"], st.id, ShelfIn(code=code_, capacity=cap)).id for code_, cap in shelves}
    return st.id, ids


# ---- stores, capacity, one place --------------------------------------------------------------------------
def test_a_full_shelf_refuses_the_file_with_its_capacity_and_writes_nothing(world: World) -> None:
    desk = archive_desk(world.ctx)
    arch = world.p["arch"]
    store_id, shelves = _store(world, "MAG-A", ("A1", 2))
    for ref in ("F-1", "F-2"):
        place = desk.integrate(arch, IntegrationIn(reference=ref, shelf_id=shelves["A1"]))
        assert place.shelf == "A1" and place.location_code == "MAG-A"
    before = world.ctx.cases.records.movements(world.cases["F-3"], 10)
    with pytest.raises(InvalidInput) as refused:
        desk.integrate(arch, IntegrationIn(reference="F-3", shelf_id=shelves["A1"]))
    assert refused.value.code == "arch_shelf_full" and refused.value.params["capacity"] == 2
    assert world.ctx.cases.records.movements(world.cases["F-3"], 10) == before  # no movement recorded
    assert desk.where_is(arch, "F-3").location_code is None and desk.where_is(arch, "F-3").shelf is None
    (st,) = desk.stores(arch)
    assert (st.used, st.capacity, st.occupancy) == (2, 2, 1.0)
    detail = desk.store(arch, store_id)
    assert [(s.code, s.used, s.capacity) for s in detail.shelves] == [("A1", 2, 2)]


def test_a_file_is_never_in_two_places(world: World) -> None:
    ctx, arch = world.ctx, world.p["arch"]
    desk = archive_desk(ctx)
    _, a = _store(world, "MAG-A", ("A1", 5))
    _, b = _store(world, "MAG-B", ("B1", 5))
    desk.integrate(arch, IntegrationIn(reference="F-1", shelf_id=a["A1"]))
    desk.integrate(arch, IntegrationIn(reference="F-1", shelf_id=b["B1"]))
    place = desk.where_is(arch, "F-1")
    assert (place.location_code, place.shelf) == ("MAG-B", "B1")
    assert {s.code: s.used for s in desk.stores(arch)} == {"MAG-A": 0, "MAG-B": 1}
    # out to an office: the shelf waits for the file (its place is kept), the file is in the office only
    ctx.cases.move(arch, world.cases["F-1"], MovementIn(to_location="BUR-1", reason="instruction", borrower="off"))
    place = desk.where_is(arch, "F-1")
    assert (place.location_code, place.shelf, place.checked_out_to) == ("BUR-1", "B1", "off")
    # back on its shelf through an integration: no second place, the check-out ends
    desk.integrate(arch, IntegrationIn(reference="F-1", shelf_id=b["B1"]))
    place = desk.where_is(arch, "F-1")
    assert (place.location_code, place.shelf, place.checked_out_to) == ("MAG-B", "B1", None)
    # an ordinary movement to another store releases the shelf
    ctx.cases.move(arch, world.cases["F-1"], MovementIn(to_location="MAG-A", reason="reclassement"))
    place = desk.where_is(arch, "F-1")
    assert (place.location_code, place.shelf) == ("MAG-A", None)
    assert {s.code: s.used for s in desk.stores(arch)} == {"MAG-A": 0, "MAG-B": 0}


def test_only_archivists_keep_the_stores(world: World) -> None:
    desk = archive_desk(world.ctx)
    for name in ("sec", "head_af", "ra", "reader", "admin"):
        with pytest.raises(Forbidden):
            desk.stores(world.p[name])
        with pytest.raises(Forbidden):
            desk.where_is(world.p[name], "F-1")


# ---- conservation ----------------------------------------------------------------------------------------
def test_readings_are_flagged_against_the_thresholds_and_csv_imports_keep_the_good_lines(world: World) -> None:
    desk = archive_desk(world.ctx)
    arch = world.p["arch"]
    store_id, _ = _store(world, "MAG-A", ("A1", 5))
    ok = desk.add_reading(arch, store_id, ReadingIn(taken_at=dt.datetime(2026, 9, 2, 9), temperature=18.5, humidity=50))
    hot = desk.add_reading(arch, store_id, ReadingIn(taken_at=dt.datetime(2026, 9, 3, 9), temperature=24.0))
    assert not ok.out_of_range and hot.out_of_range
    csv_text = (
        "Date;Température (°C);Humidité (%)\n"
        "2026-09-04 09:00;18,2;49\n"
        "2026-09-05 09:00;17,9;61\n"  # too humid
        "pas une date;18;50\n"
        "2026-09-06T09:00;;52\n"
    )
    result = desk.import_readings(arch, store_id, csv_text)
    assert (result.imported, result.out_of_range) == (3, 1)
    assert len(result.rejected) == 1 and result.rejected[0].startswith("4:")
    detail = desk.store(arch, store_id)
    assert [r.out_of_range for r in detail.readings] == [False, True, False, True, False]
    assert detail.store.alerts == 0  # the readings are older than 30 days
    # a store's own thresholds win over the defaults
    cold = desk.create_store(arch, StoreIn(code="MAG-F", name="Froid", temp_min=2, temp_max=8))
    assert not desk.add_reading(arch, cold.id, ReadingIn(taken_at=dt.datetime.now(), temperature=5)).out_of_range
    assert desk.add_reading(arch, cold.id, ReadingIn(taken_at=dt.datetime.now(), temperature=18)).out_of_range
    assert {s.code: s.alerts for s in desk.stores(arch)}["MAG-F"] == 1


# ---- transfer and reading room -----------------------------------------------------------------------------
def test_the_code_du_patrimoine_delays() -> None:
    closed = dt.date(2000, 6, 30)
    assert communicable_on(["private_life"], closed, None) == dt.date(2050, 6, 30)
    assert communicable_on(["judicial"], closed, None) == dt.date(2075, 6, 30)
    assert communicable_on(["private_life", "minor"], closed, None) == dt.date(2100, 6, 30)
    assert communicable_on(["medical"], closed, dt.date(1950, 1, 1)) == dt.date(2070, 1, 1)
    assert communicable_on(["medical"], closed, None) == dt.date(2120, 6, 30)  # unknown birth: the longer bound
    assert communicable_on([], dt.date(1972, 2, 29), None) == dt.date(2022, 2, 28)


def test_a_researcher_reads_only_files_transferred_to_them_and_communicable(world: World) -> None:
    ctx, arch, reader = world.ctx, world.p["arch"], world.p["reader"]
    desk = archive_desk(ctx)
    desk.transfer(
        arch, TransferIn(reference="F-1", researcher="reader", closed_on=dt.date(1970, 5, 1), to_location="HIST")
    )
    t2 = desk.transfer(
        arch, TransferIn(reference="F-2", researcher="reader", closed_on=dt.date(2000, 5, 1), to_location="HIST")
    )
    assert t2.communicable_on == "2050-05-01" and t2.articles == ["L. 213-2, I, 3°"]
    assert desk.where_is(arch, "F-1").location_code == "HIST"  # the file moved to the historical archives
    room = desk.room(reader)
    assert [(f.reference, f.communicable) for f in room] == [("F-1", True), ("F-2", False)]
    assert desk.room(world.p["reader2"]) == []
    detail = desk.room_file(reader, world.cases["F-1"])
    assert detail.applicants[0].full_name == "Demandeur F-1"
    with pytest.raises(Forbidden) as too_early:
        desk.room_file(reader, world.cases["F-2"])
    assert too_early.value.code == "room_not_communicable"
    for other in (world.cases["F-3"], "0" * 32, "../x"):
        with pytest.raises(NotFound):
            desk.room_file(reader, other)
    with pytest.raises(NotFound):
        desk.room_file(world.p["reader2"], world.cases["F-1"])
    records = ctx.audit.query(actor="reader", limit=50)
    views = [(r.action, r.case_id, r.outcome) for r in records if r.action == "room.file.view"]
    assert (("room.file.view", world.cases["F-1"], "ok")) in views
    assert ("room.file.view", world.cases["F-2"], "denied") in views
    assert sum(1 for v in views if v[2] == "denied") == 4
    check = desk.check(reader, CheckIn(references=["F-1", "F-2", "F-3", "nope"]))
    assert check.communicable == ["F-1"] and check.not_yet == {"F-2": "2050-05-01"}
    assert check.not_transferred == ["F-3", "nope"]
    # only accredited researchers and a historical location
    with pytest.raises(InvalidInput):
        desk.transfer(
            arch, TransferIn(reference="F-3", researcher="ra", closed_on=dt.date(1970, 1, 1), to_location="HIST")
        )
    with pytest.raises(InvalidInput):
        desk.transfer(
            arch, TransferIn(reference="F-3", researcher="reader", closed_on=dt.date(1970, 1, 1), to_location="BUR-1")
        )
    with pytest.raises(Forbidden):
        desk.room(world.p["arch"])
    with pytest.raises(Forbidden):
        desk.transfer(
            reader, TransferIn(reference="F-3", researcher="reader", closed_on=dt.date(1970, 1, 1), to_location="HIST")
        )


# ---- missions and oral sources -----------------------------------------------------------------------------
def test_an_oral_source_is_cited_anonymised_and_its_identity_is_for_the_members_only(world: World) -> None:
    ctx = world.ctx
    desk = mission_desk(ctx)
    ra, ra2 = world.p["ra"], world.p["ra2"]
    m = desk.create(
        ra,
        MissionIn(
            title="Mission Soudan 2026",
            country="SDN",
            starts_on=dt.date(2026, 3, 8),
            ends_on=dt.date(2026, 3, 20),
            purpose="Situation des déplacés",
            terms_of_reference="1. Sécurité à Khartoum",
            members=["head_af"],
        ),
    )
    src = desk.add_source(
        ra,
        m.id,
        OralSourceIn(
            description="responsable d'une ONG",
            place="Khartoum",
            met_on=dt.date(2026, 3, 12),
            reliability_note="Source directe, recoupée",
            full_name="Hamid Sourcesecrete",
            organisation="ONG Testaide",
            contact="+249 000 000",
        ),
    )
    assert src.citation == "Source orale n° 1, responsable d'une ONG, Khartoum, entretien du 12 mars 2026"
    assert desk.get(ra, m.id, "en").sources[0].citation == (
        "Oral source no. 1, responsable d'une ONG, Khartoum, interview of 12 March 2026"
    )
    as_member = desk.get(world.p["head_af"], m.id)
    assert (
        as_member.sources[0].identity is not None and as_member.sources[0].identity.full_name == "Hamid Sourcesecrete"
    )
    outside = desk.get(ra2, m.id)
    assert outside.sources[0].identity is None and "Sourcesecrete" not in outside.model_dump_json()
    with pytest.raises(Forbidden):
        desk.add_source(ra2, m.id, OralSourceIn(description="x", place="y", met_on=dt.date(2026, 3, 1), full_name="z"))
    with pytest.raises(InvalidInput):  # a report that names the source is refused
        desk.add_report(ra, m.id, "Rapport", "Entretien avec Hamid SOURCESECRÈTE à Khartoum".encode(), "r.txt")
    report = desk.add_report(
        ra, m.id, "Rapport de mission Soudan", f"Les déplacés ... [{src.citation}]".encode(), "r.txt"
    )
    run_queued(ctx.store, ctx.jobs)
    ctx.indexer.drain()
    (stored,) = desk.get(ra, m.id).reports
    assert stored.id == report.id and stored.document_id
    doc = ctx.store.get(stored.document_id)
    assert (doc.kind, doc.doc_type, doc.countries) == ("coi", "mission_report", ["SDN"])
    assert "Sourcesecrete" not in (doc.text or "") and "Source orale n° 1" in (doc.text or "")
    with pytest.raises(Forbidden):
        desk.missions(world.p["arch"])


# ---- working groups ------------------------------------------------------------------------------------------
def test_a_group_shares_a_collection_whose_notes_stay_in_the_group(world: World) -> None:
    ctx = world.ctx
    desk = group_desk(ctx)
    coi = ctx.store.add(
        DocumentCreate(kind="coi", title="Rapport Érythrée", source="upload", language="fr", text="Service national."),
        b"Service national.",
        "text/plain",
        origin="test:coi",
        received_by="tests",
    )
    case_doc = ctx.store.add(
        DocumentCreate(
            kind="case_document", title="Pièce", source="upload", language="fr", text="x", case_id=world.cases["F-1"]
        ),
        b"x",
        "text/plain",
        origin="test:case",
        received_by="tests",
    )
    g = desk.create(world.p["head_af"], GroupIn(name="Groupe Corne de l'Afrique", kind="geographic", members=["ra"]))
    desk.add_item(
        world.p["ra"], g.id, GroupItemIn(document_id=coi.id, tags=["service national", ""], note="Note Zirconelle")
    )
    with pytest.raises(InvalidInput):
        desk.add_item(world.p["ra"], g.id, GroupItemIn(document_id=case_doc.id))
    with pytest.raises(InvalidInput):
        desk.add_item(world.p["ra"], g.id, GroupItemIn(document_id=coi.id))
    seen = desk.get(world.p["ra"], g.id)
    assert [(i.title, i.tags, i.note) for i in seen.items] == [
        ("Rapport Érythrée", ["service national"], "Note Zirconelle")
    ]
    for outsider in ("ra2", "head_eu", "sec"):
        with pytest.raises(NotFound):
            desk.get(world.p[outsider], g.id)
        assert desk.groups(world.p[outsider]) == []
    with pytest.raises(NotFound):
        desk.add_item(world.p["ra2"], g.id, GroupItemIn(document_id=coi.id))
    with pytest.raises(Forbidden):
        desk.groups(world.p["reader"])


def test_mutualised_nationalities_route_those_cases_to_the_other_division_and_nothing_else(world: World) -> None:
    ctx, p, cases = world.ctx, world.p, world.cases
    records = ctx.cases.records
    desk = group_desk(ctx)
    before = {n: visible_case_ids(records, p[n], "location") for n in p}
    with pytest.raises(Forbidden):  # only the giving division's head (or an admin)
        desk.set_mutualisation(
            p["head_eu"], MutualisationIn(nationality="ERI", from_division="africa", to_division="europe_middle_east")
        )
    desk.set_mutualisation(
        p["head_af"], MutualisationIn(nationality="ERI", from_division="africa", to_division="europe_middle_east")
    )
    after = {n: visible_case_ids(records, p[n], "location") for n in p}
    assert after["head_eu"] - before["head_eu"] == {cases["F-1"]}  # the Eritrean of Africa, not the one of Asia
    assert {n for n in p if after[n] != before[n]} == {"head_eu"}
    f1, f2, f4 = (records.get(cases[r]) for r in ("F-1", "F-2", "F-4"))
    assert f1 and f2 and f4
    assert case_level(records, p["head_eu"], f1) == "full"
    assert case_level(records, p["head_eu"], f2) is None and case_level(records, p["head_eu"], f4) is None
    assert case_level(records, p["head_af"], f1) == "full"  # the giving division keeps its case
    assert case_level(records, p["sec_eu"], f1) is None and case_level(records, p["off_eu"], f1) is None
    assert may_assign(p["head_eu"], f1, records) and not may_assign(p["head_eu"], f2, records)
    assert [c["reference"] for c in ctx.cases.list_cases(p["head_eu"])] == ["F-1"]
    # the receiving head assigns one of their officers, who then has the case
    from services.case_inputs import CaseChange

    ctx.cases.change(p["head_eu"], cases["F-1"], CaseChange(assigned_officer="off_eu"))
    assert [c["reference"] for c in ctx.cases.list_cases(p["off_eu"])] == ["F-1"]
    (row,) = desk.mutualisations(p["sec"])
    desk.remove_mutualisation(p["admin"], row.id)
    assert visible_case_ids(records, p["head_eu"], "location") == frozenset()


def test_integrations_racing_for_the_last_places_never_overfill_a_shelf(world: World) -> None:
    """Four files sent at once to a shelf with two places left: exactly two are placed, the counter agrees."""
    import threading

    from store.archive_stores import ArchiveRecords, place_count

    desk = archive_desk(world.ctx)
    store_id, shelves = _store(world, "MAG-R", ("R1", 2))
    outcomes: list[str] = []
    barrier = threading.Barrier(4)

    def send(ref: str) -> None:
        barrier.wait()
        try:
            desk.integrate(world.p["arch"], IntegrationIn(reference=ref, shelf_id=shelves["R1"]))
            outcomes.append("placed")
        except InvalidInput as exc:
            outcomes.append(exc.code)

    threads = [threading.Thread(target=send, args=(ref,)) for ref in ("F-1", "F-2", "F-3", "F-4")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["arch_shelf_full", "arch_shelf_full", "placed", "placed"]
    assert [s.used for s in desk.store(world.p["arch"], store_id).shelves] == [2]
    assert place_count(world.ctx.db) == 2
    ArchiveRecords(world.ctx.db, world.ctx.audit).recount()  # the counter was right: recounting changes nothing
    assert [s.used for s in desk.store(world.p["arch"], store_id).shelves] == [2]
