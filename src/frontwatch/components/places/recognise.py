"""The ``fw_places`` component: recognition of place mentions (entities, gazetteer n-grams,
demonyms, named buildings, districts) and their roles, then their resolution
(:mod:`.resolve`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc, Span

from frontwatch.gazetteer.build import open_gazetteer
from frontwatch.gazetteer.index import Candidate, Gazetteer, name_key
from frontwatch.nlp import extensions as _extensions  # noqa: F401  (registers fw_doc_id)
from frontwatch.nlp.batching import BatchedPipe
from frontwatch.records import PlaceRole

from .containment import take_contained
from .dateline import dateline_name, strong_reading, wire_dateline
from .focus import Focus, _generic, _look_alikes, document_focus
from .mentions import (
    _ADMIN_WORDS,
    _AIRPORT_WORDS,
    _ARTICLE_WORDS,
    _BEARINGS,
    _CALENDAR_WORDS,
    _COUNTY_WORDS,
    _DANGLING_ENDS,
    _DIST_UNITS,
    _DISTRICT_WORDS,
    _ENTITY_LABELS,
    _FEATURE_MODIFIERS,
    _GRAM_CONTINUATIONS,
    _INDEFINITE_ARTICLES,
    _LEADING_ARTICLES,
    _LOCATIVE_PREPS,
    _LOCATIVE_VERBS,
    _MAX_NGRAM,
    _METONYM_HEADS,
    _NEAR_OF_WORDS,
    _NEAR_WORDS,
    _NOT_PLACE_LABELS,
    _NOT_PLACE_STARTS,
    _OF_PLACE_HEADS,
    _QUALIFIERS,
    _RELATIVE_PREPS,
    _SAINT_WORDS,
    _SETTLEMENT_WORDS,
    _SHORT_NAMES,
    _STRONG_POP,
    _TOWN_WORDS,
    _VENUE_WORDS,
    FEATURE_WORDS,
    AreaCodes,
    Demonyms,
    PlaceMention,
    _alike,
    _covering,
    _default_area_codes,
    _default_demonyms,
    _name_part,
    _number,
    _town,
    _Words,
    feature_phrase,
)
from .resolve import PlaceResolution


@dataclass
class _Found:
    """The place mentions that recognition has found so far, and the tokens they take."""

    found: list[PlaceMention] = field(default_factory=list)
    deferred: list[PlaceMention] = field(default_factory=list)  # names tagged as persons
    weak: list[PlaceMention] = field(default_factory=list)  # small places: need a division
    taken: set[int] = field(default_factory=set)


def _entity_spans(doc: Doc) -> dict[tuple[int, int], str]:
    """Token span -> how found: ``"ent"`` (a place entity), or the label of an entity that may
    still name a place (``ORG``, ``NORP``, ``PERSON``; an ``EVENT`` counts as an ``ORG``)."""
    spans: dict[tuple[int, int], str] = {}
    for ent in doc.ents:
        start = ent.start
        while start < ent.end and doc[start].lower_ in _LEADING_ARTICLES:
            start += 1
        if start >= ent.end:
            continue
        end, label = ent.end, ent.label_  # a slice of the Doc has no label: keep it
        if doc[end - 1].text in {"'s", "’s"} and end - 1 > start:
            end -= 1
        if label in _ENTITY_LABELS:
            spans[(start, end)] = "ent"
        elif label in {"ORG", "NORP", "PERSON"}:
            spans[(start, end)] = label
        elif label == "EVENT":  # "the Venice film festival": a name like an ORG's
            spans[(start, end)] = "ORG"
    return spans


class PlaceRecognizer(PlaceResolution, BatchedPipe):
    """The ``fw_places`` component: recognise, resolve, classify place mentions."""

    def __init__(
        self,
        nlp: Language | None = None,
        name: str = "fw_places",
        gazetteer: Gazetteer | None = None,
        demonyms: Demonyms | None = None,
        area_codes: AreaCodes | None = None,
    ) -> None:
        self.name = name
        self._gazetteer = gazetteer
        self.demonyms = demonyms or _default_demonyms()
        self.area_codes = area_codes if area_codes is not None else _default_area_codes()
        self._firsts: tuple[dict[str, str], frozenset[str]] | None = None

    @property
    def gazetteer(self) -> Gazetteer:
        if self._gazetteer is None:
            self._gazetteer = open_gazetteer()
        return self._gazetteer

    def __call__(self, doc: Doc) -> Doc:
        mentions = self.predict(doc)
        self.set_annotations(doc, mentions)
        return doc

    def set_annotations(self, doc: Doc, mentions: list[PlaceMention]) -> None:
        doc._.fw_toponyms = mentions

    # -- recognition ----------------------------------------------------------------------
    def predict(self, doc: Doc) -> list[PlaceMention]:
        gz = self.gazetteer
        spans = _entity_spans(doc)
        place_texts = {doc[s:e].text for (s, e), how in spans.items() if how == "ent"}
        words = _Words.read(doc)
        matched = self._match(doc, gz, words)
        state = _Found()
        self._regional_adjectives(doc, words, state)
        self._venues(doc, gz, words, state)
        self._gazetteer_matches(doc, gz, words, matched, spans, place_texts, state)
        self._entity_places(doc, gz, words, spans, state)
        self._untagged_demonyms(doc, words, state)
        self._named_divisions(doc, state)
        self._dateline_place(doc, gz, state)
        take_contained(doc, state.found, (state.deferred, state.weak), state.taken)
        focus = document_focus(doc, state.found, self.demonyms, self._country_named)
        self._deferred_places(state, place_texts)
        self._conjunct_places(doc, state)
        self._bare_counties(doc, gz, words, state)
        self._places_in_divisions(state)
        self._places_in_focus(doc, state, focus)
        self._transliterated_places(doc, gz, state, focus)
        found, taken = state.found, state.taken
        found.sort(key=lambda m: m.start)
        if self._districts(doc, found, taken, words):
            found.sort(key=lambda m: m.start)
        for m in found:
            if m.role == "literal":
                self._phrases(doc, m)
                m.role = self._role(doc, m)
                m.settlement = m.settlement or _settlement(doc, m)
        self._resolve(doc, found, words.text)
        return found

    def _regional_adjectives(self, doc: Doc, words: _Words, state: _Found) -> None:
        """Regional adjectives of several words ("South East Asian")."""
        found, taken = state.found, state.taken
        regions = self.demonyms.regions
        firsts = self._region_firsts()
        for i in range(len(doc) - 1):  # "South East Asian": a regional adjective of words
            if words.texts[i] not in firsts:
                continue
            for n in (3, 2):
                if i + n <= len(doc) and not any(k in taken for k in range(i, i + n)):
                    phrase = words.text[words.starts[i] : words.ends[i + n - 1]]
                    if phrase in regions:
                        dm = self._demonym(doc, i, i + n)
                        if dm is not None:
                            taken.update(range(i, i + n))
                            found.append(dm)

    def _venues(self, doc: Doc, gz: Gazetteer, words: _Words, state: _Found) -> None:
        """Named buildings: "the Stade de France", "St. Mark's Cathedral"."""
        found, taken = state.found, state.taken
        for vs, ve in self._venue_runs(words):  # "the Stade de France", "St. Mark's Cathedral"
            if not any(k in taken for k in range(vs, ve)):
                lead: list[Candidate] = []  # "Toronto General Hospital": in Toronto
                saint = words.lowers[vs] in _SAINT_WORDS  # "St. Michael's Hospital"
                for k in (vs + 2, vs + 1):
                    if (
                        k < ve - 1
                        and not lead
                        and not saint
                        and words.lowers[k] not in {"'s", "’s"}
                    ):
                        got = [
                            c
                            for c in gz.lookup(doc[vs:k].text, fold=False)
                            if c.place.feature_class == "P"
                        ]
                        lead = got if _town(got) else []
                v = self._mention(doc, vs, ve, lead)
                v.venue = True
                taken.update(range(vs, ve))
                found.append(v)

    def _gazetteer_matches(
        self,
        doc: Doc,
        gz: Gazetteer,
        words: _Words,
        matched: set[tuple[int, int]],
        spans: dict[tuple[int, int], str],
        place_texts: set[str],
        state: _Found,
    ) -> None:
        """Gazetteer n-grams, longest first; they win over shorter place entities they cover."""
        found, deferred, weak, taken = state.found, state.deferred, state.weak, state.taken
        for s, e in sorted(matched, key=lambda k: (k[0] - k[1], k[0])):
            if any(i in taken for i in range(s, e)):
                continue
            over = [k for k in spans if k[0] < e and s < k[1]]
            if any(
                spans[k] == "ent" and k[0] <= s and k[1] >= e and k[1] - k[0] > e - s for k in over
            ):
                continue  # inside a longer place entity ("Stade de France")
            cands = gz.lookup(doc[s:e].text, fold=False)
            labels = {spans[k] for k in over}
            if "ent" in labels:
                m = self._mention(doc, s, e, cands)
            elif "ORG" in labels:
                if e < len(doc) and words.lowers[e] in _COUNTY_WORDS and words.texts[e].istitle():
                    continue  # "Laurel County Sheriff's Office": the county, found below
                modifier = any(
                    spans[k] == "ORG" and k[0] == s and k[1] > e and doc[e - 1].dep_ == "compound"
                    for k in over
                )  # a place that starts the name: "Enfield Council", "Cannes Grand Prix"
                if not self._strong(cands, doc[s:e], org=True) and not (modifier and _town(cands)):
                    if cands and all(t.pos_ == "PROPN" for t in doc[s:e]):
                        weak.append(self._mention(doc, s, e, cands))
                    continue
                m = self._mention(doc, s, e, cands)
                if any(
                    spans[k] == "ORG" and k[0] <= s and k[1] >= e and k[1] - k[0] > e - s
                    for k in over
                ):
                    m.role = "demonym"  # a place modifying a name: "Toronto Police"
            elif any(t.ent_type_ for t in doc[s:e]):
                if any(k[0] <= s and k[1] >= e and k[1] - k[0] > e - s for k in over):
                    continue  # part of a longer name: "Michael Jordan"
                if self._strong(cands, doc[s:e], org=True, ents=False):
                    deferred.append(self._mention(doc, s, e, cands))
                elif cands and doc[s:e].text in place_texts:
                    # a place entity elsewhere in the document ("Heathrow" tagged as a person)
                    deferred.append(self._mention(doc, s, e, cands))
                elif cands and all(t.pos_ == "PROPN" for t in doc[s:e]):
                    weak.append(self._mention(doc, s, e, cands))
                continue
            elif self._strong(cands, doc[s:e]):
                m = self._mention(doc, s, e, cands)
            else:
                if cands and all(t.pos_ == "PROPN" for t in doc[s:e]):
                    weak.append(self._mention(doc, s, e, cands))
                continue
            taken.update(range(s, e))
            found.append(m)

    def _entity_places(
        self,
        doc: Doc,
        gz: Gazetteer,
        words: _Words,
        spans: dict[tuple[int, int], str],
        state: _Found,
    ) -> None:
        """The entities not taken yet: demonyms, buildings, places (qualifiers, "X province" and
        "X County" taken apart)."""
        found, taken = state.found, state.taken
        for (s, e), how in sorted(spans.items()):
            if any(i in taken for i in range(s, e)):
                continue
            text = doc[s:e].text
            if text in self.demonyms.countries or text in self.demonyms.regions:
                dm = self._demonym(doc, s, e)
                if dm is not None:
                    taken.update(range(s, e))
                    found.append(dm)
                continue
            venue = any(
                words.lowers[k] in _VENUE_WORDS and words.texts[k][:1].isupper()
                for k in range(s, e)
            )
            if how != "ent" and not (how == "ORG" and venue):
                continue
            cands = self._filter_fold(text, gz.lookup(text))
            if venue:  # "St. Mark's Cathedral", "Stade de France": a building, never the town
                found.append(
                    self._mention(doc, s, e, [c for c in cands if c.place.feature_class == "S"])
                )
                found[-1].venue = True
                taken.update(range(s, e))
                continue
            k = s
            while not cands and k < e - 1 and doc[k].lower_ in _QUALIFIERS:
                k += 1  # "Far North Queensland" -> Queensland
                cands = self._filter_fold(doc[k:e].text, gz.lookup(doc[k:e].text))
            if not cands and e - s > 1 and doc[e - 1].lower_ in _SETTLEMENT_WORDS:
                cands = self._filter_fold(doc[s : e - 1].text, gz.lookup(doc[s : e - 1].text))
                if cands:  # "Ma'rib city" -> Ma'rib
                    e -= 1
            county = False
            if not cands and e - s > 1 and doc[e - 1].lower_ in _ADMIN_WORDS:
                name = doc[s : e - 1].text  # "Guangxi province" -> Guangxi (+ admin phrase)
                cands = [
                    c for c in gz.lookup(name, fold=False) if c.place.feature_code.startswith("ADM")
                ]
                if cands:
                    e -= 1
                elif doc[e - 1].lower_ in _COUNTY_WORDS:  # "Laurel County": a fallback reading
                    county = True
                    cands = [
                        c
                        for c in gz.lookup(name, fold=False)
                        if c.place.feature_class == "P" and c.exact
                    ]
            if not cands and not county and not any(t.pos_ == "PROPN" for t in doc[s:e]):
                continue  # "Gunmen" tagged as a place at the start of a sentence
            taken.update(range(s, e))
            found.append(self._mention(doc, s, e, cands))
            found[-1].county = county

    def _untagged_demonyms(self, doc: Doc, words: _Words, state: _Found) -> None:
        """Demonyms the model did not tag."""
        found, taken = state.found, state.taken
        demonyms = self.demonyms.countries
        for i, word in enumerate(words.texts):  # demonyms the model did not tag
            if i not in taken and word in demonyms and doc[i].pos_ != "VERB":
                dm = self._demonym(doc, i, i + 1)
                if dm is not None:
                    taken.add(i)
                    found.append(dm)

    def _deferred_places(self, state: _Found, place_texts: set[str]) -> None:
        """Names the model gave to persons: kept when the document's places agree."""
        found, deferred, taken = state.found, state.deferred, state.taken
        if deferred:  # names the model gave to persons: kept when the document's places agree
            countries = {c.place.country for m in found for c in m.candidates[:1]}
            for m in deferred:
                best = next((c for c in m.candidates if c.exact), None)
                if (
                    best is not None
                    and (
                        best.place.is_country
                        or best.place.country in countries
                        or m.text in place_texts
                    )
                    and not any(i in taken for i in range(m.start, m.end))
                ):
                    taken.update(range(m.start, m.end))
                    found.append(m)

    def _conjunct_places(self, doc: Doc, state: _Found) -> None:
        """A conjunct of a place is a place: "Heathrow and Gatwick"."""
        found, weak, taken = state.found, state.weak, state.taken
        if weak:  # "Heathrow and Gatwick": a conjunct of a place is a place
            starts = {m.start for m in found}
            for m in list(weak):
                head = doc[m.end - 1]
                if (
                    head.dep_ == "conj"
                    and head.head.i in starts
                    and any(c.exact for c in m.candidates)
                    and not any(i in taken for i in range(m.start, m.end))
                ):
                    weak.remove(m)
                    taken.update(range(m.start, m.end))
                    found.append(m)

    def _bare_counties(self, doc: Doc, gz: Gazetteer, words: _Words, state: _Found) -> None:
        """\"Laurel County\" that the gazetteer lacks."""
        found, taken = state.found, state.taken
        for i, word in enumerate(words.lowers):  # "Laurel County" that the gazetteer lacks
            if word not in _COUNTY_WORDS or not words.texts[i][:1].isupper() or i == 0:
                continue
            s = i - 1
            while s > 0 and s > i - 3 and doc[s - 1].pos_ == "PROPN" and doc[s - 1].is_title:
                s -= 1
            if any(k in taken for k in range(s, i + 1)) or doc[s].pos_ != "PROPN":
                continue
            name = doc[s:i].text
            towns = [
                c for c in gz.lookup(name, fold=False) if c.place.feature_class == "P" and c.exact
            ]
            m = self._mention(doc, s, i + 1, towns)
            m.county = True
            taken.update(range(s, i + 1))
            found.append(m)

    def _named_divisions(self, doc: Doc, state: _Found) -> None:
        """Names the model missed or gave to persons or organisations, followed by a division
        word and with an exact reading that is a division ("Lahij governorate", "Djugu
        territory", "the Gao region"), or by a district word and with exact readings in one
        country ("the Bankass cercle": the district of that town): the text says what they
        are."""
        for m in [*state.deferred, *state.weak]:
            if m.end >= len(doc) or any(i in state.taken for i in range(m.start, m.end)):
                continue
            phrase = feature_phrase(doc, m.end)
            word = phrase[0] if phrase is not None else doc[m.end].lower_
            district = FEATURE_WORDS.get(word, "").startswith("ADM")
            if word not in _ADMIN_WORDS and not district:
                continue
            exact = [c for c in m.candidates if c.exact]
            divisions = [c for c in exact if c.place.feature_class == "A"]
            if not divisions and district and len({c.place.country for c in exact}) == 1:
                divisions = exact  # a district named by its main town: "Bankass cercle"
            if divisions and _whole_name(doc, m):
                state.taken.update(range(m.start, m.end))
                state.found.append(m)

    def _dateline_place(self, doc: Doc, gz: Gazetteer, state: _Found) -> None:
        """The name a text opens with before a dateline mark, whatever the tagger made of it
        ("Taiz:", "KIRKUK, Oct 5 -"), when the gazetteer knows it well (:mod:`.dateline`)."""
        span = dateline_name(doc)
        if span is None or any(i in state.taken for i in range(*span)):
            return
        name = doc[span[0] : span[1]].text
        cands = self._filter_fold(name, gz.lookup(name))
        if strong_reading(cands, wire=wire_dateline(doc, span)):
            state.taken.update(range(*span))
            state.found.append(self._mention(doc, span[0], span[1], cands))

    def _places_in_focus(self, doc: Doc, state: _Found, focus: Focus) -> None:
        """Names the model missed or gave to persons or organisations, in the place of a place
        ("in Axum", "the town of Palmyra", "Balyun village"), with an exact reading in a
        country of the document's focus; with no focus, when all their exact readings lie in
        one country and no article comes before them ("raided Macomia"; docs/geoparsing.md)."""
        for m in [*state.deferred, *state.weak]:
            if any(i in state.taken for i in range(m.start, m.end)):
                continue
            if not _whole_name(doc, m):
                continue
            exact = [c for c in m.candidates if c.exact]
            if focus:
                inside = [
                    c for c in exact if focus.holds(c.place) or self._near_focus(c.place, focus)
                ]
            elif m.start > 0 and doc[m.start - 1].lower_ in _LEADING_ARTICLES:
                continue  # "visit The Crescent": a common noun's name, no town's
            else:
                inside = exact if len({c.place.country for c in exact}) == 1 else []
            if inside and _locative(doc, m):
                m.settlement = m.settlement or _settlement(doc, m)
                state.taken.update(range(m.start, m.end))
                state.found.append(m)

    def _transliterated_places(self, doc: Doc, gz: Gazetteer, state: _Found, focus: Focus) -> None:
        """Names with no exact reading, in the place of a place, whose transliteration key
        finds a place of the focus that still looks like them ("on the eastern edge of
        Hodeidah", beside the Houthis: Al Hudaydah; docs/geoparsing.md)."""
        if not focus:
            return
        for root in doc:
            if root.pos_ != "PROPN" or not root.text[:1].isupper() or root.i in state.taken:
                continue
            if root.dep_ not in {"pobj", "dobj"} or root.ent_type_ in _NOT_PLACE_LABELS:
                continue
            start = root.i  # the name's words before it: "Deir Ezzor", "al-Suwaida"
            while start > 0 and start - 1 not in state.taken and _name_part(doc[start - 1]):
                start -= 1
            m = self._mention(doc, start, root.i + 1, [])
            if not _whole_name(doc, m) or not _locative(doc, m):
                continue
            if gz.lookup(m.text, fold=False) or _settlement(doc, m):
                continue  # exact readings: no transliteration ("Matamoros"); a village: the
                # unit the text names around it is safer than a look-alike (fallback chain)
            m.candidates = _look_alikes(m.text, gz.lookup_fold(m.text), focus)
            if m.candidates:
                state.taken.update(range(m.start, m.end))
                state.found.append(m)

    def _places_in_divisions(self, state: _Found) -> None:
        """Small places kept inside a division the document names."""
        found, weak, taken = state.found, state.weak, state.taken
        if weak:
            divisions = {
                (c.place.country, c.place.admin1)
                for m in found
                for c in m.candidates[:1]
                if c.place.is_admin1 and c.exact
            }
            for m in weak:
                inside = [c for c in m.candidates if (c.place.country, c.place.admin1) in divisions]
                if inside and not any(i in taken for i in range(m.start, m.end)):
                    m.candidates = inside
                    taken.update(range(m.start, m.end))
                    found.append(m)

    def _region_firsts(self) -> frozenset[str]:
        """First words of the multi-word regional adjectives ("South" of "South East Asian")."""
        regions = self.demonyms.regions
        if self._firsts is None or self._firsts[0] is not regions:
            self._firsts = (regions, frozenset(k.split()[0] for k in regions if " " in k))
        return self._firsts[1]

    def _districts(
        self, doc: Doc, found: list[PlaceMention], taken: set[int], words: _Words
    ) -> bool:
        """A district of a place: "Cairo's Abbasiya district", "the city's Haram
        neighbourhood", "the Cincinnati suburb of West Chester", "Douma, a suburb of
        Damascus". Its readings must lie near that place (else it takes the place's position).
        Returns whether a mention was added."""
        added = False
        n = len(doc)

        def mention_at(s: int, e: int) -> PlaceMention | None:
            return next((f for f in found if f.start == s and f.end == e), None)

        for i in range(1, n):
            if words.lowers[i] not in _DISTRICT_WORDS:
                continue
            name: tuple[int, int] | None = None
            container: PlaceMention | None = None
            s = i
            while (
                s > 0 and i - s < 3 and doc[s - 1].pos_ == "PROPN" and doc[s - 1].text[:1].isupper()
            ):
                s -= 1
            if s < i and s >= 2 and doc[s - 1].text in {"'s", "’s"}:  # "Cairo's Abbasiya district"
                name = (s, i)
                owner = doc[s - 2]
                container = _covering(found, owner.i)
                if container is None and owner.lower_ in _TOWN_WORDS:
                    container = next(
                        (
                            m
                            for m in reversed(found)
                            if m.end <= owner.i
                            and m.role == "literal"
                            and m.candidates
                            and m.candidates[0].place.feature_class == "P"
                        ),
                        None,
                    )
            elif i + 2 < n and doc[i + 1].lower_ == "of":
                before = next((f for f in found if f.end == i), None)
                after = next((f for f in found if f.start == i + 2), None)
                if before is not None:  # "the Cincinnati suburb of West Chester"
                    container = before
                    if after is not None:
                        name = (after.start, after.end)
                    else:
                        e = i + 2
                        while (
                            e < n
                            and e - i < 6
                            and doc[e].pos_ == "PROPN"
                            and doc[e].text[:1].isupper()
                        ):
                            e += 1
                        name = (i + 2, e) if e > i + 2 else None
                elif (
                    after is not None
                    and i >= 3
                    and doc[i - 1].lower_ in _INDEFINITE_ARTICLES
                    and doc[i - 2].text == ","
                ):  # "Douma, a suburb of Damascus"
                    inner = next((f for f in found if f.end == i - 2), None)
                    if inner is not None:
                        container, name = after, (inner.start, inner.end)
            if (
                name is None
                or container is None
                or not container.candidates
                or container.candidates[0].place.is_area  # "the Idlib area of Syria"
            ):
                continue
            m = mention_at(*name)
            if m is None:
                if any(k in taken for k in range(*name)):
                    continue
                m = self._mention(
                    doc, name[0], name[1], self.gazetteer.lookup(doc[slice(*name)].text)
                )
                taken.update(range(*name))
                found.append(m)
                added = True
            if m is not container:
                m.district_of = container
        return added

    def _match(self, doc: Doc, gz: Gazetteer, words: _Words) -> set[tuple[int, int]]:
        """Capitalised n-grams (and "X <feature word>") that name a gazetteer place."""
        grams: dict[str, list[tuple[int, int]]] = {}
        n = len(doc)
        texts, lowers, text = words.texts, words.lowers, words.text
        starts, ends = words.starts, words.ends
        is_stop, is_punct, is_alpha = words.is_stop, words.is_punct, words.is_alpha
        for i in range(n):
            word, lower = texts[i], lowers[i]
            article = (
                lower in _ARTICLE_WORDS
                and i + 2 < n
                and texts[i + 1] == "-"
                and texts[i + 2][:1].isupper()
            )  # "al-Mawsil"
            if not article and (
                not (word[:1].isupper() and word.replace(".", "").isalpha())
                or is_stop[i]
                or len(word) < 2
                or lower in _NOT_PLACE_STARTS
            ):
                continue
            for j in range(i + 1, min(n, i + _MAX_NGRAM) + 1):
                last, last_lower = texts[j - 1], lowers[j - 1]
                last_cap = (last[:1].isupper() and is_alpha[j - 1]) or last in {"-", "–"}
                if j - 1 > i and not (
                    last_cap or last_lower in FEATURE_WORDS or last_lower in _GRAM_CONTINUATIONS
                ):
                    break
                if is_punct[j - 1] and last not in {"-", "–"}:
                    break
                key = name_key(text[starts[i] : ends[j - 1]])
                if key and (j - i > 1 or len(key) >= 3 or word in _SHORT_NAMES):
                    grams.setdefault(key, []).append((i, j))
        known = gz.known_keys(list(grams))
        out: set[tuple[int, int]] = set()
        for key in known:
            for s, e in grams[key]:
                if texts[e - 1] in {"-", "–"} or lowers[e - 1] in _DANGLING_ENDS:
                    continue
                out.add((s, e))
        return out

    def _strong(
        self, cands: list[Candidate], span: Span, org: bool = False, ents: bool = True
    ) -> bool:
        """Enough gazetteer support to take a span that no place entity backs."""
        if not cands:
            return False
        if len(span) == 1 and span[0].is_sent_start and span[0].pos_ != "PROPN":
            return False
        if ents and any(
            t.ent_type_ in {"PERSON", "NORP", "DATE", "CARDINAL", "MONEY", "WORK_OF_ART"}
            for t in span
        ):
            return False
        if not org and any(t.ent_type_ == "ORG" for t in span):
            return False
        for c in cands:
            p = c.place
            if not c.exact:
                continue
            if p.is_admin1 and _generic(p.name):
                continue  # "the Wellcome Trust Centre": no strength from Burkina's Centre
            if p.is_country or p.is_admin1 or p.source.startswith("supplement"):
                return True
            if p.feature_code == "AIRP" and len(span) > 1 and span[-1].lower_ in _AIRPORT_WORDS:
                return True
            if p.population >= _STRONG_POP and (c.primary or len(span) > 1):
                return True
        return False

    @staticmethod
    def _filter_fold(text: str, cands: list[Candidate]) -> list[Candidate]:
        """Transliteration matches only when the names still look alike."""
        key = name_key(text)
        return [
            c
            for c in cands
            if c.exact
            or (
                (c.place.population >= 1000 or c.place.source.startswith("supplement"))
                and _alike(key, c.place.name)
            )
        ]

    def _mention(self, doc: Doc, s: int, e: int, cands: list[Candidate]) -> PlaceMention:
        sp = doc[s:e]
        return PlaceMention(s, e, (sp.start_char, sp.end_char), sp.text, candidates=cands)

    def _demonym(self, doc: Doc, s: int, e: int) -> PlaceMention | None:
        text = doc[s:e].text
        code = self.demonyms.countries.get(text)
        cands: list[Candidate] = []
        if code:
            try:
                cands = [Candidate(self.gazetteer.country(code), True, True)]
            except KeyError:
                return None
        elif text in self.demonyms.regions:
            cands = [c for c in self.gazetteer.lookup(self.demonyms.regions[text]) if c.exact][:1]
        if not cands:
            return None
        m = self._mention(doc, s, e, cands)
        m.role = "demonym"
        return m

    def _phrases(self, doc: Doc, m: PlaceMention) -> None:
        """Feature phrase after the mention, relative phrase before it."""
        j = m.end
        words: list[str] = []
        phrase = feature_phrase(doc, j)  # "the X local government area": "lga"
        if phrase is not None:
            words, j = [phrase[0]], j + phrase[1]
        while (
            not words
            and j < len(doc)
            and j < m.end + 3
            and doc[j].lower_ in FEATURE_WORDS.keys() | _FEATURE_MODIFIERS | _ADMIN_WORDS
        ):
            words.append(doc[j].lower_)
            j += 1
        if words and words[-1] in _ADMIN_WORDS:
            m.admin_phrase = True
        elif words and words[-1] in FEATURE_WORDS:
            m.feature = " ".join(words)
            m.feature_span = (doc[m.end].idx, doc[j - 1].idx + len(doc[j - 1]))
        i = m.start - 1
        if i < 0:
            return
        prev = doc[i]
        if prev.lower_ in _NEAR_WORDS or (
            prev.lower_ == "of" and i > 0 and doc[i - 1].lower_ in _NEAR_OF_WORDS
        ):
            m.relation = "near"
            m.relation_span = (doc[i - 1 if prev.lower_ == "of" else i].idx, m.span[0])
        if prev.lower_ in _RELATIVE_PREPS and i > 0:
            b = doc[i - 1].lower_
            if b in _BEARINGS:
                m.relation, m.bearing = "bearing", _BEARINGS[b]
                m.relation_span = (doc[i - 1].idx, m.span[0])
            k = i - 1
            while k >= max(0, i - 10) and not doc[k].is_sent_start:
                unit = _DIST_UNITS.get(doc[k].lower_)
                if unit and k > 0 and doc[k - 1].like_num:
                    value = _number(doc[k - 1].text)
                    if value is not None:
                        m.distance_km = round(value * unit, 1)
                        if m.relation is None:
                            m.relation = "distance"
                        m.relation_span = (doc[k - 1].idx, m.span[0])
                    break
                k -= 1

    def _role(self, doc: Doc, m: PlaceMention) -> PlaceRole:
        last = doc[m.end - 1]
        nxt = doc[m.end] if m.end < len(doc) else None
        if (
            nxt is not None
            and nxt.text in {"-", "–"}
            and m.end + 1 < len(doc)
            and doc[m.end + 1].pos_ in {"VERB", "ADJ"}
            and doc[m.end + 1].is_lower  # not a name's second part: "Canapé-Vert"
            and doc[m.end + 1].lower_ not in FEATURE_WORDS
        ):
            return "demonym"  # "US-backed", "Saudi-led"
        cands = m.candidates
        big = bool(cands) and (cands[0].place.is_country or cands[0].place.feature_code == "PPLC")
        if (
            last.dep_ in {"compound", "amod"}
            and last.head.i >= m.end
            and last.head.pos_ in {"NOUN", "PROPN"}  # not a verb parsed as a noun's head
            and last.head.ent_type_ not in _ENTITY_LABELS
            and last.head.lower_ not in FEATURE_WORDS
            and last.head.lower_ not in _ADMIN_WORDS
            and big
        ):
            return "demonym"  # "US weaponry", "US withdrawal"
        if big and last.dep_ == "nsubj" and last.head.pos_ in {"VERB", "AUX"}:
            return "metonym"  # "Washington said", "the US rushed troops"
        if big and last.dep_ == "poss" and last.head.lower_ in _METONYM_HEADS:
            return "metonym"
        return "literal"

    @staticmethod
    def _venue_runs(words: _Words) -> list[tuple[int, int]]:
        """Capitalised runs naming a building: capitalised words ending in a venue word
        ("Thomas Memorial Hospital", "St. Mark's Cathedral")."""
        out: list[tuple[int, int]] = []
        texts, lowers, n = words.texts, words.lowers, len(words.texts)
        for i in range(n):
            if lowers[i] not in _VENUE_WORDS or not texts[i][:1].isupper():
                continue
            s = i
            while s > 0 and (
                (texts[s - 1][:1].isupper() and texts[s - 1].rstrip(".").isalpha())
                or (lowers[s - 1] in {"'s", "’s"} and s > 1 and texts[s - 2][:1].isupper())
            ):
                s -= 1
            e = i + 1  # not through "of": "University of Manitoba" names Manitoba
            if e - s >= 2 and not (out and out[-1][1] > s):
                out.append((s, e))
        return out


