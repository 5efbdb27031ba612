"""The register, the pupil page, status changes, passports and concerns, as users meet them."""

from __future__ import annotations

import copy
import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from register.demo import seed_pupils
from register.models import Concern, Need, PassportVersion, SenStatus, TermFigures
from staff import calendar as school_calendar
from staff.models import AuditEvent, Role
from tests.factories import member
from tests.forms_once import post_twice
from tests.register.factories import class_of, make_pupil, put_on


@pytest.fixture
def year(school):
    start = school_calendar.academic_year_start_for(timezone.localdate())
    return school_calendar.create_default_year(school=school, academic_year_start=start)


@pytest.fixture
def classes(school, year, teacher, ta):
    mine = [
        make_pupil(school, legal_first_name="Mina", legal_last_name="Mine"),
        make_pupil(school, legal_first_name="Molly", legal_last_name="Mine"),
    ]
    theirs = make_pupil(school, legal_first_name="Otto", legal_last_name="Other")
    for pupil in [*mine, theirs]:
        put_on(pupil, "K", date(2025, 1, 6), "SLCN")
    class_of(school, "3T", teachers=[teacher], assistants=[ta], pupils=mine, year=year)
    class_of(school, "3O", pupils=[theirs], year=year)
    return {"mine": mine, "theirs": theirs}


def _register(client, school, **query):
    return client.get(reverse("register:list", args=[school.slug]), query)


def test_teacher_sees_only_their_class_and_its_passports(client, school, teacher, classes):
    client.force_login(teacher)
    page = _register(client, school).content.decode()
    assert "Mina" in page
    assert "Molly" in page
    assert "Otto" not in page
    other = classes["theirs"]
    for name in ("register:pupil", "register:passport"):
        assert client.get(reverse(name, args=[school.slug, other.public_id])).status_code == 404
        mine = reverse(name, args=[school.slug, classes["mine"][0].public_id])
        assert client.get(mine).status_code == 200


def test_ta_sees_the_class_they_support(client, school, ta, classes):
    client.force_login(ta)
    page = _register(client, school).content.decode()
    assert "Mina" in page
    assert "Otto" not in page


def test_removing_a_teacher_from_a_class_hides_its_pupils_on_the_next_request(
    client, school, teacher, classes
):
    client.force_login(teacher)
    pupil = classes["mine"][0]
    url = reverse("register:pupil", args=[school.slug, pupil.public_id])
    assert client.get(url).status_code == 200
    pupil.teaching_groups.get().teachers.remove(teacher)
    assert client.get(url).status_code == 404


def test_register_filters_and_as_on_date(client, school, sendco, year):
    ada = make_pupil(school, legal_first_name="Ada", year_group="3", eal=True)
    ben = make_pupil(school, legal_first_name="Ben", year_group="5")
    make_pupil(school, legal_first_name="Cal", year_group="5")
    put_on(ada, "K", date(2025, 1, 6), "SLCN", ends_on=date(2025, 12, 31))
    put_on(ada, "E", date(2026, 1, 1), "ASD")
    put_on(ben, "K", date(2026, 3, 2), "SPLD")
    client.force_login(sendco)

    def names(**query):
        return {p.legal_first_name for p in _register(client, school, **query).context["rows"]}

    assert names() == {"Ada", "Ben"}  # K or E today; Cal is N
    assert names(status="all") == {"Ada", "Ben", "Cal"}
    assert names(status="E") == {"Ada"}
    assert names(year="5") == {"Ben"}
    assert names(need="ASD") == {"Ada"}
    assert names(area="cl") == {"Ben"}  # SpLD is cognition and learning
    assert names(eal="on") == {"Ada"}
    # As on 1 June 2025: Ada was on SEN support, Ben not yet on the register.
    assert names(on="2025-06-01") == {"Ada"}
    assert names(on="2025-06-01", status="K") == {"Ada"}


def test_search_is_a_post_and_never_puts_a_name_in_the_url(client, school, sendco, year):
    make_pupil(school, legal_first_name="Zelda", legal_last_name="Quill")
    put_on(make_pupil(school, legal_first_name="Yuri"), "K", date(2025, 1, 6), "MLD")
    client.force_login(sendco)
    response = client.post(
        reverse("register:list", args=[school.slug]) + "?status=all", {"q": "quill"}
    )
    assert [p.legal_first_name for p in response.context["rows"]] == ["Zelda"]


