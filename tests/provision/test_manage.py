"""The SENDCo's provision pages: the catalogue, staff costs, measures, groups and their pupils,
and the notional SEN budget. Every form: its happy path, its bad input with the message the user
sees and nothing saved, another school's ids, and the audit trail."""

from __future__ import annotations

import os
import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from provision.models import (
    Attendance,
    Group,
    GroupPupil,
    Intervention,
    Measure,
    SenBudget,
    Session,
    StaffContract,
    StaffRate,
)
from staff import calendar as school_calendar
from staff.models import AuditEvent
from tests.conftest import CHROMIUM, need
from tests.e2e.conftest import (  # noqa: F401 (fixtures)
    TABLET,
    _screenshots_dir,
    look,
    sign_in,
    watch_csp,
)
from tests.factories import member
from tests.forms_once import post_twice
from tests.register.factories import make_pupil


def url(name: str, school, *args) -> str:
    return reverse(f"provision_manage:{name}", args=[school.slug, *args])


def errors_of(response) -> str:
    """The text of the error summary the user sees."""
    body = response.content.decode()
    assert "There is a problem" in body or "was not removed" in body, body[:2000]
    return body


@pytest.fixture
def year(school):
    start = school_calendar.academic_year_start_for(timezone.localdate())
    return school_calendar.create_default_year(school=school, academic_year_start=start)


@pytest.fixture
def rate(school):
    return StaffRate.objects.create(school=school, name="TA level 3", hourly_cost=Decimal("18.50"))


@pytest.fixture
def measure(school):
    return Measure.objects.create(school=school, name="York reading", kind="standardised")


@pytest.fixture
def talk(school, rate, measure):
    return Intervention.objects.create(
        school=school,
        name="Talk Boost",
        broad_area="ci",
        default_rate=rate,
        default_sessions_per_week=2,
        default_session_minutes=40,
        measure=measure,
        resource_cost_one_off=Decimal("1200"),
        resource_cost_per_pupil=Decimal("5"),
    )


@pytest.fixture
def group(school, year, talk, ta):
    group = Group.objects.create(
        school=school,
        intervention=talk,
        name="Talk Boost Y3",
        status="running",
        starts_on=year.starts_on,
        ends_on=year.ends_on,
        sessions_per_week=2,
        session_minutes=40,
    )
    group.staff.add(ta)
    return group


@pytest.fixture
def place(school, group):
    pupil = make_pupil(school, legal_first_name="Ada", legal_last_name="Lovelace")
    return GroupPupil.objects.create(
        school=school, group=group, pupil=pupil, joined_on=group.starts_on
    )


@pytest.fixture
def beech(other_school):
    """Another school's rows, for forged ids."""
    rate = StaffRate.objects.create(school=other_school, name="Beech TA", hourly_cost=20)
    measure = Measure.objects.create(school=other_school, name="Beech scale", kind="scale")
    intervention = Intervention.objects.create(school=other_school, name="Beech Reading")
    group = Group.objects.create(
        school=other_school,
        intervention=intervention,
        name="Beech group",
        starts_on=date(2026, 9, 1),
        ends_on=date(2027, 7, 20),
        sessions_per_week=1,
        session_minutes=30,
    )
    pupil = make_pupil(other_school, legal_first_name="Bea", legal_last_name="Beech")
    place = GroupPupil.objects.create(
        school=other_school, group=group, pupil=pupil, joined_on=group.starts_on
    )
    contract = StaffContract.objects.create(
        school=other_school,
        user=member(other_school, "ta", email="ta@beech.test"),
        rate=rate,
        hours_per_week=30,
    )
    return {
        "rate": rate,
        "measure": measure,
        "intervention": intervention,
        "group": group,
        "pupil": pupil,
        "place": place,
        "contract": contract,
        "staff": member(other_school, "teacher", email="teacher@beech.test"),
    }


