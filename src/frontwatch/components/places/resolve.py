"""Resolution of place mentions against the gazetteer (:class:`PlaceResolution`, a part of
:class:`~frontwatch.components.places.recognise.PlaceRecognizer`): candidates ranked by
population, feature, the document's countries and divisions, containment and neighbours; see
docs/geoparsing.md."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from spacy.tokens import Doc

from frontwatch.gazetteer.index import Candidate, Gazetteer, Place, name_key
from frontwatch.gazetteer.names import ARTICLES
from frontwatch.nlp import extensions as _extensions  # noqa: F401  (registers fw_doc_id)
from frontwatch.nlp.extensions import doc_text

from .focus import Focus, _generic, document_focus, well_known
from .mentions import (
    _DATELINE_END,
    _NEIGHBOUR_READINGS,
    _PHONE,
    ADMIN_CONTEXT,
    DISTRICT_KM,
    FEATURE_WORDS,
    HOME_CONTEXT,
    NEIGHBOUR,
    NEIGHBOUR_KM,
    AreaCodes,
    Demonyms,
    PlaceMention,
    _alike,
    _contains,
    _km,
)

FOCUS_COUNTRY = 1.0  # a reading in a country of the document's focus (docs/geoparsing.md)
#: A reading outside the focus but this close to a division of a focus country is no far-off
#: guess ("Djibo" in Burkina Faso, in a note about JNIM, a Malian group)
FOCUS_REACH_KM = 400.0
NEAR_FOCUS = 0.8  # a reading within that reach


class PlaceResolution:
    """Ranking the candidates of every mention of a document (docs/geoparsing.md). A part of
    :class:`PlaceRecognizer`, which gives it the gazetteer and the area codes."""

    area_codes: AreaCodes
    demonyms: Demonyms

    @property
    def gazetteer(self) -> Gazetteer:
        raise NotImplementedError

    # -- resolution -----------------------------------------------------------------------
    def _resolve(self, doc: Doc, mentions: list[PlaceMention], text: str | None = None) -> None:
        """Rank every mention's candidates; see docs/geoparsing.md.

        The document context of a mention (the countries and divisions of the other places)
        leaves out the mentions of the same name, so that a name does not vote for its own
        reading ("London" five times is not evidence for England).
        """
        keys = [name_key(m.text) for m in mentions]
        focus = document_focus(doc, mentions, self.demonyms, self._country_named)
        near = _neighbours(keys, mentions)
        self._focus_candidates(mentions, focus, near)
        evidence: list[tuple[str, str | None, str | None]] = []  # (key, country, admin1)
        for k, m in zip(keys, mentions, strict=True):
            if not m.candidates:
                continue
            top = m.candidates[0]
            # unambiguous places only: countries, demonyms, names with a single reading
            if (
                (top.place.is_country and top.exact)
                or m.role == "demonym"
                or len(m.candidates) == 1
            ):
                evidence.append((k, top.place.country, None))
        links = [self._links(doc, mentions, idx) for idx in range(len(mentions))]
        home = self._home(doc, mentions, links, doc_text(doc) if text is None else text)
        at_home: list[tuple[str, str | None, str | None]] = [
            ("#home", country, admin1) for country, admin1 in sorted(home)
        ]
        evidence.extend(at_home)
        for _ in range(2):  # a second pass uses the first pass's divisions and countries
            context = _Context.of(evidence)
            towns: dict[tuple[str | None, str | None], list[tuple[str, int]]] = {}
            for k, other in zip(keys, mentions, strict=True):
                if other.place is not None and other.place.feature_class == "P":
                    towns.setdefault((other.place.country, other.place.admin1), []).append(
                        (k, other.place.population)
                    )
            for idx, m in enumerate(mentions):
                if not m.candidates:
                    continue
                countries, admins = context.without(keys[idx])
                container, inner = links[idx]
                cities = [
                    c.place
                    for c in m.candidates
                    if c.exact and c.place.feature_class == "P" and c.place.population >= 500_000
                ]
                big = bool(cities)
                # "Montreal ... Quebec": a larger town of the division is named, so the name is
                # the division's rather than its city's
                outgrown = {
                    (q.country, q.admin1)
                    for q in cities
                    if any(
                        k2 != keys[idx] and pop > q.population
                        for k2, pop in towns.get((q.country, q.admin1), ())
                    )
                }
                scored = sorted(
                    (
                        (
                            self._score(
                                c,
                                m,
                                countries,
                                admins,
                                container,
                                big and (c.place.country, c.place.admin1) not in outgrown,
                                inner,
                                home,
                                focus,
                            )
                            + (NEIGHBOUR if (idx, c.place.geonameid) in near else 0.0),
                            c,
                        )
                        for c in m.candidates
                    ),
                    key=lambda x: -x[0],
                )
                best, cand = scored[0]
                second = scored[1][0] if len(scored) > 1 else best - 3.0
                m.place = cand.place
                m.score = round(1.0 / (1.0 + math.exp(-(best - second) * 1.5)), 3)
            evidence = [
                (k, m.place.country, m.place.admin1 if m.place.is_admin1 else None)
                for k, m in zip(keys, mentions, strict=True)
                if m.place and m.place.country
            ] + at_home
        self._one_sense(keys, mentions, links)
        self._fallback(mentions, links, home, _Context.of(evidence))
        self._unit_fallback(doc, mentions, focus)

    def _country_named(self, word: str) -> str | None:
        """The country a word names ("Yemen"), for the outlet's name."""
        for c in self.gazetteer.lookup(word, fold=False, limit=5):
            if c.exact and c.place.is_country and c.place.country:
                return c.place.country
        return None

    def _focus_candidates(
        self, mentions: list[PlaceMention], focus: Focus, near: set[tuple[int, int]]
    ) -> None:
        """Readings within the document's focus (docs/geoparsing.md, "No far-off guesses"):
        transliteration matches only inside it, also where the name has exact readings
        ("Hodeidah": the city besides the airport); outside it, only well-known places; a
        division with a generic name ("Centre", "Southern District") only inside it or with a
        division word after it. A reading near a reading of another name of the document
        (``near``, "Edmonton" beside "Enfield") is evidence enough."""
        gz = self.gazetteer
        for idx, m in enumerate(mentions):
            if m.role == "demonym" or m.venue:
                continue
            bare = _article_free(m.text)
            # with no focus, a small place is taken when its name has readings in one country
            single = len({c.place.country for c in m.candidates if c.exact}) == 1
            # a name that is the main name of a place in the focus: a place elsewhere that has it
            # only as another name is no reading ("Ar Riyad" in a note about Kirkuk)
            local = any(c.exact and c.primary and focus.holds(c.place) for c in m.candidates)
            # a well-known division's namesake town in it is as well known ("Kherson", "Homs")
            seats = {
                (c.place.country, c.place.admin1)
                for c in m.candidates
                if c.exact and c.place.is_admin1 and well_known(c)
            }
            kept = []
            for c in m.candidates:
                if not c.exact and bare and bare == _article_free(c.place.name):
                    c = Candidate(c.place, True, c.primary)  # "Qamishli": "Al Qamishli"
                p = c.place
                inside = focus.holds(p)
                if not c.exact and not inside:
                    continue  # no transliteration guesses outside the focus
                if (
                    (focus or not single)
                    and not inside
                    and not well_known(c)
                    and not (c.exact and p.feature_class == "P" and (p.country, p.admin1) in seats)
                    and not m.county
                    and (idx, p.geonameid) not in near
                    and not self._near_focus(p, focus)
                ):
                    continue
                if p.feature_class == "A" and _generic(p.name) and not (inside or m.admin_phrase):
                    continue
                if local and not inside and not c.primary and (idx, p.geonameid) not in near:
                    continue
                kept.append(c)
            # a name that exactly names a town or division taken here needs no transliteration
            # guess ("Kherson" is no Kirsanov); one that names only an airport may ("Hodeidah")
            named = any(c.exact and c.place.feature_class in ("P", "A") for c in kept)
            if (
                focus
                and m.role == "literal"
                and not m.county
                and m.district_of is None
                and not named
            ):
                have = {c.place.geonameid for c in kept}
                key = name_key(m.text)
                for c in gz.lookup_fold(m.text):
                    if (
                        c.place.geonameid not in have
                        and focus.holds(c.place)
                        and (c.exact or _alike(key, c.place.name))
                    ):
                        kept.append(c)
            m.candidates = kept

    def _near_focus(self, place: Place, focus: Focus) -> bool:
        """Within ``FOCUS_REACH_KM`` of a first-level division of a focus country."""
        for country in focus.members():
            for d in self.gazetteer.divisions(country):
                if _km(place.lat, place.lon, d.lat, d.lon) <= FOCUS_REACH_KM:
                    return True
        return False

    def _unit_fallback(self, doc: Doc, mentions: list[PlaceMention], focus: Focus) -> None:
        """A place with no reading of its own is located at the smallest unit the text names
        around it ("al-Bara in the Ariha district of Idlib province": the district, precision
        2; "a village in Kaduna state": the state, precision 3), else at the document's one
        division or country (precision 3), and marked approximate (docs/geoparsing.md,
        "Fallback chain")."""
        gz = self.gazetteer
        for idx, m in enumerate(mentions):
            if m.role != "literal" or m.candidates or m.venue or m.county:
                continue
            if m.district_of is not None:
                continue
            unit = _named_unit(doc, mentions, idx)
            if unit is not None and unit.place is not None:
                m.place, m.unit, m.unit_level = unit.place, unit, "named"
                m.score, m.fallback = 0.5, True
                continue
            if not m.settlement:
                continue  # a name the text does not call a place: no guess from the document
            if m.place is not None:  # the document's division (:meth:`_fallback`)
                m.unit_level = "division"
                continue
            division = focus.sole_division()
            country = focus.sole_country()
            try:
                if division is not None:
                    m.place, m.unit_level = gz.admin1(*division), "division"
                elif country is not None:
                    m.place, m.unit_level = gz.country(country), "country"
                else:
                    continue
            except KeyError:
                continue
            m.score, m.fallback = 0.5, True

    @staticmethod
    def _venue_town(mentions: list[PlaceMention], idx: int, towns: Counter[int]) -> Place | None:
        """The town of a named building: the place right after it ("... Hospital in South
        Charleston", "University of Toronto"), else the document's most mentioned town."""
        m = mentions[idx]
        after = mentions[idx + 1] if idx + 1 < len(mentions) else None
        if (
            after is not None
            and after.place is not None
            and after.place.feature_class in {"P", "S"}
            and after.start - m.end <= 2
            and after.role in {"literal", "demonym"}
        ):
            return after.place
        if not towns:
            return None
        best = max(towns.values())
        for other in mentions:  # the first of the most mentioned towns
            p = other.place
            if p is not None and p.feature_class == "P" and towns.get(p.geonameid) == best:
                return p
        return None

    def _home(
        self,
        doc: Doc,
        mentions: list[PlaceMention],
        links: list[tuple[PlaceMention | None, PlaceMention | None]],
        text: str,
    ) -> set[tuple[str, str]]:
        """The document's home divisions (country, admin1 code): the division of a dateline
        ("LAUREL COUNTY, Ky. (WKYT) -") and of local phone numbers ("call 519-661-5670")."""
        gz = self.gazetteer
        home: set[tuple[str, str]] = set()
        if (
            mentions
            and mentions[0].start <= 2
            and all(t.is_punct for t in doc[: mentions[0].start])
        ):
            container = links[0][0]  # "LAUREL COUNTY, Ky. (WKYT)": a bare "WASHINGTON (AP)"
            # gives no home (it would vote for its own reading)
            if (
                container is not None
                and container.end < len(doc)
                and doc[container.end].text in _DATELINE_END
            ):
                for c in container.candidates[:1]:
                    if c.exact and c.place.is_admin1 and c.place.country and c.place.admin1:
                        home.add((c.place.country, c.place.admin1))
        for match in _PHONE.finditer(text):
            division = self.area_codes.divisions.get(match.group(1))
            if division is None:
                continue
            country, name = division
            for c in gz.lookup(name, fold=False):
                p = c.place
                if p.is_admin1 and p.country == country and p.admin1:
                    home.add((country, p.admin1))
                    break
        return home

    def _fallback(
        self,
        mentions: list[PlaceMention],
        links: list[tuple[PlaceMention | None, PlaceMention | None]],
        home: set[tuple[str, str]],
        context: _Context,
    ) -> None:
        """A county the gazetteer lacks ("Laurel County, Ky.") becomes the town of that name in
        the document's division, else the division itself (approximate); so does a name with
        no reading at all when the document has one division."""
        gz = self.gazetteer
        top = context.admins.most_common(2)
        sole: tuple[str, str] | None = None
        if len(home) == 1:
            sole = next(iter(home))
        elif not home and top and (len(top) == 1 or top[0][1] > top[1][1]):
            sole = top[0][0]
        for m in mentions:
            owner = m.district_of
            if owner is None or owner.place is None or owner.place.is_area:
                continue
            if m.place is not None and m.place.is_area:
                continue  # a country or division is no district
            op = owner.place
            near = [
                c
                for c in m.candidates
                if _km(c.place.lat, c.place.lon, op.lat, op.lon) <= DISTRICT_KM
            ]
            reverse = [  # "the Riyadh neighbourhood of Khartoum": the first is the district
                c
                for c in owner.candidates
                if m.place is not None
                and _km(c.place.lat, c.place.lon, m.place.lat, m.place.lon) <= DISTRICT_KM
            ]
            if not near and reverse and m.place is not None:
                owner.place, owner.score, m.district_of = reverse[0].place, 0.7, None
                continue
            m.place, m.score, m.fallback = (near[0].place, 0.7, False) if near else (op, 0.5, True)
        town_counts = Counter(
            m.place.geonameid
            for m in mentions
            if m.role == "literal" and m.place is not None and m.place.feature_class == "P"
        )
        for idx, m in enumerate(mentions):
            if m.venue and m.place is None:
                town = self._venue_town(mentions, idx, town_counts)
                if town is not None:
                    m.place, m.score, m.fallback = town, 0.5, True
        for m, (container, _inner) in zip(mentions, links, strict=True):
            if m.venue:
                continue
            if (
                m.role != "literal"
                or m.district_of is not None
                or not (m.county or not m.candidates)
            ):
                continue
            division = sole
            if container is not None and container.place is not None:
                cp = container.place
                if cp.is_admin1 and cp.country and cp.admin1:
                    division = (cp.country, cp.admin1)
            if m.county:
                wanted = home | set(context.admins) if division is None else {division}
                towns = [c for c in m.candidates if (c.place.country, c.place.admin1) in wanted]
                if towns:
                    m.place, m.score, m.fallback = towns[0].place, 0.5, True
                    continue
                m.place = None
            if division is None:
                continue
            try:
                m.place = gz.admin1(*division)
            except KeyError:
                continue
            m.score, m.fallback = 0.5, True

    @staticmethod
    def _one_sense(
        keys: list[str],
        mentions: list[PlaceMention],
        links: list[tuple[PlaceMention | None, PlaceMention | None]],
    ) -> None:
        """A name that a containment phrase resolved ("Paris, Texas") keeps that reading in
        the rest of the document ("... in Paris")."""
        anchored: dict[str, PlaceMention] = {}
        for k, m, (container, inner) in zip(keys, mentions, links, strict=True):
            if m.place is not None and (container or inner) and k not in anchored:
                anchored[k] = m
        for k, m, (container, inner) in zip(keys, mentions, links, strict=True):
            anchor = anchored.get(k)
            if anchor is None or anchor is m or container or inner or anchor.place is None:
                continue
            gid = anchor.place.geonameid
            if any(c.place.geonameid == gid for c in m.candidates):
                m.place, m.score = anchor.place, anchor.score

    def _links(
        self, doc: Doc, mentions: list[PlaceMention], idx: int
    ) -> tuple[PlaceMention | None, PlaceMention | None]:
        """(container, inner) of mention ``idx``: "Plymouth, Massachusetts" links Plymouth
        to its container Massachusetts, and Massachusetts to its inner place Plymouth."""
        m = mentions[idx]
        container = inner = None
        after = mentions[idx + 1] if idx + 1 < len(mentions) else None
        if (
            after is not None
            and m.end < len(doc)
            and doc[m.end].text == ","
            and after.start == m.end + 1
        ):
            container = after
        before = mentions[idx - 1] if idx > 0 else None
        if (
            before is not None
            and m.start >= 2
            and doc[m.start - 1].text == ","
            and before.end == m.start - 1
        ):
            inner = before
        return container, inner

    def _score(
        self,
        c: Candidate,
        m: PlaceMention,
        countries: Counter[str],
        admins: Counter[tuple[str, str]],
        container: PlaceMention | None,
        big_city: bool = False,
        inner: PlaceMention | None = None,
        home: set[tuple[str, str]] | None = None,
        focus: Focus | None = None,
    ) -> float:
        p = c.place
        pop = p.population // 3 if p.is_admin1 else 0 if p.feature_code == "AIRP" else p.population
        s = 0.5 * math.log10(pop + 10)
        if p.is_country:
            s += 3.0 if c.exact else 1.0
        elif p.is_admin1:
            s += (0.6 if c.primary else 0.0) if c.exact else 0.3
            if big_city and not m.admin_phrase:
                s -= 1.5  # "New York", "Homs": the city unless "province" follows
        elif p.feature_code == "PPLC":
            s += 1.2 if c.primary else 0.5
        elif p.feature_code in {"CONT", "RGN", "SEA", "GULF", "STRT", "OCN"} or p.source.startswith(
            "supplement"
        ):
            s += 2.5
        elif p.feature_code == "AIRP":
            s += 1.5 * p.population  # 2 international, 1 commercial (IATA code), 0 other
        if p.feature_class == "A" and m.admin_phrase:
            s += 2.0
        if p.feature_class == "P" and m.settlement:
            s += 2.0  # "the city of Kherson": the city, not the oblast of the same name
        if m.feature and p.feature_code == FEATURE_WORDS.get(m.feature.split()[-1]):
            s += 2.0
        if c.primary:
            s += 0.5
        if not c.exact:
            s -= 1.5
        if p.country and countries.get(p.country):
            s += 0.9 + 0.15 * min(countries[p.country], 4)
        if p.country and p.admin1 and admins.get((p.country, p.admin1)):
            s += ADMIN_CONTEXT
        if home and p.country and p.admin1 and (p.country, p.admin1) in home:
            s += HOME_CONTEXT
        if container is not None and container.candidates:
            cp = container.place or container.candidates[0].place
            if cp.country == p.country:
                s += 1.0
                if cp.is_admin1 and (cp.admin1 == p.admin1 or cp.name == p.admin1_name):
                    s += 1.0
        if inner is not None and (p.is_country or p.is_admin1) and _contains(p, inner):
            s += 2.0  # "Churchill, Man.": the division that has a Churchill
        return s + self._focus_bonus(p, focus)

    def _focus_bonus(self, p: Place, focus: Focus | None) -> float:
        """``FOCUS_COUNTRY`` for a reading in the focus (the divisions named count through the
        document's ``admins`` already), ``NEAR_FOCUS`` for one within reach of it ("Gaya, a
        town on the Benin border": Niger's, not India's)."""
        if focus is not None and focus.holds(p):
            return FOCUS_COUNTRY
        if focus and not p.is_area and self._near_focus(p, focus):
            return NEAR_FOCUS
        return 0.0


