"""Resolution of date expressions against the publication date and the narrative
reference time (:class:`TimeResolution`, a part of
:class:`~frontwatch.components.time.recognise.TimeTagger`): one handler a pattern; the
rules, with examples, are in docs/dates.md."""

from __future__ import annotations

import calendar
import datetime as dt
import logging
import re
from collections.abc import Callable
from typing import Any

from spacy.tokens import Doc

from frontwatch.nlp import extensions as _extensions  # noqa: F401  (registers doc._.fw_published)
from frontwatch.records import DatePrecision

from .context import _Context
from .intervals import (
    _add_months,
    _month_end,
    _next_weekday,
    _prev_weekday,
    _season_instance,
    _shift,
    _sub_interval,
    _unit_interval,
)
from .patterns import _Patterns
from .words import (
    _BACKWARD,
    _FORWARD_WHICH,
    _G,
    _NEXT_WHICH,
    _PAST_WHICH,
    _RESOLUTION,
    TimeLexicon,
    TimeMention,
    _Atom,
    _Candidate,
    _Pub,
    _Resolution,
)

logger = logging.getLogger(__name__)


class TimeResolution:
    """Resolving date expressions: a part of :class:`TimeTagger`, which holds the lexicon
    and the patterns."""

    lexicon: TimeLexicon
    patterns: _Patterns

    def _resolve(self, cand: _Candidate, mention: TimeMention, pub: dt.date | None) -> _Resolution:
        handler: Callable[[dict[str, Any], TimeMention, dt.date | None], _Resolution] | None = (
            getattr(self, "_r_" + cand.pattern, None)
        )
        if handler is None:
            return _Resolution.unknown("relative")
        try:
            return handler(cand.groups, mention, pub)
        except (ValueError, OverflowError, KeyError) as err:
            logger.debug("date %r not resolved: %s", mention.text, err)
            return _Resolution.unknown("absolute")

    def _future(self, mention: TimeMention) -> bool:
        return mention.tense in ("future", "progressive")

    def _atom_interval(self, atom: _Atom, mention: TimeMention, pub: dt.date | None) -> _Resolution:
        year, month, day = atom.year, atom.month, atom.day
        future = self._future(mention)
        if month is not None and day is not None:
            if year is not None:
                d = dt.date(year, month, day)
                return _Resolution(d, d, "day", "absolute")
            if pub is None:
                return _Resolution.unknown("absolute")
            d = dt.date(pub.year, month, min(day, calendar.monthrange(pub.year, month)[1]))
            if future and d < pub:
                d = d.replace(year=pub.year + 1)
            elif not future and d > pub:
                d = d.replace(year=pub.year - 1)
            return _Resolution(d, d, "day", "absolute")
        if month is not None:
            if year is None:
                if pub is None:
                    return _Resolution.unknown("absolute")
                year = pub.year
                if future and month < pub.month:
                    year += 1
                elif not future and month > pub.month:
                    year -= 1
            return _Resolution(
                dt.date(year, month, 1), _month_end(year, month), "month", "absolute"
            )
        if year is not None:
            return _Resolution(dt.date(year, 1, 1), dt.date(year, 12, 31), "year", "absolute")
        if atom.weekday is not None:
            if pub is None:
                return _Resolution.unknown("relative")
            d = _next_weekday(pub, atom.weekday) if future else _prev_weekday(pub, atom.weekday)
            return _Resolution(d, d, "day", "relative")
        return _Resolution.unknown("absolute")

    def _atom(self, text: str | None) -> _Atom:
        atom = self.patterns.parse_atom(text or "", self.lexicon)
        if atom is None:
            raise ValueError(f"not a date: {text!r}")
        return atom

    def _number(self, text: str | None) -> tuple[float, float] | None:
        """(low, high) of a number phrase: "three" (3, 3), "a few" (2, 4), "two and a half"."""
        if not text:
            return (1.0, 1.0)
        low = " ".join(text.lower().split())
        half = 0.0
        if low.endswith(" and a half"):
            low, half = low[: -len(" and a half")], 0.5
        if low in self.lexicon.vague_numbers:
            a, b = self.lexicon.vague_numbers[low]
            return (a + half, b + half)
        if low in self.lexicon.numbers:
            value = self.lexicon.numbers[low] + half
            return (value, value)
        try:
            value = float(low) + half
        except ValueError:
            return None
        return (value, value)

    def _unit(self, text: str | None) -> str:
        return self.lexicon.units[(text or "").lower()]

    def _r_atom(self, g: _G, mention: TimeMention, pub: _Pub) -> _Resolution:
        return self._atom_interval(self._atom(g["a"]), mention, pub)

    def _r_ordinal_day(self, g: _G, mention: TimeMention, pub: _Pub) -> _Resolution:
        """ "on the 12th": the latest 12th on or before P (the next one for a future verb)."""
        if pub is None:
            return _Resolution.unknown("relative")
        day = int(g["day"])
        month_start = pub.replace(day=1)
        step = 1 if self._future(mention) else -1
        for months in range(0, 13 * step, step):
            first = _add_months(month_start, months)
            if day > calendar.monthrange(first.year, first.month)[1]:
                continue
            d = first.replace(day=day)
            if (step == -1 and d <= pub) or (step == 1 and d >= pub):
                return _Resolution(d, d, "day", "relative")
        return _Resolution.unknown("relative")

    def _r_weekday(self, g: _G, mention: TimeMention, pub: _Pub) -> _Resolution:
        wd = self.lexicon.weekdays[g["wd"]]
        which = (g.get("which") or "").lower()
        if pub is None:
            return _Resolution.unknown("relative")
        if which in _NEXT_WHICH or (which != "last" and self._future(mention)):
            d = _next_weekday(pub, wd)
        else:
            d = _prev_weekday(pub, wd)
        return _Resolution(d, d, "day", "relative")

    def _r_between(self, g: _G, mention: TimeMention, pub: _Pub) -> _Resolution:
        b = self._atom(g["b"])
        a = self.patterns.parse_atom(g["a"] or "", self.lexicon)
        if a is None:
            raise ValueError(g["a"])
        if a.month is None and a.day is not None:  # "between 4 and 7 June"
            a = _Atom(year=b.year, month=b.month, day=a.day)
        rb = self._atom_interval(b, mention, pub)
        if a.year is None and rb.end is not None and (a.month is not None or a.weekday is None):
            year = rb.end.year
            if a.month is not None and b.month is not None and a.month > b.month:
                year -= 1
            a = _Atom(year=year, month=a.month, day=a.day, weekday=a.weekday)
        ra = self._atom_interval(a, mention, pub)
        if a.weekday is not None and a.month is None and rb.start is not None:
            d = rb.start - dt.timedelta(days=(rb.start.weekday() - a.weekday) % 7)
            ra = _Resolution(d, d, "day", "relative")
        if ra.start is None or rb.end is None:
            return _Resolution.unknown("range")
        return _Resolution(ra.start, rb.end, "range", "range")

    def _r_md_range(self, g: _G, mention: TimeMention, pub: _Pub) -> _Resolution:
        month = self.lexicon.months[g["mon"].rstrip(".")]
        year = int(g["year"]) if g.get("year") else None
        d1, d2 = (int(re.sub(r"\D", "", g[k])) for k in ("d1", "d2"))
        last = self._atom_interval(_Atom(year=year, month=month, day=d2), mention, pub)
        if last.end is None:
            return _Resolution.unknown("range")
        return _Resolution(last.end.replace(day=d1), last.end, "range", "range")

    _r_dm_range = _r_md_range

    def _r_year_range(self, g: _G, mention: TimeMention, pub: _Pub) -> _Resolution:
        first = int(g["a"])
        second = int(g["b"]) if len(g["b"]) == 4 else first // 100 * 100 + int(g["b"])
        if second <= first:
            raise ValueError("backwards year range")
        return _Resolution(dt.date(first, 1, 1), dt.date(second, 12, 31), "range", "range")

    def _r_part(self, g: _G, mention: TimeMention, pub: _Pub) -> _Resolution:
        if g.get("rel"):
            base = self._calendar(g["rel"].lower(), g["unit"].lower(), mention, pub, whole=True)
        else:
            base = self._atom_interval(self._atom(g["a"]), mention, pub)
        if base.start is None or base.end is None:
            return _Resolution.unknown(base.kind)
        start, end = _sub_interval(base.start, base.end, g["part"])
        return _Resolution(start, end, "range", base.kind)

    def _r_earlier(self, g: _G, mention: TimeMention, pub: _Pub) -> _Resolution:
        if pub is None:
            return _Resolution.unknown("relative")
        if g.get("today"):
            return _Resolution(pub, pub, "day", "relative")
        unit = (g.get("unit") or g.get("unit2") or "").lower()
        start, end = _unit_interval(pub, unit)
        if g["dir"].lower() == "earlier":
            end = pub
        else:
            start = pub
        return _Resolution(start, end, "range" if start != end else "day", "relative")

    def _calendar(
        self, which: str, unit: str, mention: TimeMention, pub: dt.date | None, whole: bool = False
    ) -> _Resolution:
        """last / this / next week, month, year, weekend."""
        if pub is None:
            return _Resolution.unknown("relative")
        if unit == "weekend":
            if which in _NEXT_WHICH or (which == "this" and self._future(mention)):
                sat = _next_weekday(pub, 5) if pub.weekday() != 5 else pub
            elif which == "this" and pub.weekday() >= 5:
                sat = pub - dt.timedelta(days=pub.weekday() - 5)
            else:
                sat = _prev_weekday(pub, 6) - dt.timedelta(days=1)
            return _Resolution(sat, sat + dt.timedelta(days=1), "range", "relative")
        precision: DatePrecision = unit  # type: ignore[assignment]
        step = _RESOLUTION["calendar_steps"].get(which, 0)
        anchor = pub if step == 0 else _shift(pub, step, unit)
        start, end = _unit_interval(anchor, unit)
        if step == 0 and not whole:
            if self._future(mention):
                start = pub
            else:
                end = pub
        return _Resolution(start, end, precision, "relative")

    def _r_rel(self, g: _G, mention: TimeMention, pub: _Pub) -> _Resolution:
        return self._calendar(g["which"].lower(), g["unit"].lower(), mention, pub)

    def _r_weekend(self, g: _G, mention: TimeMention, pub: _Pub) -> _Resolution:
        return self._calendar("this", "weekend", mention, pub)

    def _r_rel_month(self, g: _G, mention: TimeMention, pub: _Pub) -> _Resolution:
        if pub is None:
            return _Resolution.unknown("relative")
        month = self.lexicon.months[g["mon"].rstrip(".")]
        which = g["which"].lower()
        year = pub.year
        if which == "last":
            year = pub.year if month < pub.month else pub.year - 1
        elif which == "next":
            year = pub.year if month > pub.month else pub.year + 1
        return _Resolution(dt.date(year, month, 1), _month_end(year, month), "month", "relative")

    def _r_season_year(self, g: _G, mention: TimeMention, pub: _Pub) -> _Resolution:
        start, end = _season_instance(int(g["year"]), self.lexicon.seasons[g["season"].lower()])
        return _Resolution(start, end, "range", "absolute")

    def _r_season_rel(self, g: _G, mention: TimeMention, pub: _Pub) -> _Resolution:
        if pub is None:
            return _Resolution.unknown("relative")
        months = self.lexicon.seasons[g["season"].lower()]
        instances = [_season_instance(y, months) for y in range(pub.year - 2, pub.year + 2)]
        which = g["which"].lower()
        if which in _PAST_WHICH:
            start, end = max(i for i in instances if i[1] < pub)
        elif which == "next":
            start, end = min(i for i in instances if i[0] > pub)
        else:
            current = [i for i in instances if i[0] <= pub <= i[1]]
            if current:
                start, end = current[0]
            elif self._future(mention):
                start, end = min(i for i in instances if i[0] > pub)
            else:
                start, end = max(i for i in instances if i[1] < pub)
        return _Resolution(start, end, "range", "relative")

    def _r_decade(self, g: _G, mention: TimeMention, pub: _Pub) -> _Resolution:
        first = int(g["dec"])
        start, end = dt.date(first, 1, 1), dt.date(first + 9, 12, 31)
        if g.get("part"):
            lo, hi = _RESOLUTION["decade_part_years"][g["part"].lower()]
            start, end = dt.date(first + lo, 1, 1), dt.date(first + hi, 12, 31)
        return _Resolution(start, end, "range", "absolute")

    def _r_deictic(self, g: _G, mention: TimeMention, pub: _Pub) -> _Resolution:
        if pub is None:
            return _Resolution.unknown("relative")
        word = " ".join(g["w"].lower().split())
        offset = _RESOLUTION["deictic_days"][word]
        d = pub + dt.timedelta(days=offset)
        return _Resolution(d, d, "day", "relative")

    def _r_ago(self, g: _G, mention: TimeMention, pub: _Pub) -> _Resolution:
        number = self._number(g["n"])
        if pub is None or number is None:
            return _Resolution.unknown("relative")
        unit = self._unit(g["unit"])
        low, high = number
        if low != high:
            return _Resolution(
                _shift(pub, -high, unit), _shift(pub, -low, unit), "range", "relative"
            )
        point = _shift(pub, -low, unit)
        if unit == "day":
            return _Resolution(point, point, "day", "relative")
        if low != int(low):  # "a year and a half ago": month precision
            unit = "month" if unit in ("year", "decade") else "day"
            if unit == "day":
                return _Resolution(point, point, "day", "relative")
        if unit == "decade":
            return _Resolution(
                dt.date(point.year, 1, 1), dt.date(point.year, 12, 31), "year", "relative"
            )
        start, end = _unit_interval(point, unit)
        return _Resolution(start, end, unit, "relative")  # type: ignore[arg-type]

    def _r_ago_vague(self, g: _G, mention: TimeMention, pub: _Pub) -> _Resolution:
        return _Resolution.unknown("relative")

    def _r_duration(self, g: _G, mention: TimeMention, pub: _Pub) -> _Resolution:
        number = self._number(g.get("n"))
        if pub is None or number is None:
            return _Resolution.unknown("duration")
        unit = self._unit(g["unit"])
        amount = number[1]
        if g["which"].lower() in _FORWARD_WHICH:
            return _Resolution(pub, _shift(pub, amount, unit), "range", "duration")
        return _Resolution(_shift(pub, -amount, unit), pub, "range", "duration")

    def _r_recent(self, g: _G, mention: TimeMention, pub: _Pub) -> _Resolution:
        if pub is None:
            return _Resolution.unknown("duration")
        days = self.lexicon.recent[self._unit(g["unit"])]
        return _Resolution(pub - dt.timedelta(days=days), pub, "range", "duration")

    def _r_for(self, g: _G, mention: TimeMention, pub: _Pub) -> _Resolution:
        number = self._number(g["n"])
        if pub is None or number is None or mention.tense not in ("perfect", "progressive"):
            return _Resolution.unknown("duration")
        return _Resolution(_shift(pub, -number[1], self._unit(g["unit"])), pub, "range", "duration")

    def _r_shift(self, g: _G, mention: TimeMention, pub: _Pub) -> _Resolution:
        if g["dir"].lower() in _BACKWARD:
            return self._r_ago(g, mention, pub)
        return _Resolution.unknown("relative")

    def _r_anaphor(self, g: _G, mention: TimeMention, pub: _Pub) -> _Resolution:
        if pub is None:
            return _Resolution.unknown("relative")
        direction = (g.get("dir") or g.get("dir3") or "same").lower()
        unit = (g.get("unit") or g.get("unit2") or g.get("unit3") or "day").lower()
        return self._anaphor_from(pub, _RESOLUTION["anaphor_steps"].get(direction, 0), unit)

    @staticmethod
    def _anaphor_from(ref: dt.date, step: int, unit: str) -> _Resolution:
        if unit in ("week", "month", "year"):
            start, end = _unit_interval(_shift(ref, step, unit), unit)
            return _Resolution(start, end, unit, "relative")  # type: ignore[arg-type]
        d = ref + dt.timedelta(days=step)
        return _Resolution(d, d, "day", "relative")

    def _resolve_in_context(
        self, cand: _Candidate, mention: TimeMention, pub: dt.date | None, ctx: _Context
    ) -> None:
        g = cand.groups
        if cand.pattern == "weekday" and not g.get("which") and not self._future(mention):
            self._weekday_in_context(g, mention, pub, ctx)
        elif cand.pattern == "anaphor":
            direction = (g.get("dir") or g.get("dir3") or "same").lower()
            unit = (g.get("unit") or g.get("unit2") or g.get("unit3") or "day").lower()
            if unit not in ("week", "month", "year"):
                unit = "day"
            step = _RESOLUTION["anaphor_steps"].get(direction, 0)
            ref = ctx.reference(mention, lambda m: m.precision in ("day", unit), before_only=True)
            if ref is not None and ref.start is not None:
                res = self._anaphor_from(ref.start, step, unit)
                self._set(mention, res, ref)
        elif cand.pattern == "shift":
            ref = ctx.reference(mention, lambda m: m.precision == "day", before_only=True)
            number = self._number(g["n"])
            if ref is not None and ref.start is not None and number is not None:
                sign = -1 if g["dir"].lower() in _BACKWARD else 1
                d = _shift(ref.start, sign * number[0], self._unit(g["unit"]))
                self._set(mention, _Resolution(d, d, "day", "relative"), ref)

    def _weekday_in_context(
        self, g: dict[str, Any], mention: TimeMention, pub: dt.date | None, ctx: _Context
    ) -> None:
        wd = self.lexicon.weekdays[g["wd"]]

        def past_interval(m: TimeMention) -> bool:
            if m.start is None or m.end is None or m.pattern == "weekday":
                return False
            if pub is not None and m.end >= pub:
                return False
            return 1 <= (m.end - m.start).days <= 13 and m.tense not in ("future", "progressive")

        ref = ctx.reference(mention, past_interval, before_only=False)
        if ref is None or ref.start is None or ref.end is None:
            return
        last = ref.end - dt.timedelta(days=(ref.end.weekday() - wd) % 7)
        if last >= ref.start:
            self._set(mention, _Resolution(last, last, "day", "relative"), ref)

    @staticmethod
    def _set(mention: TimeMention, res: _Resolution, ref: TimeMention) -> None:
        mention.start, mention.end, mention.precision = res.start, res.end, res.precision
        mention.kind = res.kind
        mention.reference = ref.span

    def _apply_since(self, doc: Doc, mention: TimeMention, pub: dt.date | None, text: str) -> None:
        """ "since February 8": from the expression's start up to the publication date."""
        i = mention.tokens[0]
        if i == 0 or doc[i - 1].lower_ != "since" or mention.kind == "duration":
            return
        prep = doc[i - 1]
        mention.tokens = (prep.i, mention.tokens[1])
        mention.span = (prep.idx, mention.span[1])
        mention.text = text[mention.span[0] : mention.span[1]]
        mention.kind = "range"
        if mention.start is not None:
            mention.end = pub if pub is not None and pub >= mention.start else None
            mention.precision = "range"
