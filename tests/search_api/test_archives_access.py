"""Archives stores, reading room, missions and working groups (issue 23) through the real API on the real store
and index: every new route x every role, and what must never leak — an oral source's identity (search, facets,
exports, reports, documents, audit), a group's notes, a researcher's files that are not theirs or not yet
communicable, a file past a full shelf."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from ingest.uploads import run_queued
from search_api.app import create_app
from services.archives import IntegrationIn, ShelfIn, StoreIn, TransferIn, archive_desk
from services.case_inputs import ApplicantIn, CaseIn, LocationIn
from services.context import AppContext
from services.missions import MissionIn, OralSourceIn, mission_desk
from services.working_groups import GroupIn, GroupItemIn, group_desk
from tests.conftest import SECRET_WORDS, STAFF, People

IDENTITY = "Hamid Sourcesecrete"
CONTACT = "+249 555 0142"
NOTE = "Note Zirconelle du groupe"
REPORT_WORD = "Quillerbrande"
USERS = sorted(set(STAFF) - {"visitor", "fuzz_head"})
DESK = {"ra", "officer_a", "officer_b", "head_africa", "head_asia", "consultant", "consultant2"}
GROUP_STAFF = DESK | {"sec_africa", "sec_asia"}


@dataclass
class Area:
    store_id: int
    shelf_id: int
    mission_id: int
    group_id: int
    report_doc: str
    readable: str  # case ids transferred to "reader"
    too_early: str
    citation: str


@pytest.fixture(scope="module")
def area(demo_ctx: AppContext, people: People) -> Area:
    ctx = demo_ctx
    p = {name: ctx.accounts.from_token(people.tokens[name]) for name in USERS}
    archives = archive_desk(ctx)
    st = archives.create_store(p["archivist"], StoreIn(code="MAG-ARC", name="Magasin des tests", building="Fontenay"))
    shelf = archives.add_shelf(p["archivist"], st.id, ShelfIn(code="T1", capacity=2))
    ctx.cases.add_location(p["archivist"], LocationIn(code="HIST-ARC", name="Archives historiques", kind="historical"))
    ids = []
    for ref in ("ARCH-1970-0001", "ARCH-2010-0002"):
        c = ctx.cases.create(
            p["sec_africa"],
            CaseIn(
                reference=ref,
                registered_on=dt.date(2026, 1, 2),
                division="africa",
                applicants=[ApplicantIn(full_name=f"Ancien demandeur {ref}", nationality="SDN")],
            ),
        )
        ids.append(c["id"])
        archives.integrate(p["archivist"], IntegrationIn(reference=ref, shelf_id=shelf.id))
    for ref, closed in (("ARCH-1970-0001", dt.date(1970, 3, 1)), ("ARCH-2010-0002", dt.date(2010, 3, 1))):
        archives.transfer(
            p["archivist"], TransferIn(reference=ref, researcher="reader", closed_on=closed, to_location="HIST-ARC")
        )
    missions = mission_desk(ctx)
    m = missions.create(
        p["ra"],
        MissionIn(
            title="Mission d'information Soudan",
            country="SDN",
            starts_on=dt.date(2026, 3, 8),
            ends_on=dt.date(2026, 3, 20),
            purpose="Déplacés internes",
            members=["officer_a"],
        ),
    )
    src = missions.add_source(
        p["ra"],
        m.id,
        OralSourceIn(
            description="responsable d'une ONG",
            place="Khartoum",
            met_on=dt.date(2026, 3, 12),
            reliability_note="Témoin direct",
            full_name=IDENTITY,
            organisation="ONG Testaide",
            contact=CONTACT,
        ),
    )
    text = f"Rapport de mission {REPORT_WORD}. Les déplacés de Khartoum manquent d'eau ({src.citation})."
    missions.add_report(p["ra"], m.id, "Rapport de mission Soudan 2026", text.encode(), "rapport.txt", "fr")
    run_queued(ctx.store, ctx.jobs)
    ctx.indexer.drain()
    report_doc = missions.get(p["ra"], m.id).reports[0].document_id
    assert report_doc
    groups = group_desk(ctx)
    g = groups.create(p["head_africa"], GroupIn(name="Groupe Soudan (tests)", kind="geographic", members=["ra"]))
    groups.add_item(p["ra"], g.id, GroupItemIn(document_id=report_doc, tags=["déplacés"], note=NOTE))
    return Area(st.id, shelf.id, m.id, g.id, report_doc, ids[0], ids[1], src.citation)


@pytest.fixture(scope="module")
def api(demo_ctx: AppContext, people: People, area: Area) -> Iterator[TestClient]:
    app = create_app(demo_ctx.settings, context=demo_ctx, writer=False)
    with TestClient(app, base_url="https://testserver") as c:
        yield c


def auth(people: People, user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {people.tokens[user]}"}


def _is(*names: str):  # type: ignore[no-untyped-def]
    return lambda user: user in names


ARCHIVIST = _is("archivist")
READER = _is("reader")
ON_DESK = lambda user: user in DESK  # noqa: E731
MEMBER = _is("ra", "officer_a")
GROUP = _is("ra", "head_africa")
# (method, path, body, who may) — everyone else: 403, or 404 for a group they are not in
MATRIX = [
    ("GET", "/api/archives/stores", None, ARCHIVIST),
    ("GET", "/api/archives/stores/{store}", None, ARCHIVIST),
    (
        "POST",
        "/api/archives/stores/{store}/readings",
        {"taken_at": "2026-11-30T09:00:00", "temperature": 18},
        ARCHIVIST,
    ),
    ("GET", "/api/archives/where?reference=ARCH-1970-0001", None, ARCHIVIST),
    ("GET", "/api/archives/transfers", None, ARCHIVIST),
    ("GET", "/api/reading-room/files", None, READER),
    ("GET", "/api/reading-room/files/{readable}", None, READER),
    ("POST", "/api/reading-room/check", {"references": ["ARCH-1970-0001"]}, READER),
    ("GET", "/api/missions", None, ON_DESK),
    ("GET", "/api/missions/{mission}", None, ON_DESK),
    (
        "POST",
        "/api/missions/{mission}/sources",
        {"description": "journaliste", "place": "Port-Soudan", "met_on": "2026-03-14", "full_name": "Nom Tiers"},
        MEMBER,
    ),
    ("GET", "/api/groups", None, lambda user: user in GROUP_STAFF),
    ("GET", "/api/groups/{group}", None, GROUP),
    (
        "GET",
        "/api/mutualisations",
        None,
        lambda user: bool({"protection_officer", "secretary", "admin"} & set(STAFF[user][0])),
    ),
]


@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize(("method", "path", "body", "may"), MATRIX, ids=[f"{m} {p}" for m, p, _, _ in MATRIX])
def test_route_role_matrix(api: TestClient, people: People, area: Area, user: str, method, path, body, may) -> None:  # type: ignore[no-untyped-def]
    url = path.format(store=area.store_id, readable=area.readable, mission=area.mission_id, group=area.group_id)
    r = api.request(method, url, json=body, headers=auth(people, user))
    if may(user):
        assert r.status_code in (200, 201), (user, method, url, r.status_code, r.text[:300])
    elif path == "/api/groups/{group}" and user in GROUP_STAFF:
        assert r.status_code == 404, (user, url, r.status_code)  # a group of others answers like a missing one
    else:
        assert r.status_code == 403, (user, method, url, r.status_code, r.text[:300])
    if r.status_code >= 400:
        for word in (*SECRET_WORDS, IDENTITY, NOTE, "Ancien demandeur"):
            assert word not in r.text
        assert set(r.json()) == {"error"}


@pytest.mark.parametrize("user", [u for u in USERS if u not in ("reader", "interp")])
def test_an_oral_source_identity_never_leaves_the_mission(
    api: TestClient, people: People, area: Area, demo_ctx: AppContext, user: str
) -> None:
    h = auth(people, user)
    secrets = (IDENTITY, "Sourcesecrete", CONTACT, "Testaide")
    assert api.get("/api/search", params={"q": "Sourcesecrete"}, headers=h).json()["total"] == 0
    found = api.get("/api/search", params={"q": REPORT_WORD, "size": 10}, headers=h)
    assert found.status_code == 200
    body = found.json()
    assert [hit["id"] for hit in body["hits"]] == [area.report_doc]
    assert "mission_report" in {b["value"] for b in body["facets"].get("doc_type", [])} or "facets" in body
    facets = api.get("/api/search", params={"doc_type": "mission_report", "size": 50}, headers=h)
    exports = api.get("/api/export", params={"q": REPORT_WORD, "format": "jsonl"}, headers=h)
    assert exports.status_code == 200 and "Source orale n° 1, responsable d'une ONG, Khartoum" in exports.text
    doc = api.get(f"/api/documents/{area.report_doc}", headers=h)
    assert doc.status_code == 200
    mission = api.get(f"/api/missions/{area.mission_id}", headers=h)
    for r in (found, facets, exports, doc):
        for s in secrets:
            assert s not in r.text, (user, r.url, s)
    if user in ("ra", "officer_a"):
        assert mission.json()["sources"][0]["identity"]["full_name"] == IDENTITY
    else:
        for s in secrets:
            assert s not in mission.text
        if mission.status_code == 200:
            assert all(src["identity"] is None for src in mission.json()["sources"])


def test_a_report_citing_the_mission_report_carries_the_citation_not_the_identity(
    api: TestClient, people: People, area: Area, demo_ctx: AppContext
) -> None:
    h = auth(people, "ra")
    report = api.post("/api/reports", json={"title": "Soudan : déplacés", "country": "SDN"}, headers=h)
    assert report.status_code == 201, report.text
    rid = report.json()["id"]
    section = api.post(f"/api/reports/{rid}/sections", json={"title": "Eau", "text": "Accès à l'eau."}, headers=h)
    quote = "Les déplacés de Khartoum manquent d'eau"
    cited = api.post(
        f"/api/reports/{rid}/citations",
        json={"section_id": section.json()["id"], "document_id": area.report_doc, "quote": quote},
        headers=h,
    )
    assert cited.status_code == 201, cited.text
    for fmt in ("html", "docx"):
        out = api.get(f"/api/reports/{rid}/export", params={"format": fmt}, headers=h)
        assert out.status_code == 200
        text = out.text if fmt == "html" else out.content.decode("latin-1")
        assert IDENTITY not in text and "Sourcesecrete" not in text
    assert (
        "Les déplacés de Khartoum manquent"
        in api.get(f"/api/reports/{rid}/export", params={"format": "html"}, headers=h).text
    )
    # nor in the audit trail of the mission's work
    for record in demo_ctx.audit.query(actor="ra", limit=500):
        assert "Sourcesecrete" not in str(vars(record))


@pytest.mark.parametrize("user", [u for u in USERS if u not in ("reader", "interp")])
def test_group_notes_stay_in_the_group(api: TestClient, people: People, area: Area, user: str) -> None:
    h = auth(people, user)
    assert api.get("/api/search", params={"q": "Zirconelle"}, headers=h).json()["total"] == 0
    doc = api.get(f"/api/documents/{area.report_doc}", headers=h)
    assert "Zirconelle" not in doc.text
    group = api.get(f"/api/groups/{area.group_id}", headers=h)
    mine = api.get("/api/groups", headers=h)
    if user in ("ra", "head_africa"):
        assert group.json()["items"][0]["note"] == NOTE and group.json()["items"][0]["tags"] == ["déplacés"]
        assert [g["id"] for g in mine.json()] == [area.group_id]
    else:
        assert "Zirconelle" not in group.text and "Groupe Soudan" not in mine.text


def test_a_researcher_reads_only_their_communicable_files(api: TestClient, people: People, area: Area) -> None:
    h = auth(people, "reader")
    files = api.get("/api/reading-room/files", headers=h).json()
    assert [(f["reference"], f["communicable"]) for f in files] == [("ARCH-1970-0001", True), ("ARCH-2010-0002", False)]
    assert files[1]["communicable_on"] == "2060-03-01"
    ok = api.get(f"/api/reading-room/files/{area.readable}", headers=h)
    assert ok.status_code == 200 and ok.json()["applicants"][0]["full_name"] == "Ancien demandeur ARCH-1970-0001"
    early = api.get(f"/api/reading-room/files/{area.too_early}", headers={**h, "Accept-Language": "fr"})
    assert early.status_code == 403 and early.json()["error"]["code"] == "room_not_communicable"
    assert "Ancien demandeur" not in early.text
    for other in (people.case_a, people.case_b, "0" * 32):
        r = api.get(f"/api/reading-room/files/{other}", headers=h)
        assert r.status_code == 404
        for word in SECRET_WORDS:
            assert word not in r.text
    check = api.post(
        "/api/reading-room/check",
        json={"references": ["ARCH-1970-0001", "ARCH-2010-0002", "PRIV-2026-0042"]},
        headers=h,
    ).json()
    assert check == {
        "communicable": ["ARCH-1970-0001"],
        "not_yet": {"ARCH-2010-0002": "2060-03-01"},
        "not_transferred": ["PRIV-2026-0042"],
    }


def test_a_full_shelf_refuses_with_a_clear_message_and_the_file_stays_where_it_was(
    api: TestClient, people: People, area: Area
) -> None:
    h = auth(people, "archivist")
    store = api.post("/api/archives/stores", json={"code": "MAG-PLEIN", "name": "Magasin plein"}, headers=h).json()
    shelf = api.post(
        f"/api/archives/stores/{store['id']}/shelves", json={"code": "P1", "capacity": 1}, headers=h
    ).json()
    first = api.post(
        "/api/archives/integrations", json={"reference": "PRIV-2026-0099", "shelf_id": shelf["id"]}, headers=h
    )
    assert first.status_code == 201 and first.json()["shelf"] == "P1"
    before = api.get("/api/archives/where", params={"reference": "PRIV-2026-0042"}, headers=h).json()
    refused = api.post(
        "/api/archives/integrations",
        json={"reference": "PRIV-2026-0042", "shelf_id": shelf["id"]},
        headers={**h, "Cookie": "coidesk_lang=fr"},
    )
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "arch_shelf_full"
    assert "La travée P1 du magasin Magasin plein est pleine (1 dossiers)" in refused.json()["error"]["message"]
    assert api.get("/api/archives/where", params={"reference": "PRIV-2026-0042"}, headers=h).json() == before
    stores = {s["code"]: s for s in api.get("/api/archives/stores", headers=h).json()}
    assert (stores["MAG-PLEIN"]["used"], stores["MAG-PLEIN"]["capacity"]) == (1, 1)
    # the file moved on to another shelf leaves the first one: never in two places
    other = api.post(
        f"/api/archives/stores/{area.store_id}/shelves", json={"code": "T9", "capacity": 5}, headers=h
    ).json()
    moved = api.post(
        "/api/archives/integrations", json={"reference": "PRIV-2026-0099", "shelf_id": other["id"]}, headers=h
    )
    assert moved.json()["location_code"] == "MAG-ARC" and moved.json()["shelf"] == "T9"
    stores = {s["code"]: s for s in api.get("/api/archives/stores", headers=h).json()}
    assert stores["MAG-PLEIN"]["used"] == 0
