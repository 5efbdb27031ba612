"""Every template's `|floatformat` is sendco.templatetags.numbers.floatformat: it must write
exactly what Django's own filter writes, for every argument our templates use and any other."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines
from django.template.defaultfilters import floatformat as django_floatformat
from django.utils import translation

from sendco.templatetags.numbers import floatformat

# Every argument the templates give it, read from the templates themselves.
USED = sorted(
    {
        found
        for path in Path(settings.BASE_DIR, "templates").rglob("*.html")
        for found in re.findall(r"""\|floatformat(?::["']?([^"'\s|}%]*))?""", path.read_text())
    }
)
OTHERS = [-1, 0, 1, 2, 3, -3, "3g", "2u", "2gu", "x", ""]
NUMBERS = [
    *(Decimal(text) for text in ("0", "0.00", "-0.004", "0.005", "0.015", "1.5", "2.675")),
    *(Decimal(text) for text in ("-2.5", "12.345", "999.995", "1234", "1234.5", "-1234567.891")),
    *(Decimal(text) for text in ("100.00", "1E+3", "1.00E+2", "123456789012.345", "0.0001")),
    Decimal("1E+16"),
    Decimal("NaN"),
    Decimal("Infinity"),
    *(0, 7, -7, 1000, 1234567, 10**18),
    *(0.0, 0.5, 1.005, 2.5, -3.14159, 1234.5678, 1e20, float("nan"), float("inf")),
    True,
    "12.5",
    "not a number",
    None,
]


def test_the_templates_arguments_are_read():
    assert {"2g", "0g", "-1g"} <= set(USED)


@pytest.mark.parametrize("language", ["en-gb", "fr", "de"])
def test_every_argument_writes_what_django_s_filter_writes(language):
    with translation.override(language):
        for arg in [*USED, *OTHERS]:
            args = () if arg == "" else (arg,)
            for value in NUMBERS:
                assert floatformat(value, *args) == django_floatformat(value, *args), (arg, value)


def test_in_a_template_money_is_grouped_and_rounded_half_up():
    page = engines["django"].from_string('£{{ a|floatformat:"2g" }} £{{ b|floatformat:"0g" }}')
    assert page.render({"a": Decimal("1234.565"), "b": Decimal("98765.5")}) == "£1,234.57 £98,766"
