"""The `date` filter, as Django's, for the formats our templates write (`"j F Y"`, `"d/m/Y"`,
`"l j F"`, `"j F Y, H:i"`...), without parsing the format again for every date. A builtin of the
template engine (sendco/settings.py), so every template's `|date:` is this one.

Django's filter splits the format into pieces and looks each up on a new `DateFormat` every
time: about 20 microseconds a date, and a list of 50 rows shows 100 to 150 dates. Here a format
is split once (with Django's own pattern) into text and the few letters below, each written as
Django writes it (the names of months and days in the language of the request, as Django's);
any other letter, a format named in the settings (`"DATE_FORMAT"`) or no format at all, and
anything that is not a date or datetime, go to Django's filter as before.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable

from django import template
from django.template.defaultfilters import date as django_date
from django.utils.dateformat import re_escaped, re_formatchars
from django.utils.dates import MONTHS, MONTHS_3, WEEKDAYS, WEEKDAYS_ABBR
from django.utils.formats import FORMAT_SETTINGS

register = template.Library()

_DATE_LETTERS: dict[str, Callable[[datetime.date], str]] = {
    "d": lambda d: f"{d.day:02d}",
    "j": lambda d: str(d.day),
    "m": lambda d: f"{d.month:02d}",
    "n": lambda d: str(d.month),
    "Y": lambda d: f"{d.year:04d}",
    "y": lambda d: f"{d.year % 100:02d}",
    "F": lambda d: str(MONTHS[d.month]),
    "M": lambda d: str(MONTHS_3[d.month]).title(),
    "l": lambda d: str(WEEKDAYS[d.weekday()]),
    "D": lambda d: str(WEEKDAYS_ABBR[d.weekday()]),
}
_TIME_LETTERS: dict[str, Callable[[datetime.datetime], str]] = {
    "H": lambda d: f"{d.hour:02d}",
    "G": lambda d: str(d.hour),
    "i": lambda d: f"{d.minute:02d}",
}


@functools.lru_cache(maxsize=256)
def _pieces(format_string: str) -> tuple[tuple[str | Callable, ...], bool] | None:
    """The format as text and writers, and whether it needs a time; None when a letter is not
    one of ours (Django's filter writes it then)."""
    pieces: list[str | Callable] = []
    needs_time = False
    for n, piece in enumerate(re_formatchars.split(format_string)):
        if n % 2:
            writer = _DATE_LETTERS.get(piece) or _TIME_LETTERS.get(piece)
            if writer is None:
                return None
            needs_time = needs_time or piece in _TIME_LETTERS
            pieces.append(writer)
        elif piece:
            pieces.append(re_escaped.sub(r"\1", piece))
    return tuple(pieces), needs_time


@register.filter(expects_localtime=True, is_safe=False)
def date(value, arg=None):
    """Format a date according to the given format (Django's `date`, faster)."""
    # No format, or a format's name ("DATE_FORMAT"): the locale's, as Django's filter finds it.
    if (
        isinstance(arg, str)
        and arg
        and arg not in FORMAT_SETTINGS
        and isinstance(value, datetime.date)
    ):
        found = _pieces(arg)
        if found is not None:
            pieces, needs_time = found
            if not needs_time or isinstance(value, datetime.datetime):
                return "".join(p if isinstance(p, str) else p(value) for p in pieces)
    return django_date(value, arg)
