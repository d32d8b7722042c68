"""``coidesk users demo``: the demo set of the archives stores, reading room, missions and working groups (issue 23), made through the services."""

from __future__ import annotations

import datetime as dt

from services.archives import IntegrationIn, ReadingIn, ShelfIn, StoreIn, TransferIn, archive_desk
from services.auth import Principal
from services.case_inputs import ApplicantIn, CaseIn
from services.context import AppContext
from services.missions import MissionIn, OralSourceIn, mission_desk
from services.working_groups import GroupIn, GroupItemIn, MutualisationIn, group_desk

MISSION_REPORT = """Rapport de mission d'information au Soudan (Port-Soudan, mars 2026)

1. Situation des personnes déplacées à Port-Soudan
Les camps de déplacés de Port-Soudan accueillent des familles venues de Khartoum et du Darfour ; l'accès à l'eau
potable y reste irrégulier et les distributions alimentaires sont interrompues plusieurs jours par mois ({c1}).

2. Contrôles aux points de passage
Des contrôles d'identité sont pratiqués par les forces armées soudanaises aux entrées de la ville ; les hommes
jeunes originaires du Darfour y sont plus souvent interrogés ({c1}).

(Rapport de démonstration : les faits sont fictifs.)
"""


def seed(ctx: AppContext, principals: dict[str, Principal]) -> None:
    """Called once by ``coidesk users demo`` after the demo accounts and cases exist."""
    archives, sec = principals["archives"], principals["secretariat"]
    desk = archive_desk(ctx)
    # stores: the existing Magasin A gets its shelves, a second store and the historical archives
    mag_a = desk.create_store(
        archives, StoreIn(code="MAG-A", name="Magasin A", building="Fontenay-sous-Bois, bâtiment A")
    )
    a1 = desk.add_shelf(archives, mag_a.id, ShelfIn(code="A-01", capacity=400))
    desk.add_shelf(archives, mag_a.id, ShelfIn(code="A-02", capacity=400))
    a3 = desk.add_shelf(archives, mag_a.id, ShelfIn(code="A-03", capacity=1))  # full once DEMO-2026-0002 is on it
    mag_b = desk.create_store(
        archives, StoreIn(code="MAG-B", name="Magasin B", building="Fontenay-sous-Bois, bâtiment B")
    )
    desk.add_shelf(archives, mag_b.id, ShelfIn(code="B-01", capacity=300))
    desk.create_store(
        archives,
        StoreIn(code="HIST", name="Archives historiques", kind="historical", building="Mission histoire et archives"),
    )
    desk.integrate(archives, IntegrationIn(reference="DEMO-2026-0001", shelf_id=a1.id, reason="intégration"))
    desk.integrate(archives, IntegrationIn(reference="DEMO-2026-0002", shelf_id=a3.id, reason="intégration"))
    now = dt.datetime.now().replace(minute=0, second=0, microsecond=0)
    for days, temperature, humidity in (
        (6, 18.2, 49),
        (5, 18.4, 50),
        (4, 18.9, 52),
        (3, 19.1, 63),
        (2, 18.6, 54),
        (1, 18.3, 51),
    ):
        desk.add_reading(
            archives,
            mag_a.id,
            ReadingIn(taken_at=now - dt.timedelta(days=days), temperature=temperature, humidity=humidity),
        )
    # historical files transferred to the accredited researcher: one communicable, one not before 2049
    for ref, registered, closed, name in (
        ("HIST-1975-0112", dt.date(1975, 5, 3), dt.date(1975, 11, 30), "Réfugié historique fictif A"),
        ("HIST-1998-0457", dt.date(1998, 9, 14), dt.date(1999, 2, 1), "Réfugiée historique fictive B"),
    ):
        ctx.cases.create(
            sec,
            CaseIn(
                reference=ref,
                registered_on=registered,
                division=sec.division or "africa",
                applicants=[ApplicantIn(full_name=name, nationality="KHM")],
            ),
        )
        desk.transfer(archives, TransferIn(reference=ref, researcher="chercheur", closed_on=closed, to_location="HIST"))
    # a mission with an officer and a research assistant, one oral source and its report
    missions = mission_desk(ctx)
    m = missions.create(
        principals["recherche"],
        MissionIn(
            title="Mission d'information au Soudan (Port-Soudan)",
            country="SDN",
            starts_on=dt.date(2026, 3, 8),
            ends_on=dt.date(2026, 3, 20),
            purpose="Situation des personnes déplacées et contrôles aux points de passage.",
            terms_of_reference="1. Conditions de vie dans les camps de déplacés de Port-Soudan.\n"
            "2. Contrôles d'identité aux entrées de la ville.",
            members=["officier"],
        ),
    )
    src = missions.add_source(
        principals["recherche"],
        m.id,
        OralSourceIn(
            description="responsable d'une ONG humanitaire",
            place="Port-Soudan",
            met_on=dt.date(2026, 3, 12),
            reliability_note="Présente dans les camps depuis 2023 ; propos recoupés avec deux autres interlocuteurs.",
            full_name="Interlocuteur fictif de démonstration",
            organisation="ONG fictive d'aide aux déplacés",
            contact="+249 000 000 000",
        ),
    )
    missions.add_report(
        principals["recherche"],
        m.id,
        "Rapport de mission d'information au Soudan (mars 2026)",
        MISSION_REPORT.format(c1=src.citation).encode(),
        "rapport-mission-soudan-2026.txt",
        "fr",
    )
    # a working group sharing a COI document, and a nationality mutualised from Africa to Europe / Middle East
    groups = group_desk(ctx)
    g = groups.create(
        principals["chef.afrique"],
        GroupIn(
            name="Groupe géographique Corne de l'Afrique",
            kind="geographic",
            description="Soudan, Érythrée, Éthiopie : documents de référence et lignes de décision.",
            members=["officier", "recherche", "juriste"],
        ),
    )
    coi = next(
        (d for batch in ctx.store.iter_documents() for d in batch if d.kind == "coi" and "ERI" in (d.countries or [])),
        None,
    )
    if coi is not None:
        groups.add_item(
            principals["chef.afrique"],
            g.id,
            GroupItemIn(
                document_id=coi.id, tags=["service national", "Érythrée"], note="À lire avant la réunion de juin."
            ),
        )
    groups.set_mutualisation(
        principals["chef.afrique"],
        MutualisationIn(nationality="ERI", from_division="africa", to_division="europe_middle_east"),
    )
