"""The register's "N pupils match": the counts above the register (on roll, K, E) already say
how many the status filter keeps, so the register as most people open it asks the database for
no second count; any other filter or a search is counted as it narrows."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.register.factories import make_pupil, put_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def pupils(school):
    """Three on SEN support (two in Year 3), two with an EHC plan, four not on the register."""
    made = []
    for n, (category, year_group) in enumerate(
        [("K", "3"), ("K", "3"), ("K", "4"), ("E", "3"), ("E", "4")]
        + [(None, "3"), (None, "4"), (None, "4"), (None, "5")]
    ):
        pupil = make_pupil(school, legal_last_name=f"Count{n}", year_group=year_group)
        if category:
            put_on(pupil, category, date(2025, 1, 6), "SLCN")
        made.append(pupil)
    return made


@pytest.mark.parametrize(
    ("query", "matching"),
    [
        ({}, 5),
        ({"status": "K"}, 3),
        ({"status": "E"}, 2),
        ({"status": "all"}, 9),
        ({"status": "sen", "year": "3"}, 3),
        ({"status": "all", "year": "4"}, 4),
        ({"status": "K", "year": "4"}, 1),
    ],
)
def test_the_number_matching_is_right_for_every_filter(
    client, school, sendco, pupils, query, matching
):
    client.force_login(sendco)
    page = client.get(reverse("register:list", args=[school.slug]), query)
    assert page.context["page"].paginator.count == matching
    said = "1 pupil matches" if matching == 1 else f"{matching} pupils match"
    assert said in page.content.decode()


def test_a_search_is_counted_as_it_narrows(client, school, sendco, pupils):
    client.force_login(sendco)
    page = client.post(reverse("register:list", args=[school.slug]), {"q": "Count1"})
    assert page.context["page"].paginator.count == 1  # Count1 alone: any status, when searching


def _counts_asked(client, url, query) -> int:
    with CaptureQueriesContext(connection) as done:
        assert client.get(url, query).status_code == 200
    return sum(1 for q in done.captured_queries if q["sql"].startswith("SELECT COUNT(*)"))


def test_the_status_alone_asks_for_no_second_count(client, school, sendco, pupils):
    client.force_login(sendco)
    url = reverse("register:list", args=[school.slug])
    client.get(url)  # the first request after signing in renews the session
    assert _counts_asked(client, url, {}) == 0
    assert _counts_asked(client, url, {"status": "all"}) == 0
    assert _counts_asked(client, url, {"status": "all", "year": "4"}) == 1


def _aggregates_asked(client, url, query) -> int:
    with CaptureQueriesContext(connection) as done:
        assert client.get(url, query).status_code == 200
    return sum(1 for q in done.captured_queries if 'AS "all"' in q["sql"])


def test_the_counts_above_are_kept_between_writes(client, school, sendco, pupils):
    """Worked out on the first view and kept (staff/deadline_cache.py): the next view, of any
    filter, asks for none; a write has them worked out again, right."""
    client.force_login(sendco)
    url = reverse("register:list", args=[school.slug])
    assert _aggregates_asked(client, url, {}) == 1
    assert _aggregates_asked(client, url, {}) == 0
    assert _aggregates_asked(client, url, {"status": "all", "year": "4"}) == 0
    put_on(pupils[5], "E", date(2025, 1, 6), "SLCN")
    assert _aggregates_asked(client, url, {"status": "E"}) == 1
    page = client.get(url, {"status": "E"})
    assert page.context["page"].paginator.count == 3
    assert "<strong>3</strong> on SEN support (K), <strong>3</strong> with" in page.content.decode()
