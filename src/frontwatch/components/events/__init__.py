"""``fw_events``: event triggers, their frames, argument heads, modality and status.

The component finds the words that state an event (``triggers.json``), keeps those that are
used as events (a participant or a conflict context), and for each one computes:

* the frame it evokes (PLOVER type and mode, default ACLED sub-type, frame family);
* the head tokens of its arguments (who did it, to whom), from the dependency parse;
* its modality (asserted, negated, hypothetical, future; "reported" is added at assembly from
  the attribution component) and status (completed, attempted, failed, ongoing);
* the context cue scores of its sentence (``cues.json``) that refine the ACLED sub-type.

Records are made from these candidates in :mod:`frontwatch.assembly`, once actors, places,
dates and quantities are resolved.

===================  ==========================================================
module               what
===================  ==========================================================
:mod:`.words`        :class:`EventCandidate`, word lists, syntax helpers
:mod:`.arguments`    who did it, to whom, what or where; is it an event at all
:mod:`.modality`     modality, status, statements of intentions and demands
:mod:`.absorb`       the triggers of one event merged ("killed when an airstrike hit")
:mod:`.recognise`    the ``fw_events`` component: triggers, cues
===================  ==========================================================
"""

from __future__ import annotations

from .recognise import EventDetector, make_event_detector
from .words import (
    ACTOR_NOUNS,
    CIVILIAN_NOUNS,
    HOSTILE_FAMILIES,
    PEOPLE_NOUNS,
    SPEECH_VERBS,
    STATEMENT_VERBS,
    EventCandidate,
    ModalityFlag,
    frame_moves,
)

__all__ = [
    "ACTOR_NOUNS",
    "CIVILIAN_NOUNS",
    "HOSTILE_FAMILIES",
    "PEOPLE_NOUNS",
    "SPEECH_VERBS",
    "STATEMENT_VERBS",
    "EventCandidate",
    "EventDetector",
    "ModalityFlag",
    "frame_moves",
    "make_event_detector",
]
