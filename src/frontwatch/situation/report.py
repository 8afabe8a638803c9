"""The situation as of a date: control, materiel, displacement, casualties and sources.

:func:`build_situation` derives every view from event clusters (:func:`cluster_events`); only
factual clusters (asserted or reported) dated on or before ``as_of`` count, and with
``country`` only those located in that country. :func:`to_eval_situation` gives the output the
eval scores against the gold ``control`` and ``materiel`` sections, and
:func:`situation_for_eval` is the ``situation`` callable of
:func:`frontwatch.eval.report.run_eval`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from frontwatch.eval.gold import GoldDocument
from frontwatch.eval.report import Situation
from frontwatch.eval.score import ControlEntry, MaterielEntry
from frontwatch.records import Document, DocumentResult

from .control import control_records
from .dedup import cluster_events
from .materiel import materiel_ledger
from .people import casualties, displacement
from .records import EventCluster, SituationReport, SourceRecord
from .roles import ascii_name, fold, is_factual, side_labels
from .table import format_since


def build_situation(
    clusters: Sequence[EventCluster],
    as_of: dt.date | None = None,
    country: str | None = None,
) -> SituationReport:
    """The situation that the clusters describe, as of ``as_of`` (default: everything)."""
    country = country.upper() if country else None
    kept = [c for c in clusters if _kept(c, as_of, country)]
    labels = side_labels(c.event for c in kept)
    counted, withheld = casualties(kept)
    return SituationReport(
        as_of=as_of,
        latest=max((d for c in kept if (d := _date(c)) is not None), default=None),
        country=country,
        control=control_records(kept, as_of, labels),
        materiel=materiel_ledger(kept, labels),
        displacement=displacement(kept),
        casualties=counted,
        withheld=withheld,
        sources=sources(kept),
    )


def _date(cluster: EventCluster) -> dt.date | None:
    date = cluster.event.date
    return date.start if date is not None and date.start else cluster.earliest


def _kept(cluster: EventCluster, as_of: dt.date | None, country: str | None) -> bool:
    event = cluster.event
    if not is_factual(event):
        return False
    if country is not None and (event.location is None or event.location.country != country):
        return False
    if as_of is None:
        return True
    date = _date(cluster)
    return date is not None and date <= as_of


def sources(clusters: Sequence[EventCluster]) -> list[SourceRecord]:
    """Outlets that published the reports, and the outlets and organisations they cite."""
    found: dict[tuple[str, str], SourceRecord] = {}
    for cluster in clusters:
        for report in cluster.reports:
            names = [(report.outlet, "outlet")] if report.outlet else []
            names += [(name, "cited") for name in report.cited]
            for name, kind in names:
                record = found.setdefault(
                    (fold(name), kind), SourceRecord.model_validate({"name": name, "kind": kind})
                )
                if report.doc_id not in record.documents:
                    record.documents.append(report.doc_id)
    return sorted(found.values(), key=lambda s: (s.kind != "outlet", fold(s.name)))


def to_eval_situation(report: SituationReport) -> Situation:
    """The report as the eval scores it: places held or contested, and the materiel ledger."""
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
        if m.actor is not None and m.direction != "deployed"  # the gold ledger: gains, losses
    ]
    return Situation(control=control, materiel=materiel)


def situation_for_eval(document: GoldDocument, result: DocumentResult) -> Situation:
    """The ``situation`` callable of :func:`frontwatch.eval.report.run_eval`.

    The situation of one gold document alone, as of its publication date.
    """
    source = Document(id=document.doc_id, text=document.text, published=document.published)
    clusters = cluster_events([(source, result)])
    return to_eval_situation(build_situation(clusters, as_of=document.published))
