"""The looked-after children's pages on one shared world: the SENDCo and the designated teacher
see every child's next PEP and record one; the head reads; class staff see nothing (not even
that a pupil is looked after, until the school chooses so); a pupil never looked after is not
here at all."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from lac.models import Pep, VirtualSchool
from register.models import LookedAfterPeriod, Pupil
from sendco.deadlines import deadlines_for
from sendco.models import Notification
from sendco.reminders import ESCALATED, scan_school
from staff import calendar as school_calendar
from staff.models import AuditEvent, Membership
from staff.tenancy import access_for
from tests.conftest import shared_acorn_fixtures
from tests.register.factories import class_of, make_pupil

D = date
NOON = datetime(2026, 12, 4, 12, tzinfo=ZoneInfo("Europe/London"))
TODAY = D(2026, 12, 4)


def build_lac_world(acorn: dict) -> dict:
    """Acorn, whose LA times PEPs by the first half of each term: Ada (in the teacher's and TA's
    class) last had a PEP in May, so autumn's is overdue; Ben had autumn's; Cal was looked after
    until last year; Dee never was."""
    school = acorn["school"]
    for start in (2025, 2026):
        year = school_calendar.create_default_year(school=school, academic_year_start=start)
    VirtualSchool.objects.create(school=school, la_name="Anyshire", pep_timing="first_half")

    def child(first: str, **period) -> Pupil:
        pupil = make_pupil(school, legal_first_name=first, legal_last_name="Sentinel")
        if period:
            LookedAfterPeriod.objects.create(
                school=school, pupil=pupil, responsible_la="Anyshire", **period
            )
        return pupil

    ada = child("Ada", starts_on=D(2024, 1, 8))
    ben = child("Ben", starts_on=D(2024, 1, 8))
    cal = child("Cal", starts_on=D(2022, 1, 8), ends_on=D(2025, 6, 30))
    dee = child("Dee")
    for pupil, held_on in ((ada, D(2026, 5, 12)), (ben, D(2026, 10, 6))):
        Pep.objects.create(school=school, pupil=pupil, kind="termly", held_on=held_on)
    class_of(
        school,
        "4A",
        teachers=[acorn["teacher"]],
        assistants=[acorn["ta"]],
        pupils=[ada, dee],
        year=year,
    )
    return {"ada": ada, "ben": ben, "cal": cal, "dee": dee}


globals().update(
    shared_acorn_fixtures(build_lac_world, "sendco", "head", "teacher", "ta", "governor", on=NOON)
)


@pytest.fixture(autouse=True)
def _on_4_december_2026():
    with time_machine.travel(NOON, tick=False):
        yield


def _child(school, pupil):
    return reverse("lac:child", args=[school.slug, pupil.public_id])


def _make_designated(person, school):
    membership = Membership.objects.get(user=person, school=school)
    membership.duties = ["designated_teacher"]
    membership.save()


def test_the_sendco_sees_each_childs_next_pep_one_overdue(client, school, sendco, world):
    client.force_login(sendco)
    response = client.get(reverse("lac:children", args=[school.slug]))
    rows = {c.pupil.first_name: c for c in response.context["children"]}
    assert set(rows) == {"Ada", "Ben"}  # Cal is no longer looked after; Dee never was
    assert (rows["Ada"].due.due, rows["Ada"].due.overdue) == (D(2026, 10, 23), True)
    assert rows["Ben"].due.term.label == "Spring 2027"
    assert "1 PEP overdue" in response.content.decode()
    assert AuditEvent.objects.filter(action="lac.children_viewed", actor=sendco).exists()


def test_recording_the_pep_clears_the_overdue_deadline(client, school, sendco, world):
    ada = world["ada"]
    access = access_for(sendco, school)
    overdue = [d for d in deadlines_for(access=access, today=TODAY) if d.kind == "lac.pep"]
    assert [(d.subject_id, d.severity.label) for d in overdue] == [(str(ada.public_id), "Overdue")]
    assert overdue[0].url == _child(school, ada)
    client.force_login(sendco)
    data = {"held_on": "2026-12-01", "kind": "termly", "child_views": "Happy in class"}
    assert client.post(_child(school, ada), data).status_code == 302
    assert Pep.objects.filter(pupil=ada, held_on=D(2026, 12, 1)).exists()
    assert AuditEvent.objects.filter(action="lac.pep_recorded", pupil_public_id=ada.public_id)
    kinds = {d.kind for d in deadlines_for(access=access, today=TODAY)}
    assert "lac.pep" not in kinds  # the engine's kept answer followed the write


@pytest.mark.parametrize(
    ("held_on", "words"),
    [
        ("2026-12-05", "once it has been held"),
        ("2023-06-01", "was not looked after on 01/06/2023"),
        ("2026-05-12", "already recorded"),
    ],
)
def test_a_wrong_pep_is_explained_and_nothing_saved(client, school, sendco, world, held_on, words):
    client.force_login(sendco)
    before = Pep.objects.count()
    response = client.post(_child(school, world["ada"]), {"held_on": held_on, "kind": "termly"})
    assert response.status_code == 200
    assert words in " ".join(response.context["form"].errors["held_on"])
    assert Pep.objects.count() == before


def test_a_pupil_never_looked_after_is_not_here(client, school, sendco, world):
    client.force_login(sendco)
    assert client.get(_child(school, world["dee"])).status_code == 404
    assert client.get(_child(school, world["cal"])).status_code == 200  # looked after before


def test_the_head_reads_and_records_nothing(client, school, head, world):
    client.force_login(head)
    page = client.get(_child(school, world["ada"]))
    assert page.status_code == 200
    assert "Record a PEP held" not in page.content.decode()
    response = client.post(
        _child(school, world["ada"]), {"held_on": "2026-12-01", "kind": "termly"}
    )
    assert response.status_code == 403
    assert not Pep.objects.filter(held_on=D(2026, 12, 1)).exists()


@pytest.mark.parametrize("person", ["teacher", "ta", "governor"])
def test_class_staff_and_governors_get_no_looked_after_page(client, school, world, request, person):
    client.force_login(request.getfixturevalue(person))
    for url in (
        reverse("lac:children", args=[school.slug]),
        _child(school, world["ada"]),
        reverse("lac:virtual_schools", args=[school.slug]),
    ):
        response = client.get(url)
        assert response.status_code == 403
        assert "Sentinel" not in response.content.decode()


def test_a_teacher_who_is_designated_teacher_sees_every_child_and_is_reminded(
    client, school, teacher, world
):
    _make_designated(teacher, school)
    client.force_login(teacher)
    response = client.get(reverse("lac:children", args=[school.slug]))
    assert {c.pupil.first_name for c in response.context["children"]} == {"Ada", "Ben"}
    ben = world["ben"]  # not in the teacher's class
    data = {"held_on": "2026-12-02", "kind": "termly"}
    assert client.post(_child(school, ben), data).status_code == 302
    # Ada's overdue PEP is the designated teacher's, and they are told of it.
    mine = [d for d in deadlines_for(access=access_for(teacher, school), today=TODAY)]
    assert [(d.kind, d.owner_id) for d in mine if d.kind == "lac.pep"] == [("lac.pep", teacher.pk)]
    scan_school(school=school, today=TODAY)
    assert _told() == [teacher.pk]


def _told() -> list[int]:
    """Who was told of a PEP as its owner (the head and SENDCo hear of one overdue for weeks
    as well, by escalation)."""
    found = Notification.objects.filter(kind="lac.pep").exclude(threshold=ESCALATED)
    return list(found.values_list("user_id", flat=True))


def test_without_a_designated_teacher_the_sendco_is_told(school, sendco, world):
    scan_school(school=school, today=TODAY)
    assert _told() == [sendco.pk]


def test_class_staff_see_who_is_looked_after_only_when_the_school_chooses(
    client, school, sendco, teacher, world
):
    register = reverse("register:list", args=[school.slug])
    ada_page = reverse("register:pupil", args=[school.slug, world["ada"].public_id])
    client.force_login(teacher)
    listed = client.get(register, {"status": "all"}).content.decode()
    assert "Looked after only" not in listed
    assert ">LAC<" not in listed
    assert "Looked after:" not in client.get(ada_page).content.decode()
    # Asking for the filter anyway shows the whole class, not who is looked after.
    rows = client.get(register, {"status": "all", "lac": "on"}).context["rows"]
    assert {p.first_name for p in rows} == {"Ada", "Dee"}

    client.force_login(sendco)
    url = reverse("lac:visibility", args=[school.slug])
    assert client.post(url, {"shown": "on"}).status_code == 302
    assert AuditEvent.objects.filter(action="lac.visibility_changed").exists()

    client.force_login(teacher)
    assert ">LAC<" in client.get(register, {"status": "all"}).content.decode()
    assert "Looked after: by Anyshire" in client.get(ada_page).content.decode()


def test_a_virtual_school_with_fixed_dates_moves_the_pep(client, school, sendco, world):
    client.force_login(sendco)
    vs = VirtualSchool.objects.get(school=school)
    url = reverse("lac:virtual_school_edit", args=[school.slug, vs.pk])
    fields = {
        "la_name": "Anyshire",
        "pep_timing": "fixed",
        "initial_pep_working_days": "10",
        "move_pep_working_days": "10",
    }
    response = client.post(url, fields)
    assert "Give the LA's dates" in " ".join(response.context["form"].errors["fixed_dates"])
    response = client.post(url, {**fields, "fixed_dates": "not a date"})
    assert "is not a date" in " ".join(response.context["form"].errors["fixed_dates"])
    client.post(url, {**fields, "fixed_dates": "27/11/2026\n19/03/2027"})
    page = client.get(reverse("lac:children", args=[school.slug]))
    rows = {c.pupil.first_name: c for c in page.context["children"]}
    assert rows["Ada"].due.due == D(2026, 11, 27)
    assert rows["Ben"].due.due == D(2027, 3, 19)


# Session, user, school, membership, the page's reads, the audit event and the savepoints of
# ATOMIC_REQUESTS: the same at every size. The header's school switcher is kept between changes
# (staff/switcher_cache.py): no query on a page after the first.
QUERIES = {"lac:children": 15, "lac:child": 19}


@pytest.mark.parametrize("extra", [0, 10])
def test_pages_read_the_same_number_of_queries_at_any_size(
    client, school, sendco, world, extra, django_assert_num_queries
):
    for n in range(extra):
        pupil = make_pupil(school, legal_last_name=f"More{n}")
        LookedAfterPeriod.objects.create(
            school=school, pupil=pupil, responsible_la="Elsewhere", starts_on=D(2025, 1, 6)
        )
        Pep.objects.create(school=school, pupil=pupil, kind="termly", held_on=D(2026, 10, 6))
    client.force_login(sendco)
    client.get(reverse("lac:children", args=[school.slug]))
    with django_assert_num_queries(QUERIES["lac:children"]):
        response = client.get(reverse("lac:children", args=[school.slug]))
    assert len(response.context["children"]) == 2 + extra
    with django_assert_num_queries(QUERIES["lac:child"]):
        client.get(_child(school, world["ada"]))


def test_pupil_premium_plus_received_and_what_it_pays_for(client, school, sendco, world):
    from lac.models import PlusRelease

    ada = world["ada"]
    url = reverse("lac:release", args=[school.slug, ada.public_id])
    client.force_login(sendco)
    response = client.post(url, {"received_on": "2026-12-07", "amount": "600"}, follow=True)
    assert "once it has been received" in response.content.decode()
    response = client.post(url, {"received_on": "2026-11-30", "amount": "0"}, follow=True)
    assert not PlusRelease.objects.exists()
    client.post(url, {"received_on": "2026-11-30", "amount": "600"})
    release = PlusRelease.objects.get(pupil=ada)
    assert not release.planned
    page = client.get(_child(school, ada)).content.decode()
    assert "Not planned yet" in page
    assert AuditEvent.objects.filter(action="lac.release_recorded", pupil_public_id=ada.public_id)
    # It is a gap on the vulnerable pupils page until someone says what it pays for.
    gaps = client.get(reverse("vulnerable", args=[school.slug])).context["gaps"]
    unplanned = next(g for g in gaps if g.title.startswith("Pupil Premium Plus"))
    assert [row[0] for row in unplanned.rows] == [ada.name]
    plan_url = reverse("lac:release_plan", args=[school.slug, release.pk])
    response = client.post(plan_url, {"spent_on": ""})
    assert "Say what it pays for." in " ".join(response.context["form"].errors["spent_on"])
    client.post(plan_url, {"spent_on": "Reading tuition"})
    release.refresh_from_db()
    assert release.planned
    gaps = client.get(reverse("vulnerable", args=[school.slug])).context["gaps"]
    assert next(g for g in gaps if g.title.startswith("Pupil Premium Plus")).count == 0


def test_the_head_cannot_record_pupil_premium_plus(client, school, head, world):
    client.force_login(head)
    url = reverse("lac:release", args=[school.slug, world["ada"].public_id])
    assert client.post(url, {"received_on": "2026-11-30", "amount": "600"}).status_code == 403