@dataclass
class _Context:
    """Countries and divisions of the document's resolved places, by name key."""

    countries: Counter[str]
    admins: Counter[tuple[str, str]]
    by_key: dict[str, tuple[Counter[str], Counter[tuple[str, str]]]]

    @classmethod
    def of(cls, evidence: list[tuple[str, str | None, str | None]]) -> _Context:
        countries: Counter[str] = Counter()
        admins: Counter[tuple[str, str]] = Counter()
        by_key: dict[str, tuple[Counter[str], Counter[tuple[str, str]]]] = {}
        for key, country, admin1 in evidence:
            own = by_key.setdefault(key, (Counter(), Counter()))
            if country:
                countries[country] += 1
                own[0][country] += 1
                if admin1:
                    admins[(country, admin1)] += 1
                    own[1][(country, admin1)] += 1
        return cls(countries, admins, by_key)

    def without(self, key: str) -> tuple[Counter[str], Counter[tuple[str, str]]]:
        own = self.by_key.get(key)
        if own is None:
            return self.countries, self.admins
        return self.countries - own[0], self.admins - own[1]


def _article_free(name: str) -> str:
    """The name key without Arabic articles: "Al Qamishli" and "Qamishli" are one name."""
    return " ".join(t for t in name_key(name).split() if t not in ARTICLES)