def test_search_finds_a_pupil_not_on_the_register_without_changing_the_filter(
    client, school, teacher, year
):
    zelda = make_pupil(school, legal_first_name="Zelda", legal_last_name="Quill")
    quinn = make_pupil(school, legal_first_name="Quinn", legal_last_name="Quill")
    put_on(make_pupil(school, legal_first_name="Yuri"), "K", date(2025, 1, 6), "MLD")
    make_pupil(school, legal_first_name="Xena", legal_last_name="Quill")  # not in the class
    class_of(school, "3Q", teachers=[teacher], pupils=[zelda, quinn], year=year)
    put_on(quinn, "K", date(2025, 1, 6), "MLD")
    client.force_login(teacher)
    url = reverse("register:list", args=[school.slug])
    found = client.post(url, {"q": "quill"}).context["rows"]
    assert [p.legal_first_name for p in found] == ["Quinn", "Zelda"]  # anyone the teacher sees
    chosen = client.post(url + "?status=K", {"q": "quill"}).context["rows"]
    assert [p.legal_first_name for p in chosen] == ["Quinn"]  # a status chosen still applies
    assert [p.legal_first_name for p in client.get(url).context["rows"]] == ["Quinn"]


def test_teacher_raises_a_concern_about_a_pupil_not_on_the_register_from_one_page(
    client, school, sendco, teacher, classes
):
    newcomer = make_pupil(school, legal_first_name="Nia", legal_last_name="Newcomer")
    classes["mine"][0].teaching_groups.get().pupils.add(newcomer)
    client.force_login(teacher)
    url = reverse("register:concern_new", args=[school.slug])
    page = client.get(url)
    options = page.context["form"].fields["pupil"].queryset
    assert {p.legal_first_name for p in options} == {"Mina", "Molly", "Nia"}  # not Otto
    html = page.content.decode()
    assert "Newcomer, Nia (Year 3)" in html
    assert AuditEvent.objects.filter(action="register.concern_form_viewed", actor=teacher).exists()

    empty = client.post(url, {"pupil": "", "description": ""})
    assert empty.status_code == 200
    assert empty.context["form"].errors.keys() == {"pupil", "description"}
    other = client.post(
        url, {"pupil": str(classes["theirs"].public_id), "description": "Seems tired."}
    )
    assert "Select a valid choice" in other.content.decode()  # not in the teacher's classes
    assert not Concern.objects.exists()

    sent = client.post(
        url, {"pupil": str(newcomer.public_id), "description": "Cannot see the board."}
    )
    assert sent["Location"] == reverse("register:pupil", args=[school.slug, newcomer.public_id])
    concern = Concern.objects.get()
    assert (concern.pupil, concern.raised_by, concern.status) == (newcomer, teacher, "open")
    assert concern.description == "Cannot see the board."
    preselected = client.get(url, {"pupil": str(newcomer.public_id)})
    assert preselected.context["form"]["pupil"].value() == str(newcomer.public_id)


def test_register_view_is_audited_with_no_names(client, school, sendco, classes):
    client.force_login(sendco)
    _register(client, school)
    event = AuditEvent.objects.get(action="register.list_viewed")
    assert event.detail["rows"] == 3
    assert "Mina" not in str(event.detail)


def test_pupil_page_read_is_audited(client, school, head, classes):
    pupil = classes["theirs"]
    client.force_login(head)
    page = client.get(reverse("register:pupil", args=[school.slug, pupil.public_id]))
    assert "SEN support (K)" in page.content.decode()
    event = AuditEvent.objects.get(action="register.pupil_viewed")
    assert (event.actor, event.pupil_public_id, event.role) == (head, pupil.public_id, "head")


def _change(client, school, pupil, **data):
    today = timezone.localdate().isoformat()
    payload = {
        "category": "K",
        "starts_on": today,
        "reason": "Assessed in class",
        "parents_informed_on": today,
        "parents_informed_how": "Meeting",
        "primary_need": "SLCN",
        **data,
    }
    return client.post(
        reverse("register:status_change", args=[school.slug, pupil.public_id]), payload
    )


@pytest.fixture
def monitored(school, teacher, year):
    pupil = make_pupil(school, legal_first_name="Ravi")
    return Concern.objects.create(
        school=school,
        pupil=pupil,
        raised_by=teacher,
        raised_on=date(2026, 10, 1),
        description="Reading",
        status="monitoring",
        review_on=date(2026, 12, 1),
    )


