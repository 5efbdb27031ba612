"""The Pupil Premium pages and their counts, on one shared world: what the SENDCo sees, what
the head may only read, what nobody else may open, and the counts held to premium.rules."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from premium import rules, selectors
from premium.models import Category
from register.models import LookedAfterPeriod, Pupil, PupilPremiumPeriod
from staff.models import AuditEvent
from tests.conftest import shared_acorn_fixtures
from tests.factories import SchoolFactory, member
from tests.register.factories import make_pupil

TODAY = date(2026, 12, 4)
NOON = datetime(2026, 12, 4, 12, tzinfo=ZoneInfo("Europe/London"))
OCT_2024, OCT_2025 = date(2024, 10, 3), date(2025, 10, 2)
D = date


def ground(pupil: Pupil, kind: str, starts_on: date, ends_on=None, **fields):
    return PupilPremiumPeriod.objects.create(
        school=pupil.school, pupil=pupil, kind=kind, starts_on=starts_on, ends_on=ends_on, **fields
    )


def build_premium(acorn: dict) -> dict:
    """Eleven pupils of Acorn, each with one story (see the counts in the tests below)."""
    school = acorn["school"]

    def pupil(name: str, year: str, **fields) -> Pupil:
        return make_pupil(
            school, legal_first_name=name, legal_last_name="Sentinel", year_group=year, **fields
        )

    found = {
        "ann": pupil("Ann", "3"),  # FSM since September 2024
        "ben": pupil("Ben", "4"),  # free meals through Universal Credit only
        "cat": pupil("Cat", "5"),  # FSM in 2019-20: ever 6 at both censuses, not today
        "dan": pupil("Dan", "2"),  # adopted; evidence seen September 2025
        "eve": pupil("Eve", "6"),  # previously looked after, evidence never seen
        "fay": pupil("Fay", "1"),  # service child
        "gus": pupil("Gus", "3"),  # looked after since January 2024
        "hal": pupil("Hal", "3"),  # FSM and a service child: one rate
        "ivy": pupil("Ivy", "N2"),  # nursery: not counted
        "jo": pupil("Jo", "4"),  # nothing
        "kim": pupil("Kim", "4", leaving_date=D(2025, 7, 18)),  # left: only the 2024 census
    }
    ground(found["ann"], "fsm", D(2024, 9, 1))
    ground(found["ben"], "fsm_uc", D(2026, 9, 1))
    ground(found["cat"], "fsm", D(2019, 1, 1), D(2020, 7, 31))
    ground(found["dan"], "plac", D(2020, 5, 1), route="adoption", evidence_seen_on=D(2025, 9, 10))
    ground(found["eve"], "plac", D(2021, 5, 1), route="sgo")
    ground(found["fay"], "service", D(2023, 1, 1))
    LookedAfterPeriod.objects.create(
        school=school, pupil=found["gus"], starts_on=D(2024, 1, 1), responsible_la="Kent"
    )
    ground(found["hal"], "fsm", D(2023, 1, 1))
    ground(found["hal"], "service", D(2023, 1, 1))
    ground(found["ivy"], "fsm", D(2026, 1, 5))
    ground(found["kim"], "fsm", D(2022, 1, 1))
    return found


globals().update(shared_acorn_fixtures(build_premium, "sendco", "head", "teacher", "governor"))


@pytest.fixture(autouse=True)
def _on_4_december_2026():
    with time_machine.travel(NOON, tick=False):
        yield


def _by_the_rules(school, census: date, *, one_rate: bool) -> Counter:
    """What premium.rules says, pupil by pupil, for every pupil of the school on roll."""
    counted = Counter()
    for pupil in Pupil.objects.for_school(school).on_roll(census):
        grounds = [
            rules.Ground(p.kind, p.starts_on, p.ends_on, p.route, p.evidence_seen_on)
            for p in pupil.pp_periods.all()
        ]
        looked_after = any(p.covers(census) for p in pupil.lac_periods.all())
        found = rules.categories_at(
            year_group=pupil.year_group, grounds=grounds, looked_after=looked_after, census=census
        )
        counted.update(rules.funded(found, one_rate=one_rate))
    return counted


@pytest.mark.parametrize(
    ("census", "one_rate", "expected"),
    [
        (OCT_2025, True, {"lac": 1, "plac": 1, "fsm_primary": 3, "service": 1}),
        (OCT_2025, False, {"lac": 1, "plac": 1, "fsm_primary": 3, "service": 2}),
        # Dan's evidence was seen after the 2024 census; Kim was still on roll.
        (OCT_2024, True, {"lac": 1, "plac": 0, "fsm_primary": 4, "service": 1}),
    ],
)
def test_the_census_counts_follow_the_rules(school, world, settings, census, one_rate, expected):
    settings.PUPIL_PREMIUM_ONE_RATE_PER_PUPIL = one_rate
    counts = selectors.counts_at(school=school, census=census)
    assert {k.value: v for k, v in counts.items() if v} == {k: v for k, v in expected.items() if v}
    by_rules = _by_the_rules(school, census, one_rate=one_rate)
    assert {k: v for k, v in counts.items() if v} == dict(by_rules)


def test_todays_lists_differ_as_the_rules_say(school, world):
    found = selectors.today_counts(school=school, today=TODAY)
    assert found.on_roll == 10  # Kim has left
    assert found.free_meals == 4  # Ann, Ben, Hal, Ivy
    assert found.uc_only == 1  # Ben: free meals, but no Pupil Premium
    assert found.disadvantaged == 5  # Ann, Dan, Eve, Hal, Ivy; not Ben, not Cat (2020)
    assert found.service == 2
    assert found.looked_after == 1
    assert found.plac_unevidenced == 1  # Eve


def test_the_sendco_sees_both_years_and_a_missing_rate_said(client, school, sendco, world):
    client.force_login(sendco)
    response = client.get(reverse("premium:overview", args=[school.slug]))
    assert response.status_code == 200
    this_year, last_year = response.context["allocations"]
    assert (this_year.name, last_year.name) == ("2026\u201327", "2025\u201326")
    assert this_year.missing_rates  # 2026-27 rates are not published: never guessed
    # 2025-26: 4 x 1,515 (FSM primary) + 350 (service); Gus's PP+ goes to the virtual school.
    assert str(last_year.school_total) == "6410.00"
    text = response.content.decode()
    assert "£6,410" in text
    assert "rates for 2026\u201327 are not entered yet" in text
    assert "1 previously looked-after pupil not counted" in text
    assert "as the DfE published it" not in text  # no statement with the DfE's figure yet
    assert AuditEvent.objects.filter(action="premium.overview_viewed", actor=sendco).exists()


def test_a_list_shows_its_pupils_a_page_at_a_time(client, school, sendco, world):
    client.force_login(sendco)
    response = client.get(reverse("premium:pupils", args=[school.slug]), {"show": "uc_only"})
    assert [p.first_name for p in response.context["page"].object_list] == ["Ben"]
    response = client.get(reverse("premium:pupils", args=[school.slug]), {"show": "nonsense"})
    assert response.context["show"] == "pp"  # an unknown list shows the Pupil Premium list
    assert {p.first_name for p in response.context["page"].object_list} == {
        "Ann",
        "Dan",
        "Eve",
        "Hal",
        "Ivy",
    }


def _pupil_url(school, pupil):
    return reverse("premium:pupil", args=[school.slug, pupil.public_id])


def test_the_sendco_records_a_ground_and_it_counts(client, school, sendco, world):
    client.force_login(sendco)
    jo = world["jo"]
    overview = reverse("premium:overview", args=[school.slug])
    before = client.get(overview).context["counts"].free_meals  # now kept until a write
    response = client.post(
        _pupil_url(school, jo), {"kind": "fsm", "starts_on": "2025-09-01", "evidence": ""}
    )
    assert response.status_code == 302
    period = jo.pp_periods.get()
    assert (period.kind, period.recorded_by) == ("fsm", sendco)
    assert selectors.counts_at(school=school, census=OCT_2025)[Category.FSM_PRIMARY] == 4
    # The overview's kept counts followed the write.
    after = client.get(overview).context
    assert after["counts"].free_meals == before + 1
    assert after["allocations"][0].lines[2].pupils == 4  # FSM primary, 2026-27
    assert AuditEvent.objects.filter(
        action="premium.period_added", pupil_public_id=jo.public_id
    ).exists()
    page = client.get(_pupil_url(school, jo))
    assert "Counted for 2026\u201327" in page.content.decode()
    assert AuditEvent.objects.filter(
        action="premium.pupil_viewed", pupil_public_id=jo.public_id
    ).exists()


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        (
            {"kind": "fsm_uc", "starts_on": "2026-08-01"},
            "starts_on",
            "starts on 1 September 2026",
        ),
        ({"kind": "plac", "starts_on": "2022-01-01"}, "route", "how the child left care"),
        ({"kind": "fsm", "starts_on": "2024-09-01"}, "starts_on", "already has a period"),
        ({"kind": "fsm", "starts_on": "not a date"}, "starts_on", "real date"),
    ],
)
def test_a_wrong_ground_is_explained_and_nothing_saved(
    client, school, sendco, world, data, field, words
):
    client.force_login(sendco)
    ann = world["ann"]  # already on free school meals since September 2024
    before = PupilPremiumPeriod.objects.count()
    response = client.post(_pupil_url(school, ann), data)
    assert response.status_code == 200
    assert words in " ".join(response.context["form"].errors[field])
    assert PupilPremiumPeriod.objects.count() == before


def test_ending_a_ground(client, school, sendco, world):
    client.force_login(sendco)
    period = world["ann"].pp_periods.get()
    url = reverse("premium:period_end", args=[school.slug, period.pk])
    response = client.post(url, {"ends_on": "2024-01-01"}, follow=True)
    assert "on or after 01/09/2024" in response.content.decode()
    period.refresh_from_db()
    assert period.ends_on is None
    client.post(url, {"ends_on": "2026-11-30"})
    period.refresh_from_db()
    assert period.ends_on == D(2026, 11, 30)
    assert AuditEvent.objects.filter(action="premium.period_ended").exists()


def test_the_head_reads_but_changes_nothing(client, school, head, world):
    client.force_login(head)
    ann = world["ann"]
    page = client.get(_pupil_url(school, ann))
    assert page.status_code == 200
    assert "Record a ground" not in page.content.decode()
    response = client.post(_pupil_url(school, ann), {"kind": "service", "starts_on": "2025-01-01"})
    assert response.status_code == 403
    period = ann.pp_periods.get()
    end = reverse("premium:period_end", args=[school.slug, period.pk])
    assert client.post(end, {"ends_on": "2026-11-30"}).status_code == 403
    assert ann.pp_periods.count() == 1
    assert ann.pp_periods.get().ends_on is None


@pytest.mark.parametrize("person", ["teacher", "governor"])
def test_teachers_and_governors_see_no_pupil_premium_page(client, school, world, request, person):
    client.force_login(request.getfixturevalue(person))
    ann = world["ann"]
    for url in (
        reverse("premium:overview", args=[school.slug]),
        reverse("premium:pupils", args=[school.slug]),
        _pupil_url(school, ann),
    ):
        response = client.get(url)
        assert response.status_code == 403
        assert "Sentinel" not in response.content.decode()


def test_another_schools_sendco_gets_404_and_changes_nothing(client, school, world):
    elsewhere = SchoolFactory(name="Birch Primary", slug="birch", urn="654321", trust=None)
    client.force_login(member(elsewhere, "sendco", email="sendco@birch.test"))
    ann = world["ann"]
    period = ann.pp_periods.get()
    assert client.get(_pupil_url(school, ann)).status_code == 404
    # Their own school's address, with Acorn's pupil and record: answered like missing ones.
    assert client.get(_pupil_url(elsewhere, ann)).status_code == 404
    end = reverse("premium:period_end", args=[elsewhere.slug, period.pk])
    assert client.post(end, {"ends_on": "2026-11-30"}).status_code == 404
    period.refresh_from_db()
    assert period.ends_on is None


def _more_pupils(school, how_many: int) -> None:
    """`how_many` more pupils, a third on each of three grounds."""
    kinds = ["fsm", "fsm_uc", "service"]
    for n in range(how_many):
        pupil = make_pupil(school, legal_last_name=f"Extra{n:04d}", year_group=str(1 + n % 6))
        ground(pupil, kinds[n % 3], D(2026, 9, 1) if n % 3 == 1 else D(2024, 9, 1))


# Session, user, school, membership, the page's reads, the audit event and the savepoints of
# ATOMIC_REQUESTS: the same at every size. The overview's counts are kept between writes
# (staff.deadline_cache): "premium:overview" reads them kept, "worked out" afresh. The header's
# school switcher is kept between changes too (staff/switcher_cache.py): no query after the first
# page, but one on "worked out", whose cleared cache dropped it.
QUERIES = {"premium:overview": 9, "worked out": 13, "premium:pupils": 10, "premium:pupil": 11}


@pytest.mark.parametrize("how_many", [3, 120])
def test_pages_read_the_same_number_of_queries_at_any_size(
    client, school, sendco, world, how_many, django_assert_num_queries
):
    _more_pupils(school, how_many)
    client.force_login(sendco)
    client.get(reverse("premium:overview", args=[school.slug]))  # the session's first request
    with django_assert_num_queries(QUERIES["premium:overview"]):
        client.get(reverse("premium:overview", args=[school.slug]))
    cache.clear()
    with django_assert_num_queries(QUERIES["worked out"]):
        client.get(reverse("premium:overview", args=[school.slug]))
    with django_assert_num_queries(QUERIES["premium:pupils"]):
        response = client.get(reverse("premium:pupils", args=[school.slug]), {"show": "fsm"})
    assert len(response.context["page"].object_list) == min(4 + 2 * how_many // 3, 25)
    with django_assert_num_queries(QUERIES["premium:pupil"]):
        client.get(_pupil_url(school, world["hal"]))
