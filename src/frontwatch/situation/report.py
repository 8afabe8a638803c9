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
from .dedup import quantity_key_parts
from .materiel import materiel_ledger
from .records import (
    CasualtyRecord,
    DisplacementRecord,
    EventCluster,
    SituationReport,
    SourceRecord,
)
from .roles import actor_label, ascii_name, combatant, fold, is_factual, side_labels


def build_situation(
    clusters: Sequence[EventCluster],
    as_of: dt.date | None = None,
    country: str | None = None,
) -> SituationReport:
    """The situation that the clusters describe, as of ``as_of`` (default: everything)."""
    country = country.upper() if country else None
    kept = [c for c in clusters if _kept(c, as_of, country)]
    labels = side_labels(c.event for c in kept)
    return SituationReport(
        as_of=as_of,
        country=country,
        control=control_records(kept, as_of, labels),
        materiel=materiel_ledger(kept, labels),
        displacement=displacement(kept),
        casualties=casualties(kept),
        sources=sources(kept),
    )


def _kept(cluster: EventCluster, as_of: dt.date | None, country: str | None) -> bool:
    event = cluster.event
    if not is_factual(event):
        return False
    if country is not None and (event.location is None or event.location.country != country):
        return False
    if as_of is None:
        return True
    date = event.date.start if event.date is not None and event.date.start else cluster.earliest
    return date is not None and date <= as_of


# a warning or an accusation that cites a count is not itself the event that counts
STATEMENTS = frozenset({"verbal", "claim"})


def displacement(clusters: Sequence[EventCluster]) -> list[DisplacementRecord]:
    """People displaced, one entry per event (best count over sources, low and high)."""
    out = []
    for cluster in clusters:
        spread = cluster.conflicts.get("displaced")
        event = cluster.event
        if spread is None or event.historical or event.category in STATEMENTS:
            continue
        location = event.location
        out.append(
            DisplacementRecord(
                place=location.name if location else None,
                country=location.country if location else None,
                count=spread.best,
                low=spread.low,
                high=spread.high,
                start=event.date.start if event.date else None,
                end=event.date.end if event.date else None,
                by=actor_label(event.actor1) if combatant(event.actor1) else None,
                evidence=[event.id],
                clusters=[cluster.id],
            )
        )
    return out


def casualties(clusters: Sequence[EventCluster]) -> list[CasualtyRecord]:
    """Killed and injured by acting side (actor1) and place, summed over events."""
    table: dict[tuple[str, str], CasualtyRecord] = {}
    for cluster in clusters:
        event = cluster.event
        counts = {
            kind: spread.best
            for key, spread in cluster.conflicts.items()
            for kind in [quantity_key_parts(key)[0]]
            if kind in ("killed", "injured")
        }
        if not counts or event.historical or event.category in STATEMENTS:
            continue
        actor = actor_label(event.actor1)
        location = event.location
        place = location.name if location else None
        key = (fold(actor or ""), fold(place or ""))
        record = table.get(key)
        if record is None:
            record = table[key] = CasualtyRecord(
                actor=actor, place=place, country=location.country if location else None
            )
        record.killed += counts.get("killed", 0.0)
        record.injured += counts.get("injured", 0.0)
        record.evidence.append(event.id)
        record.clusters.append(cluster.id)
    return sorted(table.values(), key=lambda r: (fold(r.place or ""), fold(r.actor or "")))


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


def format_since(day: dt.date, precision: str) -> str:
    """'2014-06' for a month, '2014' for a year, the ISO day otherwise."""
    if precision == "month":
        return day.strftime("%Y-%m")
    if precision == "year":
        return str(day.year)
    return day.isoformat()


def format_table(report: SituationReport) -> str:
    """The report as plain fixed-width text."""
    lines = [f"situation as of {report.as_of or 'latest'}" + _country(report.country), ""]
    lines += _table(
        "control",
        ["place", "country", "controller", "status", "since", "evidence"],
        [
            [
                ascii_name(r.place),
                r.country or "-",
                r.controller or "-",
                r.status,
                format_since(r.since, r.since_precision),
                ",".join(r.evidence),
            ]
            for r in report.control
        ],
    )
    lines += _table(
        "materiel",
        ["actor", "item", "count", "direction", "evidence"],
        [
            [m.actor, m.item, _number(m.count), m.direction, ",".join(m.evidence)]
            for m in report.materiel
        ],
    )
    lines += _table(
        "displacement",
        ["place", "country", "count", "low-high", "from", "to"],
        [
            [
                d.place or "-",
                d.country or "-",
                _number(d.count),
                f"{_number(d.low)}-{_number(d.high)}",
                str(d.start or "-"),
                str(d.end or "-"),
            ]
            for d in report.displacement
        ],
    )
    lines += _table(
        "casualties",
        ["actor", "place", "killed", "injured"],
        [
            [c.actor or "-", c.place or "-", _number(c.killed), _number(c.injured)]
            for c in report.casualties
        ],
    )
    lines += _table(
        "sources",
        ["name", "kind", "documents"],
        [[s.name, s.kind, str(len(s.documents))] for s in report.sources],
    )
    return "\n".join(lines).rstrip() + "\n"


def _country(country: str | None) -> str:
    return f" in {country}" if country else ""


def _number(value: float | None) -> str:
    if value is None:
        return "-"
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _table(title: str, header: list[str], rows: list[list[str]]) -> list[str]:
    lines = [f"{title} ({len(rows)})"]
    if not rows:
        return [*lines, "  (none)", ""]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    for row in [header, ["-" * w for w in widths], *rows]:
        lines.append(
            "  " + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
        )
    return [*lines, ""]
