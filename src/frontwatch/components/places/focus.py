"""Document focus: the countries and first-level divisions a document is about.

Worked out before resolution (docs/geoparsing.md, "Document focus") from what needs no
resolution: countries named and demonyms, the actors whose country the actor dictionary
knows ("Houthis" -> YE, "SDF" -> SY), divisions named (with a division word, in parentheses,
or a name all of whose readings lie in one division), the dateline, the outlet's name, and
names all of whose readings lie in one country. Transliteration matching is allowed only inside
the focus, and a reading outside it needs strong evidence (:func:`well_known`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from itertools import pairwise

from spacy.tokens import Doc

from frontwatch.gazetteer.index import Candidate, Place, name_key

from .mentions import (
    _DATELINE_END,
    _GENERIC_WORDS,
    Demonyms,
    PlaceMention,
    _article_free,
    _contains,
)

#: How much each kind of evidence counts for a country (a division gets the same for itself).
NAMED = 3  # the country is named ("in Syria"), or a dateline names one of its places
DEMONYM = 2  # "Syrian", "Yemeni"
#: a demonym of the one who acts ("Russian guided bombs hit ...", "Israeli jets struck ..."):
#: forces act abroad as often as at home, so it is weak evidence for where
DEMONYM_AGENT = 1
ACTOR = 2  # an actor of that country ("the Houthis", "SDF fighters")
DIVISION = 2  # a division of that country is named ("Idlib province", "(Al Hudaydah)")
OUTLET = 2  # the outlet's name holds the country or its demonym ("Yemen Monitor")
SINGLE_COUNTRY = 1  # a name whose exact readings all lie in that country
WELL_KNOWN_TOWN = 2  # ... and one of them is well known ("Port-au-Prince", "Kabul")
#: A country or division is in the focus with at least this much evidence: one demonym, actor
#: or division, or two names whose readings all lie in it.
MIN_WEIGHT = 2
#: A reading outside the focus is kept when it is this well known (exact match, main name).
WELL_KNOWN_POP = 100_000


@dataclass
class Focus:
    """Countries (ISO codes) and divisions ((country, admin1 code)) with their evidence."""

    countries: Counter[str] = field(default_factory=Counter)
    divisions: Counter[tuple[str, str]] = field(default_factory=Counter)

    def __bool__(self) -> bool:
        return any(w >= MIN_WEIGHT for w in self.countries.values())

    def holds(self, place: Place) -> bool:
        """The place lies in a focus country (places without a country, seas and regions,
        lie in none)."""
        return place.country is not None and self.countries[place.country] >= MIN_WEIGHT

    def members(self) -> list[str]:
        """The focus countries."""
        return [cc for cc, w in self.countries.items() if w >= MIN_WEIGHT]

    def holds_division(self, place: Place) -> bool:
        return (
            place.country is not None
            and place.admin1 is not None
            and self.divisions[(place.country, place.admin1)] >= MIN_WEIGHT
        )

    def sole_country(self) -> str | None:
        """The one country the document is mostly about: in the focus, at least twice the
        evidence of any other."""
        top = self.countries.most_common(2)
        if not top or top[0][1] < MIN_WEIGHT or (len(top) == 2 and top[1][1] * 2 > top[0][1]):
            return None
        return top[0][0]

    def sole_division(self) -> tuple[str, str] | None:
        """The one division the document is about, in its sole country."""
        country = self.sole_country()
        top = [(d, w) for d, w in self.divisions.most_common() if d[0] == country][:2]
        if not top or top[0][1] < MIN_WEIGHT or (len(top) == 2 and top[1][1] * 2 > top[0][1]):
            return None
        return top[0][0]


def well_known(c: Candidate) -> bool:
    """Strong enough to be taken outside the focus: an exact match of a country, a region or
    sea, a capital, or a place of ``WELL_KNOWN_POP`` people under its main name (a division:
    a third of its summed population)."""
    p = c.place
    if not c.exact:
        return False
    if p.is_country or p.country is None:
        return True
    if p.feature_code == "PPLC":
        return True
    pop = p.population // 3 if p.is_admin1 else p.population
    return (c.primary or len(c.place.name.split()) > 1) and pop >= WELL_KNOWN_POP


def _countries_of(cands: list[Candidate]) -> set[str]:
    return {c.place.country for c in cands if c.exact and c.place.country}


def _generic(name: str) -> bool:
    """A name made only of generic words ("Centre", "Est", "Southern District")."""
    words = name_key(name).split()
    return bool(words) and all(w in _GENERIC_WORDS for w in words)


def document_focus(
    doc: Doc,
    mentions: list[PlaceMention],
    demonyms: Demonyms,
    country_named: Callable[[str], str | None] | None = None,
) -> Focus:
    """The focus of ``doc`` from its (unresolved) place mentions and its actors.

    ``country_named`` gives the country a word names ("Yemen"), for the outlet's name."""
    focus = Focus()
    seen: set[str] = set()  # a name repeated is no more evidence than once
    for i, m in enumerate(mentions):
        key = name_key(m.text)
        if m.role != "demonym" and key in seen:
            continue
        seen.add(key)
        exact = [c for c in m.candidates if c.exact]
        if exact:
            _mention_evidence(doc, i, m, exact, focus, mentions)
    _containment_evidence(doc, mentions, focus)
    for actor in _actors(doc, mentions):
        focus.countries[actor] += ACTOR
    _outlet_evidence(doc, demonyms, country_named, focus)
    return focus


