"""Cross-document deduplication: frontwatch.situation.cluster_events (docs/situation.md)."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import pytest

from frontwatch.records import (
    Acled,
    Actor,
    Document,
    DocumentResult,
    Event,
    EventDate,
    Location,
    Plover,
    Quantity,
    TextSpan,
)
from frontwatch.situation import EventCluster, cluster_events
from frontwatch.situation.dedup import actors_compatible, places_compatible
from frontwatch.situation.roles import family

CORPUS = Path(__file__).parent / "corpus"

SARAQIB = Location(
    text="Saraqib", span=(0, 7), name="Saraqib", geonameid=164816, lat=35.8624, lon=36.8006,
    country="SY", admin1="Idlib Governorate", feature="PPL", precision=1,
)  # fmt: skip
IDLIB = Location(
    text="Idlib", span=(0, 5), name="Idlib", geonameid=169389, lat=35.9306, lon=36.6339,
    country="SY", admin1="Idlib Governorate", feature="PPL", precision=1,
)  # fmt: skip
ALEPPO = Location(
    text="Aleppo", span=(0, 6), name="Aleppo", geonameid=170063, lat=36.2021, lon=37.1343,
    country="SY", admin1="Aleppo Governorate", feature="PPL", precision=1,
)  # fmt: skip
HAMA = Location(
    text="Hama", span=(0, 4), name="Hama", geonameid=170017, lat=35.1318, lon=36.7578,
    country="SY", admin1="Hama Governorate", feature="PPL", precision=1,
)  # fmt: skip
SYRIA = Location(
    text="Syria", span=(0, 5), name="Syria", geonameid=163843, lat=35.0, lon=38.0,
    country="SY", feature="PCLI", precision=3,
)  # fmt: skip
IDLIB_PROVINCE = Location(
    text="Idlib province", span=(0, 14), name="Idlib", geonameid=None, lat=35.8, lon=36.6,
    country="SY", admin1="Idlib", feature="ADM1", precision=3,
)  # fmt: skip
KUPIANSK = Location(
    text="Kupiansk", span=(0, 8), name="Kupyansk", geonameid=703656, lat=49.7106, lon=37.6156,
    country="UA", feature="PPL", precision=1,
)  # fmt: skip
ARMY = Actor(
    text="Syrian army", span=(0, 11), name="Military Forces of Syria", type="state_forces",
    country="SY",
)  # fmt: skip
GOVERNMENT = Actor(
    text="Damascus", span=(0, 8), name="Government of Syria", type="state_forces", country="SY"
)
HTS = Actor(text="HTS", span=(0, 3), name="Hayat Tahrir al-Sham", type="rebel_group", country="SY")
FSA = Actor(text="FSA", span=(0, 3), name="Free Syrian Army", type="rebel_group", country="SY")
REBELS = Actor(text="rebel fighters", span=(0, 14), type="rebel_group")
GUNMEN = Actor(text="the opposition", span=(0, 14), type="external_other")
TROOPS = Actor(text="troops", span=(0, 6), type="state_forces")
CIVILIANS = Actor(text="civilians", span=(0, 9), type="civilians")


def make_event(
    event_id: str,
    doc_id: str = "doc",
    *,
    sub: str = "Non-state actor overtakes territory",
    event_type: str = "Battles",
    trigger: str = "captured",
    actor1: Actor | None = None,
    actor2: Actor | None = None,
    location: Location | None = None,
    day: str | None = "2020-02-27",
    end: str | None = None,
    precision: str = "day",
    inferred: bool = False,
    quantities: list[Quantity] | None = None,
    modality: str = "asserted",
    status: str | None = "completed",
    sentence: tuple[int, int] = (0, 40),
) -> Event:
    """An event record as the extractor would give it, with only what a test needs."""
    date = None
    if day is not None:
        date = EventDate(
            start=dt.date.fromisoformat(day),
            end=dt.date.fromisoformat(end or day),
            precision=precision,
            inferred=inferred,
        )
    return Event(
        id=event_id,
        doc_id=doc_id,
        plover=Plover(type="FIGHT"),
        acled=Acled(event_type=event_type, sub_event_type=sub),
        category="political_violence",
        actor1=actor1,
        actor2=actor2,
        location=location,
        date=date,
        quantities=quantities or [],
        status=status,
        modality=modality,
        trigger=TextSpan(text=trigger, span=(0, len(trigger))),
        evidence=TextSpan(text="x" * (sentence[1] - sentence[0]), span=sentence),
        confidence=0.9,
        extractor_version="test",
    )


def killed(count: float) -> Quantity:
    return Quantity(kind="killed", count=count, text=str(count), span=(0, 2))


def tanks(count: float) -> Quantity:
    return Quantity(kind="materiel", item="tank", count=count, text=str(count), span=(0, 2))


def pair(
    doc_id: str, events: list[Event], outlet: str | None = None, published: str = "2020-02-28"
) -> tuple[Document, DocumentResult]:
    document = Document(
        id=doc_id, text="x" * 40, outlet=outlet, published=dt.date.fromisoformat(published)
    )
    return document, DocumentResult(doc_id=doc_id, events=events)


def by_members(clusters: list[EventCluster]) -> list[list[str]]:
    return sorted(c.members for c in clusters)


# -- compatibility rules ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (SARAQIB, SARAQIB, True),
        (SARAQIB, IDLIB, True),  # 17 km apart, both towns: within 25 km
        (SARAQIB, ALEPPO, False),  # 48 km
        (SARAQIB, SYRIA, True),  # somewhere in Syria
        (SARAQIB, IDLIB_PROVINCE, True),  # in the province
        (ALEPPO, IDLIB_PROVINCE, False),  # another province
        (SARAQIB, KUPIANSK, False),  # another country
        (SARAQIB, None, True),  # an unknown place matches any
        (SARAQIB.model_copy(update={"precision": 2}), ALEPPO, True),  # 48 km: within 50 km
        (SARAQIB.model_copy(update={"precision": 2}), HAMA, False),  # 81 km, another province
        (IDLIB.model_copy(update={"precision": 2}), SARAQIB, True),  # same province
    ],
)
def test_dedup_places_compatible(a: Location, b: Location | None, expected: bool) -> None:
    assert places_compatible(a, b) is expected
    assert places_compatible(b, a) is expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (HTS, HTS, True),
        (HTS, FSA, False),  # two named groups
        (ARMY, GOVERNMENT, True),  # state forces of one country
        (HTS, REBELS, True),  # unnamed rebels may be HTS
        (ARMY, REBELS, False),  # unnamed rebels are not the army
        (ARMY, TROOPS, True),
        (ARMY, GUNMEN, True),  # no definite type: unknown
        (ARMY, None, True),
        (REBELS, CIVILIANS, False),
    ],
)
def test_dedup_actors_compatible(a: Actor, b: Actor | None, expected: bool) -> None:
    assert actors_compatible(a, b) is expected
    assert actors_compatible(b, a) is expected


# -- merging ---------------------------------------------------------------------------------


def test_dedup_merges_reports_across_outlets_with_conflicting_values() -> None:
    results = [
        pair("n1", [make_event("e1", "n1", actor1=HTS, location=SARAQIB)], "Outlet A"),
        pair("n2", [make_event("e2", "n2", actor1=REBELS, location=SARAQIB)], "Outlet B"),
        pair(
            "n3",
            [
                make_event(
                    "e3",
                    "n3",
                    sub="Attack",
                    event_type="Violence against civilians",
                    trigger="killed",
                    location=IDLIB,
                    quantities=[killed(12)],
                )
            ],
            "Outlet A",
        ),
        pair(
            "n4",
            [
                make_event(
                    "e4",
                    "n4",
                    sub="Attack",
                    event_type="Violence against civilians",
                    trigger="killed",
                    location=IDLIB,
                    quantities=[killed(15)],
                )
            ],
            "Outlet B",
        ),
    ]
    clusters = cluster_events(results)
    assert by_members(clusters) == [["e1", "e2"], ["e3", "e4"]]
    capture = next(c for c in clusters if c.members == ["e1", "e2"])
    assert capture.sources == 2
    assert capture.event.id == "e1"  # the most complete report represents the cluster
    assert capture.id == hashlib.sha1(b"e1|e2").hexdigest()[:16]
    strike = next(c for c in clusters if c.members == ["e3", "e4"])
    spread = strike.conflicts["killed"]
    assert [(v.doc_id, v.value) for v in spread.values] == [("n3", 12.0), ("n4", 15.0)]
    assert (spread.low, spread.best, spread.high) == (12.0, 13.5, 15.0)  # best: the median
    assert spread.conflicting


@pytest.mark.parametrize(
    ("second", "merged"),
    [
        ({"actor1": FSA}, False),  # another group
        ({"location": ALEPPO}, False),  # another town
        ({"day": "2020-02-29"}, False),  # two days later
        ({"day": "2020-02-28"}, True),  # the next day: a report may be a day off
        ({"day": "2020-03-02", "inferred": True}, True),  # no date in the text: same week
        ({"day": "2020-03-06", "inferred": True}, False),
        ({"day": "2020-02-01", "end": "2020-02-29", "precision": "month"}, True),
        ({"modality": "negated", "status": None}, False),  # a denial is not the claim
        ({"status": "failed"}, False),
        ({"trigger": "withdrew", "sub": "Non-violent transfer of territory"}, False),
        ({"day": None}, True),
    ],
)
def test_dedup_merge_conditions(second: dict[str, Any], merged: bool) -> None:
    first = make_event("e1", "n1", actor1=HTS, location=SARAQIB)
    other = make_event("e2", "n2", **{"actor1": HTS, "location": SARAQIB, **second})
    clusters = cluster_events([pair("n1", [first]), pair("n2", [other])])
    assert len(clusters) == (1 if merged else 2)


def test_dedup_sources_count_copies_and_outlets_once() -> None:
    results = [
        pair("w1", [make_event("e1", "w1", actor1=HTS, location=SARAQIB)], "Wire"),
        pair("w2", [make_event("e2", "w2", actor1=HTS, location=SARAQIB)], "Wire"),  # update
        pair("c1", [make_event("e3", "c1", actor1=HTS, location=SARAQIB)], "Copycat"),
        pair("o1", [make_event("e4", "o1", actor1=HTS, location=SARAQIB)], "Other"),
        pair("u1", [make_event("e5", "u1", actor1=HTS, location=SARAQIB)], None),
    ]
    assert [c.sources for c in cluster_events(results)] == [4]
    assert [c.sources for c in cluster_events(results, {"c1": "w1"})] == [3]


def test_dedup_latest_word_of_a_source_counts() -> None:
    events = [
        ("n1", "Wire", "2020-02-27", 10.0),
        ("n2", "Wire", "2020-02-28", 16.0),  # the wire updates its toll
        ("n3", "Other", "2020-02-28", 12.0),
    ]
    results = [
        pair(
            doc_id,
            [make_event("e" + doc_id, doc_id, location=IDLIB, quantities=[killed(value)])],
            outlet,
            published,
        )
        for doc_id, outlet, published, value in events
    ]
    (cluster,) = cluster_events(results)
    spread = cluster.conflicts["killed"]
    assert (spread.low, spread.best, spread.high) == (12.0, 14.0, 16.0)
    assert len(spread.values) == 3
    assert cluster.earliest == dt.date(2020, 2, 27)
    assert cluster.first_doc == "n1"


def test_dedup_representative_is_completed_from_other_reports() -> None:
    vague = make_event(
        "e1", "n1", actor1=HTS, actor2=ARMY, location=None, day="2020-02-28", inferred=True
    )
    precise = make_event("e2", "n2", actor1=HTS, actor2=TROOPS, location=SARAQIB)
    (cluster,) = cluster_events([pair("n1", [vague]), pair("n2", [precise])])
    event = cluster.event
    assert event.id == "e2"
    assert event.location == SARAQIB
    assert event.actor2 == ARMY  # named, where the representative had "troops"
    assert event.date is not None and event.date.start == dt.date(2020, 2, 27)


@pytest.mark.parametrize(
    ("a", "b", "merged"),
    [
        ({"actor1": REBELS, "location": None}, {"actor1": REBELS, "location": None}, False),
        ({"actor1": REBELS, "location": SARAQIB}, {"actor1": REBELS, "location": None}, False),
        ({"actor1": HTS, "location": None}, {"actor1": HTS, "location": None}, True),
        ({"actor1": REBELS, "location": SARAQIB}, {"actor1": HTS, "location": IDLIB}, True),
        ({"actor1": HTS, "location": SYRIA}, {"actor1": REBELS, "location": SARAQIB}, False),
        ({"actor1": HTS, "day": None}, {"actor1": HTS, "location": SARAQIB, "day": None}, False),
    ],
)
def test_dedup_needs_two_agreements(a: dict[str, Any], b: dict[str, Any], merged: bool) -> None:
    """Of actor1, place and date, two must be known on both sides: absence proves nothing."""
    first = make_event("e1", "n1", **a)
    second = make_event("e2", "n2", **b)
    clusters = cluster_events([pair("n1", [first]), pair("n2", [second])])
    assert len(clusters) == (1 if merged else 2)


def test_dedup_capture_takes_the_place_of_the_attack_in_its_sentence() -> None:
    homs = Location(
        text="Homs", span=(30, 34), name="Homs", geonameid=169577, lat=34.72, lon=36.73,
        country="SY", admin1="Homs Governorate", feature="PPL", precision=2,
    )  # fmt: skip
    field = Location(
        text="gas field", span=(10, 19), name="Shaar gas field", lat=34.78, lon=37.65,
        country="SY", admin1="Homs", feature="GASF", precision=1,
    )  # fmt: skip
    attack = make_event(
        "e1", sub="Armed clash", trigger="attack", actor1=HTS, location=field, status="ongoing"
    )
    capture = make_event("e2", actor1=HTS, location=homs)
    clusters = cluster_events([pair("doc", [attack, capture])])
    taken = next(c for c in clusters if c.members == ["e2"])
    assert taken.event.location == field


def test_dedup_is_independent_of_input_order() -> None:
    results = [
        pair("n1", [make_event("e1", "n1", actor1=HTS, location=SARAQIB)], "A"),
        pair("n2", [make_event("e2", "n2", actor1=ARMY, location=SARAQIB)], "B"),
        pair("n3", [make_event("e3", "n3", actor1=REBELS, location=IDLIB)], "C"),
        pair("n4", [make_event("e4", "n4", actor1=TROOPS, location=SARAQIB)], "D"),
    ]
    forward = cluster_events(results)
    backward = cluster_events(list(reversed(results)))
    assert [c.id for c in forward] == [c.id for c in backward]
    assert by_members(forward) == [["e1", "e3"], ["e2", "e4"]]


def test_dedup_family_of_seizures_ignores_their_sub_type() -> None:
    a = make_event("e1", event_type="Strategic developments", sub="Agreement", trigger="seized")
    b = make_event("e2", event_type="Strategic developments", sub="Other", trigger="captured")
    assert family(a) == family(b) == "strategic:gain"


# -- the test corpus -------------------------------------------------------------------------


def _find(clusters: list[EventCluster], spec: dict[str, Any]) -> EventCluster:
    found = [
        c
        for c in clusters
        if family(c.event) == spec["family"]
        and sorted({r.doc_id for r in c.reports}) == spec["documents"]
        and c.event.location is not None
        and c.event.location.name == spec["place"]
    ]
    assert len(found) == 1, spec["about"]
    return found[0]


def test_dedup_corpus_merged_events_and_sources(
    corpus_clusters: list[EventCluster], expected: dict[str, Any]
) -> None:
    for spec in expected["clusters"]:
        cluster = _find(corpus_clusters, spec)
        event = cluster.event
        actor = event.actor1.name or event.actor1.text if event.actor1 else None
        assert actor == spec["actor1"], spec["about"]
        assert event.date is not None and event.date.start == dt.date.fromisoformat(spec["date"])
        assert cluster.sources == spec["sources"], spec["about"]
        assert cluster.earliest == dt.date.fromisoformat(spec["earliest"]), spec["about"]


def test_dedup_corpus_conflicting_values(
    corpus_clusters: list[EventCluster], expected: dict[str, Any]
) -> None:
    specs = [s for s in expected["clusters"] if "conflicts" in s]
    assert len(specs) == 4
    for spec in specs:
        cluster = _find(corpus_clusters, spec)
        assert sorted(cluster.conflicts) == sorted(spec["conflicts"]), spec["about"]
        for key, want in spec["conflicts"].items():
            spread = cluster.conflicts[key]
            assert {v.doc_id: v.value for v in spread.values} == want["values"], spec["about"]
            assert (spread.low, spread.best, spread.high) == (
                want["low"],
                want["best"],
                want["high"],
            ), spec["about"]


def test_dedup_cluster_date_is_the_one_most_reports_give() -> None:
    """One report that misdates the capture (a day after) does not move it, even when it is the
    most confident one."""
    sure = make_event("e3", "n3", actor1=ARMY, location=SARAQIB, day="2020-02-09")
    results = [
        pair("n1", [make_event("e1", "n1", actor1=ARMY, location=SARAQIB, day="2020-02-08")]),
        pair("n2", [make_event("e2", "n2", actor1=ARMY, location=SARAQIB, day="2020-02-08")]),
        pair("n3", [sure.model_copy(update={"confidence": 0.99})]),
    ]
    (cluster,) = cluster_events(results)
    assert cluster.members == ["e1", "e2", "e3"]
    assert cluster.event.date is not None
    assert cluster.event.date.start == dt.date(2020, 2, 8)
