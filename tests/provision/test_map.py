"""The provision map (term, year group and class; totals; budget line) and a pupil's costed
provision (the £6,000 notional SEN threshold)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal as D
from pathlib import Path

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from provision.map_selectors import current_term, provision_map, terms_of_year
from provision.map_views import pdf_filename
from provision.models import Attendance, Group, GroupPupil, Intervention, SenBudget, Session
from register.models import Pupil
from staff import calendar as school_calendar
from staff import deadline_cache
from staff.models import AuditEvent
from tests.conftest import shared_acorn_fixtures
from tests.factories import member
from tests.register.factories import class_of, make_pupil

TODAY = dt.date(2026, 11, 10)  # a Tuesday in autumn 2 of 2026/27


@pytest.fixture(autouse=True)
def _on_10_november():
    with time_machine.travel(dt.datetime(2026, 11, 10, 12, tzinfo=dt.UTC), tick=False):
        yield


# name, intervention's one-off resource cost (no hourly rate: the cost is exactly this), dates,
# sessions a week x minutes, funding, pupils (keys of `pupils` below)
GROUPS = [
    ("Talk Boost", D("600"), "2026-09-07", "2026-12-18", 3, 30, "notional_sen", "ada ben cal"),
    ("Precision Teaching", D("250"), "2026-11-02", "2026-12-18", 2, 20, "pupil_premium", "ada dan"),
    ("Lego Therapy", D("400"), "2027-01-05", "2027-03-26", 1, 60, "notional_sen", "ben"),
    ("Reading Recovery", D("1000"), "2027-04-19", "2027-07-16", 5, 30, "notional_sen", "cal"),
]


def build_map_world(school, ta) -> dict:
    """Four groups across the year, four pupils in two classes, one logged session."""
    year = school_calendar.create_default_year(school=school, academic_year_start=2026)
    pupils = {
        "ada": make_pupil(school, legal_first_name="Ada", legal_last_name="Lovelace"),
        "ben": make_pupil(school, legal_first_name="Ben", legal_last_name="Babbage"),
        "cal": make_pupil(
            school, legal_first_name="Calum", legal_last_name="Carter", year_group="4"
        ),
        "dan": make_pupil(
            school, legal_first_name="Dana", legal_last_name="Dawson", year_group="5"
        ),
    }
    classes = {
        "3B": class_of(school, "3B", year=year, pupils=[pupils["ada"], pupils["ben"]]),
        "4C": class_of(school, "4C", year=year, pupils=[pupils["cal"]]),
    }
    groups = {}
    for name, cost, starts, ends, per_week, minutes, funding, members in GROUPS:
        intervention = Intervention.objects.create(
            school=school, name=name, resource_cost_one_off=cost
        )
        group = Group.objects.create(
            school=school,
            intervention=intervention,
            name=name,
            status="running",
            starts_on=starts,
            ends_on=ends,
            sessions_per_week=per_week,
            session_minutes=minutes,
            days="0,2,4" if name == "Talk Boost" else "",
            funding=funding,
        )
        group.staff.add(ta)
        for key in members.split():
            GroupPupil.objects.create(
                school=school, group=group, pupil=pupils[key], joined_on=starts
            )
        groups[name] = group
    session = Session.objects.create(
        school=school, group=groups["Talk Boost"], on="2026-11-09", logged_by=ta
    )
    for key, present in (("ada", True), ("ben", True), ("cal", False)):
        Attendance.objects.create(
            school=school, session=session, pupil=pupils[key], present=present
        )
    return {"year": year, "pupils": pupils, "classes": classes, "groups": groups}


# Built once for the module; each test gets fresh copies and a savepoint (tests/conftest.py).
globals().update(
    shared_acorn_fixtures(
        lambda a: build_map_world(a["school"], a["ta"]),
        "ta",
        on=dt.datetime(2026, 11, 10, 12, tzinfo=dt.UTC),
    )
)


def _get(client, school, name="map", **params):
    return client.get(reverse(f"provision_map:{name}", args=[school.slug]), params)


def _rows(body: str) -> list[str]:
    """The group names of the map's table, in order."""
    tbody = body.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', tbody)


