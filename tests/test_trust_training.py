"""The trust's staff training (training/trust.py `trust_training`): one row a school of the
trust, in figures (staff, current training, certificates run out, hours this year, the SENCO
qualification, and pupils with each main need against the staff trained in it), counted for
every school at once; no one named, no other trust's school, the trust's lead only."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from staff import calendar as school_calendar
from staff.models import AcademicYear, AuditEvent
from tests.conftest import shared_acorn_fixtures
from tests.factories import SchoolFactory, TrustFactory, member
from tests.register.factories import make_pupil, put_on
from training.models import Completion, Course, StaffMember

D = date
NOON = datetime(2026, 12, 4, 12, tzinfo=ZoneInfo("Europe/London"))
STAFF = "Zaftigby"  # every planted member of staff's surname
PUPIL = "Sentinel"  # every planted pupil's surname


@pytest.fixture(autouse=True)
def _on_4_december_2026():
    with time_machine.travel(NOON, tick=False):
        yield


def _person(school, name: str, **fields) -> StaffMember:
    return StaffMember.objects.create(school=school, name=f"{name} {STAFF}", **fields)


def _done(person, course, on: date, hours: str) -> Completion:
    return Completion.objects.create(
        school=person.school, person=person, course=course, completed_on=on, hours=Decimal(hours)
    )


def _pupil(school, category: str, *needs: str, ends_on=None, **fields):
    pupil = make_pupil(school, legal_last_name=PUPIL, **fields)
    put_on(pupil, category, D(2025, 1, 6), *needs, ends_on=ends_on)
    return pupil


def _courses(school) -> dict[str, Course]:
    return {
        "autism": Course.objects.create(school=school, name="Autism", covers=["ASD"]),
        "team_teach": Course.objects.create(
            school=school, name="Team Teach", covers=["SEMH"], expires_after_months=12
        ),
        "talk": Course.objects.create(school=school, name="Talk", covers=["SLCN", "SLD"]),
    }


def _acorn(school, sendco) -> None:
    """Acorn: staff 7 (the SENDCo, teacher and trust lead have logins; A0..A3 do not; the
    leaver has gone). Current training: A0, A1 (autism), A1 (talk, 28 August: last year's
    hours), A3 (Team Teach to 1 January 2027), the SENDCo (Team Teach renewed 1 November);
    A2's Team Teach of 10 November 2025 has run out. The leaver, gone on 20 November, trained
    in October (their hours count; they are not staff). Pupils on the register: ASD 3 (one as a
    second need), SEMH 1, SLCN 1, MLD 1; not counted: an ASD pupil off the register since
    July, one who left. The SENCO was appointed 1 September 2022: overdue since 2025."""
    school_calendar.create_default_year(school=school, academic_year_start=2026)
    c = _courses(school)
    a = [_person(school, f"A{n}") for n in range(4)]
    leaver = _person(school, "Leaver", left_on=D(2026, 11, 20))
    senco = StaffMember.objects.get(school=school, user=sendco)
    senco.senco_appointed_on = D(2022, 9, 1)
    senco.save()
    _done(a[0], c["autism"], D(2026, 10, 5), "3")
    _done(a[1], c["autism"], D(2026, 10, 5), "3")
    _done(a[1], c["talk"], D(2026, 8, 28), "1")
    _done(a[2], c["team_teach"], D(2025, 11, 10), "6")
    _done(a[3], c["team_teach"], D(2026, 1, 1), "6")
    _done(senco, c["team_teach"], D(2025, 12, 1), "6")
    _done(senco, c["team_teach"], D(2026, 11, 1), "6")
    _done(leaver, c["team_teach"], D(2024, 12, 1), "6")
    _done(leaver, c["autism"], D(2026, 10, 5), "3")
    _pupil(school, "K", "ASD")
    _pupil(school, "E", "ASD", "SLCN")
    _pupil(school, "K", "SPLD", "ASD")
    _pupil(school, "E", "SEMH")
    _pupil(school, "K", "MLD")
    _pupil(school, "K", "ASD", ends_on=D(2026, 7, 20))  # off the register
    _pupil(school, "K", "ASD", leaving_date=D(2026, 10, 30))  # left


def _beech(school, *, people: int = 2, pupils: int = 1) -> None:
    """Beech: its academic year began on 26 August, so its hours count B0's autism course of
    28 August; no SENCO recorded; `pupils` on SEN support with autism."""
    AcademicYear.objects.create(school=school, starts_on=D(2026, 8, 26), ends_on=D(2027, 8, 25))
    c = _courses(school)
    b = [_person(school, f"B{n}") for n in range(people)]
    _done(b[0], c["autism"], D(2026, 8, 28), "2")
    for person in b[1:]:
        _done(person, c["team_teach"], D(2025, 1, 1), "6")  # all run out
    for _ in range(pupils):
        _pupil(school, "K", "ASD")


def build_trust(acorn: dict) -> dict:
    _acorn(acorn["school"], acorn["sendco"])
    beech = SchoolFactory(trust=acorn["trust"], name="Beech Secondary", slug="beech")
    _beech(beech)
    elm = SchoolFactory(trust=TrustFactory(name="Elm Trust", slug="elm"), name="Elm Academy")
    _beech(elm)
    elm_lead = member(elm, "trust_lead", full_name="Eli Elm", email="lead@elm.test")
    return {"beech": beech, "elm": elm, "elm_lead": elm_lead}


globals().update(
    shared_acorn_fixtures(build_trust, "sendco", "teacher", "governor", "trust_lead", on=NOON)
)


def _page(client, slug="oak"):
    return client.get(reverse("trust_training", args=[slug]))


def _row(row) -> dict:
    return {
        "staff": row.staff,
        "trained": row.trained,
        "expired": row.expired,
        "hours": row.hours,
        "senco": row.senco.short,
        "areas": [str(cell) for cell in row.areas],
    }


ACORN = {
    "staff": 7,
    "trained": 4,  # A0, A1, A3, the SENDCo
    "expired": 1,  # A2 (the leaver's is not counted; the SENDCo renewed)
    # A0, A1 and the leaver's autism and the SENDCo's renewal; not 28 August's
    "hours": Decimal("15"),
    "senco": "Overdue since 1 Sep 2025",
    #         ASD    SEMH   SLCN   SPLD   MLD
    "areas": ["3 / 2", "1 / 2", "1 / 1", "1 / 0", "1 / 0"],
}
BEECH = {
    "staff": 2,
    "trained": 1,
    "expired": 1,
    "hours": Decimal("2"),
    "senco": "No SENCO recorded",
    "areas": ["1 / 1", "0 / 0", "0 / 0", "0 / 0", "0 / 0"],
}


def test_each_school_of_the_trust_has_its_row(client, trust_lead, world):
    client.force_login(trust_lead)
    response = _page(client)
    assert response.status_code == 200
    rows = {row.school.slug: _row(row) for row in response.context["rows"]}
    assert rows == {"acorn": ACORN, "beech": BEECH}  # and never Elm Academy, another trust's
    total = response.context["total"]
    assert (total["staff"], total["trained"], total["expired"], total["hours"]) == (9, 5, 2, 17)
    assert [str(cell) for cell in total["areas"]] == ["4 / 3", "1 / 2", "1 / 1", "1 / 0", "1 / 0"]
    assert total["senco"]["overdue"] == 1
    assert total["senco"]["none"] == 1
    assert [a.code for a in response.context["areas"]] == ["ASD", "SEMH", "SLCN", "SPLD", "MLD"]
    body = response.content.decode()
    assert STAFF not in body  # figures only: no member of staff named
    assert PUPIL not in body  # nor any pupil
    assert "Sam Sendco" not in body
    assert "Elm Academy" not in body
    assert f'href="{reverse("training:people", args=["acorn"])}"' in body
    assert f'href="{reverse("training:people", args=["beech"])}"' in body
    assert body.count("<caption") == 2  # two tables, each fitting a tablet's width
    assert AuditEvent.objects.filter(action="trust.training_viewed").count() == 1


def test_the_trust_dashboard_links_to_it(client, trust_lead, world):
    client.force_login(trust_lead)
    page = client.get(reverse("trust_dashboard", args=["oak"])).content.decode()
    assert f'href="{reverse("trust_training", args=["oak"])}"' in page


def test_only_the_trusts_own_lead_opens_it(client, sendco, teacher, governor, world):
    for person in (sendco, teacher, governor):
        client.force_login(person)
        assert _page(client).status_code == 403
    client.force_login(world["elm_lead"])
    assert _page(client).status_code == 404  # another trust's lead: as if it did not exist
    assert _page(client, "elm").status_code == 200  # their own
    assert _page(client, "no-such-trust").status_code == 404


@pytest.mark.parametrize("more_schools", [0, 4])
def test_the_same_number_of_queries_at_any_number_of_schools(
    client, trust, trust_lead, world, more_schools, django_assert_num_queries
):
    for n in range(more_schools):
        school = SchoolFactory(trust=trust, name=f"More {n}", slug=f"more-{n}")
        _beech(school, people=3 + n, pupils=2 + n)
    client.force_login(trust_lead)
    client.get(reverse("trust_dashboard", args=["oak"]))  # the first request renews the session
    _page(client)
    with django_assert_num_queries(KEPT):  # every school's row kept since its last write
        _page(client)
    cache.clear()
    with django_assert_num_queries(WORKED_OUT):  # every school's row counted afresh
        response = _page(client)
    assert len(response.context["rows"]) == 2 + more_schools


def test_a_write_at_one_school_is_seen_at_once(client, trust_lead, world):
    client.force_login(trust_lead)
    before = {row.school.slug: row.staff for row in _page(client).context["rows"]}
    acorn = next(row.school for row in _page(client).context["rows"] if row.school.slug == "acorn")
    StaffMember.objects.create(school=acorn, name="Newly Arrived")
    after = {row.school.slug: row.staff for row in _page(client).context["rows"]}
    assert after == {**before, "acorn": before["acorn"] + 1}


# Signed in (2), the trust and the person's roles in it (2), its schools, the audit event and its
# savepoint (3); the menu's schools are kept between changes (staff/switcher_cache.py). Counted
# afresh, with the cache cleared, 8 more: the staff, the courses, the academic years, the
# completions' aggregate, the pupils' needs' aggregate, the SENCOs and their studies, and the
# need types' names (asked for whatever is kept); and the menu's schools worked out again (1).
KEPT = 9
WORKED_OUT = 17