def audited(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


# --------------------------------------------------------------------------------------------
# Intervention catalogue
# --------------------------------------------------------------------------------------------


def test_catalogue_lists_the_schools_interventions_and_hides_archived(
    client, school, sendco, talk, beech
):
    Intervention.objects.create(
        school=school, name="Old scheme", archived_at=timezone.now() - timedelta(days=3)
    )
    client.force_login(sendco)
    body = client.get(url("catalogue", school)).content.decode()
    assert "Talk Boost" in body
    assert "Communication and interaction" in body
    assert "2 × 40 minutes a week" in body
    assert "TA level 3<br>" in body
    assert "£18.50 an hour" in body
    assert "York reading" in body
    assert "£1,200.00 one-off" in body
    assert "£5.00 per pupil" in body
    assert "Add an intervention" in body
    assert "Old scheme" not in body
    assert "Beech Reading" not in body
    assert "Show archived interventions (1)" in body
    body = client.get(url("catalogue", school) + "?archived=1").content.decode()
    assert "Old scheme" in body
    assert "Archived" in body
    assert "Hide archived interventions" in body


INTERVENTION_POST = {
    "name": "Precision Teaching",
    "description": "Daily one-minute probes.",
    "broad_area": "cl",
    "kind": "one_to_one",
    "default_sessions_per_week": "5",
    "default_session_minutes": "10",
    "resource_cost_one_off": "0",
    "resource_cost_per_pupil": "2.50",
}


def test_sendco_adds_an_intervention(client, school, sendco, rate, measure):
    client.force_login(sendco)
    assert client.get(url("intervention_new", school)).status_code == 200
    response = client.post(
        url("intervention_new", school),
        {**INTERVENTION_POST, "default_rate": rate.pk, "measure": measure.pk},
    )
    assert response.status_code == 302
    assert response["Location"] == url("catalogue", school)
    made = Intervention.objects.get(school=school, name="Precision Teaching")
    assert (made.kind, made.default_sessions_per_week, made.default_session_minutes) == (
        "one_to_one",
        5,
        10,
    )
    assert (made.default_rate, made.measure) == (rate, measure)
    assert made.resource_cost_per_pupil == Decimal("2.50")
    [event] = audited("provision.intervention.created")
    assert (event.actor, event.school, event.role) == (sendco, school, "sendco")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": ""}, "Name: This field is required."),
        ({"name": "talk boost"}, "There is already an intervention called talk boost."),
        ({"default_sessions_per_week": "0"}, "greater than or equal to 1"),
        ({"default_session_minutes": "2"}, "greater than or equal to 5"),
        ({"resource_cost_one_off": "-1"}, "greater than or equal to 0"),
        ({"kind": "weekly"}, "Select a valid choice."),
    ],
)
def test_bad_intervention_is_refused_with_a_message(client, school, sendco, talk, change, message):
    client.force_login(sendco)
    response = client.post(url("intervention_new", school), {**INTERVENTION_POST, **change})
    assert response.status_code == 200
    assert message in errors_of(response)
    assert Intervention.objects.filter(school=school).count() == 1
    assert audited("provision.intervention.created") == []


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("measure", "Choose one of this school&#x27;s measures."),
        ("default_rate", "Choose one of this school&#x27;s grades."),
    ],
)
def test_another_schools_measure_or_rate_fails_validation(
    client, school, sendco, beech, field, message
):
    client.force_login(sendco)
    response = client.post(
        url("intervention_new", school),
        {**INTERVENTION_POST, field: beech[field.split("_")[-1]].pk},
    )
    assert response.status_code == 200
    assert message in errors_of(response)
    assert not Intervention.objects.filter(school=school).exists()


def test_sendco_changes_an_intervention_and_the_change_is_audited(client, school, sendco, talk):
    client.force_login(sendco)
    page = client.get(url("intervention_edit", school, talk.pk))
    assert page.context["form"].initial["name"] == "Talk Boost"
    response = client.post(
        url("intervention_edit", school, talk.pk),
        {
            **INTERVENTION_POST,
            "name": "Talk Boost KS1",
            "default_rate": talk.default_rate_id,
            "measure": talk.measure_id,
        },
    )
    assert response.status_code == 302
    talk.refresh_from_db()
    assert talk.name == "Talk Boost KS1"
    [event] = audited("provision.intervention.changed")
    assert "name" in event.detail["changed"]
    assert "measure" not in event.detail["changed"]


def test_archive_hides_an_intervention_from_the_catalogue_and_new_groups(
    client, school, sendco, talk, year
):
    client.force_login(sendco)
    response = client.post(url("intervention_edit", school, talk.pk), {"archive": "1"})
    assert response.status_code == 302
    talk.refresh_from_db()
    assert talk.archived_at is not None
    assert len(audited("provision.intervention.archived")) == 1
    page = client.get(response["Location"])
    assert "archived" in page.content.decode()
    assert list(page.context["interventions"]) == []
    new_group = client.get(url("group_new", school))
    assert talk not in new_group.context["form"].fields["intervention"].queryset
    client.post(url("intervention_edit", school, talk.pk), {"restore": "1"})
    talk.refresh_from_db()
    assert talk.archived_at is None
    assert len(audited("provision.intervention.restored")) == 1


def test_another_schools_intervention_is_a_404_and_stays_unchanged(client, school, sendco, beech):
    client.force_login(sendco)
    theirs = beech["intervention"]
    assert client.get(url("intervention_edit", school, theirs.pk)).status_code == 404
    for data in ({**INTERVENTION_POST, "name": "Mine now"}, {"archive": "1"}):
        assert client.post(url("intervention_edit", school, theirs.pk), data).status_code == 404
    theirs.refresh_from_db()
    assert (theirs.name, theirs.archived_at) == ("Beech Reading", None)
    assert not AuditEvent.objects.filter(action__startswith="provision.").exists()


# --------------------------------------------------------------------------------------------
# Staff costs
# --------------------------------------------------------------------------------------------


def test_costs_page_shows_grades_and_contracts(client, school, sendco, rate, ta, beech):
    StaffContract.objects.create(school=school, user=ta, rate=rate, hours_per_week=32.5)
    client.force_login(sendco)
    body = client.get(url("costs", school)).content.decode()
    assert "TA level 3" in body
    assert "£18.50" in body
    assert "Tara Assistant" in body
    assert "32.5" in body
    assert "Beech TA" not in body
    assert "Add a grade" in body
    assert "Add a contract" in body


def test_head_reads_costs_but_cannot_change_them(client, school, head, rate):
    client.force_login(head)
    body = client.get(url("costs", school)).content.decode()
    assert "£18.50" in body
    assert "Add a grade" not in body
    assert f'href="{url("rate_edit", school, rate.pk)}"' not in body
    response = client.post(url("rate_edit", school, rate.pk), {"name": "X", "hourly_cost": "1"})
    assert response.status_code == 403
    rate.refresh_from_db()
    assert rate.hourly_cost == Decimal("18.50")