def _text(body: str) -> str:
    """The page's text: tags dropped, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", body))


def _totals(body: str) -> str:
    return re.sub(r"\s+", " ", body.split('<tr class="totals">', 1)[1].split("</tr>", 1)[0])


# --------------------------------------------------------------------------------------------------
# Terms
# --------------------------------------------------------------------------------------------------


def test_terms_are_seasons_of_this_year(school, world):
    year, terms = terms_of_year(school=school, on=TODAY)
    assert year == world["year"]
    assert [(t.season, t.starts_on, t.ends_on) for t in terms] == [
        ("autumn", dt.date(2026, 9, 2), dt.date(2026, 12, 18)),
        ("spring", dt.date(2027, 1, 4), dt.date(2027, 3, 19)),
        ("summer", dt.date(2027, 4, 5), dt.date(2027, 7, 22)),
    ]


@pytest.mark.parametrize(
    ("on", "season"),
    [
        (dt.date(2026, 9, 1), "autumn"),  # before the first day: the coming term
        (dt.date(2026, 12, 18), "autumn"),
        (dt.date(2026, 12, 25), "spring"),  # Christmas holiday: the next term
        (dt.date(2027, 3, 19), "spring"),
        (dt.date(2027, 4, 1), "summer"),
        (dt.date(2027, 8, 20), "summer"),  # after the last: the last
    ],
)
def test_current_term(school, world, on, season):
    _, terms = terms_of_year(school=school, on=TODAY)
    assert current_term(terms, on).season == season


def test_the_map_opens_on_the_current_term(client, school, sendco, world):
    with time_machine.travel(dt.datetime(2027, 2, 1, 12, tzinfo=dt.UTC), tick=False):
        client.force_login(sendco)
        body = _get(client, school).content.decode()
    assert _rows(body) == ["Lego Therapy"]
    assert '<option value="spring" selected>' in body


def test_an_unknown_term_shows_an_error_and_the_current_term(client, school, sendco, world):
    client.force_login(sendco)
    body = _get(client, school, term="winter").content.decode()
    assert "Select a valid choice" in body
    assert _rows(body) == ["Precision Teaching", "Talk Boost"]


def test_no_term_dates(client, other_school):
    """A school without term dates (not the module's shared one, which has them)."""
    client.force_login(member(other_school, "sendco", email="sendco@beech.test"))
    response = _get(client, other_school)
    assert response.status_code == 200
    assert "There are no term dates for this academic year" in response.content.decode()


# --------------------------------------------------------------------------------------------------
# The map: groups, totals, filters, budget
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "groups", "totals"),
    [
        # default: the current term (autumn)
        ({}, ["Precision Teaching", "Talk Boost"], ("4 pupils reached", "2.17", "£850.00")),
        (
            {"term": "autumn"},
            ["Precision Teaching", "Talk Boost"],
            ("4 pupils reached", "2.17", "£850.00"),
        ),
        ({"term": "spring"}, ["Lego Therapy"], ("1 pupil reached", "1.00", "£400.00")),
        ({"term": "summer"}, ["Reading Recovery"], ("1 pupil reached", "2.50", "£1,000.00")),
        # year group or class: only groups holding those pupils; whole-group cost, plus the
        # share of the pupils listed
        (
            {"year": "3"},
            ["Precision Teaching", "Talk Boost"],
            ("2 pupils reached", "2.17", "£850.00", "£525.00"),
        ),
        ({"year": "5"}, ["Precision Teaching"], ("1 pupil reached", "0.67", "£250.00", "£125.00")),
        ({"year": "4", "term": "summer"}, ["Reading Recovery"], ("1 pupil reached", "£1,000.00")),
        ({"year": "6"}, [], ()),
    ],
)
def test_map_groups_and_totals(client, school, sendco, world, params, groups, totals):
    client.force_login(sendco)
    response = _get(client, school, **params)
    assert response.status_code == 200
    body = response.content.decode()
    assert _rows(body) == groups
    if groups:
        row = _totals(body)
        assert f"Total: {len(groups)} group" in row
        for value in totals:
            assert value in row
    else:
        assert "No groups with these pupils in this term." in body


def test_map_row_shows_pupils_staff_delivery_and_funding(client, school, sendco, ta, world):
    client.force_login(sendco)
    body = _get(client, school).content.decode()
    row = re.sub(r"\s+", " ", body.split(">Talk Boost</a>", 1)[1].split("</tr>", 1)[0])
    assert "3: Ben Babbage, Calum Carter, Ada Lovelace" in row
    assert ta.full_name in row
    assert "1.50" in row
    # Mon, Wed, Fri from 7 September: 21 in autumn 1, then 2, 4, 6 and 9 November.
    assert "1 of 25" in row
    assert "66.7%" in row
    assert "£600.00" in row
    assert "£200.00 a pupil" in row
    assert "Notional SEN budget" in row


