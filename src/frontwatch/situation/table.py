"""The situation report as plain fixed-width text (``frontwatch situation``, ``make demo``).

Every date shown says when it is inferred (no date in the text: the publication date was
taken); the header gives the date the report stands at: the ``--as-of`` date, else the date
of the latest event it counts.
"""

from __future__ import annotations

import datetime as dt

from frontwatch.lexicon import table

from .records import SituationReport
from .roles import ascii_name

#: Table title -> column labels.
COLUMNS: dict[str, list[str]] = table("situation_words", "table_columns")


def format_since(day: dt.date, precision: str) -> str:
    """'2014-06' for a month, '2014' for a year, the ISO day otherwise."""
    if precision == "month":
        return day.strftime("%Y-%m")
    if precision == "year":
        return str(day.year)
    return day.isoformat()


def format_date(
    start: dt.date | None,
    end: dt.date | None = None,
    precision: str = "day",
    inferred: bool = False,
) -> str:
    """A date or a period as shown: '2024-05-13', '2014-06' (a month), '2014-07-15..2014-07-22'
    (a range), each followed by '(inferred)' when no date in the text gave it."""
    if start is None:
        return "-"
    if precision in ("month", "year") or end is None or end == start:
        shown = format_since(start, precision)
    else:
        shown = f"{start.isoformat()}..{end.isoformat()}"
    return f"{shown} (inferred)" if inferred else shown


def header(report: SituationReport) -> str:
    where = f" in {report.country}" if report.country else ""
    if report.as_of is not None:
        return f"situation as of {report.as_of.isoformat()}{where}"
    if report.latest is not None:
        return f"situation as of {report.latest.isoformat()}{where} (the latest event)"
    return f"situation{where}: no events"


def format_table(report: SituationReport) -> str:
    """The report as plain fixed-width text."""
    lines = [header(report), ""]
    lines += _table(
        "control",
        [
            [
                ascii_name(r.place),
                r.country or "-",
                r.controller or "-",
                r.status,
                format_date(r.since, None, r.since_precision, r.since_inferred),
                ",".join(r.evidence),
            ]
            for r in report.control
        ],
    )
    lines += _table(
        "control over time",
        [
            [
                ascii_name(r.place),
                format_date(c.date, None, c.precision, c.inferred),
                c.controller or "-",
                c.status,
                c.by or "-",
                ",".join(c.evidence),
            ]
            for r in report.control
            if len(r.timeline) > 1
            for c in r.timeline
        ],
    )
    lines += _table(
        "materiel",
        [
            [
                m.actor or "-",
                m.item,
                number(m.count),
                m.direction,
                m.place or "-",
                ",".join(m.evidence),
            ]
            for m in report.materiel
        ],
    )
    lines += _table(
        "displacement",
        [
            [
                d.who or "-",
                d.place or "-",
                d.country or "-",
                d.by or "-",
                ("at least " if d.at_least else "") + number(d.count),
                "-" if d.low == d.high else f"{number(d.low)}-{number(d.high)}",
                format_date(d.start, d.end, "day", d.inferred),
                ",".join(d.evidence),
            ]
            for d in report.displacement
        ],
    )
    lines += _table(
        "casualties",
        [
            [
                c.place or "-",
                c.country or "-",
                c.perpetrator or "-",
                c.victims or "-",
                number(c.killed),
                number(c.injured),
                ",".join(c.evidence),
            ]
            for c in report.casualties
        ],
    )
    if report.withheld:
        lines += _table(
            "withheld from the totals",
            [[w.kind, number(w.value), w.reason, ",".join(w.evidence)] for w in report.withheld],
        )
    lines += _table(
        "sources",
        [[s.name, s.kind, str(len(s.documents))] for s in report.sources],
    )
    return "\n".join(lines).rstrip() + "\n"


def number(value: float | None) -> str:
    if value is None:
        return "-"
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _table(title: str, rows: list[list[str]]) -> list[str]:
    """A titled table; its column labels are the word data's (``situation_words.json``)."""
    header = [str(label) for label in COLUMNS[title]]
    lines = [f"{title} ({len(rows)})"]
    if not rows:
        return [*lines, "  (none)", ""]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    for row in [header, ["-" * w for w in widths], *rows]:
        lines.append(
            "  " + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
        )
    return [*lines, ""]
