"""The `floatformat` filter, as Django's, for the numbers our pages show most: money and rates
(`"2g"`, `"0g"`, `"-2g"`, `"-1g"`...) of a Decimal, an int or a float, in a language that writes
"1,234.50" (English). A builtin of the template engine (sendco/settings.py), so every template's
`|floatformat` is this one.

Django's filter turns the number into text and back, rounds it, and groups the digits through
`formats.number_format`, looking up the language's separators each time: about 25 microseconds a
number, and the provision map or a trust's table shows a hundred or more. Here the number is
rounded as Django rounds it (half up) and written by Python's own formatting. Anything else (a
string, another language's separators, an argument with "u", a huge or non-finite number) goes
to Django's filter as before.
"""

from __future__ import annotations

import functools
from decimal import ROUND_HALF_UP, Context, Decimal, getcontext

from django import template
from django.template.defaultfilters import floatformat as django_floatformat
from django.utils.formats import get_format
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

_LARGEST = Decimal(10) ** 15  # beyond it, Django's filter (which has its own ways with exponents)


@functools.lru_cache(maxsize=64)
def _argument(arg) -> tuple[int, bool] | None:
    """(places, grouped) for an argument like -2, "2g" or "-1g"; None for one we leave to Django
    (with "u", or not a number)."""
    text = str(arg)
    grouped = text.endswith("g")
    if grouped:
        text = text[:-1] or "-1"
    try:
        return int(text), grouped
    except ValueError:
        return None


@functools.lru_cache(maxsize=64)
def _english_separators(language: str | None) -> bool:
    """Whether the language writes numbers as "1,234.50" (Django's formats for it)."""
    return (
        get_format("DECIMAL_SEPARATOR", language) == "."
        and get_format("THOUSAND_SEPARATOR", language) == ","
        and get_format("NUMBER_GROUPING", language) == 3
    )


def _write(value: Decimal, places: int, grouped: bool) -> str | None:
    if not value.is_finite() or abs(value) >= _LARGEST:
        return None
    comma = "," if grouped else ""
    if places <= 0 and value == value.to_integral_value():
        return f"{int(value):{comma}d}"
    digits = abs(places)
    precision = max(getcontext().prec, len(value.as_tuple().digits) + digits + 1)
    rounded = value.quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP, Context(prec=precision))
    if not rounded:
        rounded = abs(rounded)  # Django writes 0.00, never -0.00
    return f"{rounded:{comma}.{digits}f}"


@register.filter(is_safe=True)
def floatformat(text, arg=-1):
    """Django's `floatformat` (the number rounded to `arg` places, "g" grouping the thousands),
    faster for numbers in English."""
    found = _argument(arg)
    if (
        found is not None
        and type(text) in (Decimal, int, float)
        and _english_separators(get_language())
    ):
        value = text if type(text) is Decimal else Decimal(str(text))
        written = _write(value, *found)
        if written is not None:
            return mark_safe(written)  # noqa: S308 - digits, a point and commas only
    return django_floatformat(text, arg)