def _mention_evidence(
    doc: Doc,
    i: int,
    m: PlaceMention,
    exact: list[Candidate],
    focus: Focus,
    mentions: list[PlaceMention],
) -> None:
    """What mention ``i`` (with its exact readings) says of the focus."""
    top = exact[0].place
    if m.role == "demonym":
        if top.is_country and top.country:
            focus.countries[top.country] += DEMONYM_AGENT if _agent(doc, m) else DEMONYM
        return
    if top.is_country and top.country:
        if _modifier(doc, m):  # "U.S. negotiators", "Russia's army": whose, as a demonym
            focus.countries[top.country] += DEMONYM_AGENT if _agent(doc, m) else DEMONYM
        else:
            focus.countries[top.country] += NAMED
        return
    if _generic(m.text) and not m.admin_phrase:
        return  # "the Wellcome Trust Centre": no evidence for Burkina Faso's Centre
    if _division_evidence(doc, m, exact, focus, mentions):
        return
    countries = _countries_of(exact)
    if len(countries) == 1:
        cc = next(iter(countries))
        if i == 0 and _dateline(doc, m):
            weight = NAMED
        elif any(well_known(c) for c in exact):
            weight = WELL_KNOWN_TOWN
        else:
            weight = SINGLE_COUNTRY
        focus.countries[cc] += weight
        admins = {c.place.admin1 for c in exact if c.place.admin1}
        if len(admins) == 1:
            focus.divisions[(cc, next(iter(admins)))] += weight
    elif i == 0 and _dateline(doc, m):
        # "MOGADISHU, Oct 29 (wire) -": the best-known reading of a dateline's place
        best = max(exact, key=lambda c: c.place.population)
        if best.place.country and well_known(best):
            focus.countries[best.place.country] += NAMED


def _division_evidence(
    doc: Doc,
    m: PlaceMention,
    exact: list[Candidate],
    focus: Focus,
    mentions: list[PlaceMention],
) -> bool:
    """A division named ("Idlib province", "(Al Hudaydah)", "Queensland", "Yagha province"):
    counted for it and its country; ``False`` when the mention names none. A name of divisions
    of several countries ("the Centre department": Burkina Faso, France, Cameroon, Haiti)
    counts for the one that holds a reading of another place of the text ("Mirebalais in the
    Centre department"), and for none when no single one does."""
    top = exact[0].place
    divisions = [c.place for c in exact if c.place.is_admin1 and c.place.country]
    if not divisions and (m.admin_phrase or m.feature):  # "Yagha province", "X district"
        divisions = [c.place for c in exact if c.place.feature_code == "ADM2" and c.place.country]
    if not divisions:
        return False
    # a division that is the name's main reading ("Queensland"), not one beside a city of
    # about its size ("Gaza": the Palestinian city and the Mozambican province)
    dominant = top.is_admin1 and all(
        c.place is top or c.place.population * 3 < top.population // 3 for c in exact
    )
    named_division = m.admin_phrase or _in_parentheses(doc, m) or dominant or bool(m.feature)
    if not named_division and not (len(_countries_of(exact)) == 1 and len(divisions) == 1):
        return False
    d = top if top in divisions else divisions[0]
    if not dominant and len({p.country for p in divisions}) > 1:
        containing = [p for p in divisions if any(o is not m and _contains(p, o) for o in mentions)]
        if len(containing) != 1:
            return True  # which country's division is not told: no evidence
        d = containing[0]
    assert d.country is not None
    if d.admin1 is not None:
        focus.divisions[(d.country, d.admin1)] += DIVISION
    focus.countries[d.country] += DIVISION
    return True


def _containment_evidence(doc: Doc, mentions: list[PlaceMention], focus: Focus) -> None:
    """ "Churchill, Man.": the division after a comma that holds a reading of the place."""
    for inner, container in pairwise(mentions):
        if inner.end >= len(doc) or doc[inner.end].text != "," or container.start != inner.end + 1:
            continue
        for c in container.candidates:
            p = c.place
            if c.exact and p.country and (p.is_admin1 or p.is_country) and _contains(p, inner):
                focus.countries[p.country] += DIVISION
                if p.is_admin1 and p.admin1 is not None:
                    focus.divisions[(p.country, p.admin1)] += DIVISION
                break


