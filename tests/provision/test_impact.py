"""Impact per group and per intervention, the "what works here" ranking, and TA deployment."""

from __future__ import annotations

import datetime as dt
import re
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse

from provision import impact as reads
from provision.costing import costed_groups, with_costing_data
from provision.models import (
    Attendance,
    Group,
    GroupPupil,
    Intervention,
    Measure,
    Session,
    StaffContract,
    StaffRate,
)
from staff import calendar as school_calendar
from staff.models import AuditEvent
from tests.factories import member
from tests.register.factories import make_pupil

TODAY = date(2027, 3, 10)  # a Wednesday of the spring term of 2026/27
STARTS, ENDS = date(2026, 9, 7), date(2027, 3, 26)
LATE = date(2026, 11, 2)


@pytest.fixture
def year(school):
    return school_calendar.create_default_year(school=school, academic_year_start=2026)


@pytest.fixture
def frozen():
    with time_machine.travel(dt.datetime(2027, 3, 10, 10, tzinfo=dt.UTC), tick=False):
        yield


def measure_of(school, kind: str | None) -> Measure | None:
    if kind is None:
        return None
    if kind == "sdq":
        return Measure.objects.get_or_create(
            school=school, name="SDQ", defaults={"kind": "sdq", "higher_is_better": False}
        )[0]
    return Measure.objects.get_or_create(
        school=school, name="Standardised score", defaults={"kind": "standardised"}
    )[0]


def score(value) -> D | None:
    return None if value is None else D(str(value))


def make_group(
    school,
    intervention,
    *,
    name,
    places=(),
    status="running",
    starts_on=STARTS,
    ends_on=ENDS,
    staff=(),
    sessions_per_week=3,
    session_minutes=30,
):
    """A group with pupils given as (entry, target, exit) or (entry, target, exit, joined_on)."""
    group = Group.objects.create(
        school=school,
        intervention=intervention,
        name=name,
        status=status,
        starts_on=starts_on,
        ends_on=ends_on,
        sessions_per_week=sessions_per_week,
        session_minutes=session_minutes,
    )
    group.staff.add(*staff)
    for entry, target, exit_, *joined in places:
        GroupPupil.objects.create(
            school=school,
            group=group,
            pupil=make_pupil(school),
            joined_on=joined[0] if joined else starts_on,
            entry_score=score(entry),
            target_score=score(target),
            exit_score=score(exit_),
        )
    return group


def make_intervention(school, name, *, kind="std", one_off=0, groups=()):
    intervention = Intervention.objects.create(
        school=school,
        name=name,
        measure=measure_of(school, kind),
        resource_cost_one_off=D(one_off),
    )
    for n, places in enumerate(groups):
        make_group(school, intervention, name=f"{name} {n + 1}", places=places)
    return intervention


def log_session(group, on, present: int, absent: int, by):
    session = Session.objects.create(school=group.school, group=group, on=on, logged_by=by)
    places = list(group.places.all())
    for i, place in enumerate(places[: present + absent]):
        Attendance.objects.create(
            school=group.school, session=session, pupil=place.pupil, present=i < present
        )
    return session


# --------------------------------------------------------------------------------------------------
# The ranking: a table of cases. Each intervention: (measure, one-off cost per group, groups),
# each group a list of pupils' (entry, target, exit[, joined_on]).
# --------------------------------------------------------------------------------------------------

