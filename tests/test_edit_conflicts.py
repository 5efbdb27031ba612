"""No silent lost edits: two people open the same edit form, one saves, and the other's save is
refused with the first person's version beside their own, their typed text kept, until they save
again (staff/edits.py, called by `save_form`)."""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django import forms
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ehcp.models import Advice, AssessmentRequest, PlanOutcome, ProvisionItem
from provision.models import (
    Group,
    GroupPupil,
    Intervention,
    Measure,
    SenBudget,
    StaffContract,
    StaffRate,
)
from register.models import NeedType
from staff import calendar as school_calendar
from staff.edits import MESSAGE
from staff.models import Membership, Role
from staff.tenancy import access_for
from tests.ehcp.factories import make_authority, make_plan, make_review
from tests.factories import member
from tests.register.factories import class_of, make_pupil, put_on

THEIRS = "Bea saved this first: uses a visual timetable"
YOURS = "Ann typed this second: needs movement breaks"


@pytest.fixture(autouse=True)
def _in_term_time():
    with time_machine.travel(dt.datetime(2026, 11, 25, 10, tzinfo=dt.UTC), tick=False):
        yield


@dataclass
class Case:
    url: str
    field: str
    read: object  # () -> the stored value, as posted
    theirs: str | list = THEIRS
    yours: str | list = YOURS
    shown: str = ""  # how their value reads on the page, when not as posted


def _plan_cycle(school, sendco, pupil, today):
    from plans import services as plan_services

    access = access_for(sendco, school)
    plan = plan_services.plan_start(access=access, pupil=pupil, today=today - timedelta(days=30))
    cycle = plan.cycles.get()
    target = plan_services.target_save(
        access=access,
        cycle=cycle,
        groups=[],
        description="Read 40 words a minute",
        measure="Words a minute",
        baseline="20",
        expected="40",
        by_when=today + timedelta(days=60),
        need_type=NeedType.objects.get(code="SLCN"),
    )
    return cycle, target


@pytest.fixture
def world(school, sendco, ta, teacher):
    today = timezone.localdate()
    start = school_calendar.academic_year_start_for(today)
    year = school_calendar.create_default_year(school=school, academic_year_start=start)
    mina = make_pupil(school, legal_first_name="Mina", legal_last_name="Mine")
    put_on(mina, "K", date(2025, 1, 6), "SLCN")
    eli = make_pupil(school, legal_first_name="Eli", legal_last_name="Ehc")
    put_on(eli, "E", date(2025, 1, 6), "SEMH")
    cycle, target = _plan_cycle(school, sendco, mina, today)
    authority = make_authority(school)
    ehc = make_plan(eli, authority, issued_on=today - timedelta(days=100), by=sendco)
    version = ehc.versions.get()
    outcome = PlanOutcome.objects.create(version=version, outcome="Talk with a peer")
    item = ProvisionItem.objects.create(
        version=version, description="Speech therapy", hours_per_week=Decimal("1.0")
    )
    review = make_review(ehc, meeting_on=today + timedelta(days=60), by=sendco)
    found = AssessmentRequest.objects.create(
        school=school,
        pupil=mina,
        authority=authority,
        requested_by="school",
        received_on=today - timedelta(days=10),
        created_by=sendco,
    )
    rate = StaffRate.objects.create(school=school, name="TA level 3", hourly_cost=Decimal("18.50"))
    measure = Measure.objects.create(school=school, name="York reading", kind="standardised")
    talk = Intervention.objects.create(school=school, name="Talk Boost", default_rate=rate)
    group = Group.objects.create(
        school=school,
        intervention=talk,
        name="Talk Boost Y3",
        status="running",
        starts_on=year.starts_on,
        ends_on=year.ends_on,
        sessions_per_week=3,
        session_minutes=30,
        days="0,2,4",
    )
    place = GroupPupil.objects.create(
        school=school, group=group, pupil=mina, joined_on=year.starts_on
    )
    contract = StaffContract.objects.create(
        school=school, user=ta, rate=rate, hours_per_week=Decimal("30")
    )
    advice = Advice.objects.create(
        school=school, review=review, contributor="parents", requested_on=today - timedelta(days=5)
    )
    budget = SenBudget.objects.create(school=school, academic_year=year, amount=Decimal("84000"))
    return {
        "advice": advice,
        "budget": budget,
        "teacher": teacher,
        "second_teacher": member(school, Role.TEACHER, full_name="Tess Second"),
        "year": year,
        "today": today,
        "mina": mina,
        "eli": eli,
        "cycle": cycle,
        "target": target,
        "authority": authority,
        "version": version,
        "outcome": outcome,
        "item": item,
        "review": review,
        "request": found,
        "rate": rate,
        "measure": measure,
        "talk": talk,
        "group": group,
        "place": place,
        "contract": contract,
    }