def _whole_name(doc: Doc, m: PlaceMention) -> bool:
    """The mention is a whole name: no month or weekday ("in March"), no word of a longer
    entity ("on March 24", "Thanksgiving Day", "Wellcome Trust Centre") nor the head of a
    longer name ("Secretary of State"). A name the model
    gave a wrong label ("Turbat" as a date) is whole."""
    if doc[m.start : m.end].text in _CALENDAR_WORDS:
        return False
    if m.end + 1 < len(doc) and doc[m.end].lower_ == "of" and doc[m.end + 1].text[:1].isupper():
        return False  # "Secretary of State": the head of a longer name
    for tok in doc[m.start : m.end]:
        if tok.ent_type_:
            start, end = _entity_of(doc, tok.i)
            if start < m.start or end > m.end:
                return False
    return True


def _entity_of(doc: Doc, i: int) -> tuple[int, int]:
    """The token span of the entity token ``i`` is in, without leading articles."""
    start = i
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    end = i + 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    while start < end and doc[start].lower_ in _LEADING_ARTICLES:
        start += 1
    return start, end


def _locative(doc: Doc, m: PlaceMention) -> bool:
    """The mention stands where a place stands: the object of a locative preposition ("in
    Axum", "near Djibo"; "of" only after a bearing or a noun of a place's parts or fate:
    "north of Mosul", "the centre of Telafer", "control of Lalibela") or of a verb of taking
    or striking a place ("entered Timbuktu"), or named by a settlement word ("the town of
    Palmyra", "Balyun village")."""
    root = doc[m.start : m.end].root
    if root.dep_ == "pobj" and root.head.lower_ in _LOCATIVE_PREPS:
        if root.head.lower_ != "of":
            return True
        of = root.head  # the noun "of" hangs on, or the word before it (a parse may hang it
        # on the verb: "took control of X")
        for before in {of.head.lower_, doc[of.i - 1].lower_ if of.i > 0 else ""}:
            if before in _BEARINGS or before in _NEAR_OF_WORDS or before in _OF_PLACE_HEADS:
                return True
    if root.dep_ == "dobj" and root.head.lemma_.lower() in _LOCATIVE_VERBS:
        return True  # "entered Timbuktu", "shelled Avdiivka"
    return _settlement(doc, m)