RANKING_CASES = [
    pytest.param(
        {
            "Half": ("std", 100, [[(80, 90, 95), (80, 90, 85)]]),
            "Dear and good": ("std", 500, [[(80, 90, 95), (80, 90, 92)]]),
            "Cheap and good": ("std", 100, [[(80, 90, 95), (82, 90, 91)]]),
        },
        [("Cheap and good", 1), ("Dear and good", 2), ("Half", 3)],
        id="share-then-cost-per-pupil-meeting-target",
    ),
    pytest.param(
        {
            "Art therapy": (None, 100, [[(1, 2, 3), (1, 2, 3)]]),
            "Word wasp": ("std", 100, [[(80, 90, 85)]]),
        },
        [("Word wasp", 1), ("Art therapy", None)],
        id="no-measure-is-listed-last-whatever-its-scores",
    ),
    pytest.param(
        {
            "Attention autism": ("std", 100, [[]]),
            "Reading": ("std", 100, [[(80, 90, 95), (80, 90, 85)]]),
        },
        [("Reading", 1), ("Attention autism", None)],
        id="an-empty-group-has-not-enough-data",
    ),
    pytest.param(
        {
            "Boxall nurture": ("std", 100, [[(10, 20, None), (12, 20, None)]]),
            "Numicon": ("std", 100, [[(80, 90, 95)]]),
        },
        [("Numicon", 1), ("Boxall nurture", None)],
        id="no-exit-measure-yet-has-not-enough-data",
    ),
    pytest.param(
        {
            # A late joiner without an entry measure still counts for the target (met).
            "Late joiners": ("std", 100, [[(None, 90, 95, LATE), (80, 90, 85)]]),
            "Other": ("std", 100, [[(80, 90, 95), (80, 90, 85), (80, 90, 85)]]),
        },
        [("Late joiners", 1), ("Other", 2)],
        id="late-joiner-without-entry-counts-for-target",
    ),
    pytest.param(
        {
            # SDQ: lower is better, so both met their target; read the other way, neither would.
            "SDQ nurture": ("sdq", 100, [[(20, 14, 12), (22, 14, 13)]]),
            "Standard": ("std", 100, [[(80, 90, 95), (80, 90, 85)]]),
        },
        [("SDQ nurture", 1), ("Standard", 2)],
        id="lower-is-better-measure",
    ),
    pytest.param(
        {
            "B nobody met": ("std", 100, [[(80, 90, 85)]]),
            "A nobody met": ("std", 500, [[(80, 90, 85)]]),
        },
        [("A nobody met", 1), ("B nobody met", 2)],
        id="nobody-met-then-by-name",
    ),
    pytest.param(
        {
            "Nobody met cheap": ("std", 1, [[(80, 90, 85)]]),
            "Dear": ("std", 900, [[(80, 90, 95), (80, 90, 85)]]),
            "Cheaper": ("std", 100, [[(80, 90, 95), (80, 90, 85)]]),
        },
        [("Cheaper", 1), ("Dear", 2), ("Nobody met cheap", 3)],
        id="share-beats-cost",
    ),
    pytest.param(
        {
            # Two groups of £100 with one pupil meeting target each: £100 per pupil meeting
            # target; one group of £300 with two: £150.
            "Two groups": ("std", 100, [[(80, 90, 95)], [(80, 90, 95)]]),
            "One group": ("std", 300, [[(80, 90, 95), (80, 90, 95)]]),
        },
        [("Two groups", 1), ("One group", 2)],
        id="costs-add-up-across-groups",
    ),
    pytest.param({}, [], id="nothing-yet"),
]


@pytest.mark.parametrize(("spec", "expected"), RANKING_CASES)
def test_what_works_here_ranking(school, year, spec, expected, settings):
    """The order of the ranking, on samples of a pupil or two: the minimum is set to 1 here
    (the minimum sample has its own cases below)."""
    settings.IMPACT_MIN_PUPILS = 1
    for name, (kind, one_off, groups) in spec.items():
        make_intervention(school, name, kind=kind, one_off=one_off, groups=groups)
    items = reads.intervention_impacts(school=school, on=TODAY)
    assert [(i.intervention.name, i.rank) for i in items] == expected


MET, MISSED = (80, 90, 95), (80, 90, 85)
SAMPLE_CASES = [
    pytest.param(
        {
            "One pupil, all met": ("std", 100, [[MET]]),
            "Two pupils, all met": ("std", 100, [[MET, MET]]),
            "Six pupils, four met": ("std", 100, [[MET] * 4 + [MISSED] * 2]),
            "Five pupils, one met": ("std", 100, [[MET] + [MISSED] * 4]),
        },
        [
            ("Six pupils, four met", 1, ""),
            ("Five pupils, one met", 2, ""),
            ("One pupil, all met", None, "Measured on 1 pupil; an intervention is ranked from 5"),
            ("Two pupils, all met", None, "Measured on 2 pupils; an intervention is ranked from 5"),
        ],
        id="one-or-two-pupils-are-not-ranked-above-six",
    ),
    pytest.param(
        {
            # Seven pupils, but only four with an exit measure: measured on four.
            "Exits missing": ("std", 100, [[MET] * 4 + [(80, 90, None)] * 3]),
            "No measure": (None, 100, [[(1, 2, 3)] * 6]),
            "Nobody measured": ("std", 100, [[(80, 90, None)] * 6]),
        },
        [
            ("Exits missing", None, "Measured on 4 pupils"),
            ("No measure", None, "No measure set"),
            ("Nobody measured", None, "Not enough data yet"),
        ],
        id="the-reasons-for-not-ranking",
    ),
]