def _url(name, school, *args):
    return reverse(name, args=[school.slug, *args])


def _reread(obj, name):
    return lambda: str(getattr(type(obj).objects.get(pk=obj.pk), name))


def _case(name: str, school, w) -> Case:
    cycle, today = w["cycle"], w["today"]
    if name == "support plan: assess":
        url = _url("plans:assess", school, cycle.public_id)
        return Case(url, "assessment", _reread(cycle, "assessment"))
    if name == "support plan: plan":
        url = _url("plans:plan_section", school, cycle.public_id)
        return Case(url, "strategies", _reread(cycle, "strategies"))
    if name == "support plan: target":
        url = _url("plans:target_edit", school, w["target"].public_id)
        return Case(url, "baseline", _reread(w["target"], "baseline"))
    if name == "passport":
        from register.models import PassportVersion

        pupil = w["mina"]
        url = _url("register:passport_edit", school, pupil.public_id)

        def latest():
            found = PassportVersion.objects.filter(pupil=pupil).order_by("-version").first()
            return found.what_helps if found else ""

        return Case(url, "what_helps", latest)
    if name == "EHC plan sections":
        url = _url("ehcp:version_edit", school, w["eli"].public_id)
        return Case(url, "section_b", _reread(w["version"], "section_b"))
    if name == "EHC plan outcome":
        url = _url("ehcp:outcome_edit", school, w["outcome"].pk)
        return Case(url, "interim_targets", _reread(w["outcome"], "interim_targets"))
    if name == "EHC plan section F":
        url = _url("ehcp:provision_edit", school, w["item"].pk)
        return Case(url, "provider", _reread(w["item"], "provider"))
    if name == "needs-assessment request":
        url = _url("ehcp:request_edit", school, w["request"].public_id)
        return Case(url, "notes", _reread(w["request"], "notes"))
    if name == "annual review meeting":
        url = _url("ehcp:reschedule", school, w["review"].public_id)
        theirs, yours = today + timedelta(days=50), today + timedelta(days=55)
        return Case(
            url,
            "meeting_on",
            _reread(w["review"], "meeting_on"),
            theirs=theirs.isoformat(),
            yours=yours.isoformat(),
            shown=f"{theirs.day} {theirs:%B %Y}",
        )
    if name == "local authority":
        url = _url("ehcp:authority_edit", school, w["authority"].pk)
        return Case(url, "phone", _reread(w["authority"], "phone"), "0100 000 111", "0100 000 222")
    if name == "intervention group":
        url = _url("provision_manage:group_edit", school, w["group"].public_id)
        return Case(url, "name", _reread(w["group"], "name"), "Talk Boost Bea", "Talk Boost Ann")
    if name == "intervention":
        url = _url("provision_manage:intervention_edit", school, w["talk"].pk)
        return Case(url, "description", _reread(w["talk"], "description"))
    if name == "measure":
        url = _url("provision_manage:measure_edit", school, w["measure"].pk)
        return Case(url, "name", _reread(w["measure"], "name"), "Bea scale", "Ann scale")
    if name == "staff grade":
        url = _url("provision_manage:rate_edit", school, w["rate"].pk)
        return Case(url, "name", _reread(w["rate"], "name"), "Bea grade", "Ann grade")
    if name == "staff contract":
        url = _url("provision_manage:contract_edit", school, w["contract"].pk)
        return Case(
            url, "hours_per_week", _reread(w["contract"], "hours_per_week"), "25.00", "20.00"
        )
    if name == "pupil in a group":
        url = _url("provision_manage:place_edit", school, w["group"].public_id, w["place"].pk)
        return Case(url, "entry_score", _reread(w["place"], "entry_score"), "85.00", "90.00")
    if name == "term dates":
        term = w["year"].terms.order_by("starts_on").first()
        url = reverse("calendar:term_edit", args=[school.slug, term.pk])
        theirs, yours = term.ends_on - timedelta(days=1), term.ends_on - timedelta(days=2)
        return Case(
            url,
            "ends_on",
            _reread(term, "ends_on"),
            theirs=theirs.isoformat(),
            yours=yours.isoformat(),
            shown=f"{theirs.day} {theirs:%B %Y}",
        )
    if name == "support plan: lead teacher":
        url = _url("plans:lead", school, w["mina"].public_id)
        plan = w["cycle"].plan
        theirs, yours = w["teacher"], w["second_teacher"]
        return Case(
            url, "lead", _reread(plan, "lead_id"), str(theirs.pk), str(yours.pk), theirs.full_name
        )
    if name == "staff role":
        membership = Membership.objects.get(user=w["teacher"], school=school)
        url = _url("staff:member", school, membership.public_id)
        return Case(
            url, "role", _reread(membership, "role"), "ta", "governor", "Teaching assistant"
        )
    if name == "advice received":
        url = _url("ehcp:advice_receive", school, w["advice"].public_id)
        return Case(url, "summary", _reread(w["advice"], "summary"))
    if name == "notional SEN budget":
        url = _url("provision_manage:budget", school)
        return Case(url, "amount", _reread(w["budget"], "amount"), "85000.00", "86000.00")
    if name == "class staff":
        group = class_of(school, "3T", year=w["year"])
        url = reverse("register:class_edit", args=[school.slug, group.pk])
        theirs, yours = w["teacher"], w["second_teacher"]

        def teachers():
            return [str(pk) for pk in group.teachers.values_list("pk", flat=True)]

        return Case(url, "teachers", teachers, [str(theirs.pk)], [str(yours.pk)], theirs.full_name)
    raise AssertionError(name)