def test_sendco_adds_and_changes_a_grade(client, school, sendco, rate):
    client.force_login(sendco)
    response = client.post(url("rate_new", school), {"name": "Teacher M3", "hourly_cost": "42"})
    assert response.status_code == 302
    made = StaffRate.objects.get(school=school, name="Teacher M3")
    assert made.hourly_cost == Decimal("42")
    assert len(audited("provision.rate.created")) == 1
    response = client.post(
        url("rate_edit", school, rate.pk), {"name": "TA level 3", "hourly_cost": "19.10"}
    )
    assert response.status_code == 302
    rate.refresh_from_db()
    assert rate.hourly_cost == Decimal("19.10")
    [event] = audited("provision.rate.changed")
    assert event.detail["hourly_cost_was"] == "18.50"
    assert event.detail["hourly_cost"] == "19.10"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "Teacher", "hourly_cost": "-3"}, "greater than or equal to 0"),
        ({"name": "Teacher", "hourly_cost": "lots"}, "Enter a number."),
        (
            {"name": "ta level 3", "hourly_cost": "20"},
            "There is already a grade called ta level 3.",
        ),
    ],
)
def test_bad_grade_is_refused(client, school, sendco, rate, data, message):
    client.force_login(sendco)
    response = client.post(url("rate_new", school), data)
    assert response.status_code == 200
    assert message in errors_of(response)
    assert StaffRate.objects.filter(school=school).count() == 1


def test_sendco_adds_and_changes_a_contract(client, school, sendco, rate, ta, governor):
    client.force_login(sendco)
    page = client.get(url("contract_new", school))
    choices = {u.pk for u in page.context["form"].fields["user"].queryset}
    assert ta.pk in choices
    assert sendco.pk in choices
    assert governor.pk not in choices
    assert "Tara Assistant (Teaching assistant)" in page.content.decode()
    response = client.post(
        url("contract_new", school), {"user": ta.pk, "rate": rate.pk, "hours_per_week": "32.5"}
    )
    assert response.status_code == 302
    contract = StaffContract.objects.get(school=school, user=ta)
    assert contract.hours_per_week == Decimal("32.5")
    assert audited("provision.contract.created")[0].detail["user"] == "ta@acorn.test"
    response = client.post(
        url("contract_edit", school, contract.pk), {"rate": rate.pk, "hours_per_week": "25"}
    )
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.hours_per_week == Decimal("25")
    assert audited("provision.contract.changed")[0].detail["changed"] == ["hours_per_week"]


def test_bad_contracts_are_refused(client, school, sendco, rate, ta, beech):
    StaffContract.objects.create(school=school, user=ta, rate=rate, hours_per_week=30)
    client.force_login(sendco)
    cases = [
        (
            {"user": beech["staff"].pk, "rate": rate.pk, "hours_per_week": "30"},
            "Choose a member of staff of this school.",
        ),
        (
            {"user": sendco.pk, "rate": beech["rate"].pk, "hours_per_week": "30"},
            "Choose one of this school&#x27;s grades.",
        ),
        (
            {"user": ta.pk, "rate": rate.pk, "hours_per_week": "30"},
            "Tara Assistant already has a contract here: change that one instead.",
        ),
        (
            {"user": sendco.pk, "rate": rate.pk, "hours_per_week": "0"},
            "Enter the hours a week, more than 0.",
        ),
    ]
    for data, message in cases:
        response = client.post(url("contract_new", school), data)
        assert response.status_code == 200
        assert message in errors_of(response), message
    assert StaffContract.objects.filter(school=school).count() == 1
    assert audited("provision.contract.created") == []


def test_another_schools_grade_and_contract_are_404(client, school, sendco, rate, beech):
    client.force_login(sendco)
    theirs_rate, theirs_contract = beech["rate"], beech["contract"]
    assert client.get(url("rate_edit", school, theirs_rate.pk)).status_code == 404
    assert (
        client.post(
            url("rate_edit", school, theirs_rate.pk), {"name": "x", "hourly_cost": "1"}
        ).status_code
        == 404
    )
    assert client.get(url("contract_edit", school, theirs_contract.pk)).status_code == 404
    assert (
        client.post(
            url("contract_edit", school, theirs_contract.pk),
            {"rate": rate.pk, "hours_per_week": "1"},
        ).status_code
        == 404
    )
    theirs_rate.refresh_from_db()
    theirs_contract.refresh_from_db()
    assert theirs_rate.hourly_cost == 20
    assert theirs_contract.hours_per_week == 30


# --------------------------------------------------------------------------------------------
# Measures
# --------------------------------------------------------------------------------------------


def test_sendco_adds_and_changes_a_measure(client, school, sendco, measure, beech):
    client.force_login(sendco)
    body = client.get(url("measures", school)).content.decode()
    assert "York reading" in body
    assert "Beech scale" not in body
    response = client.post(url("measure_new", school), {"name": "SDQ", "kind": "sdq"})
    assert response.status_code == 302
    sdq = Measure.objects.get(school=school, name="SDQ")
    assert sdq.higher_is_better is False  # unticked box: lower is better
    assert len(audited("provision.measure.created")) == 1
    response = client.post(
        url("measure_edit", school, measure.pk),
        {"name": "York reading", "kind": "standardised", "higher_is_better": "on"},
    )
    assert response.status_code == 302
    response = client.post(
        url("measure_edit", school, measure.pk),
        {"name": "York reading", "kind": "reading_age", "higher_is_better": "on"},
    )
    measure.refresh_from_db()
    assert measure.kind == "reading_age"
    # Saving with no change writes no audit event; the real change writes one.
    assert [e.detail["changed"] for e in audited("provision.measure.changed")] == [["kind"]]


