"""The source registry: one entry per publisher, used for facets, citations and the source page.

Crawl settings arrive with the crawlers; the fields here are those the search and citations need.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

SourceType = Literal["ngo", "government", "un_io", "court", "media", "academic"]


@dataclass(frozen=True)
class Source:
    id: str
    name: str
    acronym: str
    type: SourceType
    home: str
    languages: tuple[str, ...] = ()


SOURCES: dict[str, Source] = {
    s.id: s
    for s in (
        Source(
            "ukhomeoffice",
            "United Kingdom: Home Office",
            "UK Home Office",
            "government",
            "https://www.gov.uk/government/collections/country-policy-and-information-notes",
            ("en",),
        ),
        Source(
            "usdos",
            "United States Department of State",
            "USDOS",
            "government",
            "https://www.state.gov/reports-bureau-of-democracy-human-rights-and-labor/country-reports-on-human-rights-practices/",
            ("en",),
        ),
        Source(
            "coe-cpt",
            "Council of Europe: European Committee for the Prevention of Torture",
            "CoE-CPT",
            "un_io",
            "https://www.coe.int/en/web/cpt",
            ("en", "fr"),
        ),
        Source(
            "un-upr",
            "UN Human Rights Council: Universal Periodic Review",
            "UN HRC",
            "un_io",
            "https://www.ohchr.org/en/hr-bodies/upr/upr-main",
            ("en",),
        ),
        Source("cnda", "Cour nationale du droit d'asile", "CNDA", "court", "https://www.cnda.fr", ("fr",)),
        Source(
            "fr-ja",
            "Juridictions administratives françaises",
            "Juridictions administratives",
            "court",
            "https://opendata.justice-administrative.fr",
            ("fr",),
        ),
        Source(
            "lu-ta",
            "Luxembourg: Tribunal administratif",
            "TA Luxembourg",
            "court",
            "https://justice.public.lu",
            ("fr",),
        ),
        Source(
            "be-cc",
            "Belgique: Cour constitutionnelle",
            "Cour constitutionnelle (BE)",
            "court",
            "https://www.const-court.be",
            ("fr",),
        ),
        Source(
            "ch-taf",
            "Suisse: Tribunal administratif fédéral",
            "TAF",
            "court",
            "https://www.bvger.ch",
            ("fr", "de", "it"),
        ),
        Source(
            "edal", "European Database of Asylum Law (ECRE)", "EDAL", "ngo", "https://www.asylumlawdatabase.eu", ("en",)
        ),
        Source(
            "un-tb",
            "UN Treaty Bodies (CAT, HRC) jurisprudence",
            "UN Treaty Bodies",
            "un_io",
            "https://juris.ohchr.org",
            ("en",),
        ),
        Source(
            "us-bia",
            "United States: Board of Immigration Appeals",
            "BIA",
            "court",
            "https://www.justice.gov/eoir/board-of-immigration-appeals",
            ("en",),
        ),
        Source(
            "us-ca",
            "United States Courts of Appeals",
            "US Courts of Appeals",
            "court",
            "https://www.uscourts.gov",
            ("en",),
        ),
        Source("upload", "Téléversement manuel", "Upload", "government", "", ()),
    )
}


def source_name(source_id: str) -> str:
    s = SOURCES.get(source_id)
    return s.name if s else source_id


def source_acronym(source_id: str) -> str:
    s = SOURCES.get(source_id)
    return s.acronym if s else source_id
