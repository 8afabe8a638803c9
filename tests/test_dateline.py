"""Datelines: the name a text opens with before a dateline mark (components/places/dateline.py)."""

from __future__ import annotations

import pytest
import spacy
from spacy.language import Language

from frontwatch.components.places.dateline import dateline_name, strong_reading, wire_dateline
from frontwatch.gazetteer.index import Candidate, Place


@pytest.fixture(scope="module")
def blank() -> Language:
    return spacy.blank("en")


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Taiz: Snipers shot a woman in the city on 20 May.", "Taiz"),
        ("Gao: On 10 February 2023, an IED exploded.", "Gao"),
        ("MOSUL, June 12 (wire) - Fighting went on.", "MOSUL"),
        ("Mosul, 12 June - Fighting went on.", "Mosul"),
        ("Mosul, June 12 - Fighting went on.", "Mosul"),
        ("Deir ez-Zor: Clashes erupted on Monday.", "Deir ez-Zor"),
        ("South Lebanon: Strikes went on.", "South Lebanon"),
        ('"Kirkuk: four people were killed.', "Kirkuk"),
        # no dateline: a comma after a title-case word that no date follows; no mark at all
        ("However, the rebels attacked.", None),
        ("Mosul, the second city, fell.", None),
        ("Rebels attacked the town.", None),
        ("- Rebels attacked the town.", None),
    ],
)
def test_dateline_name(blank: Language, text: str, name: str | None) -> None:
    doc = blank(text)
    span = dateline_name(doc)
    assert (doc[span[0] : span[1]].text if span else None) == name


@pytest.mark.parametrize(
    ("text", "wire"),
    [
        ("MOSUL - Fighting went on.", True),
        ("Mosul, June 12 - Fighting went on.", True),
        ("Gao: On 10 February 2023, an IED exploded.", True),
        ("Taiz: Snipers shot a woman.", False),
    ],
)
def test_dateline_wire(blank: Language, text: str, wire: bool) -> None:
    doc = blank(text)
    span = dateline_name(doc)
    assert span is not None
    assert wire_dateline(doc, span) is wire


def _cand(
    name: str,
    country: str,
    code: str,
    population: int,
    *,
    primary: bool = True,
    exact: bool = True,
) -> Candidate:
    place = Place(
        geonameid=1,
        name=name,
        lat=0.0,
        lon=0.0,
        country=country,
        admin1="01",
        admin1_name=None,
        feature_class="P" if code.startswith("PPL") else "A",
        feature_code=code,
        population=population,
        approximate=False,
        source="test",
    )
    return Candidate(place, exact, primary)


@pytest.mark.parametrize(
    ("cands", "wire", "strong"),
    [
        # a well-known town, a division under its main name: taken from a colon alone
        ([_cand("Taiz", "YE", "PPL", 615_000)], False, True),
        ([_cand("Ituri", "CD", "ADM1", 0)], False, True),
        # a small town, or a county that has the name only as another name: a transcript's
        # speaker ("Smith: ...") as likely as a place
        ([_cand("Smith", "US", "PPL", 1_033)], False, False),
        ([_cand("Smith County", "US", "ADM2", 0, primary=False)], False, False),
        # ... but a wire dateline's small place in one country is taken
        ([_cand("Djibo", "BF", "PPL", 60_000)], True, True),
        (
            [_cand("Springfield", "US", "PPL", 60_000), _cand("Springfield", "JM", "PPL", 900)],
            True,
            False,
        ),
        ([_cand("Tayz", "YE", "PPL", 615_000, exact=False)], True, False),
    ],
)
def test_dateline_strong_reading(cands: list[Candidate], wire: bool, strong: bool) -> None:
    assert strong_reading(cands, wire=wire) is strong
