"""Who took part, as an analyst reads it: places are not parties, victims are not perpetrators.

* A place named as an argument ("attacked a base in Hawadley", "marched through central
  Nairobi") is where the event happened, not who did it or to whom
  (:func:`~frontwatch.components.actors.place_usage`); a country or a capital as subject,
  object or possessor stands for its government ("Kenya withdrew its envoy"). Assembly keeps
  such a target as a place (``role: "place"``) and drops such an agent.
* The one harmed is not the one who harms: the target of violence, an explosion, an abduction
  or coercion (:func:`victims`) is no antecedent of the agent of such an event ("ISIS expelled
  Christians, demanding that they ... face execution": "they" did not execute anyone).
"""

from __future__ import annotations

from collections.abc import Iterable

from ..components.events import EventCandidate

#: Frame families whose target is harmed.
HARM_FAMILIES = frozenset({"violence", "explosion", "abduction", "coercion"})


def harms(cand: EventCandidate) -> bool:
    """The event harms its target: violence, an explosion, an abduction, coercion."""
    return cand.frame.family in HARM_FAMILIES


def victims(cands: Iterable[EventCandidate]) -> frozenset[int]:
    """The target tokens of the events that harm them."""
    return frozenset(c.arg2 for c in cands if c.arg2 is not None and harms(c))