def test_bad_measure_is_refused_and_another_schools_is_404(client, school, sendco, measure, beech):
    client.force_login(sendco)
    response = client.post(url("measure_new", school), {"name": "York Reading", "kind": "scale"})
    assert "There is already a measure called York Reading." in errors_of(response)
    response = client.post(url("measure_new", school), {"name": "New", "kind": ""})
    assert "Kind: This field is required." in errors_of(response)
    assert Measure.objects.filter(school=school).count() == 1
    theirs = beech["measure"]
    assert client.get(url("measure_edit", school, theirs.pk)).status_code == 404
    response = client.post(url("measure_edit", school, theirs.pk), {"name": "x", "kind": "sdq"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "Beech scale"


# --------------------------------------------------------------------------------------------
# Groups
# --------------------------------------------------------------------------------------------


def test_groups_list_filters_by_status(client, school, sendco, group, place, beech):
    Group.objects.create(
        school=school,
        intervention=group.intervention,
        name="Planned later",
        starts_on=group.starts_on,
        ends_on=group.ends_on,
        sessions_per_week=1,
        session_minutes=30,
    )
    client.force_login(sendco)
    page = client.get(url("groups", school))
    body = page.content.decode()
    assert "Talk Boost Y3" in body
    assert "Planned later" in body
    assert "Beech group" not in body
    assert "All (2)" in body
    assert "Running (1)" in body
    assert "Planned (1)" in body
    assert "Tara Assistant" in body
    running = {g.name: g for g in page.context["groups"]}["Talk Boost Y3"]
    assert running.pupil_count == 1
    page = client.get(url("groups", school) + "?status=running")
    assert [g.name for g in page.context["groups"]] == ["Talk Boost Y3"]
    assert 'aria-current="page" href="' in page.content.decode()
    page = client.get(url("groups", school) + "?status=nonsense")
    assert len(page.context["groups"]) == 2


# The groups' rows as the template's loop wrote them before `group_manage_rows` (kept beside
# this file): the tag must write the same rows, with and without the manager's links.
GROUP_ROWS_TEMPLATE = (Path(__file__).parent / "group_manage_rows_template.html").read_text()


def test_the_group_rows_write_what_the_template_wrote(client, school, sendco, head, group, place):
    from django.template import Context, Template

    Group.objects.create(
        school=school,
        intervention=group.intervention,
        name="Odd <b> & 'co'",
        starts_on=group.starts_on,
        ends_on=group.ends_on,
        sessions_per_week=1,
        session_minutes=30,
    )
    group.staff.add(member(school, "teacher", full_name="Zed <i>"))
    for person, links in ((sendco, True), (head, False)):
        client.force_login(person)
        response = client.get(url("groups", school))
        groups = response.context["groups"]
        context = Context({"groups": groups, "current_school": school, "can_manage": links})
        old = Template(GROUP_ROWS_TEMPLATE).render(context)
        new = Template("{% load list_rows %}{% group_manage_rows groups can_manage %}").render(
            context
        )
        assert re.sub(r"\s+", " ", new).strip() == re.sub(r"\s+", " ", old).strip()
        page = re.sub(r"\s+", " ", response.content.decode())
        assert re.sub(r"\s+", " ", new).strip() in page
        assert "Odd &lt;b&gt; &amp; &#x27;co&#x27;" in page
        assert "Nobody yet" in new
        assert "Tara Assistant, Zed &lt;i&gt;" in new or "Zed &lt;i&gt;, Tara Assistant" in new
        assert ("Change<span" in new) is links


def group_post(talk, *staff, **change) -> dict:
    data = {
        "intervention": talk.pk,
        "name": "Talk Boost Y4",
        "staff": [u.pk for u in staff],
        "starts_on": "2026-11-30",
        "ends_on": "2027-02-12",
        "sessions_per_week": "3",
        "session_minutes": "30",
        "days": ["0", "2", "4"],
        "time": "09:15",
        "room": "Library",
        "status": "planned",
        "funding": "notional_sen",
        "rate": talk.default_rate_id,
    }
    return {**data, **change}


def test_choosing_an_intervention_fills_in_its_usual_settings(client, school, sendco, talk, year):
    client.force_login(sendco)
    page = client.get(url("group_new", school) + f"?intervention={talk.pk}")
    initial = page.context["form"].initial
    assert initial["intervention"] == talk.pk
    assert (initial["sessions_per_week"], initial["session_minutes"]) == (2, 40)
    assert initial["rate"] == talk.default_rate_id
    body = page.content.decode()
    assert 'name="sessions_per_week" value="2"' in body
    assert "Filled in from Talk Boost: 2 × 40 minutes a week." in body
    # Another school's intervention (or nonsense) fills in nothing.
    page = client.get(url("group_new", school) + "?intervention=999999")
    assert "intervention" not in page.context["form"].initial


def test_sendco_adds_a_group(client, school, sendco, talk, ta, teacher):
    client.force_login(sendco)
    response = client.post(url("group_new", school), group_post(talk, ta, teacher))
    assert response.status_code == 302
    group = Group.objects.get(school=school, name="Talk Boost Y4")
    assert response["Location"] == url("group_pupils", school, group.public_id)
    assert group.days == "0,2,4"
    assert set(group.staff.all()) == {ta, teacher}
    assert (group.starts_on, group.ends_on) == (date(2026, 11, 30), date(2027, 2, 12))
    assert (group.status, group.funding, group.rate_id) == (
        "planned",
        "notional_sen",
        talk.default_rate_id,
    )
    [event] = audited("provision.group.created")
    assert event.object_id == str(group.public_id)
    assert event.detail["staff"] == ["ta@acorn.test", "teacher@acorn.test"]


def test_group_form_shows_saved_days_as_ticked_boxes(client, school, sendco, group):
    group.days = "1,3"
    group.save()
    client.force_login(sendco)
    page = client.get(url("group_edit", school, group.public_id))
    assert page.context["form"].initial["days"] == [1, 3]
    body = page.content.decode()
    assert re.search(r'value="1"\s+id="id_days_1" checked', body)
    assert re.search(r'value="3"\s+id="id_days_3" checked', body)
    assert not re.search(r'value="0"\s+id="id_days_0" checked', body)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"ends_on": "2026-11-01"},
            "The last day must be on or after the first day (30 November 2026).",
        ),
        ({"starts_on": ""}, "First day: This field is required."),
        (
            {"days": ["0", "2"]},
            "Tick 3 days to match the sessions a week, or leave all days unticked.",
        ),
        ({"sessions_per_week": "0"}, "greater than or equal to 1"),
        ({"session_minutes": "1"}, "greater than or equal to 5"),
        ({"days": ["6"]}, "Select a valid choice."),
    ],
)
def test_bad_group_is_refused_with_a_message(client, school, sendco, talk, change, message):
    client.force_login(sendco)
    response = client.post(url("group_new", school), group_post(talk, **change))
    assert response.status_code == 200
    assert message in errors_of(response)
    assert not Group.objects.filter(school=school).exists()
    assert audited("provision.group.created") == []