def _unit_rank(u: PlaceMention) -> int | None:
    """How fine a unit a resolved mention is: 2 a district ("Ariha district", a second-level
    division) or a town the text places it near ("south of Orikhiv"), 3 a first-level
    division, 4 a country; ``None`` for a mention that is no unit."""
    p = u.place
    if p is None or u.role == "demonym" or u.unit_level is not None:
        return None
    if p.feature_code.startswith(("ADM2", "ADM3")) or (
        u.feature is not None and FEATURE_WORDS.get(u.feature.split()[-1], "").startswith("ADM")
    ):
        return 2
    if p.feature_class == "P" and u.relation is not None:
        return 2
    if p.is_admin1:
        return 3
    if p.is_country:
        return 4
    return None


def _named_unit(doc: Doc, mentions: list[PlaceMention], idx: int) -> PlaceMention | None:
    """The smallest unit named in the sentence of mention ``idx``, the nearest after it first
    ("X, a village of Y district", "X (Y district, Z governorate)"), then before it."""
    m = mentions[idx]
    sent = doc[m.start].sent
    best: tuple[int, int, int] | None = None
    for j, u in enumerate(mentions):
        if j == idx or not sent.start <= u.start < sent.end:
            continue
        rank = _unit_rank(u)
        if rank is None:
            continue
        if u.start >= m.end:
            gap = u.start - m.end
            between = {t.lower_ for t in doc[m.end : u.start]}
            # a province or country names the unit when it follows closely: "X in Y
            # province", "X, Y", "X (Y)"; a settlement's unit may be anywhere in the sentence
            if rank > 2 and not m.settlement and (gap > 8 or not between & _UNIT_LINKS):
                continue
        else:
            if not m.settlement:
                continue
            gap = 1000 + m.start - u.end
        if best is None or (rank, gap) < best[:2]:
            best = (rank, gap, j)
    return mentions[best[2]] if best is not None else None


