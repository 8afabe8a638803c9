"""``fw_attributes``: spaCy's attribute ruler, for the short token patterns English pipelines use.

The English model maps its fine-grained tags to coarse parts of speech and morphology, and
fixes a few lemmas, with an ``attribute_ruler`` of about 180 one- and two-token patterns run
through spaCy's general ``Matcher``. That costs about as much as the parser on news text
(docs/performance.md). :class:`FastAttributeRuler` applies the same patterns with dictionary
lookups on the token's tag and lower-case form and writes the result with one
``Doc.from_array``: the same attributes, in the same order of precedence (a later pattern
wins), checked equal to the model's own ruler on every gold text (tests/test_nlp.py,
``bench/check_attributes.py``).

:func:`replace_attribute_ruler` swaps it in when every pattern of the model's ruler is of a
supported form (``TAG``, ``LOWER``, ``DEP`` as a value or ``IN``/``NOT_IN`` list, ``LOWER``
``REGEX``, ``IS_SPACE``; one or two tokens); otherwise the model's ruler stays.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, POS, TAG
from spacy.language import Language
from spacy.parts_of_speech import IDS as POS_IDS
from spacy.tokens import Doc

logger = logging.getLogger(__name__)

KEYS = ("TAG", "LOWER", "DEP", "IS_SPACE")
WRITABLE = {"TAG", "POS", "MORPH", "LEMMA", "DEP"}


KEY_INDEX = {key: n for n, key in enumerate(KEYS)}


@dataclass(frozen=True)
class TokenTest:
    """One token of a pattern: every (attribute position, operator, value) must hold, read
    from the token's values ``(tag, lower, dep, is_space)``."""

    tests: tuple[tuple[int, str, Any], ...]

    def holds(self, values: tuple[str, str, str, bool]) -> bool:
        for key, op, value in self.tests:
            actual = values[key]
            if op == "==":
                if actual != value:
                    return False
            elif op == "in":
                if actual not in value:
                    return False
            elif op == "not in":
                if actual in value:
                    return False
            elif not value.search(actual):  # "re"
                return False
        return True

    def first(self, key: str) -> tuple[str, Any] | None:
        for k, op, value in self.tests:
            if k == KEY_INDEX[key]:
                return op, value
        return None


@dataclass(frozen=True)
class Rule:
    order: int
    patterns: tuple[tuple[TokenTest, ...], ...]
    attrs: Mapping[str, Any]
    index: int


def _compile_token(spec: Mapping[str, Any]) -> TokenTest | None:
    tests: list[tuple[int, str, Any]] = []
    for name, value in spec.items():
        if name not in KEYS:
            return None
        key = KEY_INDEX[name]
        if isinstance(value, dict):
            if len(value) != 1:
                return None
            ((op, arg),) = value.items()
            if op == "IN":
                tests.append((key, "in", frozenset(arg)))
            elif op == "NOT_IN":
                tests.append((key, "not in", frozenset(arg)))
            elif op == "REGEX" and name == "LOWER":
                tests.append((key, "re", re.compile(arg)))
            else:
                return None
        elif isinstance(value, (str, bool)):
            tests.append((key, "==", value))
        else:
            return None
    return TokenTest(tuple(tests))


def compile_rules(patterns: Iterable[Mapping[str, Any]]) -> list[Rule] | None:
    """The ruler's patterns as :class:`Rule` objects, or ``None`` if one is not supported."""
    rules: list[Rule] = []
    for order, entry in enumerate(patterns):
        compiled: list[tuple[TokenTest, ...]] = []
        for pattern in entry["patterns"]:
            if not 1 <= len(pattern) <= 2:
                return None
            tokens = [_compile_token(spec) for spec in pattern]
            if any(t is None for t in tokens):
                return None
            compiled.append(tuple(t for t in tokens if t is not None))
        attrs = dict(entry["attrs"])
        if not set(attrs) <= WRITABLE:
            return None
        index = int(entry.get("index", 0))
        if any(not -len(p) <= index < len(p) for p in compiled):
            return None
        rules.append(Rule(order, tuple(compiled), attrs, index))
    return rules