def test_forged_ids_from_another_school_fail_group_validation(
    client, school, sendco, talk, ta, beech
):
    client.force_login(sendco)
    cases = [
        ({"intervention": beech["intervention"].pk}, "Choose an intervention of this school"),
        ({"rate": beech["rate"].pk}, "Choose one of this school&#x27;s grades."),
        ({"staff": [ta.pk, beech["staff"].pk]}, "Choose members of staff of this school."),
    ]
    for change, message in cases:
        response = client.post(url("group_new", school), group_post(talk, ta, **change))
        assert response.status_code == 200
        assert message in errors_of(response), message
    talk.archived_at = timezone.now()
    talk.save()
    response = client.post(url("group_new", school), group_post(talk, ta))
    assert "Choose an intervention of this school" in errors_of(response)
    assert not Group.objects.filter(school=school).exists()


def test_sendco_changes_a_group_and_its_staff(client, school, sendco, group, ta, teacher, talk):
    client.force_login(sendco)
    response = client.post(
        url("group_edit", school, group.public_id),
        group_post(
            talk,
            teacher,
            name="Talk Boost Y3",
            starts_on=group.starts_on.isoformat(),
            ends_on=group.ends_on.isoformat(),
            sessions_per_week="2",
            days=["1", "3"],
            status="running",
        ),
    )
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.days == "1,3"
    assert list(group.staff.all()) == [teacher]
    [event] = audited("provision.group.changed")
    assert {"days", "staff", "time", "room"} <= set(event.detail["changed"])
    assert "name" not in event.detail["changed"]


def test_an_archived_intervention_stays_on_its_groups_form(client, school, sendco, group, talk):
    talk.archived_at = timezone.now()
    talk.save()
    client.force_login(sendco)
    page = client.get(url("group_edit", school, group.public_id))
    assert talk in page.context["form"].fields["intervention"].queryset