@pytest.mark.parametrize(("spec", "expected"), SAMPLE_CASES)
def test_only_interventions_measured_on_enough_pupils_are_ranked(school, year, spec, expected):
    """The default minimum (5): measured on fewer pupils, an intervention is listed below the
    ranking, unranked, saying why; the pupils measured are those with a target and an exit."""
    for name, (kind, one_off, groups) in spec.items():
        make_intervention(school, name, kind=kind, one_off=one_off, groups=groups)
    items = reads.intervention_impacts(school=school, on=TODAY)
    assert [(i.intervention.name, i.rank) for i in items] == [(n, r) for n, r, _ in expected]
    for item, (_, _, why) in zip(items, expected, strict=True):
        assert item.not_ranked.startswith(why)


def test_the_minimum_is_a_setting(school, year, settings):
    make_intervention(school, "Two pupils", groups=[[MET, MISSED]])
    assert reads.intervention_impacts(school=school, on=TODAY)[0].rank is None
    settings.IMPACT_MIN_PUPILS = 2
    assert reads.intervention_impacts(school=school, on=TODAY)[0].rank == 1


def test_impact_page_shows_pupils_measured_and_why_not_ranked(client, school, year, sendco, frozen):
    make_intervention(school, "Lexia", groups=[[MET] * 3 + [MISSED] * 3])
    make_intervention(school, "Word wasp", groups=[[MET]])
    client.force_login(sendco)
    response = client.get(reverse("provision_impact:impact", args=[school.slug]))
    body = response.content.decode()
    assert [i.intervention.name for i in response.context["ranked"]] == ["Lexia"]
    assert body.count('<g class="bar">') == 1  # only the ranked are charted
    assert '50.0% <span class="text-body-secondary">(3 of 6 met)' in body
    not_ranked = body[body.index("Not ranked</h2>") :]
    assert "Word wasp</th>" in not_ranked
    assert "Measured on 1 pupil; an intervention is ranked from 5" in not_ranked
    assert body.index("Lexia</th>") < body.index("Not ranked</h2>")


def test_impact_figures_of_an_intervention(school, year, ta):
    late = make_intervention(
        school,
        "Late joiners",
        one_off=100,
        groups=[[(None, 90, 95, LATE), (80, 90, 85), (80, 90, 96)]],
    )
    group = late.groups.get()
    log_session(group, date(2026, 9, 7), present=2, absent=1, by=ta)
    log_session(group, date(2026, 9, 9), present=3, absent=0, by=ta)
    [item] = reads.intervention_impacts(school=school, on=TODAY)
    assert item.pupils == 3
    assert item.impact.with_measures == 2  # the late joiner has no entry measure
    assert item.impact.average_improvement == D("10.50")  # (+5 and +16) / 2
    assert item.impact.met_target == 2
    assert item.impact.met_target_rate == D("66.7")
    assert item.attendance_rate == D("83.3")  # 5 of 6 marks
    assert item.cost == D("100.00")  # no staff rate: the resources only
    assert item.impact.cost_per_pupil == D("33.33")
    assert item.impact.cost_per_pupil_meeting_target == D("50.00")