def test_map_row_names_pupils_by_their_preferred_names_in_surname_order(
    client, school, sendco, world
):
    Pupil.objects.filter(pk=world["pupils"]["ben"].pk).update(preferred_last_name="Zed & Co")
    deadline_cache.changed(school.pk)  # `update` sends no signal
    client.force_login(sendco)
    body = _get(client, school).content.decode()
    row = re.sub(r"\s+", " ", body.split(">Talk Boost</a>", 1)[1].split("</tr>", 1)[0])
    assert "3: Calum Carter, Ada Lovelace, Ben Zed &amp; Co" in row


def test_class_filter_lists_only_that_class(client, school, sendco, world):
    client.force_login(sendco)
    body = _get(client, school, teaching_group=world["classes"]["4C"].pk).content.decode()
    assert _rows(body) == ["Talk Boost"]
    table = body.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert "Calum Carter" in table
    for name in ("Ada Lovelace", "Ben Babbage", "Dana Dawson"):
        assert name not in table
    assert "1 pupil reached" in _totals(body)
    assert "class 4C" in body


def test_year_filter_lists_only_that_year(client, school, sendco, world):
    client.force_login(sendco)
    body = _get(client, school, year="3").content.decode()
    table = body.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert "Ada Lovelace" in table
    assert "Ben Babbage" in table
    assert "Calum Carter" not in table
    assert "Dana Dawson" not in table


def test_another_schools_class_is_not_a_choice(client, school, other_school, sendco, world):
    year = school_calendar.create_default_year(school=other_school, academic_year_start=2026)
    theirs = class_of(other_school, "4C", year=year, pupils=[make_pupil(other_school)])
    client.force_login(sendco)
    body = _get(client, school, teaching_group=theirs.pk).content.decode()
    assert "Select a valid choice" in body
    assert _rows(body) == ["Precision Teaching", "Talk Boost"]  # unfiltered


def test_budget_line_without_a_budget(client, school, sendco, world):
    client.force_login(sendco)
    html = _get(client, school).content.decode()
    body = _text(html)
    assert "No notional SEN budget has been entered for 2026/27." in body
    # Talk Boost, Lego Therapy and Reading Recovery are funded from it, whatever the term.
    assert "on the 3 groups funded from it: £2,000.00" in body
    assert reverse("provision_manage:budget", args=[school.slug]) in html


def test_the_head_is_not_offered_to_enter_the_budget(client, school, head, world):
    client.force_login(head)
    body = _get(client, school).content.decode()
    assert "No notional SEN budget has been entered" in body
    assert reverse("provision_manage:budget", args=[school.slug]) not in body


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("5000", "(40.0% of the budget). £3,000.00 left."),
        ("2000", "(100.0% of the budget). £0.00 left."),
        ("1500", "(133.3% of the budget). Over budget by £500.00."),
    ],
)
def test_budget_line_with_a_budget(client, school, sendco, world, amount, expected):
    SenBudget.objects.create(school=school, academic_year=world["year"], amount=D(amount))
    client.force_login(sendco)
    body = _text(_get(client, school, term="spring").content.decode())
    assert f"Budget £{D(amount):,.2f}" in body
    assert expected in body


def test_map_is_audited_once_with_counts_only(client, school, sendco, world):
    client.force_login(sendco)
    _get(client, school, year="3")
    [event] = AuditEvent.objects.filter(action="provision.map.viewed")
    assert event.actor == sendco
    assert event.detail == {
        "term": "autumn",
        "academic_year": "2026/27",
        "year_group": "3",
        "class": "",
        "groups": 2,
        "pupils": 2,
    }
    assert event.pupil_public_id is None


@pytest.mark.parametrize("name", ["map", "map_print", "map_pdf"])
def test_map_pages_refuse_teacher_ta_and_governor(client, school, teacher, ta, governor, name):
    for user in (teacher, ta, governor):
        client.force_login(user)
        assert _get(client, school, name).status_code == 403


@pytest.mark.parametrize("name", ["map", "map_print"])
def test_head_reads_the_map(client, school, head, world, name):
    client.force_login(head)
    response = _get(client, school, name)
    assert response.status_code == 200
    assert "Talk Boost" in response.content.decode()