def test_another_schools_group_is_a_404_and_stays_unchanged(client, school, sendco, talk, beech):
    client.force_login(sendco)
    theirs = beech["group"]
    for name in ("group_edit", "group_pupils"):
        assert client.get(url(name, school, theirs.public_id)).status_code == 404
    response = client.post(url("group_edit", school, theirs.public_id), group_post(talk))
    assert response.status_code == 404
    response = client.post(
        url("group_pupils", school, theirs.public_id),
        {"pupil": beech["pupil"].pk, "joined_on": "2026-11-25"},
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "Beech group"
    assert GroupPupil.objects.filter(group=theirs).count() == 1


# --------------------------------------------------------------------------------------------
# Pupils of a group
# --------------------------------------------------------------------------------------------


def test_sendco_adds_a_pupil_to_a_group(client, school, sendco, group, place):
    pupil = make_pupil(school, legal_first_name="Grace", legal_last_name="Hopper", year_group="4")
    client.force_login(sendco)
    page = client.get(url("group_pupils", school, group.public_id))
    body = page.content.decode()
    assert "Lovelace, Ada" in body
    assert "Hopper, Grace (Year 4)" in body  # in the choice of pupils
    assert "Scores are on the York reading measure." in body
    response = client.post(
        url("group_pupils", school, group.public_id),
        {"pupil": pupil.pk, "joined_on": "2026-11-23", "entry_score": "84", "target_score": "90"},
    )
    assert response.status_code == 302
    added = GroupPupil.objects.get(group=group, pupil=pupil)
    assert (added.school, added.joined_on, added.entry_score, added.target_score) == (
        school,
        date(2026, 11, 23),
        Decimal("84"),
        Decimal("90"),
    )
    [event] = audited("provision.place.added")
    assert event.pupil_public_id == pupil.public_id
    assert event.detail["group"] == str(group.public_id)


def test_a_pupil_of_another_school_or_already_in_the_group_is_refused(
    client, school, sendco, group, place, beech
):
    left = make_pupil(school, admission_date=date(2020, 9, 1), leaving_date=date(2025, 7, 20))
    client.force_login(sendco)
    cases = [
        ({"pupil": beech["pupil"].pk}, "Choose a pupil on roll at this school."),
        ({"pupil": left.pk}, "Choose a pupil on roll at this school."),
        ({"pupil": place.pupil.pk}, "Ada Lovelace is already in this group."),
        ({"pupil": ""}, "Pupil: This field is required."),
        (
            {"pupil": make_pupil(school).pk, "joined_on": "2026-08-01"},
            "Enter a date within the group&#x27;s dates,",
        ),
    ]
    for change, message in cases:
        response = client.post(
            url("group_pupils", school, group.public_id), {"joined_on": "2026-11-25", **change}
        )
        assert response.status_code == 200
        assert message in errors_of(response), message
    assert GroupPupil.objects.filter(group=group).count() == 1
    assert audited("provision.place.added") == []


def test_sendco_changes_a_place(client, school, sendco, group, place):
    client.force_login(sendco)
    page = client.get(url("place_edit", school, group.public_id, place.pk))
    assert "Remove Ada Lovelace from the group" in page.content.decode()
    response = client.post(
        url("place_edit", school, group.public_id, place.pk),
        {
            "joined_on": place.joined_on.isoformat(),
            "left_on": "2026-12-18",
            "entry_score": "80",
            "target_score": "88",
            "exit_score": "91",
        },
    )
    assert response.status_code == 302
    place.refresh_from_db()
    assert (place.left_on, place.exit_score) == (date(2026, 12, 18), Decimal("91"))
    [event] = audited("provision.place.changed")
    assert event.pupil_public_id == place.pupil.public_id
    assert set(event.detail["changed"]) == {"left_on", "entry_score", "target_score", "exit_score"}


def test_leaving_before_joining_is_refused(client, school, sendco, group, place):
    client.force_login(sendco)
    response = client.post(
        url("place_edit", school, group.public_id, place.pk),
        {"joined_on": "2026-10-01", "left_on": "2026-09-20"},
    )
    assert response.status_code == 200
    assert (
        "The day they left must be on or after the day they joined (1 October 2026)."
        in errors_of(response)
    )
    place.refresh_from_db()
    assert (place.joined_on, place.left_on) == (group.starts_on, None)
    assert audited("provision.place.changed") == []


def test_a_place_without_attendance_can_be_removed(client, school, sendco, group, place):
    client.force_login(sendco)
    response = client.post(url("place_edit", school, group.public_id, place.pk), {"remove": "1"})
    assert response.status_code == 302
    assert not GroupPupil.objects.filter(pk=place.pk).exists()
    [event] = audited("provision.place.removed")
    assert event.pupil_public_id == place.pupil.public_id


def test_a_place_with_attendance_keeps_its_history(client, school, sendco, ta, group, place):
    session = Session.objects.create(school=school, group=group, on=group.starts_on, logged_by=ta)
    Attendance.objects.create(school=school, session=session, pupil=place.pupil, present=True)
    client.force_login(sendco)
    page = client.get(url("place_edit", school, group.public_id, place.pk))
    body = page.content.decode()
    assert "so the place cannot be removed" in body
    assert 'name="remove"' not in body
    response = client.post(url("place_edit", school, group.public_id, place.pk), {"remove": "1"})
    assert response.status_code == 400
    assert "enter the day they left instead" in errors_of(response)
    assert GroupPupil.objects.filter(pk=place.pk).exists()
    assert audited("provision.place.removed") == []


def test_another_schools_place_or_another_groups_place_is_a_404(
    client, school, sendco, group, place, beech
):
    other_group = Group.objects.create(
        school=school,
        intervention=group.intervention,
        name="Other",
        starts_on=group.starts_on,
        ends_on=group.ends_on,
        sessions_per_week=1,
        session_minutes=30,
    )
    client.force_login(sendco)
    theirs = beech["place"]
    for group_id, place_id in (
        (group.public_id, theirs.pk),
        (beech["group"].public_id, theirs.pk),
        (other_group.public_id, place.pk),
    ):
        target = url("place_edit", school, group_id, place_id)
        assert client.get(target).status_code == 404
        assert client.post(target, {"remove": "1"}).status_code == 404
        assert client.post(target, {"joined_on": "2026-10-01"}).status_code == 404
    assert GroupPupil.objects.filter(pk__in=[theirs.pk, place.pk]).count() == 2
    theirs.refresh_from_db()
    assert theirs.joined_on == beech["group"].starts_on


# --------------------------------------------------------------------------------------------
# Notional SEN budget
# --------------------------------------------------------------------------------------------


def test_sendco_enters_and_changes_the_years_budget(client, school, sendco, year):
    client.force_login(sendco)
    page = client.get(url("budget", school))
    assert f"No budget has been entered for {year.name} yet." in page.content.decode()
    response = client.post(url("budget", school), {"amount": "84000"})
    assert response.status_code == 302
    budget = SenBudget.objects.get(school=school)
    assert (budget.academic_year, budget.amount) == (year, Decimal("84000"))
    page = client.get(response["Location"])
    assert "£84,000.00" in page.content.decode()
    client.post(url("budget", school), {"amount": "86500.50"})
    budget.refresh_from_db()
    assert budget.amount == Decimal("86500.50")
    assert SenBudget.objects.filter(school=school).count() == 1
    events = audited("provision.budget.set")
    assert [e.detail["amount"] for e in events] == ["86500.50", "84000"]
    assert events[0].detail["was"] == "84000.00"


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0", "Enter an amount of more than £0."),
        ("-10", "Enter an amount of more than £0."),
        ("", "This field is required."),
        ("lots", "Enter a number."),
    ],
)
def test_bad_budget_is_refused(client, school, sendco, year, amount, message):
    client.force_login(sendco)
    response = client.post(url("budget", school), {"amount": amount})
    assert response.status_code == 200
    assert message in errors_of(response)
    assert not SenBudget.objects.exists()