def test_costs_and_attendance_come_from_costing(school, year, ta):
    rate = StaffRate.objects.create(school=school, name="TA level 3", hourly_cost=D("18"))
    talk = Intervention.objects.create(
        school=school, name="Talk Boost", default_rate=rate, measure=measure_of(school, "std")
    )
    a = make_group(school, talk, name="A", places=[(80, 90, 95)] * 5, staff=[ta])
    b = make_group(school, talk, name="B", places=[(80, 90, 85)] * 3, staff=[ta])
    log_session(a, date(2026, 9, 7), present=4, absent=1, by=ta)
    log_session(b, date(2026, 9, 7), present=1, absent=2, by=ta)
    costed = costed_groups(
        school=school,
        on=TODAY,
        groups=with_costing_data(Group.objects.filter(school=school), school=school),
    )
    [item] = reads.intervention_impacts(school=school, on=TODAY)
    assert item.cost == sum(c.cost for c in costed) > 0
    assert item.attendance_rate == D("62.5")  # 5 of 8 marks, not the mean of 80% and 33.3%
    assert item.impact.met_target_rate == D("62.5")  # 5 of 8 pupils
    assert [g.costed.cost for g in item.groups] == [c.cost for c in costed]


@pytest.mark.parametrize(
    ("status", "starts_on", "ends_on", "counted"),
    [
        ("running", STARTS, ENDS, True),
        ("ended", date(2026, 9, 7), date(2026, 12, 18), True),
        ("planned", date(2027, 4, 19), date(2027, 7, 16), False),  # not started: no impact yet
        ("ended", date(2026, 1, 5), date(2026, 7, 17), False),  # last academic year
        ("ended", date(2026, 4, 13), date(2026, 9, 18), True),  # overlaps September
    ],
)
def test_which_groups_count_this_year(school, year, status, starts_on, ends_on, counted):
    talk = make_intervention(school, "Talk Boost")
    make_group(
        school, talk, name="G", status=status, starts_on=starts_on, ends_on=ends_on, places=[]
    )
    items = reads.intervention_impacts(school=school, on=TODAY)
    assert bool(items) is counted


def test_another_schools_groups_never_count(school, other_school, year):
    make_intervention(other_school, "Theirs", groups=[[(80, 90, 95)]])
    assert reads.intervention_impacts(school=school, on=TODAY) == []


def test_school_year_without_a_calendar_is_september_to_august(school):
    assert reads.school_year(school=school, on=TODAY) == (date(2026, 9, 1), date(2027, 8, 31))


# --------------------------------------------------------------------------------------------------
# One group
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "place", "change", "met"),
    [
        ("std", (80, 90, 95), D(15), True),
        ("std", (80, 90, 85), D(5), False),
        ("std", (80, 90, 75), D(-5), False),
        ("std", (None, 90, 95, LATE), None, True),  # joined late, no entry measure
        ("std", (80, 90, None), None, None),  # no exit measure yet
        ("std", (80, None, 95), D(15), None),  # no target set
        ("sdq", (20, 14, 12), D(8), True),  # lower is better
        ("sdq", (20, 14, 24), D(-4), False),
        (None, (80, 90, 95), None, None),  # no measure: not judged
    ],
)
def test_each_pupils_change_and_target(school, year, kind, place, change, met):
    intervention = make_intervention(school, "Talk Boost", kind=kind)
    group = make_group(school, intervention, name="G", places=[place])
    found = reads.group_impact(school=school, public_id=group.public_id, on=TODAY)
    [pupil] = found.pupils
    assert (pupil.improvement, pupil.met_target) == (change, met)


def test_another_schools_group_is_not_found(school, other_school, year):
    theirs = make_intervention(other_school, "Theirs")
    group = make_group(other_school, theirs, name="G", places=[(80, 90, 95)])
    assert reads.group_impact(school=school, public_id=group.public_id, on=TODAY) is None


def test_group_impact_page(client, school, year, sendco, ta, frozen):
    talk = make_intervention(school, "Talk Boost", one_off=120)
    group = make_group(
        school,
        talk,
        name="Talk Boost Y3",
        staff=[ta],
        places=[(80, 90, 95), (80, 90, 85), (None, 90, 92, LATE), (80, 90, None)],
    )
    log_session(group, date(2026, 9, 7), present=3, absent=1, by=ta)
    client.force_login(sendco)
    url = reverse("provision_impact:group_impact", args=[school.slug, group.public_id])
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Impact of Talk Boost Y3" in body
    assert "Attendance at sessions run" in body
    assert "75.0%" in body
    assert "+15.00 (better)" in body
    assert "<strong>Met</strong>" in body
    assert "Not met" in body
    assert "No entry measure" in body
    assert "(joined late)" in body
    assert "Not known: no exit measure yet" in body
    assert "2 (66.7% of pupils with a target and an exit measure)" in body
    assert "£30.00" in body  # £120 shared by 4 pupils
    assert "£60.00" in body  # per pupil meeting target
    event = AuditEvent.objects.get(action="provision.group_impact.viewed")
    assert event.actor == sendco
    assert len(event.detail["pupils"]) == 4


