"""Reading dates written as text: the one date parser of frontwatch.

Every date that a user, an input file or a gold file gives as text is read here, by
:func:`parse_iso_date` (an ISO 8601 calendar date). The readers differ only in which part of
the text they give it, and each difference is named:

* :func:`parse_date`: a date argument of the library and the command line (``--published``,
  ``Extractor.extract(published=...)``): the first ten characters of the stripped text, so
  that ``2024-03-14T10:00`` reads as 2024-03-14; E009 otherwise.
* :func:`parse_timestamp`: the publication date of an input document (a ``published`` field,
  an HTML meta date): ISO 8601 (with a time and a zone or not), RFC 2822, or a month name
  with a day and a year ("Wed Nov 23, 2016 | 3:02pm EST", "24 November 2016", "2016 Oct
  10"), with the month names of ``time_words.json``; ``None`` otherwise.
* :func:`parse_stamp`: the publication stamp of a gold document, read the same way.
* :func:`parse_iso_date` itself: the date filters of the command line and the API, which word
  their own errors (naming the option or the parameter).

Dates inside the text of an article ("last Tuesday") are the time component's
(:mod:`frontwatch.components.time`).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
import re
from functools import lru_cache

from .errors import Errors, FrontwatchError
from .lexicon import load

logger = logging.getLogger(__name__)


def parse_iso_date(text: str) -> dt.date:
    """An ISO 8601 calendar date (``YYYY-MM-DD``); ValueError otherwise."""
    return dt.date.fromisoformat(text)


def parse_date(value: str | dt.date | None) -> dt.date | None:
    """``YYYY-MM-DD`` (or a date) to a date; E009 otherwise."""
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return parse_iso_date(value.strip()[:10])
    except ValueError as err:
        raise FrontwatchError(Errors.E009, value=value) from err


def parse_timestamp(value: object) -> dt.date | None:
    """The publication date a document or a feed gives as text, in the formats real feeds
    use; ``None`` when it holds none. The calendar date as written (a time zone is not
    converted to UTC):

    * ISO 8601: ``2016-11-23``, ``2016-11-23T15:02:00Z``, ``2016-11-23 15:02:00+05:00``;
    * RFC 2822 (e-mail and RSS): ``Wed, 23 Nov 2016 15:02:00 -0500``;
    * a month name with a day and a year, in any of the three usual orders, wherever it is in
      the text: ``Wed Nov 23, 2016 | 3:02pm EST``, ``November 23rd, 2016``, ``24 November
      2016``, ``2016 Oct 10`` (month names and their abbreviations: ``time_words.json``).
    """
    if not isinstance(value, str):
        return None
    value = value.strip()
    if not value:
        return None
    for read in (_iso, _rfc2822, _month_name):
        found = read(value)
        if found is not None:
            return found
    logger.debug("publication date %r has no readable date", value)
    return None


def _iso(value: str) -> dt.date | None:
    try:
        if len(value) == 10:
            return parse_iso_date(value)
        return dt.datetime.fromisoformat(value).date()
    except ValueError:
        pass
    try:
        return parse_iso_date(value[:10])  # "2016-11-23 | 3:02pm"
    except ValueError:
        return None


def _rfc2822(value: str) -> dt.date | None:
    try:
        return email.utils.parsedate_to_datetime(value).date()
    except (TypeError, ValueError, IndexError):
        return None


# a month name (letters, an optional period) with a day (an optional ordinal suffix) and a year
_MONTH = r"([A-Za-z]{3,9})\.?"
_DAY = r"(\d{1,2})(?:[a-z]{2})?"
_YEAR = r"(\d{4})"
_ORDERS: tuple[tuple[re.Pattern[str], tuple[int, int, int]], ...] = (
    # (pattern, positions of the year, month and day groups)
    (re.compile(rf"\b{_MONTH} {_DAY},? {_YEAR}\b"), (3, 1, 2)),
    (re.compile(rf"\b{_DAY} {_MONTH},? {_YEAR}\b"), (3, 2, 1)),
    (re.compile(rf"\b{_YEAR},? {_MONTH} {_DAY}\b"), (1, 2, 3)),
)


def _month_name(value: str) -> dt.date | None:
    months = _months()
    for pattern, (y, m, d) in _ORDERS:
        for match in pattern.finditer(value):
            month = months.get(match.group(m).casefold())
            if month is None:
                continue
            try:
                return dt.date(int(match.group(y)), month, int(match.group(d)))
            except ValueError:
                continue
    return None


@lru_cache(maxsize=1)
def _months() -> dict[str, int]:
    """Month names and abbreviations of ``time_words.json``, in lower case."""
    return {name.casefold(): number for name, number in load("time_words")["months"].items()}


def parse_stamp(value: str) -> dt.date | None:
    """The publication stamp of a gold document (``"Wed Nov 23, 2016 | 3:02pm EST"`` in
    TR-News): read as a document's :func:`parse_timestamp`; ``None`` if it holds no date (the
    date is context, not a scored field)."""
    return parse_timestamp(value)