def test_budget_needs_this_years_term_dates(client, school, sendco):
    client.force_login(sendco)
    page = client.get(url("budget", school))
    assert "There is no academic year containing today" in page.content.decode()
    client.post(url("budget", school), {"amount": "1000"})
    assert not SenBudget.objects.exists()


# --------------------------------------------------------------------------------------------
# Who may do what
# --------------------------------------------------------------------------------------------

READ_PAGES = ("catalogue", "costs", "measures", "groups")
WRITE_PAGES = (
    "intervention_new",
    "rate_new",
    "contract_new",
    "measure_new",
    "group_new",
    "budget",
)


@pytest.mark.parametrize("role", ["sendco", "trust_lead", "head"])
def test_sendco_lead_and_head_read_the_lists(client, school, role, request):
    client.force_login(request.getfixturevalue(role))
    for name in READ_PAGES:
        assert client.get(url(name, school)).status_code == 200, name


def test_head_gets_403_on_every_write(client, school, head, group, place, rate, measure, ta):
    contract = StaffContract.objects.create(school=school, user=ta, rate=rate, hours_per_week=30)
    client.force_login(head)
    targets = [url(name, school) for name in WRITE_PAGES] + [
        url("intervention_edit", school, group.intervention_id),
        url("rate_edit", school, rate.pk),
        url("contract_edit", school, contract.pk),
        url("measure_edit", school, measure.pk),
        url("group_edit", school, group.public_id),
        url("group_pupils", school, group.public_id),
        url("place_edit", school, group.public_id, place.pk),
    ]
    for target in targets:
        assert client.get(target).status_code == 403, target
        assert (
            client.post(target, {"name": "Hacked", "remove": "1", "archive": "1"}).status_code
            == 403
        )
    assert GroupPupil.objects.filter(pk=place.pk).exists()
    assert not AuditEvent.objects.filter(action__startswith="provision.").exists()


@pytest.mark.parametrize("role", ["teacher", "ta", "governor"])
def test_teacher_ta_and_governor_get_403(client, school, role, request, group):
    client.force_login(request.getfixturevalue(role))
    for name in READ_PAGES + WRITE_PAGES:
        assert client.get(url(name, school)).status_code == 403, name
    assert client.post(url("group_edit", school, group.public_id), {}).status_code == 403


def test_head_sees_no_change_links(client, school, head, group, talk, measure):
    client.force_login(head)
    hidden = {
        "catalogue": ["Add an intervention", url("intervention_edit", school, talk.pk)],
        "costs": ["Add a grade", "Add a contract", url("rate_edit", school, talk.default_rate_id)],
        "measures": ["Add a measure", url("measure_edit", school, measure.pk)],
        "groups": ["Add a group", url("group_edit", school, group.public_id)],
    }
    for name, texts in hidden.items():
        body = client.get(url(name, school)).content.decode()
        for text in [*texts, url("budget", school)]:
            assert text not in body, (name, text)


# --------------------------------------------------------------------------------------------
# Query counts: the same at 2 and 30 rows
# --------------------------------------------------------------------------------------------

CATALOGUE_QUERIES = 12
GROUPS_QUERIES = 13


@pytest.mark.parametrize("rows", [2, 30])
def test_catalogue_queries_do_not_grow(client, school, sendco, rows, django_assert_num_queries):
    for i in range(rows):
        rate = StaffRate.objects.create(school=school, name=f"Grade {i}", hourly_cost=20)
        measure = Measure.objects.create(school=school, name=f"Measure {i}", kind="scale")
        Intervention.objects.create(
            school=school, name=f"Intervention {i}", default_rate=rate, measure=measure
        )
    client.force_login(sendco)
    with django_assert_num_queries(CATALOGUE_QUERIES):
        response = client.get(url("catalogue", school))
    assert len(response.context["interventions"]) == rows


@pytest.mark.parametrize("rows", [2, 30])
def test_groups_list_queries_do_not_grow(
    client, school, sendco, ta, teacher, talk, year, rows, django_assert_num_queries
):
    pupils = [make_pupil(school) for _ in range(3)]
    for i in range(rows):
        group = Group.objects.create(
            school=school,
            intervention=talk,
            name=f"Group {i}",
            status="running" if i % 2 else "planned",
            starts_on=year.starts_on,
            ends_on=year.ends_on,
            sessions_per_week=2,
            session_minutes=30,
        )
        group.staff.add(ta, teacher)
        for pupil in pupils:
            GroupPupil.objects.create(
                school=school, group=group, pupil=pupil, joined_on=year.starts_on
            )
    client.force_login(sendco)
    with django_assert_num_queries(GROUPS_QUERIES):
        response = client.get(url("groups", school))
    groups = list(response.context["groups"])
    assert len(groups) == rows
    assert {g.pupil_count for g in groups} == {3}


