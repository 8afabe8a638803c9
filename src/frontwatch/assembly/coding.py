"""Event coding: from a trigger's frame, its context cues and its actors to ACLED and PLOVER codes.

The frame of the trigger proposes a default ACLED sub-type and a *family* of sub-types it may
turn out to be ("attack" may be an armed clash, an air strike or an attack on civilians). Each
sub-type of the family is scored by the cue words of the sentence (``cues.json``; for short
documents, half the weight of the cues in the rest of the document too), plus a prior for the
frame's default and evidence from the actors (a government force capturing a town regains
territory; victims who are civilians make it violence against civilians). The best-scoring
sub-type wins; its PLOVER type and mode follow ``taxonomy.json``'s ``acled_to_plover``.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..components.events import EventCandidate
from ..lexicon import words
from ..lexicon.events import OUT_OF_SCOPE, Lexicon
from ..records import Actor

FRAME_PRIOR = 3.0
DOC_CUE_WEIGHT = 0.8
DOC_CUE_CAP = 8.0
OOS_PLOVER = {"crime": "CRIME", "natural_disaster": "DISASTER", "industrial_accident": "ACCIDENT"}
ARMED = {"state_forces", "rebel_group", "political_militia", "identity_militia", "external_other"}
NON_STATE = {"rebel_group", "political_militia", "identity_militia"}
#: The PLOVER type of a crime committed by a non-state armed group (organised crime is crime
#: without political aims).
GROUP_CRIME_PLOVER = "COERCE"


@dataclass(frozen=True)
class Coding:
    acled: str | None  # "Event type/Sub-event type"
    plover: str
    mode: str | None
    category: str
    margin: float  # best score minus the runner-up: how sure the choice is


def _types(actor: Actor | None) -> set[str]:
    """The actor's ACLED type (of a coordination: its first member's, which leads it)."""
    return {actor.type} if actor is not None and actor.type else set()


def combined_cues(cand: EventCandidate) -> dict[str, float]:
    """The clause-weighted cues of the trigger's sentence, plus (for short documents) the cues
    of the other sentences at ``DOC_CUE_WEIGHT``: a snippet's other sentences describe the
    same event."""
    scores = dict(cand.cues)
    sentence = cand.sent_cues or cand.cues
    for label, value in cand.doc_cues.items():
        extra = value - sentence.get(label, 0.0)
        if extra > 0:  # capped: other sentences may tell other events
            scores[label] = scores.get(label, 0.0) + min(DOC_CUE_CAP, DOC_CUE_WEIGHT * extra)
    return scores


def code_event(
    cand: EventCandidate, actor1: Actor | None, actor2: Actor | None, lex: Lexicon
) -> Coding:
    frame = cand.frame
    cues = combined_cues(cand)
    a1, a2 = _types(actor1), _types(actor2)
    if frame.category == "crime" and a1 & NON_STATE:
        # organised crime is crime without political aims: an armed group's smuggling or
        # extortion is its coercion (the labelling guide's out-of-scope rule)
        return Coding(
            None, GROUP_CRIME_PLOVER, None, lex.category_of(None, GROUP_CRIME_PLOVER), 1.0
        )
    if frame.category is not None:  # the trigger itself is out of scope (earthquake, robbery)
        return Coding(None, frame.plover, frame.mode, frame.category, 1.0)
    labels = lex.families[frame.family]
    if not labels or (frame.acled is None and frame.family in ("agreement",)):
        return _verbal(cand, cues, lex, labels, actor1, actor2)
    scores = {label: cues.get(label, 0.0) for label in labels}
    if frame.acled in scores:
        scores[frame.acled] += frame.prior
    _actor_evidence(scores, frame.family, actor1, actor2, cand.theme_lemma, frame.name)
    ranked = sorted(
        scores.items(), key=lambda kv: (-kv[1], kv[0] != frame.acled, labels.index(kv[0]))
    )  # on a tie the frame's own label wins
    best, best_score = ranked[0]
    margin = best_score - (ranked[1][1] if len(ranked) > 1 else 0.0)
    # a stream's disasters, accidents and crime are labelled, not coded as conflict: an
    # explosion in a factory or a robbery is out of scope unless armed actors are involved
    # (for crime: armed groups; police seizing drugs is still crime)
    oos = max(OUT_OF_SCOPE, key=lambda c: cues.get(c, 0.0))
    if (
        frame.family in ("violence", "explosion", "coercion", "strategic", "abduction")
        and cues.get(oos, 0.0) >= 6
        and cues.get(oos, 0.0) > best_score - FRAME_PRIOR + 2
        and not (a1 | a2) & (NON_STATE if oos == "crime" else ARMED)
    ):
        label = OOS_PLOVER[oos]
        return Coding(None, label, None, oos, cues[oos] - best_score)
    implied, implied_mode = lex.acled_to_plover.get(best, (None, None))
    if frame.keep_plover:
        implied, implied_mode = None, None  # "surrendered": an ACLED agreement, a PLOVER retreat
    plover, mode = implied or frame.plover, implied_mode
    if implied is None or (implied_mode is None and implied == frame.plover):
        mode = frame.mode  # null in the table: keep the trigger's
    return Coding(
        best,
        plover,
        mode,
        lex.category_of(best, plover),
        margin,
    )


CIVILIAN_TARGETS = words("event_words", "civilian_targets")
MILITARY_TARGETS = words("event_words", "military_targets")
#: The ACLED event type of weapons the target cannot answer (its sub-types share the prefix).
REMOTE_TYPE = "Explosions/Remote violence/"


def _all_types(actor: Actor | None) -> set[str]:
    if actor is None:
        return set()
    return {a.type for a in (actor, *actor.members) if a.type}


def _actor_evidence(
    scores: dict[str, float],
    family: str,
    actor1: Actor | None,
    actor2: Actor | None,
    theme: str | None = None,
    frame_name: str = "",
) -> None:
    a1, a2 = _types(actor1), _types(actor2)

    def bump(label: str, value: float) -> None:
        if label in scores:
            scores[label] += value

    if family == "territory":
        if a1 & {"state_forces"} and not a1 & NON_STATE:
            bump("Battles/Government regains territory", 4.0)
        elif a1 & NON_STATE:
            bump("Battles/Non-state actor overtakes territory", 4.0)
    if family in ("violence", "explosion", "riot", "protest"):
        # a weapon the target cannot answer decides, whoever the target is (civilians killed by
        # an air strike are still an air strike): civilians count only without one
        remote = any(v > 0 for k, v in scores.items() if k.startswith(REMOTE_TYPE))
        if a2 & {"civilians"} and not remote:
            bump("Violence against civilians/Attack", 3.0)
        if a2 & {"protesters"}:
            bump("Protests/Excessive force against protesters", 3.0)
        if a1 & {"rioters"}:
            bump("Riots/Violent demonstration", 2.0)
        if a1 & {"protesters"}:
            bump("Protests/Peaceful protest", 2.0)
        if a1 & ARMED and a2 & ARMED:
            bump("Battles/Armed clash", 2.0)
        if a1 & ARMED and a2 & {"state_forces"} and not a1 & {"state_forces"}:
            bump("Battles/Armed clash", 1.0)
        everyone = _all_types(actor1) | _all_types(actor2)
        if (
            family == "violence"
            and everyone & {"protesters", "rioters"}
            and frame_name in ("fight", "attack", "riot")
        ):
            bump("Riots/Violent demonstration", 4.0)  # clashes with protesters
        elif a2 & {"protesters"}:
            bump("Protests/Excessive force against protesters", 1.0)
        if theme in CIVILIAN_TARGETS and not a2 & ARMED:
            bump("Violence against civilians/Attack", 2.0)
        if theme in MILITARY_TARGETS:
            bump("Battles/Armed clash", 2.0)
    if family == "coercion" and a1 & {"state_forces"}:
        bump("Strategic developments/Arrests", 1.0)
    if family == "abduction" and a1 & {"state_forces"}:
        bump("Strategic developments/Arrests", 2.0)


def _verbal(
    cand: EventCandidate,
    cues: dict[str, float],
    lex: Lexicon,
    labels: list[str],
    actor1: Actor | None,
    actor2: Actor | None,
) -> Coding:
    """Verbal and diplomatic events; agreements between warring parties are ACLED agreements."""
    frame = cand.frame
    armed = (_all_types(actor1) | _all_types(actor2)) & ARMED
    if labels and cues.get("Strategic developments/Agreement", 0.0) + (2.0 if armed else 0.0) >= 5:
        return Coding(
            "Strategic developments/Agreement", frame.plover, frame.mode, "strategic", 1.0
        )
    category = lex.plover_categories.get(frame.plover, "verbal")
    return Coding(None, frame.plover, frame.mode, category, 1.0)