def test_another_schools_sendco_gets_404(client, school, other_school, world):
    client.force_login(member(other_school, "sendco", email="sendco@beech.test"))
    assert _get(client, school).status_code == 404


def test_the_map_shows_only_its_schools_groups(client, school, other_school, sendco, world):
    school_calendar.create_default_year(school=other_school, academic_year_start=2026)
    theirs = Intervention.objects.create(school=other_school, name="Beech only")
    Group.objects.create(
        school=other_school,
        intervention=theirs,
        name="Beech Group",
        starts_on="2026-09-07",
        ends_on="2026-12-18",
        sessions_per_week=1,
        session_minutes=30,
    )
    client.force_login(sendco)
    assert "Beech Group" not in _get(client, school).content.decode()


def test_pdf_filename(school, world):
    found = provision_map(school=school, on=TODAY, params={"year": "3"})
    assert (
        pdf_filename(school=school, found=found) == "provision-map-acorn-autumn-2026-27-year-3.pdf"
    )


# --------------------------------------------------------------------------------------------------
# Query counts: the same at two sizes
# --------------------------------------------------------------------------------------------------


def _grow(school, ta, world, extra_groups: int) -> None:
    """Add groups of three new pupils each, with two staff and a logged session."""
    helper = member(school, "ta", email="helper@acorn.test")
    for i in range(extra_groups):
        intervention = Intervention.objects.create(school=school, name=f"Extra {i}")
        group = Group.objects.create(
            school=school,
            intervention=intervention,
            name=f"Extra {i}",
            starts_on="2026-09-07",
            ends_on="2026-12-18",
            sessions_per_week=2,
            session_minutes=20,
        )
        group.staff.add(ta, helper)
        session = Session.objects.create(school=school, group=group, on="2026-11-09", logged_by=ta)
        for j in range(3):
            pupil = make_pupil(school, year_group="3")
            world["classes"]["3B"].pupils.add(pupil)
            GroupPupil.objects.create(
                school=school, group=group, pupil=pupil, joined_on="2026-09-07"
            )
            Attendance.objects.create(school=school, session=session, pupil=pupil, present=j > 0)


def _count(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("map", {}),
        ("map", {"year": "3"}),
        ("map", {"teaching_group": "3B"}),
        ("map_print", {}),
    ],
)
def test_map_queries_do_not_grow(client, school, sendco, ta, world, name, params):
    if "teaching_group" in params:
        params = {"teaching_group": world["classes"]["3B"].pk}
    client.force_login(sendco)
    client.get(reverse("notifications_count"))  # the first request renews the session
    url = reverse(f"provision_map:{name}", args=[school.slug])
    small = _count(client, url, params)
    _grow(school, ta, world, 12)
    large = _count(client, url, params)
    assert large == small
    assert small <= 23  # about 20: sign-in, tenancy, the page's reads, audit, session
    # Until the next write the map's totals and budget are kept: only the page's groups are read.
    kept = _count(client, url, params)
    assert kept <= small - 5


def test_pupil_page_queries_do_not_grow(client, school, sendco, ta, world):
    client.force_login(sendco)
    client.get(reverse("notifications_count"))  # the first request renews the session
    ada = world["pupils"]["ada"]
    url = reverse("provision_map:pupil_provision", args=[school.slug, ada.public_id])
    small = _count(client, url)
    for group in Group.objects.filter(school=school).exclude(places__pupil=ada):
        GroupPupil.objects.create(school=school, group=group, pupil=ada, joined_on=group.starts_on)
    _grow(school, ta, world, 6)
    for group in Group.objects.filter(name__startswith="Extra"):
        GroupPupil.objects.create(school=school, group=group, pupil=ada, joined_on=group.starts_on)
    large = _count(client, url)
    assert large == small
    assert small <= 22  # about 20: sign-in, tenancy, the page's reads, audit, session


# --------------------------------------------------------------------------------------------------
# A pupil's costed provision
# --------------------------------------------------------------------------------------------------


def _pupil_page(client, school, pupil):
    return client.get(reverse("provision_map:pupil_provision", args=[school.slug, pupil.public_id]))