def test_group_impact_page_without_a_measure_says_so(client, school, year, sendco, frozen):
    art = make_intervention(school, "Art therapy", kind=None)
    group = make_group(school, art, name="Art", places=[(1, 2, 3)])
    client.force_login(sendco)
    body = client.get(
        reverse("provision_impact:group_impact", args=[school.slug, group.public_id])
    ).content.decode()
    assert "No measure is set for Art therapy" in body
    assert "Not judged: no measure" in body


@pytest.mark.parametrize(("who", "code"), [("sendco", 200), ("head", 200), ("other", 404)])
def test_group_impact_answers(client, school, other_school, year, who, code, frozen):
    users = {
        "sendco": lambda: member(school, "sendco"),
        "head": lambda: member(school, "head"),
        "other": lambda: member(other_school, "sendco"),
    }
    group = make_group(school, make_intervention(school, "Talk"), name="G")
    client.force_login(users[who]())
    url = reverse("provision_impact:group_impact", args=[school.slug, group.public_id])
    assert client.get(url).status_code == code


def test_another_schools_group_is_a_404_in_my_school(client, school, other_school, year, sendco):
    group = make_group(other_school, make_intervention(other_school, "Theirs"), name="G")
    client.force_login(sendco)
    url = reverse("provision_impact:group_impact", args=[school.slug, group.public_id])
    assert client.get(url).status_code == 404


# --------------------------------------------------------------------------------------------------
# The impact page
# --------------------------------------------------------------------------------------------------


