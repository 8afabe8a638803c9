"""Calendar arithmetic: month ends, weeks, shifts by units, parts of an interval, seasons."""

from __future__ import annotations

import calendar
import datetime as dt

from frontwatch.nlp import extensions as _extensions  # noqa: F401  (registers doc._.fw_published)

from .words import _RESOLUTION


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _add_months(day: dt.date, months: int) -> dt.date:
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


def _prev_weekday(ref: dt.date, weekday: int) -> dt.date:
    """The latest ``weekday`` strictly before ``ref``."""
    delta = (ref.weekday() - weekday) % 7 or 7
    return ref - dt.timedelta(days=delta)


def _next_weekday(ref: dt.date, weekday: int) -> dt.date:
    """The earliest ``weekday`` strictly after ``ref``."""
    delta = (weekday - ref.weekday()) % 7 or 7
    return ref + dt.timedelta(days=delta)


def _shift(day: dt.date, amount: float, unit: str) -> dt.date:
    """``day`` moved by ``amount`` units (negative: back in time); fractions in days/months."""
    if unit == "day":
        return day + dt.timedelta(days=round(amount))
    if unit == "week":
        return day + dt.timedelta(days=round(amount * 7))
    months = amount * _RESOLUTION["months_per_unit"][unit]
    whole = int(months)
    moved = _add_months(day, whole)
    return moved + dt.timedelta(days=round((months - whole) * 30))


def _unit_interval(day: dt.date, unit: str) -> tuple[dt.date, dt.date]:
    if unit == "week":
        return _week_of(day)
    if unit == "month":
        return day.replace(day=1), _month_end(day.year, day.month)
    return dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)


def _sub_interval(start: dt.date, end: dt.date, part: str) -> tuple[dt.date, dt.date]:
    """Early / mid / late (thirds) and halves of an interval; months use 1-10, 11-20, 21-end."""
    part = " ".join(part.lower().split())
    whole_month = start.day == 1 and end == _month_end(start.year, start.month)
    whole_year = start == dt.date(start.year, 1, 1) and end == dt.date(start.year, 12, 31)
    if whole_year:
        bounds = _RESOLUTION["year_part_months"]
    elif whole_month:
        bounds = _RESOLUTION["month_part_days"]
    else:
        bounds = {}
    key = _RESOLUTION["part_phrases"].get(part, "mid")
    if whole_year:
        lo, hi = bounds[key]
        return dt.date(start.year, lo, 1), _month_end(start.year, hi)
    if whole_month:
        lo, hi = bounds[key]
        return start.replace(day=lo), start.replace(day=min(hi, end.day))
    length = (end - start).days + 1
    third = max(1, length // 3)
    if key in ("early", "first"):
        return start, start + dt.timedelta(days=(third if key == "early" else length // 2) - 1)
    if key in ("late", "second"):
        return end - dt.timedelta(days=(third if key == "late" else length // 2) - 1), end
    return start + dt.timedelta(days=third), end - dt.timedelta(days=third)


def _season_instance(year: int, months: tuple[int, int]) -> tuple[dt.date, dt.date]:
    first, last = months
    if first <= last:
        return dt.date(year, first, 1), _month_end(year, last)
    return dt.date(year, first, 1), _month_end(year + 1, last)