EDIT_FORMS = [
    "support plan: assess",
    "support plan: plan",
    "support plan: target",
    "passport",
    "EHC plan sections",
    "EHC plan outcome",
    "EHC plan section F",
    "needs-assessment request",
    "annual review meeting",
    "local authority",
    "intervention group",
    "intervention",
    "measure",
    "staff grade",
    "staff contract",
    "pupil in a group",
    "term dates",
    "support plan: lead teacher",
    "staff role",
    "advice received",
    "notional SEN budget",
    "class staff",
]


def _as_posted(form: forms.BaseForm) -> dict:
    """What the browser would send back for the form as shown (its values, hidden ones too)."""
    data = {}
    for bound in form:
        value = bound.value()
        if isinstance(bound.field, forms.BooleanField):
            if value:
                data[bound.html_name] = "on"
        elif value is None:
            data[bound.html_name] = ""
        elif isinstance(value, list | tuple):
            data[bound.html_name] = [str(v) for v in value]
        elif isinstance(value, date):
            data[bound.html_name] = value.isoformat()
        else:
            data[bound.html_name] = str(value)
    return data


def _open(client: Client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200
    return _as_posted(response.context["form"])


@pytest.mark.parametrize("name", EDIT_FORMS)
def test_a_stale_save_is_refused_and_shows_both_versions(
    name, client, school, sendco, trust_lead, world
):
    case = _case(name, school, world)
    client.force_login(sendco)  # Ann
    bea = Client()
    bea.force_login(trust_lead)

    anns = _open(client, case.url)
    beas = _open(bea, case.url)
    beas[case.field] = case.theirs
    assert bea.post(case.url, beas).status_code == 302
    assert case.read() == case.theirs

    anns[case.field] = case.yours
    response = client.post(case.url, anns)

    assert response.status_code == 200
    page = response.content.decode()
    assert MESSAGE in page
    assert (case.shown or case.theirs) in page
    assert case.read() == case.theirs  # Bea's save stands
    again = _as_posted(response.context["form"])
    assert again[case.field] == case.yours  # Ann's text is still in the form
    assert client.post(case.url, again).status_code == 302  # and saves on the second go
    assert case.read() == case.yours


@pytest.mark.parametrize("name", ["support plan: plan", "passport", "intervention group"])
def test_a_save_with_no_other_save_in_between_goes_through(name, client, school, sendco, world):
    case = _case(name, school, world)
    client.force_login(sendco)
    data = _open(client, case.url)
    data[case.field] = case.yours
    assert client.post(case.url, data).status_code == 302
    assert case.read() == case.yours


def test_the_conflict_names_the_field_and_shows_both_values(
    client, school, sendco, trust_lead, world
):
    case = _case("support plan: plan", school, world)
    client.force_login(sendco)
    bea = Client()
    bea.force_login(trust_lead)
    anns, beas = _open(client, case.url), _open(bea, case.url)
    beas["strategies"] = THEIRS
    bea.post(case.url, beas)
    anns["strategies"] = YOURS
    response = client.post(case.url, anns)

    conflicts = response.context["form"].edit_conflicts
    assert [(c.label, c.theirs, c.yours) for c in conflicts] == [
        ("Strategies for class teachers", THEIRS, YOURS)
    ]
    page = response.content.decode()
    assert 'role="alert"' in page
    assert "Their saved version" in page
    assert "Your version, not saved yet" in page


def test_a_change_to_another_field_of_the_record_is_not_a_conflict(
    client, school, sendco, trust_lead, world
):
    """Bea changes the Assess section; Ann's Plan section of the same cycle saves at once."""
    plan_url = _case("support plan: plan", school, world).url
    assess = _case("support plan: assess", school, world)
    client.force_login(sendco)
    bea = Client()
    bea.force_login(trust_lead)
    anns = _open(client, plan_url)
    beas = _open(bea, assess.url)
    beas["assessment"] = THEIRS
    bea.post(assess.url, beas)
    anns["strategies"] = YOURS
    assert client.post(plan_url, anns).status_code == 302
    assert assess.read() == THEIRS


def test_a_review_completed_meanwhile_is_shown_and_nothing_typed_is_lost(
    client, school, sendco, trust_lead, world
):
    """Bea completes the review of a cycle while Ann writes hers: Ann sees Bea's summary beside
    her own, her text stays in the form, and saving again is refused (the cycle is reviewed)."""
    from plans import services as plan_services

    cycle, target, today = world["cycle"], world["target"], world["today"]
    access = access_for(sendco, school)
    plan_services.cycle_update(
        access=access, cycle=cycle, agreed_on=today - timedelta(days=20), review_due=today
    )
    plan_services.cycle_advance(access=access, cycle=cycle, today=today)
    plan_services.cycle_advance(access=access, cycle=cycle, today=today)
    url = _url("plans:review", school, cycle.public_id)
    client.force_login(sendco)
    bea = Client()
    bea.force_login(trust_lead)
    anns, beas = _open(client, url), _open(bea, url)
    for data, summary in ((beas, THEIRS), (anns, YOURS)):
        data |= {f"outcome_{target.pk}": "achieved", "review_summary": summary}
    assert bea.post(url, beas).status_code == 302

    response = client.post(url, anns)
    page = response.content.decode()
    assert MESSAGE in page
    assert THEIRS in page
    assert YOURS in page
    response = client.post(url, _as_posted(response.context["form"]))
    page = response.content.decode()
    assert "This cycle has already been reviewed" in page
    assert YOURS in page
    cycle.refresh_from_db()
    assert cycle.review_summary == THEIRS


@pytest.mark.django_db(transaction=True)
def test_two_saves_at_the_same_moment_cannot_both_pass_the_check(school):
    """Ann's and Bea's forms, opened on the same version, are sent at the same moment. Ann's
    check takes the row lock, so Bea's waits until Ann's save is committed and then sees it:
    without the lock both would read the old version and Bea would overwrite Ann."""
    from django.db import connection

    from provision.manage_forms import MeasureForm
    from tests.conftest import need

    need(connection.vendor == "postgresql", "row locks need PostgreSQL (DATABASE_URL)")
    measure = Measure.objects.create(school=school, name="York reading", kind="standardised")
    opened = MeasureForm(school=school, instance=measure)["edit_fingerprint"].value()

    def sent(name):
        data = {"name": name, "kind": "standardised", "edit_fingerprint": opened}
        return MeasureForm(data, school=school, instance=Measure.objects.get(pk=measure.pk))

    checked, results = threading.Event(), {}

    def ann():
        try:
            with transaction.atomic():
                form = sent("Ann scale")
                results["ann valid"] = form.is_valid()
                results["ann stale"] = form.stale()
                checked.set()
                time.sleep(1)  # Bea's save arrives now
                Measure.objects.filter(pk=measure.pk).update(name="Ann scale")
        finally:
            checked.set()
            connection.close()

    thread = threading.Thread(target=ann)
    thread.start()
    try:
        assert checked.wait(timeout=20)
        with transaction.atomic():
            bea = sent("Bea scale")
            assert bea.is_valid()
            results["bea stale"] = bea.stale()
    finally:
        thread.join(timeout=20)
    assert results == {"ann valid": True, "ann stale": False, "bea stale": True}
    assert [(c.theirs, c.yours) for c in bea.edit_conflicts] == [("Ann scale", "Bea scale")]
