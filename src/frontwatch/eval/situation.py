"""The situation output that the eval scores: the report of :mod:`frontwatch.situation` as the
gold ``control`` and ``materiel`` sections describe it."""

from __future__ import annotations

from frontwatch.eval.gold import GoldDocument
from frontwatch.eval.score import ControlEntry, MaterielEntry, Situation
from frontwatch.records import Document, DocumentResult
from frontwatch.situation import SituationReport, build_situation, cluster_events, format_since
from frontwatch.situation.roles import ascii_name


def to_eval_situation(report: SituationReport) -> Situation:
    """The report as the eval scores it: places held or contested, and the materiel ledger's
    gains, losses and destructions of known actors (the gold ledger has no deployments)."""
    control = [
        ControlEntry(
            place=ascii_name(record.place),
            country=record.country,
            controller=record.controller,
            status=record.status,
            since=format_since(record.since, record.since_precision),
        )
        for record in report.control
        if record.controller is not None and record.status != "lost"
    ]
    materiel = [
        MaterielEntry(actor=m.actor, item=m.item, count=m.count, direction=m.direction)
        for m in report.materiel
        if m.actor is not None and m.direction != "deployed"
    ]
    return Situation(control=control, materiel=materiel)


def situation_for_eval(document: GoldDocument, result: DocumentResult) -> Situation:
    """The ``situation`` callable of :func:`frontwatch.eval.report.run_eval`.

    The situation of one gold document alone, as of its publication date.
    """
    source = Document(id=document.doc_id, text=document.text, published=document.published)
    clusters = cluster_events([(source, result)])
    return to_eval_situation(build_situation(clusters, as_of=document.published))