def _settlement(doc: Doc, m: PlaceMention) -> bool:
    """ "the village of X", "X village", "X, a town": a settlement word names it."""
    if (
        m.start >= 2
        and doc[m.start - 1].lower_ == "of"
        and doc[m.start - 2].lower_ in (_SETTLEMENT_WORDS)
    ):
        return True
    if m.end < len(doc) and doc[m.end].lower_ in _SETTLEMENT_WORDS:
        return True
    if m.end + 2 >= len(doc) or doc[m.end].text != ",":
        return False
    if doc[m.end + 1].lower_ not in _INDEFINITE_ARTICLES:
        return False
    # "X, a village", "X, a farming village", "X, a small border town"
    for tok in doc[m.end + 2 : m.end + 5]:
        if tok.lower_ in _SETTLEMENT_WORDS:
            return True
        if tok.pos_ not in {"ADJ", "NOUN", "VERB"} or not tok.is_lower:
            return False
    return False


@Language.factory(
    "fw_places",
    assigns=["doc._.fw_toponyms"],
    requires=["token.dep", "doc.ents"],
    default_config={},
)
def make_places(nlp: Language, name: str) -> PlaceRecognizer:
    """Factory; the gazetteer is opened lazily (see :func:`add_places` to pass one)."""
    return PlaceRecognizer(nlp, name)


def add_places(
    nlp: Language,
    gazetteer: Gazetteer | None = None,
    demonyms: Demonyms | None = None,
    area_codes: AreaCodes | None = None,
) -> PlaceRecognizer:
    """Add ``fw_places`` to ``nlp`` with a given gazetteer (tests pass a small one)."""
    pipe = nlp.add_pipe("fw_places")
    assert isinstance(pipe, PlaceRecognizer)
    pipe._gazetteer = gazetteer
    if demonyms is not None:
        pipe.demonyms = demonyms
    if area_codes is not None:
        pipe.area_codes = area_codes
    return pipe
