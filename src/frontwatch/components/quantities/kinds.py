"""What a number counts (:class:`QuantityKinds`, a part of
:class:`~frontwatch.components.quantities.recognise.QuantityRecognizer`): people killed,
injured, displaced or detained, troops, money, materiel, from the noun and the verb."""

from __future__ import annotations

from spacy.tokens import Doc, Token

from .mentions import (
    NumberMention,
    _has_cc,
    _is_designation,
    _lemma,
    _of_object,
    _passive_like,
    _pycountry_currency,
    _verb_phrase,
)
from .words import OBJECT_DEPS, SUBJECT_DEPS, QuantityLexicon


class QuantityKinds:
    """Deciding what a number counts: a part of :class:`QuantityRecognizer`, which holds the
    lexicon."""

    lexicon: QuantityLexicon

    def _people_kind(self, nominal: Token, number: NumberMention) -> str | None:
        """killed/injured/displaced/detained from the governing predicate, else troops."""
        lex = self.lexicon
        lemma = _lemma(nominal)
        # "hundreds of families fled": the vague number holds the clause position
        position = nominal
        v_start, v_end = number.value_tokens
        if _of_object(nominal.doc[v_start:v_end].root) == nominal:
            position = nominal.doc[v_start:v_end].root
        verb_kind = self._verb_kind(position, number)
        if verb_kind in {"detained", "displaced"} and not self._person_like(nominal, number):
            verb_kind = None  # "seized 5 villages", "left 3 bases"
        if verb_kind is not None:
            return verb_kind
        if lemma in lex.kind_nouns:
            return lex.kind_nouns[lemma]
        for child in nominal.children:
            if child.dep_ in {"amod", "acl"} and _lemma(child) in lex.kind_adjectives:
                return lex.kind_adjectives[_lemma(child)]
            if child.dep_ == "amod" and child.lower_ in lex.kind_adjectives:
                return lex.kind_adjectives[child.lower_]
        # "the lives of 12 people", "the bodies of 30 civilians"
        if nominal.dep_ == "pobj" and nominal.head.lower_ == "of":
            owner = nominal.head.head
            if _lemma(owner) in lex.kind_nouns:
                return lex.kind_nouns[_lemma(owner)]
            owner_kind = self._verb_kind(owner, None)
            if owner_kind is not None and _lemma(owner) in lex.troop_units | {"group"}:
                return owner_kind
        # "the death toll rose to 41"
        toll = self._toll_kind(position)
        if toll is not None:
            return toll
        if self._is_troops(nominal):
            return "troops"
        return None

    def _person_like(self, nominal: Token, number: NumberMention) -> bool:
        """The counted noun names people (or there is none: "arrested 12")."""
        lex = self.lexicon
        if number.value_tokens[0] <= nominal.i < number.value_tokens[1]:
            return True
        lemma = _lemma(nominal)
        if lemma in lex.person_nouns or lemma in lex.kind_nouns or self._is_troops(nominal):
            return True
        if nominal.ent_type_ in {"NORP", "PERSON"}:
            return True
        return any(
            c.ent_type_ == "NORP" or _lemma(c) in lex.person_nouns
            for c in nominal.children
            if c.dep_ in {"amod", "compound"}
        )

    def _verb_kind(self, nominal: Token, number: NumberMention | None) -> str | None:
        lex = self.lexicon
        token = nominal
        if (
            number is not None
            and token.dep_ == "pobj"
            and number.start <= token.head.i < number.value_tokens[0]
        ):
            # "kidnapped up to 16 advisers" parsed with "up" as a particle, "to" a preposition:
            # the count is the verb's object
            verb = token.head
            while verb.pos_ not in {"VERB", "AUX"} and verb.head != verb:
                verb = verb.head
            lemma = _lemma(verb)
            return lex.verbs_object.get(lemma)
        # climb out of coordination: "killed 2 youths and wounded 5 others" keeps its own verb,
        # "1,500 Humvees, 4,000 guns" share the first conjunct's verb
        while token.dep_ == "conj" and token.head.pos_ in {"NOUN", "PROPN", "NUM", "PRON", "ADJ"}:
            token = token.head
        if token.dep_ == "appos":
            token = token.head
        verb = token.head
        dep = token.dep_
        if dep == "pobj" and verb.lower_ in {"by"} and verb.head.pos_ == "VERB":
            return None
        if verb.pos_ not in {"VERB", "AUX", "ADJ"}:
            return None
        lemma = _lemma(verb)
        phrase = _verb_phrase(verb)
        kind: str | None = None
        if dep in OBJECT_DEPS or (dep == "nsubj" and _passive_like(verb)):
            kind = lex.verbs_object.get(phrase) or lex.verbs_object.get(lemma)
        if kind is None and dep in SUBJECT_DEPS:
            kind = lex.verbs_subject.get(phrase) or lex.verbs_subject.get(lemma)
        if kind is None and dep == "nsubj" and verb.pos_ == "VERB" and verb.tag_ == "VBN":
            # gapping: "12 were killed and 30 wounded" parses "30" as subject of "wounded"
            kind = lex.verbs_object.get(lemma)
        if kind is None and dep in {"nsubj", "nsubjpass"}:
            # "30 were hurt", "12 are dead": a predicate adjective
            for child in verb.children:
                if child.dep_ in {"acomp", "oprd"} and _lemma(child) in lex.kind_adjectives:
                    return lex.kind_adjectives[_lemma(child)]
        if kind is None and dep in {"dobj"} and lemma in {"leave", "keep"}:
            for child in verb.children:
                if child.dep_ in {"oprd", "ccomp", "xcomp", "acomp"} and (
                    _lemma(child) in lex.kind_adjectives
                ):
                    return lex.kind_adjectives[_lemma(child)]
        if kind is None:
            return None
        # "killing or wounding 50": a disjunction of different kinds is not one kind
        for other in [*verb.conjuncts]:
            other_kind = lex.verbs_object.get(_lemma(other))
            if other_kind is not None and other_kind != kind and _has_cc(verb, other, "or"):
                return "other"
        return kind

    def _toll_kind(self, nominal: Token) -> str | None:
        lex = self.lexicon
        head = nominal.head
        if nominal.dep_ == "pobj" and head.pos_ == "ADP":
            head = head.head
        elif nominal.dep_ not in {"attr", "dobj", "npadvmod", "appos"}:
            return None
        candidates = [c for c in head.children if c.dep_ in {"nsubj", "nsubjpass"}]
        if head.pos_ == "NOUN":
            candidates.append(head)
        for cand in candidates:
            words = [c.lower_ for c in cand.children if c.dep_ == "compound"] + [_lemma(cand)]
            joined = " ".join(words)
            if joined in lex.toll_nouns:
                return lex.toll_nouns[joined]
            if _lemma(cand) in lex.toll_nouns:
                return lex.toll_nouns[_lemma(cand)]
        return None

    def _is_troops(self, nominal: Token) -> bool:
        lex = self.lexicon
        lemma = _lemma(nominal)
        if lemma in lex.troop_nouns or nominal.lower_ in lex.troop_nouns:
            return True
        if lemma in lex.troop_units:
            of_obj = _of_object(nominal)
            if of_obj is not None:
                return _lemma(of_obj) in lex.troop_nouns or of_obj.lower_ in lex.troop_nouns
            return lemma not in lex.troop_units_need_troops
        return False

    def _troop_item(self, nominal: Token) -> str | None:
        lemma = _lemma(nominal)
        return lemma if lemma in self.lexicon.troop_units else None

    def _currency(self, nominal: Token, phrase: list[Token]) -> str | None:
        lex = self.lexicon
        lemma = _lemma(nominal)
        if lemma not in lex.currency_nouns:
            return None
        adjectives = [t.lower_ for t in phrase if t.i < nominal.i]
        for adj in adjectives:
            code = _pycountry_currency(f"{adj} {lemma}")
            if code is not None:
                return code
            if adj in lex.currency_adjectives:
                return lex.currency_adjectives[adj]
        return lex.currency_nouns[lemma]

    def _rate_after(self, doc: Doc, i: int) -> tuple[str | None, int | None]:
        for size in (2, 1):
            phrase = " ".join(t.lower_ for t in doc[i : i + size])
            if i + size <= len(doc) and phrase in self.lexicon.rate_words:
                return self.lexicon.rate_words[phrase], i + size
        return None, None

    def _materiel(
        self, doc: Doc, number: NumberMention, nominal: Token, phrase: list[Token]
    ) -> tuple[str, str | None] | None:
        """Normalised item name and calibre detail, from the counted noun phrase."""
        lex = self.lexicon
        words = [t for t in phrase if t.i >= number.end]
        calibre: str | None = None
        kept: list[Token] = []
        k = 0
        while k < len(words):
            token = words[k]
            # "155-millimeter", "155 mm", ".50-caliber"
            if token.like_num and k + 1 < len(words):
                nxt = words[k + 1]
                if (
                    nxt.text in {"-", "–"}
                    and k + 2 < len(words)
                    and words[k + 2].lower_ in lex.calibre_units
                ):
                    calibre = f"{token.text} {lex.calibre_units[words[k + 2].lower_]}"
                    k += 3
                    continue
                if nxt.lower_ in lex.calibre_units:
                    calibre = f"{token.text} {lex.calibre_units[nxt.lower_]}"
                    k += 2
                    continue
            kept.append(token)
            k += 1
        if not kept:
            return None
        lowered = [t.lower_ for t in kept]
        lowered[-1] = nominal.lower_
        for size in range(len(kept), 0, -1):
            form = " ".join(lowered[-size:])
            lemma_form = " ".join([*lowered[-size:-1], _lemma(nominal)])
            entry = lex.materiel.get(form) or lex.materiel.get(lemma_form)
            if entry is None:
                continue
            designations = [t.text for t in kept[: len(kept) - size] if _is_designation(t)]
            name = " ".join([*designations, entry.name])
            return name, calibre
        return None