# --------------------------------------------------------------------------------------------
# In a browser: the SENDCo's journey on a tablet, every page axe-clean
# --------------------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.usefixtures("watch_csp")
@pytest.mark.django_db(transaction=True)
def test_sendco_sets_up_a_group_in_the_browser(
    page,
    live_server,
    look,  # noqa: F811 (the fixture imported above)
    school,
    sendco,
    ta,
    year,
    rate,
    measure,
):
    """Add an intervention, start a group from it (its usual settings filled in), add a pupil,
    enter the budget; every page and every error state goes through axe-core."""
    need(os.path.exists(CHROMIUM), "Chromium is not installed")
    make_pupil(school, legal_first_name="Grace", legal_last_name="Hopper", year_group="4")
    page.set_viewport_size(TABLET)
    sign_in(page, live_server, look, "sendco@acorn.test")
    base = f"{live_server.url}/s/{school.slug}/provision/manage/"

    page.goto(base + "catalogue/")
    look(page, "catalogue-empty")
    page.get_by_role("link", name="Add an intervention").click()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Name: This field is required.")
    look(page, "intervention-errors")
    page.get_by_label("Name").fill("Lexia")
    page.get_by_label("Broad area of need").select_option(label="Cognition and learning")
    page.get_by_label("Usual grade of staff").select_option(label=str(rate))
    page.get_by_label("Usual sessions a week").fill("3")
    page.get_by_label("Usual session length (minutes)").fill("20")
    page.get_by_label("Entry and exit measure").select_option(label="York reading")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Lexia saved in the catalogue.")
    look(page, "catalogue")

    page.get_by_role("link", name="Groups", exact=True).click()
    look(page, "groups-empty")
    page.get_by_role("link", name="Add a group").click()
    page.get_by_label("Intervention", exact=True).first.select_option(label="Lexia")
    page.get_by_role("button", name="Fill in its usual settings").click()
    expect(page.get_by_label("Sessions a week")).to_have_value("3")
    expect(page.get_by_label("Session length (minutes)")).to_have_value("20")
    look(page, "group-new")
    page.get_by_label("Group name").fill("Lexia Year 4")
    page.get_by_label("Tara Assistant (Teaching assistant)").check()
    page.get_by_label("First day").fill(year.starts_on.isoformat())
    page.get_by_label("Last day").fill((year.starts_on - timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Save group").click()
    expect(page.get_by_role("alert")).to_contain_text("The last day must be on or after")
    look(page, "group-errors")
    page.get_by_label("Last day").fill(year.ends_on.isoformat())
    page.get_by_label("Status").select_option(label="Running")
    page.get_by_role("button", name="Save group").click()
    expect(page.get_by_role("heading", name="Pupils of Lexia Year 4")).to_be_visible()

    page.get_by_role("combobox", name="Pupil").select_option(label="Hopper, Grace (Year 4)")
    page.get_by_label("Entry score (optional)").fill("82")
    page.get_by_label("Target score (optional)").fill("90")
    page.get_by_role("button", name="Add to the group").click()
    expect(page.get_by_role("status")).to_contain_text("Grace Hopper added to Lexia Year 4.")
    look(page, "group-pupils")
    page.get_by_role("link", name="Change Grace Hopper's place").click()
    look(page, "place")

    page.get_by_role("link", name="Notional SEN budget").click()
    page.get_by_label("Notional SEN budget for the year (£)").fill("0")
    page.get_by_role("button", name="Save the budget").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter an amount of more than £0.")
    look(page, "budget-errors")
    page.get_by_label("Notional SEN budget for the year (£)").fill("84000")
    page.get_by_role("button", name="Save the budget").click()
    expect(page.get_by_role("status")).to_contain_text("saved: £84,000.00")
    look(page, "budget")

    group = Group.objects.get(school=school, name="Lexia Year 4")
    assert (group.sessions_per_week, group.session_minutes, group.rate) == (3, 20, rate)
    assert group.places.get().entry_score == Decimal("82")


def test_a_group_sent_twice_is_added_once(client, school, sendco, talk, ta, teacher):
    client.force_login(sendco)
    first, second = post_twice(client, url("group_new", school), group_post(talk, ta, teacher))
    assert (first.status_code, second.status_code) == (302, 302)
    group = Group.objects.get(school=school, name="Talk Boost Y4")
    assert second["Location"] == first["Location"] == url("group_pupils", school, group.public_id)


def test_groups_list_pages_by_fifty(client, school, sendco, talk, year):
    Group.objects.bulk_create(
        Group(
            school=school,
            intervention=talk,
            name=f"Group {i:02d}",
            status="running",
            starts_on=year.starts_on,
            ends_on=year.ends_on,
            sessions_per_week=2,
            session_minutes=30,
        )
        for i in range(55)
    )
    client.force_login(sendco)
    first = client.get(url("groups", school), {"status": "running"})
    body = first.content.decode()
    assert len(first.context["groups"]) == 50
    assert "55 running groups; page 1 of 2" in body
    assert "?status=running&amp;page=2" in body
    second = client.get(url("groups", school), {"status": "running", "page": 2})
    assert [g.name for g in second.context["groups"]] == [f"Group {i}" for i in range(50, 55)]
