"""The SENDCo's morning: home leads with what is overdue and due this week, grouped by pupil, each
row naming the local authority; the rest is one click away on the deadlines page, with filters by
kind, local authority, who acts and year group; charts of the register and of this term's
provision sit beside their tables; the header groups the school's pages."""

from __future__ import annotations

import dataclasses
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from provision.models import Group, Intervention, Session
from provision.overview import term_delivery
from register.models import Concern
from sendco import triage
from sendco.navigation import menu_for
from staff import calendar as school_calendar
from staff.deadlines import KIND_LABELS, OPENED_WITH, Deadline, family_label, severity
from staff.models import Role
from tests.ehcp.factories import make_authority, make_plan
from tests.factories import member
from tests.register.factories import class_of, make_pupil, put_on

TODAY = date(2026, 11, 25)  # a Wednesday in term


def _d(kind, due, subject="Ann", *, owner=None, authority="", year="3", pupil=None) -> Deadline:
    return Deadline(
        kind=kind,
        title=family_label(kind),
        due=due,
        subject=subject,
        subject_id=pupil or subject,
        owner_id=owner,
        url="/x",
        severity=severity(due=due, today=TODAY),
        authority=authority,
        year_group=year,
    )


# --------------------------------------------------------------------------------------------------
# Grouping and filtering, over the engine's list
# --------------------------------------------------------------------------------------------------


def test_every_kind_of_deadline_has_words_for_the_home_page():
    for kind in OPENED_WITH:
        assert family_label(kind) in KIND_LABELS.values(), kind
    assert family_label("ehcp.review.held") == "EHC annual reviews"


@pytest.mark.parametrize(
    ("days", "band"),
    [(-1, "overdue"), (0, "week"), (7, "week"), (8, "later")],
)
def test_overdue_this_week_and_later(days, band):
    assert triage.band(_d("register.monitoring_review", TODAY + timedelta(days)), TODAY) == band


def test_a_pupils_deadlines_come_together_most_pressing_pupil_first():
    found = [
        _d("provision.apdr_review", TODAY + timedelta(3), "Ben"),
        _d("ehcp.review.held", TODAY - timedelta(2), "Ann", authority="Westshire"),
        _d("provision.parent_meetings", TODAY + timedelta(1), "Ann"),
        _d("register.monitoring_review", TODAY - timedelta(9), "Cal"),
    ]
    bundles = triage.by_pupil(found)
    assert [b.label for b in bundles] == ["Cal", "Ann", "Ben"]
    ann = bundles[1]
    assert [d.kind for d in ann.deadlines] == ["ehcp.review.held", "provision.parent_meetings"]
    assert ann.authorities == ["Westshire"]
    assert ann.year_label == "Year 3"


def test_counts_by_kind_put_the_most_overdue_first():
    found = [
        _d("provision.apdr_review", TODAY - timedelta(1)),
        _d("ehcp.review.held", TODAY - timedelta(1)),
        _d("ehcp.review.report_sent", TODAY - timedelta(3)),
        _d("ehcp.review.decision", TODAY + timedelta(2)),
        _d("ehcp.review.decision", TODAY + timedelta(30)),
    ]
    rows = triage.counts_by_kind(found, TODAY)
    assert [(r.label, r.overdue, r.week, r.later) for r in rows] == [
        ("EHC annual reviews", 2, 1, 1),
        ("Support plan reviews", 1, 0, 0),
    ]


def test_home_shows_the_first_pupils_and_counts_the_rest():
    found = [
        _d("provision.apdr_review", TODAY - timedelta(i + 1), f"P{i}", pupil=str(i))
        for i in range(10)
    ]
    shown = triage.triage(found, today=TODAY, limit=7)
    assert len(shown.overdue) == 7
    assert (shown.overdue_total, shown.overdue_pupils, shown.week_total) == (10, 10, 0)
    assert shown.overdue[0].label == "P9"  # the longest overdue first


def test_provision_below_plan_is_counted_apart_from_the_dated_work():
    """An alert is dated from when delivery fell below plan, often months ago: it would lead the
    overdue list for ever. Home counts alerts on a line of their own, one link per kind."""
    found = [
        _d("ehcp.section_f_delivery", date(2026, 2, 2), "Ann", pupil="1"),
        _d("ehcp.section_f_delivery", date(2026, 3, 9), "Ben", pupil="2"),
        _d("provision.plan_delivery", date(2026, 5, 4), "Cal", pupil="3"),
        _d("provision.apdr_review", TODAY - timedelta(1), "Dee", pupil="4"),
    ]
    shown = triage.triage(found, today=TODAY)
    assert [b.label for b in shown.overdue] == ["Dee"]
    assert shown.overdue_total == 1
    assert [(r.label, r.overdue) for r in shown.alerts] == [
        ("Section F delivery", 2),
        ("Support plan sessions", 1),
    ]
    assert [r.label for r in shown.kinds] == ["Support plan reviews"]