def _decide(client, school, concern, **data):
    url = reverse("register:concern_decide", args=[school.slug, concern.public_id])
    return client.post(url, data)


def test_sendco_moves_a_pupil_from_monitoring_to_sen_support_in_one_step(
    client, school, sendco, monitored
):
    pupil = monitored.pupil
    told = timezone.localdate() - timedelta(days=2)
    client.force_login(sendco)
    page = client.get(reverse("register:concern_decide", args=[school.slug, monitored.public_id]))
    form = page.context["form"]
    assert form["category"].value() == "K"  # SEN support is the usual step
    assert form["parents_informed_on"].value() is None  # never a date nobody entered
    decide = _decide(
        client,
        school,
        monitored,
        decision="added",
        category="K",
        primary_need="SLCN",
        secondary_need="SEMH",
        parents_informed_on=told.isoformat(),
    )
    assert decide["Location"] == reverse("register:pupil", args=[school.slug, pupil.public_id])
    status = SenStatus.objects.get(pupil=pupil)
    assert (status.category, status.decided_by, status.ends_on) == ("K", sendco, None)
    assert (status.starts_on, status.parents_informed_on) == (timezone.localdate(), told)
    assert "concern raised on 01/10/2026" in status.reason
    assert [n.need_type.code for n in Need.objects.filter(pupil=pupil).order_by("rank")] == [
        "SLCN",
        "SEMH",
    ]
    assert (
        AuditEvent.objects.filter(
            action="register.status_changed", pupil_public_id=pupil.public_id
        ).count()
        == 1
    )
    monitored.refresh_from_db()
    assert (monitored.status, monitored.review_on) == ("added", None)
    shown = client.get(decide["Location"]).content.decode()
    assert "Ravi" in shown
    assert "is on the SEN register from today" in shown


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"primary_need": ""}, "Choose the pupil&#x27;s primary type of need."),
        ({"parents_informed_on": ""}, "Give the date parents or carers were told."),
        ({"parents_informed_on": "2026-02-30"}, "Enter a valid date"),
        ({"category": "E", "primary_need": "NSA"}, "NSA (no specialist assessment)"),
        ({"primary_need": "NOPE"}, "Select a valid choice"),
        ({"secondary_need": "SLCN"}, "The same type of need is recorded twice."),
    ],
)
def test_adding_to_the_register_with_a_gap_changes_nothing(
    client, school, sendco, monitored, data, message
):
    """The drop-through: a decision to add that cannot record the status leaves the pupil on
    monitoring, with no status and no need, and says what is missing."""
    client.force_login(sendco)
    payload = {
        "decision": "added",
        "category": "K",
        "primary_need": "SLCN",
        "parents_informed_on": timezone.localdate().isoformat(),
        "note": "Evidence of need",
        **data,
    }
    response = _decide(client, school, monitored, **payload)
    assert response.status_code == 200
    assert message in response.content.decode()
    monitored.refresh_from_db()
    assert (monitored.status, monitored.review_on) == ("monitoring", date(2026, 12, 1))
    assert not SenStatus.objects.filter(pupil=monitored.pupil).exists()
    assert not Need.objects.filter(pupil=monitored.pupil).exists()
    assert response.context["form"]["note"].value() == "Evidence of need"  # nothing typed is lost


def test_a_status_the_service_refuses_rolls_the_decision_back(client, school, sendco, monitored):
    """The service's own refusal, after the form passed (a status already begun today), leaves
    the concern as it was: the decision and the status are one transaction."""
    put_on(monitored.pupil, "N", timezone.localdate())
    client.force_login(sendco)
    response = _decide(
        client,
        school,
        monitored,
        decision="added",
        category="K",
        primary_need="SLCN",
        parents_informed_on=timezone.localdate().isoformat(),
    )
    assert response.status_code == 200
    assert "The new date must be after" in response.content.decode()
    monitored.refresh_from_db()
    assert monitored.status == "monitoring"
    assert list(
        SenStatus.objects.filter(pupil=monitored.pupil).values_list("category", flat=True)
    ) == ["N"]
    assert not AuditEvent.objects.filter(action="register.concern_decided").exists()


