"""The ``fw_quantities`` component: number expressions, what each counts, and the flags of
the document's numbers."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Token

from frontwatch.nlp.batching import BatchedPipe
from frontwatch.nlp.extensions import doc_text
from frontwatch.records import Flag, Quantity, QuantityKind

from .flags import _conversion_flags, _growth_context
from .kinds import QuantityKinds
from .mentions import (
    NumberFinder,
    NumberMention,
    QuantityMention,
    _fmt,
    _is_numeric_token,
    _lemma,
    _noun_phrase,
    _of_object,
    _year_like,
)
from .numbers import (
    find_malformed_numbers,
)
from .words import (
    KINDS_PATH,
    MATERIEL_PATH,
    OBJECT_DEPS,
    PEOPLE_KINDS,
    QuantityLexicon,
    convert,
    default_lexicon,
)


@dataclass
class QuantityResults:
    mentions: list[QuantityMention]
    flags: list[Flag]


class QuantityRecognizer(QuantityKinds, BatchedPipe):
    """The ``fw_quantities`` component: quantities and number flags."""

    def __init__(
        self, nlp: Language, name: str = "fw_quantities", lexicon: QuantityLexicon | None = None
    ) -> None:
        self.name = name
        self.lexicon = lexicon if lexicon is not None else default_lexicon()
        self.finder = NumberFinder(self.lexicon)

    def __call__(self, doc: Doc) -> Doc:
        results = self.predict(doc)
        self.set_annotations(doc, results)
        return doc

    def set_annotations(self, doc: Doc, results: QuantityResults) -> None:
        doc._.fw_quantities = [m.quantity for m in results.mentions]
        doc._.fw_flags = results.flags

    # -- compute

    def predict(self, doc: Doc) -> QuantityResults:
        flags: list[Flag] = []
        text = doc_text(doc)  # Doc.text joins every token: read it once
        malformed = find_malformed_numbers(text)
        for bad in malformed:
            flags.append(
                Flag(
                    kind="malformed_number",
                    text=bad.text,
                    span=(bad.start, bad.end),
                    message=f"Malformed number {bad.text!r}: {bad.reason}.",
                )
            )
        numbers = self.finder.find(doc, [(m.start, m.end) for m in malformed])
        mentions: list[QuantityMention] = []
        for number in numbers:
            if self._skip(doc, number):
                continue
            mention = self._classify(doc, number, text)
            if mention is not None:
                mentions.append(mention)
        mentions, conversion_flags = _conversion_flags(doc, mentions)
        flags.extend(conversion_flags)
        flags.extend(self._percent_flags(doc, mentions))
        flags.sort(key=lambda f: f.span)
        return QuantityResults(mentions, flags)

    def _percent_flags(self, doc: Doc, mentions: list[QuantityMention]) -> list[Flag]:
        """Percentages over 100, unless they measure a change ("rose by 150 percent")."""
        flags = []
        for mention in mentions:
            q = mention.quantity
            if q.kind != "percent" or q.count is None or q.count <= 100:
                continue
            if _growth_context(doc, mention, self.lexicon.growth_words):
                continue
            flags.append(
                Flag(
                    kind="percent_over_100",
                    text=q.text,
                    span=q.span,
                    message=f"Percentage {q.text!r} is over 100.",
                )
            )
        return flags

    def _skip(self, doc: Doc, number: NumberMention) -> bool:
        """Dates, times, ordinals, years and "one of" are not quantities."""
        lex = self.lexicon
        v_start, v_end = number.value_tokens
        tokens = doc[v_start:v_end]
        if not len(tokens):
            return True
        if any(t.ent_type_ in {"ORDINAL", "TIME"} for t in tokens):
            return True
        numerals = [t for t in tokens if t.like_num and any(ch.isdigit() for ch in t.text)]
        if number.currency is None and numerals and all(_year_like(t) for t in numerals):
            return True
        if (
            number.currency is None
            and any(_year_like(t) for t in numerals)
            and (number.count is None or any(t.text in {"-", "–", "/"} for t in tokens))
        ):
            return True  # "2003-2011", "2020-09": dates, not ranges
        root = tokens.root
        head = root.head
        if head.i >= v_end and self._time_unit(head):
            return True
        if v_end < len(doc) and self._time_unit(doc[v_end]):
            return True
        if self._time_unit(head) and root.dep_ in {"nummod", "npadvmod", "compound"}:
            return True
        # "one of the ..." and "one" as a pronoun
        if len(tokens) == 1 and root.lower_ == "one" and root.dep_ != "nummod":
            verb = root.head
            return not (verb.lemma_.lower() in lex.verbs_object and root.dep_ in OBJECT_DEPS)
        # parts of a calibre ("155-millimeter") are read with the item
        return bool(
            v_end < len(doc)
            and doc[v_end].text in {"-", "–"}
            and v_end + 1 < len(doc)
            and doc[v_end + 1].lower_ in lex.calibre_units
        )

    def _time_unit(self, token: Token) -> bool:
        """A noun of time ("months", "June", "pm"), not a verb that looks like one ("marched")."""
        return token.pos_ in {"NOUN", "PROPN", "NUM"} and _lemma(token) in self.lexicon.time_units

    def _calibre_at(self, doc: Doc, i: int) -> bool:
        """Token ``i`` is the number of a calibre: "155-millimeter", "155 mm"."""
        units = self.lexicon.calibre_units
        nxt = doc[i + 1] if i + 1 < len(doc) else None
        if nxt is not None and nxt.text in {"-", "–"} and i + 2 < len(doc):
            nxt = doc[i + 2]
        return nxt is not None and nxt.lower_ in units

    def _counted_noun(self, doc: Doc, number: NumberMention) -> tuple[Token | None, Token]:
        """The noun a number counts, and the number's own head token."""
        v_start, v_end = number.value_tokens
        root = doc[v_start:v_end].root
        # the root first, then any other token of the number that modifies a later noun
        for token in [root, *doc[v_start:v_end]]:
            head = token.head
            if (
                token.dep_ in {"nummod", "quantmod", "amod", "compound", "nmod", "det"}
                and head.i >= v_end
                and head.pos_ in {"NOUN", "PROPN", "ADJ", "NUM", "SYM", "X"}
            ):
                while (
                    head.pos_ == "NUM"
                    and head.head.i > head.i
                    and head.dep_ in {"nummod", "compound"}
                ):
                    head = head.head
                between = doc[v_end : head.i]
                if any(
                    _is_numeric_token(t) and t.pos_ == "NUM" and not self._calibre_at(doc, t.i)
                    for t in between
                ):
                    break  # "€3 million and 2.5 million dollars": the noun is the later number's
                return head, root
        # "hundreds of families", "dozens of others"
        for child in root.children:
            if child.dep_ == "prep" and child.lower_ == "of":
                for pobj in child.children:
                    if pobj.dep_ == "pobj" and pobj.pos_ in {"NOUN", "PROPN", "ADJ"}:
                        return pobj, root
        # parse errors: a noun right after the number ("2.5 million dollars" parsed as conj)
        if v_end < len(doc):
            nxt = doc[v_end]
            if nxt.lower_ in self.lexicon.percent_words:
                return nxt, root
            if nxt.pos_ == "NOUN" and not self._time_unit(nxt):
                return nxt, root
        return None, root

    def _classify(self, doc: Doc, number: NumberMention, text: str) -> QuantityMention | None:
        lex = self.lexicon
        noun, root = self._counted_noun(doc, number)
        nominal = noun if noun is not None else root
        end = number.end
        if noun is not None and noun.i >= number.end:
            end = noun.i + 1
            # "six teams of American Special Forces"
            of_obj = _of_object(noun)
            if of_obj is not None and noun.lemma_.lower() in lex.troop_units:
                end = of_obj.i + 1
        elif noun is not None and _of_object(root) == noun:
            end = noun.i + 1  # "hundreds of families", "dozens of others"
        kind: QuantityKind
        item: str | None = None
        unit: str | None = None
        detail: str | None = None
        unit_value: float | None = None
        pint_unit: str | None = None
        lemma = _lemma(nominal)
        phrase = _noun_phrase(doc, number.end, nominal) if noun is not None else []
        phrase_text = " ".join(t.lower_ for t in phrase)
        count, low, high = number.count, number.low, number.high
        currency = number.currency or self._currency(nominal, phrase)
        if (
            number.currency is not None
            or (noun is not None and currency is not None)
            or (noun is not None and _lemma(noun) in lex.currency_nouns)
        ):
            kind = "money"
            detail = currency
        elif lemma in lex.percent_words or phrase_text in lex.percent_words:
            kind, unit = "percent", "percent"
        elif noun is not None and (
            lemma in lex.distance_units or nominal.lower_ in lex.distance_units
        ):
            kind = "distance"
            unit = lex.distance_units.get(lemma) or lex.distance_units[nominal.lower_]
            pint_unit = unit
            unit_value = count
            if count is not None:
                km = convert(count, unit, "kilometer")
                if km is not None:
                    detail = f"{_fmt(km)} km"
        elif noun is not None and (
            lemma in lex.production_units or nominal.lower_ in lex.production_units
        ):
            base = lex.production_units.get(lemma) or lex.production_units[nominal.lower_]
            rate, rate_end = self._rate_after(doc, nominal.i + 1)
            kind = "production" if rate is not None or "/" in base else "other"
            unit = f"{base}/{rate}" if rate is not None else base
            item = base.split("/")[0]
            if rate_end is not None:
                end = rate_end
        else:
            materiel = self._materiel(doc, number, nominal, phrase) if noun is not None else None
            people_kind = self._people_kind(nominal, number)
            if materiel is not None and people_kind not in PEOPLE_KINDS - {"detained"}:
                kind = "materiel"
                item, detail = materiel
            elif people_kind is not None:
                kind = people_kind  # type: ignore[assignment]
                if kind == "troops":
                    item = self._troop_item(nominal)
            else:
                kind = "other"
                item = lemma if noun is not None else None
        start_char = doc[number.start].idx
        end_tok = doc[end - 1]
        end_char = end_tok.idx + len(end_tok.text)
        quantity = Quantity(
            kind=kind,
            item=item,
            count=count,
            low=low,
            high=high,
            approx=number.approx,
            unit=unit,
            detail=detail,
            text=text[start_char:end_char],
            span=(start_char, end_char),
        )
        return QuantityMention(quantity, number, nominal.i, end, unit_value, pint_unit)

    # -- kinds


@Language.factory(
    "fw_quantities",
    default_config={"kinds_path": None, "materiel_path": None},
    assigns=["doc._.fw_quantities", "doc._.fw_flags"],
    requires=["token.dep", "token.lemma", "token.pos", "doc.ents"],
)
def make_quantities(
    nlp: Language, name: str, kinds_path: str | None, materiel_path: str | None
) -> QuantityRecognizer:
    """``nlp.add_pipe("fw_quantities", after="ner")``; paths override the shipped lexicons."""
    if kinds_path is None and materiel_path is None:
        lexicon = default_lexicon()
    else:
        lexicon = QuantityLexicon.load(
            Path(kinds_path) if kinds_path else KINDS_PATH,
            Path(materiel_path) if materiel_path else MATERIEL_PATH,
        )
    return QuantityRecognizer(nlp, name, lexicon=lexicon)
