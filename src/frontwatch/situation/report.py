"""The situation as of a date: control, materiel, displacement, casualties and sources.

:func:`build_situation` derives every view from event clusters (:func:`cluster_events`); only
factual clusters (asserted or reported) dated on or before ``as_of`` count, and with
``country`` only those located in that country. What the eval scores of it is in
:mod:`frontwatch.eval.situation` (the product does not depend on its test harness).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from .control import control_records
from .materiel import materiel_ledger
from .people import casualties, displacement
from .records import EventCluster, SituationReport, SourceRecord
from .roles import fold, is_factual, side_labels


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
        latest=max((d for c in kept if (d := _last_day(c)) is not None), default=None),
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


def _last_day(cluster: EventCluster) -> dt.date | None:
    """The last day an event covers (a week's last day), else its first report's date."""
    date = cluster.event.date
    if date is not None and (date.end or date.start):
        return date.end or date.start
    return cluster.earliest


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