def test_the_status_form_never_fills_in_when_parents_were_told(client, school, sendco, year):
    pupil = make_pupil(school)
    client.force_login(sendco)
    page = client.get(reverse("register:status_change", args=[school.slug, pupil.public_id]))
    form = page.context["form"]
    assert form["parents_informed_on"].value() is None
    assert form["starts_on"].value() == timezone.localdate()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"primary_need": ""}, "needs a primary type of need"),
        ({"category": "E", "primary_need": "NSA"}, "NSA (no specialist assessment)"),
        ({"parents_informed_on": ""}, "Parents must be told"),
        ({"reason": ""}, "This field is required"),
        ({"starts_on": "2026-02-30"}, "Enter a valid date"),
    ],
)
def test_status_change_rules_give_clear_messages_and_save_nothing(
    client, school, sendco, year, data, message
):
    pupil = make_pupil(school)
    client.force_login(sendco)
    response = _change(client, school, pupil, **data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SenStatus.objects.filter(pupil=pupil).exists()
    assert not Need.objects.filter(pupil=pupil).exists()


def test_a_new_status_closes_the_old_one_the_day_before(client, school, sendco, year):
    pupil = make_pupil(school)
    put_on(pupil, "K", date(2025, 1, 6), "SLCN")
    client.force_login(sendco)
    assert (
        _change(
            client, school, pupil, category="E", primary_need="ASD", starts_on="2026-09-01"
        ).status_code
        == 302
    )
    k, e = SenStatus.objects.filter(pupil=pupil).order_by("starts_on")
    assert (k.ends_on, e.starts_on, e.ends_on) == (date(2026, 8, 31), date(2026, 9, 1), None)
    before = _change(client, school, pupil, category="N", primary_need="", starts_on="2026-08-01")
    assert "must be after 01/09/2026" in before.content.decode()


def test_taking_a_pupil_off_the_register_ends_their_needs(client, school, sendco, year):
    pupil = make_pupil(school)
    put_on(pupil, "K", date(2025, 1, 6), "SLCN")
    client.force_login(sendco)
    assert (
        _change(
            client, school, pupil, category="N", primary_need="", starts_on="2026-09-01"
        ).status_code
        == 302
    )
    assert not Need.objects.filter(pupil=pupil, ends_on__isnull=True).exists()


def test_passport_versions_are_kept_and_readable(client, school, sendco, teacher, classes):
    pupil = classes["mine"][0]
    client.force_login(sendco)
    edit = reverse("register:passport_edit", args=[school.slug, pupil.public_id])
    client.post(edit, {"about_me": "I like trains.", "strategies": "Visual timetable"})
    client.post(edit, {"about_me": "I like buses now.", "strategies": "Visual timetable"})
    assert list(
        PassportVersion.objects.filter(pupil=pupil)
        .values_list("version", flat=True)
        .order_by("version")
    ) == [1, 2]
    client.force_login(teacher)
    url = reverse("register:passport", args=[school.slug, pupil.public_id])
    assert "I like buses now." in client.get(url).content.decode()
    assert "I like trains." in client.get(url, {"version": 1}).content.decode()
    assert client.get(edit).status_code == 403  # teachers read the passport, the SENDCo writes it
    assert AuditEvent.objects.filter(action="register.passport_viewed", actor=teacher).count() == 2


def test_teacher_raises_a_concern_that_the_sendco_sees(client, school, sendco, teacher, classes):
    pupil = classes["mine"][0]
    client.force_login(teacher)
    url = reverse("register:concern_raise", args=[school.slug, pupil.public_id])
    assert client.post(url, {"description": ""}).status_code == 200  # required
    assert client.post(url, {"description": "Struggles to copy from the board."}).status_code == 302
    client.force_login(sendco)
    page = client.get(reverse("register:concerns", args=[school.slug])).content.decode()
    assert pupil.name in page
    assert "Waiting for the SENDCo" in page


def test_monitoring_needs_a_future_review_date(client, school, sendco, classes):
    concern = Concern.objects.create(
        school=school,
        pupil=classes["mine"][0],
        raised_by=sendco,
        raised_on=date(2026, 11, 1),
        description="x",
    )
    client.force_login(sendco)
    url = reverse("register:concern_decide", args=[school.slug, concern.public_id])
    response = client.post(url, {"decision": "monitoring"})
    assert "Give the date to review the monitoring." in response.content.decode()
    past = timezone.localdate() - timedelta(days=1)
    while past.weekday() >= 5:  # a weekday, so the date is refused for being past, not a weekend
        past -= timedelta(days=1)
    response = client.post(url, {"decision": "monitoring", "review_on": past.isoformat()})
    assert "The review date must be in the future." in response.content.decode()
    concern.refresh_from_db()
    assert concern.status == "open"


def test_a_monitoring_review_falls_on_a_school_day(client, school, sendco, classes):
    """The school sets the review date for itself: Christmas Day is refused, naming the last
    school day before it and the first after."""
    school_calendar.create_default_year(school=school, academic_year_start=2026)
    concern = Concern.objects.create(
        school=school,
        pupil=classes["mine"][0],
        raised_by=sendco,
        raised_on=date(2026, 11, 1),
        description="x",
    )
    client.force_login(sendco)
    url = reverse("register:concern_decide", args=[school.slug, concern.public_id])
    with time_machine.travel(date(2026, 12, 1)):
        page = client.post(url, {"decision": "monitoring", "review_on": "2026-12-25"})
    assert "Friday 25 December 2026 is not a school day" in page.content.decode()
    assert "Friday 18 December 2026" in page.content.decode()
    concern.refresh_from_db()
    assert concern.status == "open"


def test_another_schools_pupil_is_a_404_for_the_sendco(client, school, other_school, sendco):
    stranger = make_pupil(other_school)
    client.force_login(sendco)
    for name in (
        "register:pupil",
        "register:passport",
        "register:status_change",
        "register:passport_edit",
        "register:concern_raise",
    ):
        assert client.get(reverse(name, args=[school.slug, stranger.public_id])).status_code == 404
    assert _change(client, school, stranger).status_code == 404
    assert not SenStatus.objects.filter(pupil=stranger).exists()


def _fill(school, year, sendco, per_year):
    teacher = member(school, Role.TEACHER, email="filler-teacher@acorn.test")
    ta = member(school, Role.TA, email="filler-ta@acorn.test")
    seed_pupils(
        school=school,
        year=year,
        year_groups=["R", "1", "2", "3", "4"],
        per_year=per_year,
        class_size=25,
        teacher=teacher,
        ta=ta,
        sendco=sendco,
        seed=1,
        today=timezone.localdate(),
    )


@pytest.mark.parametrize("per_year", [2, 200])
def test_register_and_pupil_page_queries_do_not_grow(
    client, school, sendco, year, per_year, django_assert_num_queries
):
    _fill(school, year, sendco, per_year)  # 10 or 1,000 pupils
    client.force_login(sendco)
    url = reverse("register:list", args=[school.slug])
    with django_assert_num_queries(QUERIES["register:list"]):
        response = client.get(url, {"status": "all"})
    assert response.context["page"].paginator.count == 5 * per_year
    assert len(response.context["rows"]) == min(5 * per_year, 50)  # a page at a time
    pupil = response.context["rows"][0]
    with django_assert_num_queries(QUERIES["register:pupil"]):
        client.get(reverse("register:pupil", args=[school.slug, pupil.public_id]))


# The same at every size (session, user, school, membership, header, the page's reads, audit,
# savepoints of ATOMIC_REQUESTS; the register, as the first request after signing in, also
# renews the session and works out the header's school switcher, which the pupil page then reads
# kept (staff/switcher_cache.py); the register's "N pupils match" is the count above it, not a
# second COUNT, when only the status filters, and the counts are kept for the next view
# (tests/register/test_register_count.py); the pupil page, one per source of chronology lines:
# agencies' referrals).
QUERIES = {"register:list": 16, "register:pupil": 20}  # agencies and Early Help chronology: 1 each


def test_a_concern_sent_twice_is_raised_once(client, school, teacher, classes):
    """A double click on "Raise concern": one concern, and both answers go to the same page."""
    pupil = classes["mine"][0]
    client.force_login(teacher)
    url = reverse("register:concern_raise", args=[school.slug, pupil.public_id])
    first, second = post_twice(client, url, {"description": "Struggles to copy from the board."})
    assert (first.status_code, second.status_code) == (302, 302)
    assert second["Location"] == first["Location"]
    assert Concern.objects.filter(pupil=pupil).count() == 1
    assert AuditEvent.objects.filter(action__startswith="register.concern").count() == 1


def test_a_concern_form_with_errors_can_be_sent_again(client, school, teacher, classes):
    """Only a form that saved is remembered: after an error the same form saves once."""
    pupil = classes["mine"][0]
    client.force_login(teacher)
    url = reverse("register:concern_raise", args=[school.slug, pupil.public_id])
    first, second = post_twice(client, url, {"description": ""})
    assert (first.status_code, second.status_code) == (200, 200)
    assert Concern.objects.filter(pupil=pupil).count() == 0


def test_the_pupil_page_shows_the_latest_figures_from_the_mis(client, school, sendco):
    pupil = make_pupil(school, legal_first_name="Ada")
    url = reverse("register:pupil", args=[school.slug, pupil.public_id])
    client.force_login(sendco)
    assert "From the MIS" not in client.get(url).content.decode()
    for start, season, recorded_on, attendance in (
        (2025, "summer", date(2026, 7, 17), "88.0"),
        (2026, "autumn", date(2026, 11, 27), "91.5"),
    ):
        TermFigures.objects.create(
            school=school,
            pupil=pupil,
            academic_year_start=start,
            season=season,
            recorded_on=recorded_on,
            attendance=Decimal(attendance),
            suspensions=1,
            attainment="towards",
        )
    page = " ".join(client.get(url).content.decode().split())
    assert (
        "From the MIS (autumn term 2026/27, imported 27 November 2026): attendance 91.5%, "
        "1 suspension this year; attainment working towards the expected standard" in page
    )
    assert "88.0%" not in page


# The register's rows as the template's loop wrote them before `register_rows` (kept beside this
# file): the tag must write the same page.
REGISTER_ROWS_TEMPLATE = (Path(__file__).parent / "register_rows_template.html").read_text()


def test_the_registers_rows_write_what_the_template_wrote(client, school, sendco, classes):
    from django.template import Context, Template

    odd = make_pupil(school, legal_first_name="Zoë <b>", legal_last_name="O'Brien & Co")
    put_on(odd, "E", date(2025, 1, 6), "ASD")
    client.force_login(sendco)
    response = _register(client, school)
    rows = list(response.context["rows"])
    assert len(rows) == 4
    # Each way a row can read: every badge, no need, no class, no layer, not on the register.
    every = copy.copy(rows[0])
    every.pupil_premium = every.looked_after = every.eal = True
    every.layer_label = "Targeted <support>"
    bare = copy.copy(rows[1])
    bare.need_code, bare.groups_on, bare.layer_label, bare.sen_category = None, [], "", "N"
    context = {"rows": [*rows, every, bare], "current_school": school}
    old = Template(REGISTER_ROWS_TEMPLATE).render(Context(context))
    new = Template("{% load list_rows %}{% register_rows rows %}").render(Context(context))
    assert re.sub(r"\s+", " ", new).strip() == re.sub(r"\s+", " ", old).strip()
    assert "O&#x27;Brien &amp; Co, Zoë &lt;b&gt;" in new
    for said in ("EHC plan", "SEN support", "No SEN (N)", ">PP<", ">LAC<", ">EAL<", "3T"):
        assert said in new


# The concerns' rows as the template's loop wrote them before `concern_rows` (kept beside this
# file): the tag must write the same rows.
CONCERN_ROWS_TEMPLATE = (Path(__file__).parent / "concern_rows_template.html").read_text()


def test_the_concern_rows_write_what_the_template_wrote(client, school, sendco, classes):
    from django.template import Context, Template

    odd = make_pupil(school, legal_first_name="Zoë <b>", legal_last_name="O'Brien & Co")
    today = timezone.localdate()
    for pupil, status, review in (
        (classes["mine"][0], "open", None),
        (odd, "monitoring", today - timedelta(days=3)),  # overdue
        (classes["mine"][0], "monitoring", today + timedelta(days=30)),
        (odd, "closed", None),  # not listed
    ):
        Concern.objects.create(
            school=school,
            pupil=pupil,
            raised_by=sendco,
            raised_on=date(2026, 11, 2),
            description="x",
            status=status,
            review_on=review,
        )
    client.force_login(sendco)
    response = client.get(reverse("register:concerns", args=[school.slug]))
    context = Context(
        {"concerns": response.context["concerns"], "current_school": school, "today": today}
    )
    old = Template(CONCERN_ROWS_TEMPLATE).render(context)
    new = Template("{% load list_rows %}{% concern_rows concerns today %}").render(context)
    assert re.sub(r"\s+", " ", new).strip() == re.sub(r"\s+", " ", old).strip()
    assert re.sub(r"\s+", " ", new).strip() in re.sub(r"\s+", " ", response.content.decode())
    assert new.count("<tr>") == 3
    assert "Zoë &lt;b&gt; O&#x27;Brien &amp; Co" in new
    assert new.count("(overdue)") == 1
    assert "Waiting for the SENDCo" in new
    assert "—" in new