def test_pupil_provision_lists_places_and_sums_shares(client, school, sendco, world):
    client.force_login(sendco)
    response = _pupil_page(client, school, world["pupils"]["ada"])
    assert response.status_code == 200
    body = _text(response.content.decode())
    assert "Talk Boost" in body
    assert "Precision Teaching" in body
    assert "Lego Therapy" not in body
    # Talk Boost £600 / 3 = £200, Precision Teaching £250 / 2 = £125
    assert "£200.00" in body
    assert "£125.00" in body
    assert "Annual cost: £325.00" in body
    assert "1 of 1" in body  # attended the one session logged
    assert "2.17" in body  # 1.50 + 0.67 hours a week now
    assert "Within £6,000:" in body


def test_pupil_provision_counts_the_whole_year(client, school, sendco, world):
    client.force_login(sendco)
    body = _pupil_page(client, school, world["pupils"]["cal"]).content.decode()
    # Talk Boost £200 this term and Reading Recovery £1,000 next summer
    assert "Annual cost: £1,200.00" in body


def _pupil_costing(school, amount: str):
    pupil = make_pupil(school, legal_first_name="Eve", legal_last_name="Edwards")
    intervention = Intervention.objects.create(
        school=school, name=f"Speech {amount}", resource_cost_one_off=D(amount)
    )
    group = Group.objects.create(
        school=school,
        intervention=intervention,
        name="Speech and language 1:1",
        starts_on="2026-09-07",
        ends_on="2027-07-16",
        sessions_per_week=5,
        session_minutes=30,
        funding="top_up",
    )
    GroupPupil.objects.create(school=school, group=group, pupil=pupil, joined_on="2026-09-07")
    return pupil


@pytest.mark.parametrize(
    ("amount", "above"),
    [("5999.99", False), ("6000.00", False), ("6000.01", True)],
)
def test_threshold_flag(client, school, sendco, world, amount, above):
    """Above the threshold means more than it: exactly £6,000 is met in full by the notional
    SEN budget, so it is not flagged."""
    client.force_login(sendco)
    body = _text(_pupil_page(client, school, _pupil_costing(school, amount)).content.decode())
    assert f"Annual cost: £{D(amount):,.2f}" in body
    flagged = "Above £6,000: the local authority's top-up funds the rest." in body
    assert flagged is above
    assert ("Within £6,000:" in body) is (not above)
    if above:
        assert "This pupil's provision costs £0.01 a year more than the £6,000" in body


def test_threshold_is_a_setting(client, school, sendco, world, settings):
    settings.NOTIONAL_SEN_THRESHOLD = 5000
    client.force_login(sendco)
    body = _pupil_page(client, school, _pupil_costing(school, "5500")).content.decode()
    assert "Above £5,000: the local authority's top-up funds the rest." in body


def test_pupil_provision_is_audited(client, school, sendco, world):
    client.force_login(sendco)
    ada = world["pupils"]["ada"]
    _pupil_page(client, school, ada)
    [event] = AuditEvent.objects.filter(action="provision.pupil_costs_viewed")
    assert event.pupil_public_id == ada.public_id
    assert event.actor == sendco


def test_another_schools_pupil_is_404(client, school, other_school, sendco, world):
    client.force_login(sendco)
    assert _pupil_page(client, school, make_pupil(other_school)).status_code == 404


def test_pupil_provision_refuses_teacher_ta_and_governor(
    client, school, teacher, ta, governor, world
):
    for user in (teacher, ta, governor):
        client.force_login(user)
        assert _pupil_page(client, school, world["pupils"]["ada"]).status_code == 403


def test_pupil_page_links_to_costed_provision_only_for_the_map_roles(
    client, school, sendco, head, teacher, world
):
    ada = world["pupils"]["ada"]
    url = reverse("register:pupil", args=[school.slug, ada.public_id])
    link = reverse("provision_map:pupil_provision", args=[school.slug, ada.public_id])
    world["classes"]["3B"].teachers.add(teacher)
    for user, shown in ((sendco, True), (head, True), (teacher, False)):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert (link in response.content.decode()) is shown


def test_the_map_shows_a_page_of_groups_with_totals_of_every_page(
    client, school, sendco, ta, world
):
    _grow(school, ta, world, 25)  # 27 groups in the autumn term with the world's two
    client.force_login(sendco)
    first = _get(client, school).content.decode()
    assert len(_rows(first)) == 25
    assert "Page 1 of 2" in first
    assert "Total: 27 groups" in first
    second = _get(client, school, page=2).content.decode()
    assert len(_rows(second)) == 2
    assert "Total: 27 groups" in second
    printed = _get(client, school, "map_print").content.decode()
    tbody = printed.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert tbody.count('<th scope="row">') == 27  # the print view and the PDF: the whole map
    assert "Page 1" not in printed