def test_filters_by_kind_authority_owner_and_year_group():
    found = [
        _d("ehcp.review.held", TODAY, "Ann", authority="Westshire", year="7"),
        _d("ehcp.assessment.decision", TODAY, "Ben", authority="Eastshire", year="8"),
        _d("provision.apdr_review", TODAY, "Cal", owner=5, year="7"),
        _d("provision.apdr_review", TODAY + timedelta(20), "Dee", owner=6, year="9"),
    ]
    owners = {5: "Tia Teacher", 6: "Sam Smith"}

    def shown(**query):
        form = triage.DeadlineFilterForm(query, deadlines=found, owners=owners)
        return [d.subject for d in triage.apply_filters(found, form=form, today=TODAY, me=5)]

    assert shown(kind="ehcp.review") == ["Ann"]
    assert shown(authority="Eastshire") == ["Ben"]
    assert shown(owner="me") == ["Cal"]
    assert shown(owner="sendco") == ["Ann", "Ben"]
    assert shown(owner="6") == ["Dee"]
    assert shown(year="7") == ["Ann", "Cal"]
    assert shown(when="later") == ["Dee"]
    assert shown(year="7", kind="provision.apdr_review") == ["Cal"]
    # Only choices that show something are offered; a forged one shows everything, not nothing.
    form = triage.DeadlineFilterForm({}, deadlines=found, owners=owners)
    assert [v for v, _ in form.fields["authority"].choices] == ["", "Eastshire", "Westshire"]
    assert [v for v, _ in form.fields["year"].choices] == ["", "7", "8", "9"]
    assert len(shown(authority="Nowhere")) == 4


# --------------------------------------------------------------------------------------------------
# The pages
# --------------------------------------------------------------------------------------------------


@pytest.fixture
def morning(school, sendco, teacher):
    """A school with overdue and coming work: monitoring reviews for ten pupils, an EHC plan whose
    review is under way with a named LA, and a support plan led by the teacher."""
    with time_machine.travel(TODAY):
        year = school_calendar.create_default_year(school=school, academic_year_start=2026)
    pupils = []
    for i in range(10):
        pupil = make_pupil(school, legal_first_name=f"Mon{i:02d}", year_group="4")
        Concern.objects.create(
            school=school,
            pupil=pupil,
            raised_by=teacher,
            raised_on=date(2026, 10, 1),
            description="x",
            status=Concern.Status.MONITORING,
            review_on=TODAY - timedelta(days=10 - i),
            decided_by=sendco,
        )
        pupils.append(pupil)
    ehc = make_pupil(school, legal_first_name="Ezra", year_group="6")
    put_on(ehc, "E", date(2025, 1, 6), "ASD")
    make_plan(
        ehc, make_authority(school, "Westshire Council"), issued_on=date(2025, 11, 2), by=sendco
    )
    class_of(school, "4T", teachers=[teacher], pupils=pupils, year=year)
    return {"pupils": pupils, "ehc": ehc}


def _home(client, user, school, **query):
    client.force_login(user)
    with time_machine.travel(TODAY):
        return client.get(reverse("school_home", args=[school.slug]), query).content.decode()


def test_home_leads_with_what_is_overdue_and_names_the_la(client, school, sendco, morning):
    page = _home(client, sendco, school)
    # Ten monitoring reviews and a step of Ezra's annual review are overdue.
    overdue = page.index("Overdue: 11 for 11 pupils")
    week = page.index("Due in the next seven days")
    assert overdue < week < page.index("At a glance")
    # The longest overdue first (Ezra's annual review, a year on from 2 November); the first
    # seven pupils only, the rest one click away.
    assert overdue < page.index("Ezra") < page.index("Mon00") < page.index("Mon01") < week
    assert "Mon09" not in page[overdue:week]
    assert "All 11 overdue, for 11 pupils" in page
    # The EHC plan's review is due within the eight weeks, and its LA is named beside it.
    assert "Westshire Council" in page
    assert "EHC annual reviews" in page