def test_impact_page_ranks_and_charts(client, school, year, head, frozen, settings):
    settings.IMPACT_MIN_PUPILS = 1
    make_intervention(school, "<script>alert(1)</script>", groups=[[(80, 90, 95)]])
    make_intervention(school, "Half", groups=[[(80, 90, 95), (80, 90, 85)]])
    make_intervention(school, "Art therapy", kind=None, groups=[[(1, 2, 3)]])
    client.force_login(head)
    response = client.get(reverse("provision_impact:impact", args=[school.slug]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<script>alert" not in body
    assert '<svg xmlns="http://www.w3.org/2000/svg" role="img"' in body
    assert "How the ranking works" in body
    assert body.index("&lt;script&gt;alert(1)&lt;/script&gt;</th>") < body.index("Half</th>")
    assert body.index("Half</th>") < body.index("Art therapy</th>")
    assert "Not enough data yet" in body
    assert "No measure set" in body
    assert "100.0% <span" in body
    assert "50.0% <span" in body


def test_the_kept_impact_page_follows_every_write(client, school, year, sendco, frozen, settings):
    """The interventions' figures are kept between writes: a pupil's exit score recorded
    shows on the next view."""
    settings.IMPACT_MIN_PUPILS = 1
    make_intervention(school, "Talk", groups=[[(80, 90, None)]])
    client.force_login(sendco)
    url = reverse("provision_impact:impact", args=[school.slug])
    assert "Not enough data yet" in client.get(url).content.decode()
    place = GroupPupil.objects.get(school=school)
    place.exit_score = 95
    place.save()
    assert "100.0% <span" in client.get(url).content.decode()


def test_impact_page_with_nothing_yet(client, school, year, sendco, frozen):
    client.force_login(sendco)
    body = client.get(reverse("provision_impact:impact", args=[school.slug])).content.decode()
    assert "No groups are running or have ended this academic year yet." in body


# --------------------------------------------------------------------------------------------------
# TA deployment
# --------------------------------------------------------------------------------------------------


@pytest.fixture
def deployed(school, other_school, year):
    rate = StaffRate.objects.create(school=school, name="TA level 3", hourly_cost=D("18"))
    people = {
        name: member(school, "ta", full_name=name, email=f"{name.lower()}@acorn.test")
        for name in ("Tara", "Olly", "Nina", "Carl")
    }
    for name, hours in (("Tara", "10"), ("Olly", "2"), ("Carl", "20")):
        StaffContract.objects.create(
            school=school, user=people[name], rate=rate, hours_per_week=D(hours)
        )
    talk = make_intervention(school, "Talk Boost")
    # 3 x 30 minutes = 1.5 h a week, run by Tara and Nina together: each counts 1.5 h.
    make_group(school, talk, name="G1", staff=[people["Tara"], people["Nina"]])
    # 5 x 60 minutes = 5 h a week.
    make_group(
        school,
        talk,
        name="G2",
        staff=[people["Tara"], people["Olly"]],
        sessions_per_week=5,
        session_minutes=60,
    )
    # Not running: not counted.
    make_group(school, talk, name="Ended", status="ended", staff=[people["Tara"]])
    make_group(school, talk, name="Planned", status="planned", staff=[people["Olly"]])
    # Another school's group and contract: not counted, not listed.
    theirs = make_intervention(other_school, "Theirs")
    make_group(other_school, theirs, name="Beech", staff=[people["Tara"]], session_minutes=600)
    stranger = member(other_school, "ta", full_name="Stranger")
    StaffContract.objects.create(
        school=other_school,
        user=stranger,
        rate=StaffRate.objects.create(school=other_school, name="TA", hourly_cost=D(15)),
        hours_per_week=D(30),
    )
    return people


@pytest.mark.parametrize(
    ("name", "contracted", "group_hours", "spare", "over"),
    [
        ("Carl", D("20.00"), D("0.00"), D("20.00"), False),  # contract, no groups
        ("Nina", None, D("1.50"), None, False),  # runs a group, no contract
        ("Olly", D("2.00"), D("5.00"), D("-3.00"), True),  # over contract
        ("Tara", D("10.00"), D("6.50"), D("3.50"), False),  # two groups, within
    ],
)
def test_deployment_sums_and_flags(school, deployed, name, contracted, group_hours, spare, over):
    people = {d.user.full_name: d for d in reads.deployment(school=school, on=TODAY)}
    assert sorted(people) == ["Carl", "Nina", "Olly", "Tara"]
    person = people[name]
    assert person.contracted_hours == contracted
    assert person.group_hours == group_hours
    assert person.spare_hours == spare
    assert person.over_contract is over


def test_deployment_page(client, school, deployed, head, frozen):
    client.force_login(head)
    response = client.get(reverse("provision_impact:deployment", args=[school.slug]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<strong>Over contract by 3.00 h</strong>" in body
    assert "1 member of staff is over contract" in body
    assert "Olly (over contract)" in body  # in the chart, in words
    assert "No contract recorded" in body
    assert "+3.50 h" in body
    assert "-3.00 h" in body
    assert "Stranger" not in body
    assert "Beech" not in body
    assert 'role="img"' in body


# --------------------------------------------------------------------------------------------------
# Query counts: the same at two sizes
# --------------------------------------------------------------------------------------------------


def _grow_impact(school, ta, size: int):
    for i in range(size):
        intervention = make_intervention(
            school, f"Intervention {i}", kind="sdq" if i % 2 else "std", one_off=50
        )
        for g in range(2):
            group = make_group(
                school,
                intervention,
                name=f"Group {i}-{g}",
                staff=[ta],
                places=[(80, 90, 95), (None, 90, 85, LATE), (80, 90, None)],
            )
            log_session(group, date(2026, 9, 7), present=2, absent=1, by=ta)


@pytest.mark.parametrize("size", [1, 8])
def test_impact_page_queries_do_not_grow(
    client, school, year, sendco, ta, size, frozen, django_assert_num_queries, settings
):
    settings.IMPACT_MIN_PUPILS = 1
    _grow_impact(school, ta, size)
    client.force_login(sendco)
    url = reverse("provision_impact:impact", args=[school.slug])
    with django_assert_num_queries(IMPACT_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('<g class="bar">') == size
    # Until the next write the interventions' figures are kept (staff.deadline_cache).
    with django_assert_num_queries(IMPACT_QUERIES_KEPT):
        again = client.get(url).content.decode()
    assert again.count('<g class="bar">') == size


@pytest.mark.parametrize("pupils", [2, 20])
def test_group_impact_queries_do_not_grow(
    client, school, year, sendco, ta, pupils, frozen, django_assert_num_queries
):
    talk = make_intervention(school, "Talk Boost")
    group = make_group(school, talk, name="G", staff=[ta], places=[(80, 90, 95)] * pupils)
    log_session(group, date(2026, 9, 7), present=pupils - 1, absent=1, by=ta)
    client.force_login(sendco)
    url = reverse("provision_impact:group_impact", args=[school.slug, group.public_id])
    with django_assert_num_queries(GROUP_IMPACT_QUERIES):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("size", [1, 8])
def test_deployment_queries_do_not_grow(
    client, school, year, sendco, size, frozen, django_assert_num_queries
):
    rate = StaffRate.objects.create(school=school, name="TA level 3", hourly_cost=D("18"))
    talk = make_intervention(school, "Talk Boost")
    for i in range(size):
        person = member(school, "ta", full_name=f"TA {i}")
        StaffContract.objects.create(school=school, user=person, rate=rate, hours_per_week=D(20))
        make_group(school, talk, name=f"G{i}", staff=[person], places=[(80, 90, 95)] * 3)
    client.force_login(sendco)
    url = reverse("provision_impact:deployment", args=[school.slug])
    with django_assert_num_queries(DEPLOYMENT_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('<g class="bar">') == size


# Each one more than before the dates of the sessions run were read (delivery within the plan).
IMPACT_QUERIES = 16  # the staff of the groups are not read: the page names none
# The figures kept: sign-in, tenancy and the school year only (and the header's school switcher,
# kept since the first page: staff/switcher_cache.py).
IMPACT_QUERIES_KEPT = 7
GROUP_IMPACT_QUERIES = 17
DEPLOYMENT_QUERIES = 17


def test_impact_page_lists_fifty_groups_a_page(client, school, sendco, frozen, settings):
    talk = Intervention.objects.create(school=school, name="Paged")
    Group.objects.bulk_create(
        Group(
            school=school,
            intervention=talk,
            name=f"Group {i:02d}",
            status="running",
            starts_on=dt.date(2026, 9, 7),
            ends_on=dt.date(2026, 12, 18),
            sessions_per_week=1,
            session_minutes=30,
        )
        for i in range(52)
    )
    client.force_login(sendco)
    url = reverse("provision_impact:impact", args=[school.slug])
    body = client.get(url).content.decode()
    assert "52 groups this academic year (page 1 of 2)" in body
    second = client.get(url, {"page": 2})
    assert [g.group.name for g in second.context["groups"]] == ["Group 50", "Group 51"]


# The impact page's rows as the template's loop wrote them before `impact_rows` (kept beside
# this file): the tag must write the same page.
IMPACT_ROWS_TEMPLATE = (Path(__file__).parent / "impact_rows_template.html").read_text()


def test_the_impact_pages_rows_write_what_the_template_wrote(school, year, ta, frozen, settings):
    from django.template import Context, Template

    from provision import pages as provision_pages

    settings.IMPACT_MIN_PUPILS = 1
    one_off = make_intervention(
        school, "Talk & <b>Boost</b>", one_off=300, groups=[[(80, 90, 95), (80, 90, 85)]]
    )
    make_intervention(school, "Unmeasured", kind=None, groups=[[(1, 2, 3)]])
    make_group(school, one_off, name="Nobody yet <i>", places=())
    log_session(Group.objects.get(name="Talk & <b>Boost</b> 1"), date(2027, 3, 8), 1, 1, ta)
    context = {
        **provision_pages.impact(school=school, today=TODAY),
        "current_school": school,
    }
    old = Template(IMPACT_ROWS_TEMPLATE).render(Context(context))
    new = Template("{% load list_rows %}{% impact_rows groups %}").render(Context(context))
    assert re.sub(r"\s+", " ", new).strip() == re.sub(r"\s+", " ", old).strip()
    assert "Talk &amp; &lt;b&gt;Boost&lt;/b&gt; 1" in new
    assert "Nobody yet &lt;i&gt;" in new
    assert "50.0%" in new  # attendance of the session logged
    assert "£150.00" in new  # the one-off cost between two pupils
