"""Every template's `|date:` is sendco.templatetags.dates.date: it must write exactly what
Django's own filter writes, for every format our templates use and any other."""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.template import engines
from django.template.defaultfilters import date as django_date
from django.utils import translation

from sendco.templatetags.dates import date

# Every format the templates write, read from the templates themselves.
USED = sorted(
    {
        found
        for path in Path(settings.BASE_DIR, "templates").rglob("*.html")
        for found in re.findall(r"""\|date:["']([^"']*)["']""", path.read_text())
    }
)
OTHERS = [r"D d M y, G:i", r"\T\o\d\a\y \i\s l", "N j, Y", "jS F Y", "F", "", "DATE_FORMAT"]
DAYS = [datetime.date(2026, 1, 1) + datetime.timedelta(days=n) for n in range(0, 400, 7)]
TIMES = [
    datetime.datetime(2026, 3, 29, 0, 5, tzinfo=ZoneInfo("Europe/Paris")),
    datetime.datetime(2026, 12, 7, 23, 59, tzinfo=datetime.UTC),
    datetime.datetime(1999, 7, 4, 9, 0, tzinfo=ZoneInfo("Europe/London")),
]


def test_the_templates_formats_are_read():
    assert {"j F Y", "d/m/Y", "l j F Y", "j F Y, H:i"} <= set(USED)


@pytest.mark.parametrize("language", ["en-gb", "fr"])
def test_every_format_writes_what_django_s_filter_writes(language):
    with translation.override(language):
        for fmt in [*USED, *OTHERS]:
            for value in DAYS + TIMES:
                try:
                    expected = django_date(value, fmt)
                except TypeError:  # a time letter for a date: Django refuses it, and so do we
                    with pytest.raises(TypeError):
                        date(value, fmt)
                    continue
                assert date(value, fmt) == expected, (fmt, value)


@pytest.mark.parametrize("value", [None, "", "not a date", 12])
def test_what_is_not_a_date_is_django_s_answer(value):
    assert date(value, "j F Y") == django_date(value, "j F Y")
    assert date(value) == django_date(value)


def test_in_a_template_an_aware_time_is_shown_in_the_school_s_time_zone():
    summer = datetime.datetime(2026, 7, 1, 23, 30, tzinfo=datetime.UTC)  # 00:30 in London
    page = engines["django"].from_string('{{ t|date:"j F Y, H:i" }}').render({"t": summer})
    assert page == "2 July 2026, 00:30"