def test_the_deadlines_page_filters_and_groups(client, school, sendco, morning):
    client.force_login(sendco)
    url = reverse("deadlines", args=[school.slug])
    with time_machine.travel(TODAY):
        everything = client.get(url).content.decode()
        reviews = client.get(url, {"kind": "register.monitoring_review"}).content.decode()
        by_la = client.get(url, {"authority": "Westshire Council"}).content.decode()
        by_kind = client.get(url, {"by": "kind", "when": "overdue"}).content.decode()
    assert "Mon09" in everything
    assert "Ezra" in everything
    assert "Mon09" in reviews
    assert "Ezra" not in reviews
    assert "Ezra" in by_la
    assert "Mon00" not in by_la
    assert '<h3 class="h6 mb-0 d-inline">Monitoring reviews</h3>' in by_kind
    assert re.search(r"Mon05 \w+: Monitoring review</a>", by_kind)


@pytest.mark.parametrize("extra", [0, 30])
def test_the_deadlines_page_in_constant_queries(
    client, school, sendco, morning, extra, django_assert_num_queries
):
    for i in range(extra):
        Concern.objects.create(
            school=school,
            pupil=make_pupil(school),
            raised_by=sendco,
            raised_on=TODAY - timedelta(days=i % 12),
            description="x",
        )
    client.force_login(sendco)
    url = reverse("deadlines", args=[school.slug])
    with time_machine.travel(TODAY):
        client.get(url)
        # The deadlines kept since the last write, and the header's school switcher since the
        # first page (staff/switcher_cache.py).
        with django_assert_num_queries(8):
            assert client.get(url, {"owner": "sendco"}).status_code == 200
        cache.clear()
        # Worked out again (SEN info report: 1; referrals to outside agencies: 1; Early Help: 1),
        # and the header's school switcher with them (the cache cleared): as on the first page.
        with django_assert_num_queries(30):
            assert client.get(url, {"owner": "sendco"}).status_code == 200


def test_the_register_chart_counts_each_primary_need(client, school, sendco, morning):
    for _i in range(3):
        put_on(make_pupil(school), "K", date(2026, 9, 7), "SPLD")
    page = _home(client, sendco, school)
    chart = page[page.index("The SEN register by primary need") :]
    assert "Specific learning difficulty: 3 SEN support, 0 EHC plan" in chart
    assert "Autistic spectrum disorder: 0 SEN support, 1 EHC plan" in chart


def test_the_kept_register_chart_follows_every_write(client, school, sendco, morning):
    """The chart's counts are kept between writes (staff.deadline_cache): a pupil put on the
    register shows on the next view."""
    put_on(make_pupil(school), "K", date(2026, 9, 7), "SPLD")
    page = _home(client, sendco, school)
    assert "Specific learning difficulty: 1 SEN support" in page
    put_on(make_pupil(school), "K", date(2026, 9, 7), "SPLD")
    page = _home(client, sendco, school)
    assert "Specific learning difficulty: 2 SEN support" in page


def test_a_teachers_home_starts_with_their_groups_and_shows_no_charts(
    client, school, teacher, morning
):
    page = _home(client, teacher, school)
    assert page.index("Your groups today") < page.index("Pupils with SEND in your classes")
    assert "At a glance" not in page


def test_the_governor_sees_no_deadlines(client, school, morning):
    governor = member(school, Role.GOVERNOR, email="gov@acorn.test")
    page = _home(client, governor, school)
    assert "Overdue" not in page
    assert "Mon0" not in page
    assert "Ezra" not in page


# --------------------------------------------------------------------------------------------------
# The header
# --------------------------------------------------------------------------------------------------


def _menu(client, user, school, url_name="school_home"):
    client.force_login(user)
    response = client.get(reverse(url_name, args=[school.slug]))
    request = response.wsgi_request
    return {g.label: [e.label for e in g.entries] for g in menu_for(request)}, response


def test_the_header_groups_the_schools_pages_by_role(client, school, sendco, teacher):
    menu, response = _menu(client, sendco, school)
    assert list(menu) == ["Register", "Plans", "EHC", "Provision", "School"]
    assert menu["EHC"][0] == "Review tracker"
    assert "Audit log" in menu["School"]
    page = response.content.decode()
    assert 'data-bs-toggle="dropdown" aria-expanded="false">EHC</button>' in page

    teacher_menu, _ = _menu(client, teacher, school)
    assert "EHC" not in teacher_menu
    assert "Audit log" not in teacher_menu["School"]


def test_the_header_marks_the_group_of_the_page_shown(client, school, sendco):
    client.force_login(sendco)
    page = client.get(reverse("ehcp:requests", args=[school.slug])).content.decode()
    assert (
        'dropdown-toggle active" type="button" data-bs-toggle="dropdown" aria-expanded="false">EHC'
        in page
    )
    here = reverse("ehcp:requests", args=[school.slug])
    assert f'class="dropdown-item active" aria-current="page" href="{here}">Needs' in page


