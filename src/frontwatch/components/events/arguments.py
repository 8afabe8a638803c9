"""The arguments of an event candidate (:class:`EventArguments`, a part of
:class:`~frontwatch.components.events.recognise.EventDetector`): who did it, to whom, what
or where, and whether the trigger is used as an event at all."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from frontwatch.nlp.extensions import entity_root

from ...lexicon.events import Frame, Lexicon
from .words import (
    ACTOR_NOUNS,
    CIVILIAN_NOUNS,
    CONTENT_PREPS,
    CONTROL_NOUNS,
    CONTROL_PREPS,
    FALL_PREPS,
    FINDING_VERBS,
    INSTRUMENT_PREPS,
    MODIFIER_DEPS,
    NOT_TARGET_DEPS,
    NOUN_TAGS,
    NOUN_TARGET_PREPS,
    OBJECT_CONTROL_VERBS,
    PEOPLE_NOUNS,
    RESULT_FRAMES,
    TARGET_PREPS,
    UNDERGO_VERBS,
    VERB_TAGS,
    VERBAL_TARGET_PREPS,
    WEAPON_FRAMES,
    EventCandidate,
    _breadth_first,
    _children,
    _group_head,
    _holder,
    _in_place,
    _is_actorish,
    _is_place,
    _own_forces,
    _prep_objects,
    _under_control,
    frame_moves,
    place_part,
)


@dataclass
class _Heads:
    """The argument heads of a candidate while they are found."""

    arg1: Token | None = None
    arg2: Token | None = None
    theme: Token | None = None


class EventArguments:
    """Arguments of event candidates: a part of :class:`EventDetector`, which holds the lexicon
    and the per-Doc caches."""

    lexicon: Lexicon
    _moved: frozenset[str]
    _toponyms_cache: tuple[Doc, frozenset[int], frozenset[int]] | None
    _actors_cache: tuple[Doc, frozenset[int]] | None

    def _sent(self, doc: Doc, i: int) -> Span:
        raise NotImplementedError

    # -- arguments -------------------------------------------------------------------------
    def _predicate(self, doc: Doc, cand: EventCandidate) -> None:
        """For a noun trigger, the verb whose clause carries it (light verbs, "X was killed in")."""
        anchor = doc[cand.anchor]
        if anchor.pos_ not in NOUN_TAGS:
            return
        head = anchor.head
        if (
            anchor.dep_ in ("dobj", "nsubjpass", "attr")
            and head.lemma_.lower() in self.lexicon.light_verbs
        ):
            cand.predicate = head.i
        elif anchor.dep_ == "pobj" and head.head.lemma_.lower() in self.lexicon.light_verbs:
            cand.predicate = head.head.i

    def _subject(self, token: Token, depth: int = 0) -> Token | None:
        subj = _children(token, "nsubj", "csubj")
        if subj:
            relative = subj[0].tag_ in ("WDT", "WP") or subj[0].lower_ == "that"
            if relative and (token.dep_ == "relcl" or subj[0].tag_ in ("WDT", "WP")):
                return token.head if token.dep_ == "relcl" else None
            return subj[0]
        if depth > 3:
            return None
        if token.dep_ in ("conj", "xcomp", "advcl") and token.head is not token:
            # "attacking" (advcl) and "captured" (conj) share their head verb's subject
            if token.dep_ == "xcomp":
                objs = _children(token.head, "dobj")
                if objs and token.head.lemma_.lower() in OBJECT_CONTROL_VERBS:
                    return objs[0]
            return self._subject(token.head, depth + 1)
        if token.dep_ == "pcomp" and token.head.head is not token.head:
            # "In addition to capturing X, ISIS is also seizing Y"
            return self._subject(token.head.head, depth + 1)
        if token.dep_ == "relcl":
            rel = [
                c for c in token.children if c.tag_ in ("WDT", "WP") and c.dep_.startswith("nsubj")
            ]
            if rel:
                return token.head
        if token.dep_ == "acl" and token.head.pos_ in NOUN_TAGS:
            poss = _children(token.head, "poss")
            if poss:
                return poss[0]
            if token.tag_ == "VBN":  # "troops sent to the airport": the noun is the patient
                return None
            first = token.head
            while first.dep_ == "conj" and first.head.i < first.i:
                first = first.head  # "ISIS and other groups smuggling oil": all of them
            if first is not token.head and _is_actorish(first) and _is_actorish(token.head):
                return first
            if _is_actorish(token.head):
                return token.head
            if token.tag_ == "VBG" and token.head.head.pos_ in VERB_TAGS:
                return self._subject(token.head.head, depth + 1)
        return None
        return None

    def _arguments(self, doc: Doc, cand: EventCandidate, found: dict[int, EventCandidate]) -> None:
        """Head tokens of who did it (arg1), to whom (arg2), and what or where (theme)."""
        anchor = doc[cand.anchor]
        frame = cand.frame
        verbal = frame.family == "none" and not frame.out_of_scope
        heads = _Heads()
        if anchor.pos_ in NOUN_TAGS:
            self._noun_arguments(doc, cand, found, heads, verbal)
        else:
            self._verb_arguments(anchor, frame, heads, verbal)
        self._distant_target(anchor, frame, heads, verbal)
        arg1, arg2, theme = heads.arg1, heads.arg2, heads.theme
        if (
            frame.name == "retreat"
            and arg1 is not None
            and (arg1.lemma_.lower() in CIVILIAN_NOUNS or arg1.lower_.rstrip("s") in CIVILIAN_NOUNS)
        ):
            # civilians who flee are displaced: they are whom it is done to, never who did it
            # ("over one thousand Christians are fleeing the city"); whom they flee did it
            cand.frame = self.lexicon.frames["displace"]
            arg1, arg2 = arg2, arg1
        arg1 = _group_head(arg1) if arg1 is not None else None
        arg2 = _group_head(arg2) if arg2 is not None else None
        cand.arg1 = arg1.i if arg1 is not None else None
        cand.arg2 = arg2.i if arg2 is not None and arg2 is not arg1 else None
        cand.theme = theme.i if theme is not None else None
        cand.theme_lemma = theme.lemma_.lower() if theme is not None else None
        self._reframe(cand, anchor, frame, theme)

    def _target(self, heads: _Heads, tok: Token, frame: Frame, verbal: bool) -> None:
        """An object or prepositional object of the trigger: whom it is aimed at, or what."""
        tok = _group_head(tok)  # "holding thousands of refugees": the refugees
        if _own_forces(tok, self._moved) or frame.name == "mobilize":
            # "offered its troops to X", "deployed peacekeepers in Y": the agent's own
            # forces are what is moved, not whom the event is aimed at
            if heads.theme is None:
                heads.theme = tok
            return
        if heads.arg2 is None and _is_actorish(tok) and (verbal or not _is_place(tok)):
            heads.arg2 = tok
        elif heads.theme is None:
            heads.theme = tok
            if verbal and heads.arg2 is None:  # "welcomed Reagan's statement": Reagan
                poss = _children(tok, "poss")
                if poss and _is_actorish(poss[0]):
                    heads.arg2 = poss[0]

    def _noun_arguments(
        self,
        doc: Doc,
        cand: EventCandidate,
        found: dict[int, EventCandidate],
        heads: _Heads,
        verbal: bool,
    ) -> None:
        """The arguments of a noun trigger: "ISIS's attack on the city", "the attack by X"."""
        anchor = doc[cand.anchor]
        pred = doc[cand.predicate]
        poss = _children(anchor, "poss")
        by = _prep_objects(anchor, ["by"])
        comp = [
            c
            for c in _children(anchor, "compound", "nmod", "amod")
            if c.ent_type_ in {"ORG", "NORP", "GPE"}
        ]
        first = poss or by or comp
        arg1 = first[0] if first else None
        if pred is not anchor and (arg1 is None or arg1.pos_ == "PRON"):
            # "Israel mounted its invasion": the light verb's subject names "its"
            arg1 = self._subject(pred) or arg1
        if arg1 is None and anchor.dep_ in ("dobj", "pobj", "attr"):
            gov = anchor.head if anchor.dep_ != "pobj" else anchor.head.head
            # the subject of a verb that is not itself an event ("arrived on a visit"),
            # not of one that reports or judges it ("condemned the attack")
            if gov.pos_ in VERB_TAGS and gov.i not in found:
                subj = self._subject(gov)
                if subj is not None and subj.i != anchor.i:
                    if gov.lemma_.lower() in UNDERGO_VERBS:
                        # "they face execution": the one who undergoes it is the target
                        if _is_actorish(subj):
                            heads.arg2 = subj
                    else:
                        arg1 = subj
        heads.arg1 = arg1
        for tok in _prep_objects(anchor, NOUN_TARGET_PREPS):
            self._target(heads, tok, cand.frame, verbal)
        for tok in _prep_objects(anchor, ["of"]):
            self._target(heads, tok, cand.frame, verbal)

    def _verb_arguments(self, anchor: Token, frame: Frame, heads: _Heads, verbal: bool) -> None:
        """The arguments of a verb trigger: its subject, objects and prepositional objects."""
        arg1 = self._subject(anchor)
        agent = _prep_objects(anchor, ["by"])
        passive = _children(anchor, "nsubjpass")
        under = _under_control(anchor) if frame.family == "territory" else None
        if under is not None and not _children(anchor, "dobj"):
            # "the port fell under the control of X", "the town is under rebel control":
            # the subject is the place, the control noun names who holds it
            heads.theme = arg1
            heads.arg1 = _holder(under)
        elif frame.name == "fall":
            to = _prep_objects(anchor, FALL_PREPS)
            heads.theme = arg1
            arg1 = to[0] if to else None
            if arg1 is not None and arg1.lemma_.lower() == "hand":
                of = _prep_objects(arg1, ["of"])
                arg1 = of[0] if of else arg1
            heads.arg1 = arg1
        elif passive:
            heads.arg1 = agent[0] if agent else None
            self._target(heads, passive[0], frame, verbal)
        elif frame.family == "territory":
            heads.arg1 = arg1
            # "captured it from forces loyal to Assad": the object is the place taken,
            # the one it was taken from is the target
            objs = _children(anchor, "dobj")
            theme = objs[0] if objs else None
            if theme is not None and theme.lemma_.lower() in CONTROL_NOUNS:
                held = _prep_objects(theme, CONTROL_PREPS)  # "seized control of X"
                theme = held[0] if held else None
            heads.theme = theme
            src = _prep_objects(anchor, ["from"])
            if src and _is_actorish(src[0]) and not _is_place(src[0]):
                heads.arg2 = src[0]
        else:
            heads.arg1 = arg1
            for tok in _children(anchor, "dobj", "dative"):
                self._target(heads, tok, frame, verbal)
            preps = VERBAL_TARGET_PREPS if verbal else TARGET_PREPS
            for tok in _prep_objects(anchor, preps):
                self._target(heads, tok, frame, verbal)

    def _distant_target(self, anchor: Token, frame: Frame, heads: _Heads, verbal: bool) -> None:
        """A target further from the trigger, when its own arguments named none."""
        if heads.arg2 is None and verbal and anchor.pos_ in VERB_TAGS:
            # "demanding that they convert": the one the demand is made of;
            # "invested $25 billion in building this army": the one who benefits
            for clause in _children(anchor, "ccomp"):
                for subj in _children(clause, "nsubj", "nsubjpass"):
                    if _is_actorish(subj):
                        heads.arg2 = subj
            for prep in _children(anchor, "prep"):
                for gerund in _children(prep, "pcomp"):
                    for obj in [*_children(gerund, "dobj")] + [
                        o for c in _children(gerund, "conj") for o in _children(c, "dobj")
                    ]:
                        if heads.arg2 is None and _is_actorish(obj):
                            heads.arg2 = obj
        if heads.arg2 is None and (verbal or frame.family == "agreement"):
            heads.arg2 = self._nearest_party(anchor, heads.arg1, moved=self._moved)
        if (
            heads.arg2 is None
            and frame.family in ("violence", "explosion")
            and anchor.dep_ == "advcl"
        ):
            # "troops were preparing to raise flags when ISIS counterattacked": the main
            # clause's subject is the one attacked
            main_subject = self._subject(anchor.head)
            if (
                main_subject is not None
                and main_subject is not heads.arg1
                and _is_actorish(main_subject)
            ):
                heads.arg2 = main_subject

    def _reframe(
        self, cand: EventCandidate, anchor: Token, frame: Frame, theme: Token | None
    ) -> None:
        """A frame changed by what the trigger takes: weapons, goods, a launched weapon, aid,
        diplomats. ``frame`` is the trigger's own frame, ``cand.frame`` the current one."""
        lex = self.lexicon
        weapon = self._weapon_theme(anchor, theme, passive_subject=_children(anchor, "nsubjpass"))
        if weapon is not None and (
            frame.family == "territory"
            or frame.name in WEAPON_FRAMES
            or anchor.lemma_.lower() in lex.weapon_verbs
        ):
            # "seized 40 rifles", "a cache of explosives was found": weapons, not territory
            cand.frame = lex.frames["defuse"]
            cand.theme_lemma = weapon
        if (
            frame.family == "territory"
            and theme is not None
            and weapon is None
            and not _is_place(theme)
            and theme.i not in self._toponym_tokens(theme.doc, resolved=False)
            and not place_part(theme)
            and not _is_actorish(theme)
            and theme.pos_ in NOUN_TAGS
        ):
            cand.frame = lex.frames["seize_goods"]  # "seized counterfeit cosmetics"
            people = _group_head(theme)
            if cand.arg2 is None and people.i != theme.i and _is_actorish(people):
                cand.arg2 = people.i  # "holding thousands of refugees": the people held
        if anchor.lemma_.lower() in lex.launch_verbs:
            for obj in _children(anchor, "dobj"):
                launched = lex.launch_nouns.get(obj.lemma_.lower())
                if launched is not None:
                    cand.frame = lex.frames[launched]  # "launched a drone at a ship"
                    cand.theme_lemma = obj.lemma_.lower()
        if (
            cand.frame.name == "handover"
            and theme is not None
            and not _is_place(theme)
            and weapon is None
        ):
            cand.frame = lex.frames["aid"]  # "handed over 700 kg of medicine"
        if anchor.lemma_.lower() in lex.diplomatic_verbs and any(
            t.lemma_.lower() in lex.diplomatic_nouns
            for t in [*_children(anchor, "dobj", "nsubjpass"), *([theme] if theme else [])]
        ):
            cand.frame = lex.frames["sanction"]  # "expelled two diplomats"

    def _weapon_theme(
        self, anchor: Token, theme: Token | None, passive_subject: list[Token]
    ) -> str | None:
        nouns = self.lexicon.weapon_nouns
        for tok in [
            t for t in (theme, *passive_subject, *_children(anchor, "dobj")) if t is not None
        ]:
            for cand in (tok, *_prep_objects(tok, CONTENT_PREPS)):
                for t in (cand, *[c for c in cand.children if c.dep_ == "conj"]):
                    if t.lemma_.lower() in nouns or t.lower_ in nouns:
                        return t.lemma_.lower()
        return None

    def _fallback_target(
        self, doc: Doc, cand: EventCandidate, found: dict[int, EventCandidate]
    ) -> None:
        """A target for an event that has none from its own arguments (PLOVER's convention):
        the nearest named party in the trigger's phrase or purpose clause ("rallies ... to
        demand the resignation of President X"), else the nearest named place ("imposed a
        curfew in Algiers", "arrived in Amman on a visit"), kept apart as ``place_target``.
        Territory frames keep no place target: the place taken is their theme."""
        family = cand.frame.family
        if cand.arg2 is not None or family == "territory":
            return
        if family == "strategic" and not frame_moves(cand):
            return  # seizures, looting, withdrawals: who lost what is stated or unknown
        anchor = doc[cand.anchor]
        arg1 = doc[cand.arg1] if cand.arg1 is not None else None
        starts = [anchor]
        pred = doc[cand.predicate]
        if anchor.pos_ in NOUN_TAGS:
            gov = pred if pred.i != anchor.i else anchor.head
            if anchor.dep_ == "pobj":
                gov = anchor.head.head
            if gov.i != anchor.i and gov.pos_ in VERB_TAGS and gov.i not in found:
                starts.append(gov)  # "arrived in Amman on a visit"
        skip = {t.i for t in arg1.subtree} if arg1 is not None else set()
        skip.add(anchor.i)
        theme = doc[cand.theme] if cand.theme is not None else None
        if theme is not None and theme.ent_type_ in ("GPE", "LOC") and theme.i not in skip:
            cand.place_target = theme.i  # "blockade Paris", "the invasion of South Lebanon"
            return
        # a protest names its target in its purpose or its effect: "to demand the resignation
        # of X", "a strike that shut down X"
        follow = {"advcl", "relcl"} if cand.frame.family in ("protest", "riot") else set()

        def party() -> bool:
            for start in starts:
                found_party = self._nearest_party(
                    start,
                    arg1,
                    exclude=skip,
                    literal_places=False,
                    follow=follow,
                    moved=self._moved,
                )
                if found_party is not None and found_party.i != cand.arg1:
                    cand.arg2 = _group_head(found_party).i
                    return True
            return False

        def place() -> bool:
            for start in starts:
                found_place = self._nearest_place(start, skip)
                if found_place is not None:
                    cand.place_target = found_place.i
                    return True
            return False

        if frame_moves(cand):
            place() or party()  # "sent 300 police officers to Kisumu": where they went
        else:
            party() or place()

    def _toponym_tokens(self, doc: Doc, *, resolved: bool = True) -> frozenset[int]:
        """Tokens of the literal, resolved place mentions of ``fw_toponyms``; with
        ``resolved=False`` also of those the geoparser read as places but did not place
        ("captured Kidal", which NER left untagged); once a Doc."""
        if self._toponyms_cache is None or self._toponyms_cache[0] is not doc:
            literal = [
                m for m in (doc._.get("fw_toponyms") or []) if getattr(m, "role", None) == "literal"
            ]
            placed = [m for m in literal if getattr(m, "place", None) is not None]
            self._toponyms_cache = (
                doc,
                frozenset(i for m in placed for i in range(m.start, m.end)),
                frozenset(i for m in literal for i in range(m.start, m.end)),
            )
        return self._toponyms_cache[1] if resolved else self._toponyms_cache[2]

    def _actor_roots(self, doc: Doc) -> frozenset[int]:
        """Root tokens of the actor mentions of ``fw_actors`` that have an actor type (from the
        dictionary or guessed from the phrase: "armed youths", "unidentified assailants") and
        are not places; once a Doc. Such a subject makes a trigger an event as an actor noun
        of the lexicon does."""
        if self._actors_cache is not None and self._actors_cache[0] is doc:
            return self._actors_cache[1]
        roots = frozenset(
            m.root
            for m in (doc._.get("fw_actors") or [])
            if not getattr(m, "is_place_like", False)
            and getattr(getattr(m, "actor", None), "type", None) is not None
        )
        self._actors_cache = (doc, roots)
        return roots

    def _nearest_place(self, anchor: Token, skip: set[int]) -> Token | None:
        """The nearest named place below ``anchor``, breadth first: a GPE or LOC entity, or a
        name that the geoparser read as a place ("Kisumu" tagged as an organisation)."""
        toponyms = self._toponym_tokens(anchor.doc)

        def visit(tok: Token) -> Token | None:
            if tok.ent_type_ in ("GPE", "LOC") or (tok.i in toponyms and tok.pos_ == "PROPN"):
                root = entity_root(tok)
                if root.dep_ not in MODIFIER_DEPS:
                    return root
            return None

        return _breadth_first(anchor, skip, NOT_TARGET_DEPS, visit)

    @staticmethod
    def _nearest_party(
        anchor: Token,
        arg1: Token | None,
        exclude: set[int] | None = None,
        literal_places: bool = True,
        follow: set[str] | None = None,
        moved: frozenset[str] = frozenset(),
    ) -> Token | None:
        """The nearest named party below a verbal trigger, breadth first: "rejected calls by
        Kofi Annan", "vetoed a Security Council resolution", "refused to meet Jordan's King",
        "arrived in Amman". PLOVER's target of a statement or meeting is often there."""
        skip = {t.i for t in arg1.subtree} if arg1 is not None else set()
        skip |= exclude or set()

        def visit(tok: Token) -> Token | bool | None:
            if _own_forces(tok, moved):
                return False  # "refused to deploy its peacekeepers": not whom it is aimed at
            if not literal_places and _in_place(tok):
                pass  # "a curfew in Algiers": where, not whom
            elif tok.ent_type_ in {"GPE", "ORG", "NORP", "PERSON"} and tok.ent_iob_ in ("B", "I"):
                root = entity_root(tok)
                head = root.head
                if (
                    root.dep_ in MODIFIER_DEPS
                    and head.pos_ in NOUN_TAGS
                    and (head.lemma_.lower() in ACTOR_NOUNS or head.lemma_.lower() in PEOPLE_NOUNS)
                ):
                    return head  # "Russian civilian advisers": the advisers
                return root
            if tok.pos_ in NOUN_TAGS and tok.lemma_.lower() in ACTOR_NOUNS and _is_actorish(tok):
                return tok
            return None

        return _breadth_first(anchor, skip, NOT_TARGET_DEPS - (follow or set()), visit)

    @staticmethod
    def _instrument_of(noun: Token, found: dict[int, EventCandidate]) -> Token | None:
        """The trigger that ``noun`` is the instrument of ("targeted the city with car bombs")."""
        tok = noun
        for _ in range(3):
            if tok.dep_ != "pobj":
                return None
            prep = tok.head
            if prep.lower_ in INSTRUMENT_PREPS and prep.head.i in found and prep.head.i != noun.i:
                return prep.head
            if prep.lower_ != "of":
                return None
            tok = prep.head  # "a series of car bombs", "a barrage of rockets"
        return None

    def _is_eventive(
        self, doc: Doc, cand: EventCandidate, found: dict[int, EventCandidate]
    ) -> bool:
        """Keep a trigger only where it is used as an event."""
        lex = self.lexicon
        anchor = doc[cand.anchor]
        lemma = anchor.lemma_.lower()
        sent = self._sent(doc, anchor.i)
        # an event noun used as instrument or manner of another trigger is only a cue
        if anchor.pos_ in NOUN_TAGS and self._instrument_of(anchor, found) is not None:
            return False
        first = anchor
        while first.dep_ == "conj" and first.head is not first:
            first = first.head
        if first.tag_ == "VBG" and first.dep_ == "pcomp" and first.head.lower_ == "for":
            return False  # "a hub for sending and withdrawing troops": a purpose, not an event
        if anchor.pos_ in NOUN_TAGS and anchor.dep_ in ("compound",):
            return False
        actors = self._actor_roots(doc)
        has_actor = any(
            i is not None and (_is_actorish(doc[i]) or i in actors) for i in (cand.arg1, cand.arg2)
        )
        if cand.arg1 is not None and doc[cand.arg1].lemma_.lower() in lex.weapon_nouns:
            has_actor = True  # "artillery pounded the village": the weapon stands for its crew
        # "an air force strike killed ten": what killed them is an event
        result = found.get(anchor.head.i) if anchor.dep_ in ("nsubj", "nsubjpass") else None
        killed_by = result is not None and result is not cand and result.frame.name in RESULT_FRAMES
        if anchor.pos_ in NOUN_TAGS and killed_by:
            return True
        if cand.frame.name == "defuse" and cand.theme_lemma in lex.weapon_nouns:
            has_actor = True  # the weapons found or seized are the participant
        if frame_moves(cand) and cand.theme is not None and _is_actorish(doc[cand.theme]):
            has_actor = True  # "200 troops were sent": the forces moved are the participant
        context = any(
            t.lemma_.lower() in lex.context_words
            or t.lower_ in lex.context_words
            or t.lemma_.lower() in lex.weapon_nouns
            for t in sent
        )
        frame = cand.frame
        if frame.name == "fall" and cand.arg1 is None:
            return False
        if lemma in FINDING_VERBS and frame.name != "defuse":
            return False  # "found", "discovered": an event only when weapons are found
        if (
            frame.family == "territory"
            and lemma in lex.territory_needs_place
            and cand.end - cand.start == 1
        ):
            theme = doc[cand.theme] if cand.theme is not None else None
            # a place for the tagger or the geoparser ("had taken al-Hazm": a PERSON to NER)
            placed = theme is not None and (_is_place(theme) or place_part(theme))
            if not placed and (theme is None or theme.i not in self._toponym_tokens(doc)):
                return False  # "failed to hold the group's power in check"
        if frame.family == "none" and not frame.out_of_scope:
            # verbal events need a participant that is an entity or an actor noun
            return cand.arg1 is not None and _is_actorish(doc[cand.arg1])
        ambiguous = (anchor.pos_ in NOUN_TAGS and lemma in lex.nouns_need_context) or (
            anchor.pos_ not in NOUN_TAGS and lemma in lex.verbs_need_context
        )
        if cand.end - cand.start > 1:
            ambiguous = False
        if frame.out_of_scope and frame.category is not None:  # disaster, accident, crime
            own = self.lexicon.cues.get(frame.category, {})
            score = max(cand.doc_cues.get(frame.category, 0), cand.cues.get(frame.category, 0))
            score -= max(own.get(lemma, 0), own.get(anchor.lower_, 0))
            return not ambiguous or score >= 4
        if ambiguous:
            return has_actor and context
        return has_actor or context
