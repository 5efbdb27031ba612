"""The Early Help pages on one shared world (Acorn, whose LA reviews every 6 weeks): the SENDCo
sees the open Early Help with the overdue review first, starts Early Help with the family's
consent, records a Team Around the Family review and closes it; the head reads; teachers, TAs
and governors see nothing, unless the school makes one the designated safeguarding lead, who is
then named on every page, holds the pages and is reminded of the reviews."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from agencies.early_help_deadlines import KIND
from agencies.early_help_models import EarlyHelp, EarlyHelpSettings, TafReview
from agencies.early_help_rules import CONSENT_MISSING
from agencies.early_help_selectors import chronology_entries
from register.models import TeachingGroup
from sendco.deadlines import deadlines_for
from sendco.models import Notification
from sendco.reminders import ESCALATED, scan_school
from staff import calendar as school_calendar
from staff.capabilities import Duty, duties_for_role
from staff.deadlines import family_label
from staff.edits import FIELD, MESSAGE
from staff.models import AuditEvent, Membership
from staff.tenancy import access_for
from tests.conftest import shared_acorn_fixtures
from tests.register.factories import class_of, make_pupil

D = date
NOON = datetime(2026, 12, 4, 12, tzinfo=ZoneInfo("Europe/London"))
TODAY = D(2026, 12, 4)
SAFEGUARDING = "sendco does not replace the school's safeguarding system"


def build_world(acorn: dict) -> dict:
    """Ada's plan (in the teacher's class) was last reviewed on 12 October, so its review was
    due on 23 November: overdue. Ben's assessment began on 2 November: due 14 December. Cal's
    closed in July. Dee has never had Early Help."""
    school = acorn["school"]
    year = school_calendar.create_default_year(school=school, academic_year_start=2026)
    EarlyHelpSettings.objects.create(school=school, review_weeks=6)
    ada, ben, cal, dee = (
        make_pupil(school, legal_first_name=name, legal_last_name="Sentinel")
        for name in ("Ada", "Ben", "Cal", "Dee")
    )
    common = {"school": school, "consent_given_by": "Mother", "lead_name": "Sam Lead"}
    ada_help = EarlyHelp.objects.create(
        **common, pupil=ada, stage="plan", started_on=D(2026, 9, 7), consent_on=D(2026, 9, 7)
    )
    TafReview.objects.create(
        school=school,
        early_help=ada_help,
        held_on=D(2026, 10, 12),
        attended="Mother, Sam Lead",
        summary="Morning club",
    )
    ben_help = EarlyHelp.objects.create(
        **common,
        pupil=ben,
        stage="assessment",
        started_on=D(2026, 11, 2),
        consent_on=D(2026, 11, 2),
    )
    EarlyHelp.objects.create(
        **common,
        pupil=cal,
        stage="closed",
        started_on=D(2026, 1, 5),
        consent_on=D(2026, 1, 5),
        closed_on=D(2026, 7, 1),
        close_reason="Aims met",
    )
    class_of(
        school, "4A", teachers=[acorn["teacher"]], assistants=[acorn["ta"]], pupils=[ada], year=year
    )
    return {
        "ada": ada,
        "ben": ben,
        "cal": cal,
        "dee": dee,
        "ada_help": ada_help,
        "ben_help": ben_help,
    }


globals().update(
    shared_acorn_fixtures(build_world, "sendco", "head", "teacher", "ta", "governor", on=NOON)
)


@pytest.fixture(autouse=True)
def _on_4_december_2026():
    with time_machine.travel(NOON, tick=False):
        yield


def _url(name: str, school, *args) -> str:
    return reverse(f"early_help:{name}", args=[school.slug, *args])


def _pupil(school, pupil) -> str:
    return _url("pupil", school, pupil.public_id)


def _make_dsl(person, school) -> None:
    membership = Membership.objects.get(user=person, school=school)
    membership.duties = [Duty.DSL.value]
    membership.save()


REVIEW = {"held_on": "2026-12-01", "attended": "Mother, Sam Lead", "summary": "Going well"}
START = {
    "stage": "assessment",
    "started_on": "2026-12-01",
    "consent_given_by": "Father (Tom Sentinel)",
    "consent_on": "2026-11-30",
    "lead_name": "Priya Shah",
    "lead_role": "SENDCo",
    "lead_organisation": "Acorn Primary",
    "lead_contact": "sendco@acorn.test",
}


def test_the_sendco_sees_open_early_help_overdue_first(client, school, sendco, world):
    client.force_login(sendco)
    response = client.get(_url("list", school))
    rows = response.context["rows"]
    assert [(r.pupil.first_name, r.due.due, r.due.overdue) for r in rows] == [
        ("Ada", D(2026, 11, 23), True),
        ("Ben", D(2026, 12, 14), False),
    ]
    text = response.content.decode()
    assert "1 review overdue" in text
    assert SAFEGUARDING in text
    assert "none named in sendco" in text  # no DSL yet
    closed = client.get(_url("list", school), {"show": "closed"}).context["rows"]
    assert [r.pupil.first_name for r in closed] == ["Cal"]
    assert AuditEvent.objects.filter(action="early_help.list_viewed", actor=sendco).exists()


def test_the_sendco_starts_early_help_with_the_familys_consent(client, school, sendco, world):
    dee = world["dee"]
    client.force_login(sendco)
    page = client.get(_pupil(school, dee))
    assert "Dee has no Early Help open" in page.content.decode()
    assert _url("start", school, dee.public_id) in page.content.decode()
    response = client.post(_url("start", school, dee.public_id), START)
    assert response.status_code == 302
    record = EarlyHelp.objects.get(pupil=dee)
    assert (record.consent_given_by, record.consent_on) == (
        "Father (Tom Sentinel)",
        D(2026, 11, 30),
    )
    event = AuditEvent.objects.get(action="early_help.started")
    assert event.pupil_public_id == dee.public_id
    page = client.get(_pupil(school, dee))
    assert page.context["current"].due.due == D(2027, 1, 12)  # six weeks on
    # A second one while it is open is refused, in words.
    again = client.post(_url("start", school, dee.public_id), START)
    assert "already has Early Help open" in again.content.decode()
    assert EarlyHelp.objects.filter(pupil=dee).count() == 1


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"consent_given_by": ""}, "consent_given_by", CONSENT_MISSING),
        ({"consent_on": ""}, "consent_on", CONSENT_MISSING),
        ({"consent_on": "2026-12-02"}, "consent_on", "consent comes first"),
        ({"started_on": "2026-12-25", "consent_on": "2026-12-01"}, "started_on", "has started"),
        ({"lead_name": ""}, "lead_name", "Name the lead practitioner"),
        ({"started_on": "31/02/2026"}, "started_on", "real date"),
    ],
)
def test_starting_without_consent_says_why_and_saves_nothing(
    client, school, sendco, world, change, field, message
):
    client.force_login(sendco)
    response = client.post(_url("start", school, world["dee"].public_id), {**START, **change})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not EarlyHelp.objects.filter(pupil=world["dee"]).exists()


def test_a_review_moves_the_next_review_and_clears_the_deadline(client, school, sendco, world):
    ada = world["ada"]
    access = access_for(sendco, school)
    mine = [d for d in deadlines_for(access=access, today=TODAY) if d.kind == KIND]
    assert [(d.subject, d.due, d.severity.is_overdue) for d in mine] == [
        ("Ada Sentinel", D(2026, 11, 23), True),
        ("Ben Sentinel", D(2026, 12, 14), False),
    ]
    assert family_label(KIND) == "PEPs, Early Help"  # no new home-page row
    client.force_login(sendco)
    response = client.post(_pupil(school, ada), {**REVIEW, "next_review_on": "2026-12-18"})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="early_help.review_recorded").exists()
    page = client.get(_pupil(school, ada))
    assert page.context["current"].due.due == D(2026, 12, 18)  # the date the meeting agreed
    assert "Going well" in page.content.decode()
    mine = [d for d in deadlines_for(access=access, today=TODAY) if d.kind == KIND]
    assert [(d.subject, d.due) for d in mine] == [
        ("Ben Sentinel", D(2026, 12, 14)),
        ("Ada Sentinel", D(2026, 12, 18)),
    ]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"held_on": "2026-09-01"}, "held_on", "before Early Help started"),
        ({"held_on": "2026-12-05"}, "held_on", "once it has been held"),
        ({"held_on": "2026-10-12"}, "held_on", "already recorded"),
        ({"next_review_on": "2027-02-01"}, "next_review_on", "every 6 weeks"),
        ({"summary": ""}, "summary", "what the review agreed"),
    ],
)
def test_a_bad_review_says_why_and_saves_nothing(
    client, school, sendco, world, change, field, message
):
    client.force_login(sendco)
    response = client.post(_pupil(school, world["ada"]), {**REVIEW, **change})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert TafReview.objects.filter(early_help=world["ada_help"]).count() == 1


def test_closing_ends_the_reviews(client, school, sendco, world):
    client.force_login(sendco)
    url = _url("close", school, world["ada_help"].public_id)
    refused = client.post(url, {"closed_on": "2026-12-01", "close_reason": ""})
    assert "Say why" in refused.content.decode()
    assert (
        client.post(url, {"closed_on": "2026-12-01", "close_reason": "Aims met"}).status_code == 302
    )
    record = EarlyHelp.objects.get(pk=world["ada_help"].pk)
    assert (record.stage, record.closed_on) == ("closed", D(2026, 12, 1))
    assert AuditEvent.objects.filter(action="early_help.closed").exists()
    deadlines = deadlines_for(access=access_for(sendco, school), today=TODAY)
    assert [d.subject for d in deadlines if d.kind == KIND] == ["Ben Sentinel"]
    # Closed: no more reviews, no change.
    assert client.post(_pupil(school, world["ada"]), REVIEW).status_code == 302
    assert TafReview.objects.filter(early_help=record).count() == 1
    assert client.get(_url("edit", school, record.public_id)).status_code == 302


def test_a_review_of_a_pupil_without_early_help_is_refused(client, school, sendco, world):
    client.force_login(sendco)
    response = client.post(_pupil(school, world["dee"]), REVIEW, follow=True)
    assert "Dee Sentinel has no Early Help open: start it first." in response.content.decode()
    assert not TafReview.objects.filter(early_help__pupil=world["dee"]).exists()


def test_the_stage_moves_only_by_the_allowed_steps(client, school, sendco, world):
    client.force_login(sendco)
    record = world["ada_help"]
    url = _url("edit", school, record.public_id)
    form = client.get(url).context["form"]
    assert [value for value, _ in form.fields["stage"].choices] == ["plan", "stepped_up"]
    data = {**START, "started_on": "2026-09-07", "consent_on": "2026-09-07"}
    refused = client.post(url, {**data, "stage": "assessment"})
    assert "not one of the available choices" in refused.content.decode()
    assert client.post(url, {**data, "stage": "stepped_up"}).status_code == 302
    record.refresh_from_db()
    assert record.stage == "stepped_up"
    # Stepped up: social care leads, so the school owes no review.
    deadlines = deadlines_for(access=access_for(sendco, school), today=TODAY)
    assert [d.subject for d in deadlines if d.kind == KIND] == ["Ben Sentinel"]
    event = AuditEvent.objects.get(action="early_help.changed")
    assert event.detail["stage"] == "stepped_up"


def test_a_change_saved_by_someone_else_meanwhile_is_not_overwritten(client, school, sendco, world):
    client.force_login(sendco)
    record = world["ada_help"]
    url = _url("edit", school, record.public_id)
    opened = client.get(url).context["form"][FIELD].value()
    EarlyHelp.objects.filter(pk=record.pk).update(lead_name="Someone Else")
    data = {**START, "stage": "plan", "started_on": "2026-09-07", "consent_on": "2026-09-07"}
    response = client.post(url, {**data, FIELD: opened})
    assert response.status_code == 200
    assert MESSAGE in " ".join(response.context["form"].non_field_errors())
    record.refresh_from_db()
    assert record.lead_name == "Someone Else"


@pytest.mark.parametrize(
    ("weeks", "saved"), [("5", False), ("13", False), ("", False), ("8", True)]
)
def test_the_sendco_sets_the_las_interval_6_to_12(client, school, sendco, world, weeks, saved):
    client.force_login(sendco)
    url = _url("settings", school)
    assert client.get(url).context["form"]["review_weeks"].value() == 6
    response = client.post(url, {"review_weeks": weeks})
    found = EarlyHelpSettings.objects.get(school=school).review_weeks
    if saved:
        assert response.status_code == 302
        assert found == 8
        assert AuditEvent.objects.filter(action="early_help.settings_changed").exists()
        rows = client.get(_url("list", school)).context["rows"]
        assert rows[0].due.due == D(2026, 12, 7)  # Ada: 8 weeks after 12 October
    else:
        assert response.status_code == 200
        assert "between 6 and 12 weeks" in " ".join(response.context["form"].errors["review_weeks"])
        assert found == 6


def test_class_staff_and_governors_see_nothing(client, school, teacher, ta, governor, world):
    ada = world["ada"]  # in the teacher's and TA's class
    for person in (teacher, ta, governor):
        client.force_login(person)
        for url in (_url("list", school), _pupil(school, ada)):
            response = client.get(url)
            assert response.status_code == 403
            assert "Sentinel" not in response.content.decode()
    client.force_login(teacher)
    record = client.get(reverse("register:pupil", args=[school.slug, ada.public_id]))
    assert "Early Help" not in record.content.decode()
    deadlines = deadlines_for(access=access_for(teacher, school), today=TODAY)
    assert [d for d in deadlines if d.kind == KIND] == []


def test_the_head_reads_and_changes_nothing(client, school, head, world):
    client.force_login(head)
    assert client.get(_pupil(school, world["ada"])).status_code == 200
    assert client.post(_pupil(school, world["ada"]), REVIEW).status_code == 403
    assert client.get(_url("start", school, world["dee"].public_id)).status_code == 403


def test_the_dsl_is_named_holds_the_pages_and_is_reminded(client, school, sendco, teacher, world):
    assert Duty.DSL in duties_for_role("teacher")
    assert Duty.DSL not in duties_for_role("ta")
    assert Duty.DSL not in duties_for_role("governor")
    _make_dsl(teacher, school)
    client.force_login(teacher)
    page = client.get(_url("list", school))
    assert page.status_code == 200
    assert f'{teacher.full_name} (<a href="mailto:{teacher.email}">' in page.content.decode()
    ben = world["ben"]  # not in the teacher's class
    assert client.post(_pupil(school, ben), {**REVIEW, "held_on": "2026-12-02"}).status_code == 302
    mine = deadlines_for(access=access_for(teacher, school), today=TODAY)
    assert [(d.subject, d.due, d.owner_id) for d in mine if d.kind == KIND] == [
        ("Ada Sentinel", D(2026, 11, 23), teacher.pk),
        ("Ben Sentinel", D(2027, 1, 13), teacher.pk),
    ]
    scan_school(school=school, today=TODAY)
    told = Notification.objects.filter(kind=KIND).exclude(threshold=ESCALATED)
    assert set(told.values_list("user_id", flat=True)) == {teacher.pk}
    # A designated teacher is not thereby a DSL.
    Membership.objects.filter(user=teacher, school=school).update(duties=["designated_teacher"])
    assert client.get(_url("list", school)).status_code == 403


def test_without_a_dsl_the_sendco_is_reminded(school, sendco, world):
    scan_school(school=school, today=TODAY)
    told = Notification.objects.filter(kind=KIND).exclude(threshold=ESCALATED)
    assert list(told.values_list("user_id", flat=True)) == [sendco.pk, sendco.pk]  # Ada, Ben


def test_the_pupils_record_links_to_early_help_for_those_who_see_it(client, school, sendco, world):
    client.force_login(sendco)
    page = client.get(reverse("register:pupil", args=[school.slug, world["ada"].public_id]))
    assert _pupil(school, world["ada"]) in page.content.decode()


def test_the_pupils_chronology_shows_early_help_only_to_those_who_see_it(
    client, school, sendco, world
):
    from tests.factories import member

    url = reverse("register:pupil", args=[school.slug, world["cal"].public_id])
    client.force_login(sendco)
    page = client.get(url).content.decode()
    assert "Early Help started" in page
    assert "Early Help closed" in page
    # Cal's own teacher reads the pupil page, without a word of Early Help.
    teacher = member(school, "teacher", email="chronology-teacher@acorn.test")
    year = school_calendar.create_default_year(school=school, academic_year_start=2026)
    group = TeachingGroup.objects.create(school=school, academic_year=year, name="Cal's class")
    group.teachers.add(teacher)
    group.pupils.add(world["cal"])
    client.force_login(teacher)
    response = client.get(url)
    assert response.status_code == 200
    assert "Early Help" not in response.content.decode()


def test_chronology_entries(world, sendco, school):
    access = access_for(sendco, school)

    def lines(pupil):
        return [(e.on, e.label) for e in chronology_entries(pupil=pupil, access=access)]

    assert lines(world["ada"]) == [
        (D(2026, 9, 7), "Early Help started"),
        (D(2026, 10, 12), "Team Around the Family review"),
    ]
    assert lines(world["cal"]) == [
        (D(2026, 1, 5), "Early Help started"),
        (D(2026, 7, 1), "Early Help closed"),
    ]
    assert lines(world["dee"]) == []


def test_another_schools_record_is_a_404(client, school, sendco, world):
    from tests.factories import SchoolFactory, member

    other = SchoolFactory(trust=school.trust, name="Beech", slug="beech", urn="654321")
    stranger = member(other, "sendco", email="sendco@beech.test")
    client.force_login(stranger)
    assert (
        client.get(reverse("early_help:pupil", args=["beech", world["ada"].public_id])).status_code
        == 404
    )
    edit = reverse("early_help:edit", args=["beech", world["ada_help"].public_id])
    assert client.get(edit).status_code == 404


# Session, user, school, membership, the page's reads, the audit event and the savepoints of
# ATOMIC_REQUESTS: the same at every size. The header's school switcher is kept between changes
# (staff/switcher_cache.py): no query on a page after the first.
QUERIES = {"list": 11, "pupil": 12}


@pytest.mark.parametrize("extra", [0, 12])
def test_pages_read_the_same_number_of_queries_at_any_size(
    client, school, sendco, world, extra, django_assert_num_queries
):
    for n in range(extra):
        pupil = make_pupil(school, legal_last_name=f"More{n}")
        record = EarlyHelp.objects.create(
            school=school,
            pupil=pupil,
            stage="plan",
            started_on=D(2026, 9, 1),
            consent_on=D(2026, 9, 1),
            consent_given_by="Mother",
            lead_name="Sam Lead",
        )
        for held_on in (D(2026, 10, 1), D(2026, 11, 1)):
            TafReview.objects.create(
                school=school, early_help=record, held_on=held_on, attended="x", summary="y"
            )
        TafReview.objects.create(
            school=school,
            early_help=world["ada_help"],
            held_on=D(2026, 9, 8 + n),
            attended="x",
            summary="y",
        )
    client.force_login(sendco)
    client.get(_url("list", school))
    with django_assert_num_queries(QUERIES["list"]):
        response = client.get(_url("list", school))
    assert len(response.context["rows"]) == 2 + extra
    with django_assert_num_queries(QUERIES["pupil"]):
        response = client.get(_pupil(school, world["ada"]))
    assert len(response.context["current_reviews"]) == 1 + extra
