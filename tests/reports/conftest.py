from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from staff import calendar as school_calendar

NOON = datetime(2026, 12, 4, 12, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture
def autumn(school):
    """Acorn's calendar for four years, and the clock at noon on 4 December 2026, in the
    autumn term."""
    for year in (2023, 2024, 2025, 2026):
        school_calendar.create_default_year(school=school, academic_year_start=year)
    with time_machine.travel(NOON, tick=False):
        yield