class FastAttributeRuler:
    """Applies compiled attribute-ruler patterns; see the module docstring."""

    def __init__(self, nlp: Language, name: str = "fw_attributes") -> None:
        self.name = name
        self.vocab = nlp.vocab
        self.rules: list[Rule] = []
        self._by_tag: dict[str, list[tuple[Rule, tuple[TokenTest, ...]]]] = {}
        self._by_lower: dict[str, list[tuple[Rule, tuple[TokenTest, ...]]]] = {}
        self._always: list[tuple[Rule, tuple[TokenTest, ...]]] = []

    def set_rules(self, rules: list[Rule]) -> None:
        self.rules = rules
        self._by_tag.clear()
        self._by_lower.clear()
        self._always.clear()
        for rule in rules:
            for pattern in rule.patterns:
                tag, lower = pattern[0].first("TAG"), pattern[0].first("LOWER")
                item = (rule, pattern)
                if tag is not None and tag[0] == "==":
                    self._by_tag.setdefault(tag[1], []).append(item)
                elif lower is not None and lower[0] == "==":
                    self._by_lower.setdefault(lower[1], []).append(item)
                elif lower is not None and lower[0] == "in":
                    for word in lower[1]:
                        self._by_lower.setdefault(word, []).append(item)
                else:
                    self._always.append(item)

    def __call__(self, doc: Doc) -> Doc:
        return self.set_annotations(doc, self.predict(doc))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterable[Doc]:
        for doc in docs:
            yield self(doc)

    def predict(self, doc: Doc) -> dict[int, dict[str, Any]]:
        """Per token index, the attributes to write (later patterns overriding earlier)."""
        n = len(doc)
        if n == 0:
            return {}
        strings = self.vocab.strings
        values = [
            (strings[tag], strings[lower], strings[dep] if dep else "", bool(space))
            for tag, lower, dep, space in doc.to_array([TAG, LOWER, DEP, IS_SPACE]).tolist()
        ]
        by_tag, by_lower, always = self._by_tag, self._by_lower, self._always
        hits: dict[int, list[tuple[int, Mapping[str, Any]]]] = {}
        for i, here in enumerate(values):
            candidates = by_tag.get(here[0], ()), by_lower.get(here[1], ()), always
            for group in candidates:
                for rule, pattern in group:
                    if not pattern[0].holds(here):
                        continue
                    end = i + len(pattern)
                    if end > n or (end - i == 2 and not pattern[1].holds(values[i + 1])):
                        continue
                    target = i + rule.index if rule.index >= 0 else end + rule.index
                    hits.setdefault(target, []).append((rule.order, rule.attrs))
        result: dict[int, dict[str, Any]] = {}
        for target, found in hits.items():
            merged: dict[str, Any] = {}
            for _order, attrs in sorted(found, key=lambda h: h[0]):
                merged.update(attrs)
            result[target] = merged
        return result

    def set_annotations(self, doc: Doc, found: dict[int, dict[str, Any]]) -> Doc:
        if not found:
            return doc
        strings = self.vocab.strings
        array: Any = doc.to_array([POS, MORPH, LEMMA, TAG])  # uint64 hashes and ids
        deps: list[tuple[int, str]] = []
        for i, attrs in found.items():
            if "TAG" in attrs:
                array[i, 3] = strings.add(attrs["TAG"])
            if "POS" in attrs:
                array[i, 0] = POS_IDS[attrs["POS"]]
            if "MORPH" in attrs:
                array[i, 1] = self.vocab.morphology.add(attrs["MORPH"])
            if "LEMMA" in attrs:
                array[i, 2] = strings.add(attrs["LEMMA"])
            if "DEP" in attrs:
                deps.append((i, attrs["DEP"]))
        doc.from_array([POS, MORPH, LEMMA, TAG], array)
        for i, dep in deps:
            doc[i].dep_ = dep
        return doc


@Language.factory("fw_attributes", requires=["token.tag", "token.dep"])
def make_fast_attribute_ruler(nlp: Language, name: str) -> FastAttributeRuler:
    return FastAttributeRuler(nlp, name)


def replace_attribute_ruler(nlp: Language, name: str = "attribute_ruler") -> bool:
    """Swap the model's attribute ruler for ``fw_attributes`` with the same patterns; False
    (ruler left in place) when the model has none or a pattern is of an unsupported form."""
    if name not in nlp.pipe_names:
        return False
    patterns = getattr(nlp.get_pipe(name), "patterns", None)
    rules = compile_rules(patterns) if patterns is not None else None
    if rules is None:
        logger.info("attribute ruler kept: a pattern is not of a supported form")
        return False
    fast = nlp.replace_pipe(name, "fw_attributes")
    assert isinstance(fast, FastAttributeRuler)
    fast.set_rules(rules)
    return True