_UNIT_LINKS = frozenset({"in", "of", ",", "(", "near"})


def _neighbours(keys: list[str], mentions: list[PlaceMention]) -> set[tuple[int, int]]:
    """(mention index, geonameid) of the point readings that lie within ``NEIGHBOUR_KM`` of a
    reading of another name of the document: "Edmonton" beside "Enfield" is the London one."""
    grid: dict[tuple[int, int], list[tuple[str, float, float]]] = {}
    seen: set[tuple[str, int]] = set()
    for k, m in zip(keys, mentions, strict=True):
        for c in m.candidates[:_NEIGHBOUR_READINGS]:
            p = c.place
            if p.is_area or p.feature_class not in {"P", "S"} or (k, p.geonameid) in seen:
                continue
            seen.add((k, p.geonameid))
            grid.setdefault((int(p.lat // 0.5), int(p.lon // 0.5)), []).append((k, p.lat, p.lon))
    out: set[tuple[int, int]] = set()
    if len({k for k, _ in seen}) < 2:
        return out
    for idx, (k, m) in enumerate(zip(keys, mentions, strict=True)):
        if len(m.candidates) < 2:
            continue
        for c in m.candidates:
            p = c.place
            if p.is_area or p.feature_class not in {"P", "S"}:
                continue
            gy, gx = int(p.lat // 0.5), int(p.lon // 0.5)
            if any(
                other != k and _km(p.lat, p.lon, lat, lon) <= NEIGHBOUR_KM
                for dy in (-1, 0, 1)
                for dx in (-1, 0, 1)
                for other, lat, lon in grid.get((gy + dy, gx + dx), ())
            ):
                out.add((idx, p.geonameid))
    return out