def test_the_kept_map_follows_every_write(client, school, sendco, ta, world):
    """The map's totals and budget line are kept between writes (staff.deadline_cache): a
    group added or a budget entered shows on the next view."""
    client.force_login(sendco)
    before = _text(_get(client, school).content.decode())
    assert "Total: 2 groups" in before
    assert "No notional SEN budget has been entered" in before
    _grow(school, ta, world, 1)
    SenBudget.objects.create(school=school, academic_year=world["year"], amount=D("9000"))
    after = _text(_get(client, school).content.decode())
    assert "Total: 3 groups" in after
    assert "Budget £9,000.00" in after


# --------------------------------------------------------------------------------------------------
# The rows written in Python (provision/templatetags/provision_map.py) and kept between writes
# --------------------------------------------------------------------------------------------------

# The table's rows as the template's loop wrote them before `map_rows` (kept beside this file):
# the tag must write the same page.
TEMPLATE_ROWS = (Path(__file__).parent / "map_rows_template.html").read_text()


def _squeezed(html: str) -> str:
    return re.sub(r"\s+", " ", html).replace("> <", "><").strip()


@pytest.mark.parametrize("print_view", [False, True])
@pytest.mark.parametrize("filtered", [False, True])
def test_map_rows_write_what_the_template_wrote(school, ta, world, print_view, filtered):
    from django.http import QueryDict
    from django.template import Context, Template

    group = world["groups"]["Talk Boost"]
    Group.objects.filter(pk=group.pk).update(name='Talk <b>"Boost"</b> & Co')
    Intervention.objects.filter(pk=group.intervention_id).update(name="Talk & <i>Boost</i>")
    ta.full_name = "Tess O'Neil <TA>"
    ta.save()
    # A group with no staff and no pupils yet, and one run more often than planned.
    Group.objects.create(
        school=school,
        intervention=group.intervention,
        name="Unstaffed",
        starts_on="2026-11-02",
        ends_on="2026-12-18",
        sessions_per_week=1,
        session_minutes=30,
    )
    precision = world["groups"]["Precision Teaching"]
    for day in ("2026-11-02", "2026-11-03", "2026-11-04"):
        Session.objects.create(school=school, group=precision, on=day, logged_by=ta)
    deadline_cache.changed(school.pk)  # `update` sends no signal
    params = QueryDict(f"teaching_group={world['classes']['3B'].pk}" if filtered else "")
    found = provision_map(school=school, on=TODAY, params=params)
    assert found.rows
    assert found.filtered == filtered
    context = {"map": found, "current_school": school, "print": print_view}
    old = Template(TEMPLATE_ROWS).render(Context(context))
    new = Template("{% load list_rows %}{% map_rows map print %}").render(Context(context))
    assert _squeezed(new) == _squeezed(old)
    assert "Talk &lt;b&gt;&quot;Boost&quot;&lt;/b&gt; &amp; Co" in new
    assert "Tess O&#x27;Neil &lt;TA&gt;" in new
    if not filtered:
        assert "None yet" in new
        assert "more than planned" in new
    assert ("<a href=" in new) is not print_view


def test_a_pages_rows_are_kept_and_follow_every_write(client, school, sendco, ta, world):
    """A page's rows (delivery, pupils) are kept between writes with the totals; a session
    logged shows on the next view, and a person's new name at once (staff names are read at
    every view: a name's change gives no school a new stamp)."""
    client.force_login(sendco)

    def talk_boost() -> str:
        body = _get(client, school).content.decode()
        return re.sub(r"\s+", " ", body.split(">Talk Boost</a>", 1)[1].split("</tr>", 1)[0])

    assert "1 of 25" in talk_boost()
    session = Session.objects.create(
        school=school, group=world["groups"]["Talk Boost"], on="2026-11-06", logged_by=ta
    )
    Attendance.objects.create(
        school=school, session=session, pupil=world["pupils"]["ada"], present=True
    )
    assert "2 of 25" in talk_boost()
    type(ta).objects.filter(pk=ta.pk).update(full_name="Renamed Assistant")
    assert "Renamed Assistant" in talk_boost()
