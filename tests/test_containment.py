"""Containment phrases found whatever the tagger said (components/places/containment.py)."""

from __future__ import annotations

import spacy

from frontwatch.components.places.containment import contained_pairs, take_contained
from frontwatch.components.places.mentions import PlaceMention
from frontwatch.gazetteer.index import Candidate, Place


def _place(name: str, country: str, admin1: str, code: str) -> Place:
    return Place(
        geonameid=abs(hash((name, country, code))) % 10_000_000,
        name=name,
        lat=0.0,
        lon=0.0,
        country=country,
        admin1=admin1,
        admin1_name=None,
        feature_class="A" if code.startswith("ADM") else "P",
        feature_code=code,
        population=1000,
        approximate=False,
        source="test",
    )


TOWN_MX = Candidate(_place("Matamoros", "MX", "28", "PPL"), True, True)
TOWN_ELSEWHERE = Candidate(_place("Matamoros", "MX", "05", "PPL"), True, True)
STATE = Candidate(_place("Tamaulipas", "MX", "28", "ADM1"), True, True)


def _mention(doc: spacy.tokens.Doc, start: int, cands: list[Candidate]) -> PlaceMention:
    tok = doc[start]
    return PlaceMention(start, start + 1, (tok.idx, tok.idx + len(tok)), tok.text, candidates=cands)


def test_containment_pairs() -> None:
    doc = spacy.blank("en")("They crossed into Matamoros, Tamaulipas, on Monday.")
    town, state = _mention(doc, 3, [TOWN_ELSEWHERE, TOWN_MX]), _mention(doc, 5, [STATE])
    assert contained_pairs(doc, [state, town]) == [(town, state)]
    # the division holds no reading of the name: no pair; no comma between them: no pair
    assert contained_pairs(doc, [_mention(doc, 3, [TOWN_ELSEWHERE]), state]) == []
    doc2 = spacy.blank("en")("They crossed into Matamoros Tamaulipas on Monday.")
    assert contained_pairs(doc2, [_mention(doc2, 3, [TOWN_MX]), _mention(doc2, 4, [STATE])]) == []


def test_containment_takes_pending_names() -> None:
    doc = spacy.blank("en")("They crossed into Matamoros, Tamaulipas, on Monday.")
    town, state = _mention(doc, 3, [TOWN_MX]), _mention(doc, 5, [STATE])
    found: list[PlaceMention] = []
    deferred, weak = [state], [town]  # a person's name, an organisation's
    taken: set[int] = set()
    take_contained(doc, found, (deferred, weak), taken)
    assert (found, deferred, weak, taken) == ([state, town], [], [], {3, 5})
    # a name already taken by another mention stays where it is
    found, deferred, weak, taken = [], [_mention(doc, 5, [STATE])], [town], {3}
    take_contained(doc, found, (deferred, weak), taken)
    assert (len(found), len(deferred), len(weak), taken) == (0, 1, 1, {3})
