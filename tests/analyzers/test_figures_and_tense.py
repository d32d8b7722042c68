"""Figures read from French and English text (text2num for spelled numbers) and compared; whether a
statement describes a present situation (spaCy's French morphologizer, English auxiliaries)."""

from __future__ import annotations

import pytest

from analyzers.facts import split_facts
from analyzers.figures import bare_numbers, compare, find_figures
from analyzers.tense import describes_present, states_change


def _one(text: str, language: str | None = None):  # type: ignore[no-untyped-def]
    found = find_figures(text, language)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "value", "units", "bound"),
    [
        ("Trente-cinq détenus ont été entendus.", 35, {"detainees"}, "exact"),
        ("more than 200 prisoners were interviewed", 200, {"detainees"}, "min"),
        ("jusqu'à six détenus par cellule", 6, {"detainees"}, "max"),
        ("environ 2,5 millions de personnes", 2_500_000, {"people"}, "about"),
        ("Some 1.2 million people fled", 1_200_000, {"people", "displaced"}, "about"),
        ("an occupancy of nearly 1 000 prisoners", 1000, {"detainees"}, "about"),
        ("quelque 690 000 Érythréens vivaient hors du pays", 690_000, {"people"}, "about"),
        ("the efforts to recruit 70 new prison officers", 70, {"staff", "establishments"}, "exact"),
        ("5m² cells, which are not appropriate", 5, {"area"}, "exact"),
        ("a capacity of 545 places", 545, {"capacity"}, "exact"),
        ("le service national dure au-delà de 18 mois", 18, {"months"}, "min"),
    ],
)
def test_figures_and_what_they_count(text: str, value: float, units: set[str], bound: str) -> None:
    f = _one(text)
    assert (f.value, set(f.units), f.bound) == (value, units, bound)


def test_collective_numbers_are_ranges_not_text2num_thousands() -> None:
    several = _one("Several thousand persons abandoned their homes", "en")
    assert (several.low, several.high) == (2000, 9999) and several.units == {"people"}
    assert _one("une vingtaine de morts").low == 17
    assert _one("des milliers d'habitants de villages").units == {"people"}  # the elided "d'" is read


@pytest.mark.parametrize(
    "text",
    [
        "Le conflit a commencé le 15 avril 2023.",  # a date, not a count
        "In 2019 prisoners were beaten.",  # a year
        "paragraph 25 persons",  # a paragraph number
        "CPT/Inf(2024) 01 persons",  # a serial number
        "the 2nd Prison of Vilnius",  # an ordinal
        "une visite de la prison",  # an article
        "Between 2019 and 2021 the camps grew.",
    ],
)
def test_dates_references_and_articles_are_not_figures(text: str) -> None:
    assert find_figures(text) == []


def test_compare_match_close_differ_missing() -> None:
    about_40 = _one("environ 40 détenus")
    assert compare(about_40, find_figures("40 prisoners were held", "en"))[0] == "match"
    assert compare(about_40, find_figures("35 prisoners were held", "en"))[0] == "close"
    agreement, other = compare(about_40, find_figures("120 inmates and 6 cells", "en"))
    assert agreement == "differ" and other is not None and other.text == "120 inmates"
    assert compare(about_40, find_figures("for 11 days", "en")) == ("missing", None)  # not what it counts
    up_to_six = _one("jusqu'à six détenus")
    assert compare(up_to_six, find_figures("crammed with up to four prisoners", "en"))[0] == "differ"
    assert compare(_one("more than 200 people"), find_figures("250 people", "en"))[0] == "match"


@pytest.mark.parametrize(
    ("text", "language", "present"),
    [
        ("Kaboul est sous le contrôle du gouvernement de la République islamique d'Afghanistan.", "fr", True),
        ("Les femmes occupent 15 % des postes du cabinet gouvernemental afghan.", "fr", True),
        ("Les autorités azerbaïdjanaises accordent aux délégations du CPT un accès rapide.", "fr", True),
        ("Le conflit a commencé le 15 avril 2023.", "fr", False),
        ("Le requérant déclare que des policiers l'ont frappé en 2022.", "fr", False),
        ("Selon l'intéressé, une mutinerie a éclaté à la prison.", "fr", False),
        ("Kabul is under the control of the Afghan government.", "en", True),
        ("Eritrean law limits national service to a total of 24 months.", "en", True),
        ("A prisoner was murdered in Block 1A.", "en", False),
        ("The applicant says that soldiers had burned his village.", "en", False),
    ],
)
def test_present_situations_and_past_events(text: str, language: str, present: bool) -> None:
    assert describes_present(text, language) is present


def test_an_unlisted_noun_counts_in_its_own_language() -> None:
    fact = _one("80 returnees were handed over", "en")
    agreement, other = compare(fact, find_figures("51 returnees (including 38 from Germany) were handed over", "en"))
    assert agreement == "differ" and other is not None and other.text == "51 returnees"
    assert find_figures("38 from Germany", "en") == []  # a function word is not what a figure counts


def test_an_open_bound_in_the_source_neither_states_nor_denies_a_far_figure() -> None:
    about_930 = _one("environ 930 morts")
    assert compare(about_930, find_figures("ces violences auraient fait au moins 200 morts")) == ("missing", None)
    assert compare(about_930, find_figures("au moins 900 morts"))[0] == "match"  # close enough to meet


def test_bare_numbers_leave_out_dates_and_years() -> None:
    assert bare_numbers("for all citizens aged 18 to 40, on 5 September 2023, in 2019", "en") == [18.0, 40.0]


@pytest.mark.parametrize(
    ("text", "change"),
    [
        ("Following the SAF’s recapture of Al Jazirah and Khartoum", True),
        ("Khartoum and Sennar have seen a significant fall in violence", True),
        ("the fighting shifted to the Kordofan region and expanded into Blue Nile", True),
        ("la ville n'est plus sous le contrôle de l'armée", True),
        ("with intense fighting in Khartoum and Darfur, both largely controlled by the RSF", False),
        ("Les autorités accordent un accès rapide aux lieux de détention.", False),
    ],
)
def test_a_source_that_says_a_situation_changed(text: str, change: bool) -> None:
    assert states_change(text) is change


def test_a_possessive_is_not_part_of_an_unknown_name() -> None:
    fact = split_facts("By the time of the CPT's October 2023 visit, activities had improved.", "UKR")[0]
    assert "cpt's" not in fact.names