def test_the_provision_chart_never_counts_more_run_than_planned(school, sendco):
    """This term's delivery counts as the map does: a second session in a week planned for one
    is an extra, not delivery (the "40 of 39" of issue 14)."""
    with time_machine.travel(TODAY):
        school_calendar.create_default_year(school=school, academic_year_start=2026)
    talk = Intervention.objects.create(school=school, name="Talk Boost", broad_area="ci")
    group = Group.objects.create(
        school=school,
        intervention=talk,
        name="Talk Boost Y3",
        status=Group.Status.RUNNING,
        starts_on=date(2026, 11, 16),  # a Monday: two school weeks, 16 and 23 November
        ends_on=date(2027, 3, 1),
        sessions_per_week=1,
        session_minutes=30,
    )
    for day in (date(2026, 11, 16), date(2026, 11, 17), date(2026, 11, 24)):
        Session.objects.create(school=school, group=group, on=day, logged_by=sendco)
    (row,) = term_delivery(school=school, starts_on=date(2026, 11, 2), on=TODAY)
    assert (row.intervention, row.planned, row.run, row.rate) == ("Talk Boost", 2, 2, 100)


@pytest.mark.parametrize(
    ("subjects", "said"),
    [
        ((11, 0), "11 pupils"),
        ((1, 0), "1 pupil"),
        ((10, 1), "10 pupils and 1 member of staff"),
        ((0, 2), "2 members of staff"),
        ((0, 0), "0 pupils"),
    ],
)
def test_the_headings_say_whose_the_deadlines_are(subjects, said):
    assert triage.whom(subjects) == said


def test_a_certificate_to_renew_is_a_member_of_staff_s_not_a_pupil_s():
    today = date(2026, 12, 4)

    def due(kind: str, subject_id: str) -> Deadline:
        day = today - timedelta(days=3)
        return Deadline(
            kind=kind,
            title="x",
            due=day,
            subject=subject_id,
            subject_id=subject_id,
            owner_id=None,
            url="/",
            severity=severity(due=day, today=today),
        )

    found = triage.triage(
        [due("provision.apdr_review", "p1"), due("training.renewal", "s1")], today=today
    )
    assert found.overdue_for == "1 pupil and 1 member of staff"


# A bundle's items as sendco/_bundle.html wrote them before `bundle_items` (kept as
# tests/bundle_template.html): the tag writes the same, with and without severities, by pupil
# and by kind, this year's dates and another's, an authority on the first or a later row, a
# holiday note, a year group or none, and texts with markup.
BUNDLE_TEMPLATE = Path(__file__).parent / "bundle_template.html"


@pytest.mark.parametrize("show_severity", [False, True])
@pytest.mark.parametrize("by_kind", [False, True])
@pytest.mark.parametrize("today", [TODAY, None])
def test_bundle_items_write_what_the_template_wrote(show_severity, by_kind, today):
    from django.template import Context, Template

    old_loop = BUNDLE_TEMPLATE.read_text()
    first = _d("ehcp.review.held", TODAY - timedelta(days=3), "Zoë <b> & 'co'", authority="Kent")
    second = _d("provision.apdr_review", TODAY + timedelta(days=2), authority="Leeds <LA>")
    third = dataclasses.replace(
        _d("register.monitoring_review", date(2027, 1, 4), year=""),
        last_school_day=date(2026, 12, 18),
    )
    fourth = _d("provision.apdr_agree", TODAY + timedelta(days=40))
    bundles = [
        triage.Bundle(key="a", label="Zoë <b>", year_group="3", deadlines=[first, second]),
        triage.Bundle(key="b", label="Reviews & more", deadlines=[third, fourth]),
    ]
    context = Context({"bundles": bundles, "today": today, "by_kind": by_kind})
    old = Template(
        "{% for bundle in bundles %}" + old_loop + "{% endfor %}"
        if not show_severity
        else "{% for bundle in bundles %}{% with show_severity=True %}"
        + old_loop
        + "{% endwith %}{% endfor %}"
    ).render(context)
    new = Template("{% load list_rows %}{% bundle_items bundles show_severity=show %}").render(
        Context({**context.flatten(), "show": show_severity})
    )
    assert re.sub(r"\s+", " ", new).strip() == re.sub(r"\s+", " ", old).strip()
    assert "Zoë &lt;b&gt;" in new
    assert "Kent" in new
    assert ("Leeds &lt;LA&gt;" in new) is by_kind
    assert "the last school day before it is Friday 18 December" in new
    assert ("Overdue" in new) is show_severity
