"""Reading dates written as text: the one date parser of frontwatch.

Every date that a user, an input file or a gold file gives as text is read here, by
:func:`parse_iso_date` (an ISO 8601 calendar date). The readers differ only in which part of
the text they give it, and each difference is named:

* :func:`parse_date`: a date argument of the library and the command line (``--published``,
  ``Extractor.extract(published=...)``): the first ten characters of the stripped text, so
  that ``2024-03-14T10:00`` reads as 2024-03-14; E009 otherwise.
* :func:`parse_timestamp`: the ``published`` field of an input document: ``YYYY-MM-DD`` or an
  ISO datetime (its calendar date); ``None`` otherwise.
* :func:`parse_stamp`: the publication stamp of a gold document: an ISO date at the start, or a
  "Month D, YYYY" date inside a free-form stamp ("Wed Nov 23, 2016 | 3:02pm EST"), with the
  month names of ``time_words.json``; ``None`` otherwise.
* :func:`parse_iso_date` itself: the date filters of the command line and the API, which word
  their own errors (naming the option or the parameter).

Dates inside the text of an article ("last Tuesday") are the time component's
(:mod:`frontwatch.components.time`).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from functools import lru_cache

from .errors import Errors, FrontwatchError
from .lexicon import load

logger = logging.getLogger(__name__)

_MONTH_DAY_YEAR = re.compile(r"\b([A-Z][a-z]{2})[a-z]*\.? (\d{1,2}),? (\d{4})\b")


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
    """A date from ``YYYY-MM-DD`` or an ISO datetime (its calendar date), else ``None``."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    try:
        if len(value) == 10:
            return parse_iso_date(value)
        return dt.datetime.fromisoformat(value).date()
    except ValueError:
        return None


@lru_cache(maxsize=1)
def _month_numbers() -> dict[str, int]:
    """The first three letters of each month name of ``time_words.json``, in lower case."""
    return {name[:3].lower(): number for name, number in load("time_words")["months"].items()}


def parse_stamp(value: str) -> dt.date | None:
    """ISO date, or a 'Month D, YYYY' date inside a free-form stamp; ``None`` if neither.

    Some gold sets (TR-News) write publication stamps such as ``"Wed Nov 23, 2016 | 3:02pm
    EST"``; they are read leniently because the date is context, not a scored field.
    """
    value = value.strip()
    if not value:
        return None
    try:
        return parse_iso_date(value[:10])
    except ValueError:
        pass
    match = _MONTH_DAY_YEAR.search(value)
    months = _month_numbers()
    if match and match.group(1).casefold() in months:
        try:
            return dt.date(
                int(match.group(3)), months[match.group(1).casefold()], int(match.group(2))
            )
        except ValueError:
            return None
    logger.debug("publication stamp %r has no readable date", value)
    return None
