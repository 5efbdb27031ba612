"""One view of every vulnerable pupil (sendco/vulnerable.py): the overlaps of SEN, disadvantage
and care counted by the database, and the gaps that need a decision today, each linking to the
page where it is fixed."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from lac.models import Pep
from plans.models import SupportPlan
from provision.models import Group, GroupPupil, Intervention
from register.models import LookedAfterPeriod, PupilPremiumPeriod
from staff import calendar as school_calendar
from staff.models import AuditEvent, Membership
from tests.conftest import shared_acorn_fixtures
from tests.register.factories import make_pupil, put_on

D = date
NOON = datetime(2026, 12, 4, 12, tzinfo=ZoneInfo("Europe/London"))


def build_vulnerable(acorn: dict) -> dict:
    """Acorn's pupils in each overlap: Ann (SEN and disadvantaged, no group: a gap), Bea (SEN
    and disadvantaged, in a group), Cy (SEN, looked after, PEP overdue), Di (disadvantaged and
    looked after, PEP held this term), Ed (SEN support, joined in October, no plan: a gap), Flo
    (nothing), Gil (all three)."""
    school = acorn["school"]
    for start in (2025, 2026):
        year = school_calendar.create_default_year(school=school, academic_year_start=start)

    def pupil(name, **fields):
        return make_pupil(school, legal_first_name=name, legal_last_name="Sentinel", **fields)

    def fsm(p):
        PupilPremiumPeriod.objects.create(
            school=school, pupil=p, kind="fsm", starts_on=D(2025, 1, 6)
        )

    def care(p):
        LookedAfterPeriod.objects.create(
            school=school, pupil=p, starts_on=D(2024, 1, 8), responsible_la="Anyshire"
        )

    found = {n: pupil(n) for n in ("Ann", "Bea", "Cy", "Di", "Flo", "Gil")}
    found["Ed"] = pupil("Ed", admission_date=D(2026, 10, 5))
    for name in ("Ann", "Bea", "Cy", "Ed", "Gil"):
        put_on(found[name], "K", D(2025, 1, 6), "SLCN")
    for name in ("Ann", "Bea", "Di", "Gil"):
        fsm(found[name])
    for name in ("Cy", "Di", "Gil"):
        care(found[name])
    Pep.objects.create(school=school, pupil=found["Di"], kind="termly", held_on=D(2026, 10, 6))
    Pep.objects.create(school=school, pupil=found["Gil"], kind="termly", held_on=D(2026, 10, 7))
    for name in ("Ann", "Bea", "Cy", "Gil"):  # plans for all but Ed, the newcomer
        SupportPlan.objects.create(school=school, pupil=found[name], created_by=acorn["sendco"])
    group = Group.objects.create(
        school=school,
        intervention=Intervention.objects.create(school=school, name="Talk Boost"),
        name="Talk Boost Y3",
        starts_on=year.starts_on,
        ends_on=year.ends_on,
        sessions_per_week=2,
        session_minutes=30,
    )
    for name in ("Bea", "Gil"):
        GroupPupil.objects.create(
            school=school, group=group, pupil=found[name], joined_on=D(2026, 9, 7)
        )
    # Ann had a group last year only: not this term's provision.
    old = Group.objects.create(
        school=school,
        intervention=group.intervention,
        name="Talk Boost last year",
        starts_on=D(2025, 9, 8),
        ends_on=D(2026, 7, 17),
        sessions_per_week=2,
        session_minutes=30,
    )
    GroupPupil.objects.create(school=school, group=old, pupil=found["Ann"], joined_on=D(2025, 9, 8))
    return found


globals().update(shared_acorn_fixtures(build_vulnerable, "sendco", "head", "teacher", on=NOON))


@pytest.fixture(autouse=True)
def _on_4_december_2026():
    with time_machine.travel(NOON, tick=False):
        yield


def _page(client, school):
    return client.get(reverse("vulnerable", args=[school.slug]))


def test_the_overlaps_are_counted(client, school, sendco, world):
    client.force_login(sendco)
    context = _page(client, school).context
    assert (context["sen"], context["disadvantaged"], context["looked_after"]) == (5, 4, 3)
    regions = {r.key: r.pupils for r in context["regions"]}
    assert regions == {
        (True, False, False): 1,  # Ed
        (False, True, False): 0,
        (False, False, True): 0,
        (True, True, False): 2,  # Ann, Bea
        (True, False, True): 1,  # Cy
        (False, True, True): 1,  # Di
        (True, True, True): 1,  # Gil
    }
    assert (context["any"], context["on_roll"]) == (6, 7)  # Flo is in none


def test_each_gap_names_its_pupils_and_links_to_the_fix(client, school, sendco, world):
    client.force_login(sendco)
    response = _page(client, school)
    gaps = {g.title: g for g in response.context["gaps"]}
    no_provision = gaps["Disadvantaged pupils on the SEN register with no provision this term"]
    assert [row[0] for row in no_provision.rows] == ["Ann Sentinel"]
    assert no_provision.rows[0][2] == reverse(
        "provision_map:pupil_provision", args=[school.slug, world["Ann"].public_id]
    )
    peps = gaps["Looked-after children whose PEP is overdue"]
    assert [row[0] for row in peps.rows] == ["Cy Sentinel"]  # no PEP since entering care
    no_plan = gaps["Pupils on SEN support who joined this year with no support plan"]
    assert [(row[0], row[2]) for row in no_plan.rows] == [
        ("Ed Sentinel", reverse("plans:start", args=[school.slug, world["Ed"].public_id]))
    ]
    event = AuditEvent.objects.get(action="school.vulnerable_viewed")
    assert set(event.detail["pupils"]) == {str(world[n].public_id) for n in ("Ann", "Cy", "Ed")}


def test_the_head_and_designated_teacher_see_it_class_staff_do_not(
    client, school, head, teacher, world
):
    client.force_login(head)
    assert _page(client, school).status_code == 200
    client.force_login(teacher)
    response = _page(client, school)
    assert response.status_code == 403
    assert "Sentinel" not in response.content.decode()
    membership = Membership.objects.get(user=teacher, school=school)
    membership.duties = ["designated_teacher"]
    membership.save()
    assert _page(client, school).status_code == 200


@pytest.mark.parametrize("extra", [0, 15])
def test_the_page_reads_the_same_number_of_queries_at_any_size(
    client, school, sendco, world, extra, django_assert_num_queries
):
    for n in range(extra):
        p = make_pupil(school, legal_last_name=f"More{n}")
        put_on(p, "K", D(2025, 1, 6), "SEMH")
        PupilPremiumPeriod.objects.create(
            school=school, pupil=p, kind="fsm", starts_on=D(2025, 1, 6)
        )
    client.force_login(sendco)
    _page(client, school)
    with django_assert_num_queries(QUERIES):  # the school's figures kept since the last write
        response = _page(client, school)
    cache.clear()
    with django_assert_num_queries(WORKED_OUT):
        response = _page(client, school)
    gap = response.context["gaps"][0]
    assert gap.count == 1 + extra
    assert len(gap.rows) == min(1 + extra, 10)  # a page of a gap, never the whole school


# The school's figures and the header's school switcher kept (staff/switcher_cache.py).
QUERIES = 7
# The deadline engine too (section F, agencies, Early Help), worked out afresh, and the school
# switcher with it (the cache cleared).
WORKED_OUT = 43