def _outlet_evidence(
    doc: Doc,
    demonyms: Demonyms,
    country_named: Callable[[str], str | None] | None,
    focus: Focus,
) -> None:
    """The outlet's name holding a country or its demonym ("Yemen Monitor")."""
    outlet = doc._.fw_outlet if Doc.has_extension("fw_outlet") else None
    if not outlet:
        return
    for word in str(outlet).replace("-", " ").split():
        word = word.strip(".,:;()'\"")
        code = demonyms.countries.get(word)
        if code is None and country_named is not None and word[:1].isupper():
            code = country_named(word)
        if code:
            focus.countries[code] += OUTLET


def _actors(doc: Doc, mentions: list[PlaceMention]) -> list[str]:
    """Countries of the document's actors that the actor dictionary names, written as names
    (capitalised), and not a place name standing for a government ("Tripoli")."""
    if not Doc.has_extension("fw_actors"):
        return []
    places = {i for m in mentions for i in range(m.start, m.end)}
    out: list[str] = []
    for mention in doc._.fw_actors or []:
        if getattr(mention, "is_place_like", False) or getattr(mention, "root", -1) in places:
            continue  # "Tripoli" as the Libyan government: the place decides, not the actor
        actor = getattr(mention, "actor", None)
        if actor is None or not actor.name or not actor.country or not actor.text[:1].isupper():
            continue  # a name, not a common word ("male" is no Male)
        out.append(str(actor.country))
    return out


def _agent(doc: Doc, m: PlaceMention) -> bool:
    """The demonym describes the subject of a verb, or the agent of a passive one ("Russian
    drones hit ...", "... were struck by Israeli jets")."""
    head = doc[m.end - 1]
    while head.dep_ in {"amod", "compound", "nmod", "poss"} and head.head is not head:
        head = head.head
    if head.dep_ == "nsubj":
        return True
    return head.dep_ == "pobj" and head.head.dep_ == "agent"


def _modifier(doc: Doc, m: PlaceMention) -> bool:
    """The name modifies a noun ("U.S. negotiators", "Russia's army"): it says whose, not
    where."""
    last = doc[m.end - 1]
    if last.dep_ == "case" and m.end - m.start > 1:
        last = doc[m.end - 2]
    return last.dep_ in {"amod", "compound", "nmod", "poss"} and last.head.i >= m.end


def _in_parentheses(doc: Doc, m: PlaceMention) -> bool:
    """ "(Al Hudaydah)", "(Ariha district, Idlib governorate)": a unit in parentheses."""
    before = doc[m.start - 1].text if m.start > 0 else ""
    after = doc[m.end].text if m.end < len(doc) else ""
    if before == "(" and after in {")", ","}:
        return True
    k = m.start - 1  # "(Ariha district, Idlib governorate)": the last unit of the list
    while k > 0 and doc[k].text not in {"(", ")", "."} and m.start - k < 8:
        k -= 1
    return doc[k].text == "(" and after == ")"


def _dateline(doc: Doc, m: PlaceMention) -> bool:
    """The mention opens the text and a dateline mark follows it within a few tokens
    ("MOGADISHU, Oct 29 (wire) -", "Kirkuk:", "IDLIB, June 10")."""
    if m.start > 1 or not all(t.is_punct for t in doc[: m.start]):
        return False
    nxt = doc[m.end].text if m.end < len(doc) else ""
    return nxt in _DATELINE_END or nxt == ","


#: how much a name's transliteration must resemble the place's name (article-free keys), and
#: how close to the best resemblance among the readings
LOOK_ALIKE = 0.6
LOOK_ALIKE_MARGIN = 0.1


def _look_alikes(text: str, readings: list[Candidate], focus: Focus) -> list[Candidate]:
    """The transliteration readings of a name with no exact reading that may stand for it:
    in the focus, the most alike ones (``LOOK_ALIKE``, within ``LOOK_ALIKE_MARGIN`` of the
    best), and only when those are divisions or well-known towns ("Hodeidah": Al Hudaydah;
    "Robotyne" is no Rybotyn, a hamlet whose consonants it shares)."""
    key = _article_free(text)
    alike = [
        (SequenceMatcher(None, key, _article_free(c.place.name)).ratio(), c)
        for c in readings
        if focus.holds(c.place)
    ]
    alike = [(r, c) for r, c in alike if r >= LOOK_ALIKE]
    if not alike:
        return []
    best = max(r for r, _ in alike)
    kept = [c for r, c in alike if r >= best - LOOK_ALIKE_MARGIN]
    if all(c.place.feature_class == "A" or c.place.population >= WELL_KNOWN_POP for c in kept):
        return kept
    return []
