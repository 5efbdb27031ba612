"""The statutory clock of issue 13: phase transfers of every school shape, the transfer year, the
cap on the amended plan, under-5 windows, replacement plans, the 12-week line, parents' 15 days,
appeal windows and post-16 moves (DOMAIN.md 2.3-2.7).

Every expected date is written out by hand. Source tags are DOMAIN.md's; regulations are the SEND
Regulations 2014.
"""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ehcp import rules
from ehcp.models import EhcPlan, PlanVersion
from ehcp.rules import (
    LeadTimes,
    SchoolShape,
    appeal_window,
    fifteen_days_from,
    phase_transfer,
    post_16_move,
    review_dates,
    review_window,
    shape_of,
    transfer_years,
)
from ehcp.selectors import review_line, with_review_data
from register.models import Pupil
from sendco.deadlines import deadlines_for
from staff.tenancy import access_for
from tests.ehcp.factories import finished_review, make_authority, make_plan, make_review
from tests.register.factories import make_pupil

DEFAULT = LeadTimes()

# --------------------------------------------------------------------------------------------------
# Phase transfers of every school shape (reg. 2(1), reg. 18(1)) [S36][S137]
# --------------------------------------------------------------------------------------------------

INFANT = SchoolShape("R", "2")
JUNIOR = SchoolShape("3", "6")
FIRST = SchoolShape("R", "4")
MIDDLE = SchoolShape("5", "8")
PRIMARY = SchoolShape("N1", "6")
SECONDARY = SchoolShape("7", "11")
SIXTH_FORM = SchoolShape("7", "13")
ALL_THROUGH = SchoolShape("R", "13")
SPECIAL = SchoolShape("R", "14")
NURSERY = SchoolShape("N1", "N2")
FEB_2027, MARCH_2027 = date(2027, 2, 15), date(2027, 3, 31)


@pytest.mark.parametrize(
    ("shape", "year_group", "deadline", "label"),
    [
        # an infant school's Year 2 move to junior school: 15 February (reg. 2(1)(b))
        (INFANT, "2", FEB_2027, "from infant to junior school"),
        (INFANT, "1", None, None),
        (INFANT, "R", None, None),
        # a junior school's Year 6 to secondary
        (JUNIOR, "6", FEB_2027, "from primary to secondary school"),
        # a first school's Year 4 to middle school (reg. 2(1)(c)); no Year 6 there
        (FIRST, "4", FEB_2027, "from first to middle school"),
        (FIRST, "3", None, None),
        # a middle school's Year 8 to upper or secondary school (reg. 2(1)(e)); no move at Year 6
        (MIDDLE, "8", FEB_2027, "from middle to upper or secondary school"),
        (MIDDLE, "6", None, None),
        # a primary: the final nursery year into Reception (reg. 2(1)(a)) and Year 6
        (PRIMARY, "N2", FEB_2027, "from early years into Reception"),
        (PRIMARY, "N1", None, None),
        (PRIMARY, "6", FEB_2027, "from primary to secondary school"),
        (PRIMARY, "5", None, None),
        # secondary to post-16: 31 March (reg. 18(1)(a)), with or without a sixth form
        (SECONDARY, "11", MARCH_2027, "from secondary school to post-16"),
        (SIXTH_FORM, "11", MARCH_2027, "from secondary school to post-16"),
        (SIXTH_FORM, "13", None, None),  # leaving school at 18 is not a reg. 18 transfer
        # an all-through school: no transfer at Year 6, Year 11 to post-16 still
        (ALL_THROUGH, "6", None, None),
        (ALL_THROUGH, "2", None, None),
        (ALL_THROUGH, "11", MARCH_2027, "from secondary school to post-16"),
        # a special school of Reception to Year 14
        (SPECIAL, "6", None, None),
        (SPECIAL, "11", MARCH_2027, "from secondary school to post-16"),
        (SPECIAL, "14", None, None),
        # a school whose Year 11 reviews are not transfers (its LA's reading): none at Year 11
        (SchoolShape("7", "13", year_11_transfer=False), "11", None, None),
        # a nursery school: its final year into Reception
        (NURSERY, "N2", FEB_2027, "from early years into Reception"),
    ],
)
def test_phase_transfer_of_every_school_shape(shape, year_group, deadline, label):
    found = phase_transfer(year_group=year_group, academic_year_start=2026, shape=shape)
    assert ((found.deadline, found.label) if found else (None, None)) == (deadline, label)


@pytest.mark.parametrize(
    ("shape", "years"),
    [
        (INFANT, ["2"]),
        (JUNIOR, ["6"]),
        (FIRST, ["4"]),
        (MIDDLE, ["8"]),
        (PRIMARY, ["N2", "6"]),
        (SECONDARY, ["11"]),
        (ALL_THROUGH, ["11"]),
        (SPECIAL, ["11"]),
        (NURSERY, ["N2"]),
    ],
)
def test_transfer_years(shape, years):
    assert transfer_years(shape) == years


@pytest.mark.parametrize(
    ("phase", "lowest", "highest", "shape"),
    [
        # the school's own range wins; empty, the phase's usual one
        ("primary", "R", "2", SchoolShape("R", "2")),
        ("primary", "", "", SchoolShape("R", "6")),
        ("secondary", "", "", SchoolShape("7", "13")),
        ("middle", "", "", SchoolShape("5", "8")),
        ("all_through", "", "", SchoolShape("R", "13")),
        ("special", "", "", SchoolShape("R", "14")),
    ],
)
def test_shape_of_a_school(phase, lowest, highest, shape):
    assert shape_of(phase=phase, lowest_year=lowest, highest_year=highest) == shape


@pytest.mark.parametrize(
    ("move_on", "deadline"),
    [
        # the usual September move: at least 5 months before, so by 31 March (reg. 18(2))
        (date(2027, 9, 1), date(2027, 3, 31)),
        # a January move: by 5 August the year before
        (date(2027, 1, 6), date(2026, 8, 5)),
        # 31 July: 5 months before is 28 February (no 31st), so by 27 February
        (date(2027, 7, 31), date(2027, 2, 27)),
    ],
)
def test_post_16_move(move_on, deadline):
    assert post_16_move(move_on=move_on, to="Anytown College").deadline == deadline


# --------------------------------------------------------------------------------------------------
# Under-5s: a review suggested at 3 months and required by the LA's period (Code 9.178) [S38]
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("anchor", "born", "months", "age_at", "due_by", "suggested", "label"),
    [
        # aged 3: due in 6 months, suggested at 3
        (
            date(2026, 9, 15),
            date(2023, 1, 10),
            6,
            "review",
            date(2027, 3, 15),
            date(2026, 12, 15),
            "6-month window (under 5)",
        ),
        # an LA reviewing every 4 months: suggested at 3, due at 4
        (
            date(2026, 9, 15),
            date(2023, 1, 10),
            4,
            "review",
            date(2027, 1, 15),
            date(2026, 12, 15),
            "4-month window (under 5)",
        ),
        # five by the date the under-5 review would fall: the 12-month window
        (date(2026, 9, 15), date(2021, 12, 1), 6, "review", date(2027, 9, 15), None, None),
        # ... unless the age on the anchor is what counts (the other reading)
        (
            date(2026, 9, 15),
            date(2021, 12, 1),
            6,
            "anchor",
            date(2027, 3, 15),
            date(2026, 12, 15),
            "6-month window (under 5)",
        ),
        # aged 7: 12 months
        (
            date(2026, 9, 15),
            date(2019, 1, 10),
            6,
            "review",
            date(2027, 9, 15),
            None,
            "12-month window",
        ),
    ],
)
def test_review_window(anchor, born, months, age_at, due_by, suggested, label):
    window = review_window(
        anchor=anchor, date_of_birth=born, under_five_months=months, age_at=age_at
    )
    assert (window.due_by, window.suggested_by) == (due_by, suggested)
    if label:
        assert window.label == label


# --------------------------------------------------------------------------------------------------
# After a review: the final amended plan, its cap and the 12-week line (reg. 18, 21, 22; L v
# Devon) and the parents' 15 days [S33][S34][S36]
# --------------------------------------------------------------------------------------------------

MEETING = date(2026, 11, 20)  # a Friday


@pytest.mark.parametrize(
    ("notice", "transfer", "reading", "due", "basis"),
    [
        # notice on time (within 4 weeks): 8 weeks from it (reg. 22(3))
        (date(2026, 12, 10), None, "devon", date(2027, 2, 4), rules.REGULATION_BASIS),
        # a late notice: 8 weeks from it would be 11 March; 12 weeks from the meeting is 12 Feb
        (date(2027, 1, 14), None, "devon", date(2027, 2, 12), "12 weeks from the meeting"),
        # ... on the regulation's reading alone, 8 weeks from the notice
        (date(2027, 1, 14), None, "regulation", date(2027, 3, 11), rules.REGULATION_BASIS),
        # a phase transfer (Year 6): the plan by 15 February caps the regulation's date
        (
            date(2027, 1, 14),
            rules.Transfer(FEB_2027, "from primary to secondary school"),
            "regulation",
            FEB_2027,
            rules.TRANSFER_BASIS,
        ),
        # ... and Year 11: 31 March does not bite when 8 weeks come first
        (
            date(2026, 12, 10),
            rules.Transfer(MARCH_2027, "from secondary school to post-16"),
            "devon",
            date(2027, 2, 4),
            rules.REGULATION_BASIS,
        ),
    ],
)
def test_final_amended_plan_due(notice, transfer, reading, due, basis):
    dates = review_dates(
        meeting_on=MEETING,
        lead=DEFAULT,
        held_on=MEETING,
        la_decision=rules.AMEND,
        la_decision_on=notice,
        transfer=transfer,
        reading=reading,
    )
    assert dates.amended_plan_by == due
    assert dates.amended_plan_basis.startswith(basis)
    assert dates.twelve_week_line == date(2027, 2, 12)
    assert dates.regulation_by == notice + (date(2027, 2, 4) - date(2026, 12, 10))


@pytest.mark.parametrize(
    ("notice", "late"),
    [(date(2026, 12, 18), 0), (date(2026, 12, 19), 1), (date(2027, 1, 14), 27)],
)
def test_a_late_notice_is_counted(notice, late):
    """The notice is due within 4 weeks of the meeting: 18 December."""
    dates = review_dates(
        meeting_on=MEETING,
        lead=DEFAULT,
        held_on=MEETING,
        la_decision=rules.AMEND,
        la_decision_on=notice,
    )
    assert dates.notice_days_late == late


@pytest.mark.parametrize(
    ("served", "reading", "last_day"),
    [
        # 15 days beginning with the day of service (reg. 13(1), 22(2)): 1 to 15 March
        (date(2027, 3, 1), "beginning_with", date(2027, 3, 15)),
        (date(2027, 3, 1), "after", date(2027, 3, 16)),
        # across a month end
        (date(2027, 1, 25), "beginning_with", date(2027, 2, 8)),
    ],
)
def test_fifteen_days(served, reading, last_day):
    assert fifteen_days_from(served, reading=reading) == last_day


def test_parents_comment_only_after_a_dated_decision_to_amend():
    amend = review_dates(
        meeting_on=MEETING,
        lead=DEFAULT,
        held_on=MEETING,
        la_decision=rules.AMEND,
        la_decision_on=date(2026, 12, 10),
    )
    assert amend.parents_comment_by == date(2026, 12, 24)
    for decision in (rules.MAINTAIN, rules.CEASE):
        other = review_dates(
            meeting_on=MEETING,
            lead=DEFAULT,
            held_on=MEETING,
            la_decision=decision,
            la_decision_on=date(2026, 12, 10),
        )
        assert other.parents_comment_by is None
        assert other.amended_plan_by is None


# --------------------------------------------------------------------------------------------------
# Mediation and tribunal windows (DOMAIN 2.7) [S42]
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("decided", "certificate", "appeal_by", "moved"),
    [
        # 2 months from the decision
        (date(2027, 3, 5), None, date(2027, 5, 5), ""),
        # a certificate 1 month later than that wins when later
        (date(2027, 3, 5), date(2027, 4, 20), date(2027, 5, 20), ""),
        # ... and not when earlier
        (date(2027, 3, 5), date(2027, 3, 10), date(2027, 5, 5), ""),
        # 3 May 2027 is the early May bank holiday: Tuesday 4 May
        (date(2027, 3, 3), None, date(2027, 5, 4), "the next working day rule"),
        # the last day on 27 December: the first working day of January (4 January 2027)
        (date(2026, 10, 27), None, date(2027, 1, 4), "the Christmas rule"),
        # 1 January itself too
        (date(2026, 11, 1), None, date(2027, 1, 4), "the Christmas rule"),
        # a last day in August: the first working day of September
        (date(2027, 6, 15), None, date(2027, 9, 1), "the August rule"),
        # a Sunday: the next working day
        (date(2026, 3, 31), None, date(2026, 6, 1), "the next working day rule"),
        # the late May bank holiday (31 May 2027): Tuesday 1 June
        (date(2027, 3, 31), None, date(2027, 6, 1), "the next working day rule"),
    ],
)
def test_appeal_window(decided, certificate, appeal_by, moved):
    window = appeal_window(decided_on=decided, certificate_on=certificate)
    assert (window.appeal_by, window.moved) == (appeal_by, moved)
    assert f"until {appeal_by:%-d %B %Y}" in rules.appeal_note(window)


# --------------------------------------------------------------------------------------------------
# The clock of a plan on a given day (`review_line`): the four wrong dates of issue 13
# --------------------------------------------------------------------------------------------------


def line_of(plan: EhcPlan, today: date):
    return review_line(with_review_data(EhcPlan.objects.filter(pk=plan.pk)).get(), today=today)


@pytest.fixture
def authority(school):
    return make_authority(school)


@pytest.fixture
def plan_for(school, sendco, authority):
    def build(issued_on, *, year_group="6", born=date(2015, 5, 1)):
        child = make_pupil(school, year_group=year_group, date_of_birth=born)
        return make_plan(child, authority, issued_on=issued_on, by=sendco)

    return build


TODAY = date(2026, 12, 4)  # autumn 2026/27


@pytest.mark.parametrize(
    ("year_group", "born", "deadline"),
    [
        ("6", date(2015, 5, 1), FEB_2027),
        ("11", date(2010, 5, 1), MARCH_2027),
    ],
)
def test_an_overdue_review_moves_with_this_years_year_group(plan_for, year_group, born, deadline):
    """Wrong today 1: the 12-month window ended in June, before this academic year; the pupil is
    in Year 6 (or 11) now, so the transfer is next February (March), not last."""
    plan = plan_for(date(2025, 6, 1), year_group=year_group, born=born)
    line = line_of(plan, TODAY)
    assert line.due_by == date(2026, 6, 1)
    assert line.transfer.deadline == deadline
    # and the latest meeting is never in the academic year before last
    assert line.latest_meeting == date(2026, 5, 4)  # 4 weeks before the window's end
    assert line.overdue(TODAY)


def test_an_open_review_of_last_year_takes_this_years_transfer(plan_for, sendco):
    """Wrong today 1, an open review: the meeting was in July (Year 5 then), the LA has not
    decided; the pupil is in Year 6 now: the transfer deadline is 15 February 2027."""
    plan = plan_for(date(2025, 9, 1))
    make_review(
        plan,
        meeting_on=date(2026, 7, 10),
        by=sendco,
        invitations_sent_on=date(2026, 6, 20),
        held_on=date(2026, 7, 10),
        recommendation="amend",
        report_sent_on=date(2026, 7, 17),
    )
    line = line_of(plan, TODAY)
    assert line.transfer.deadline == FEB_2027


@pytest.mark.parametrize(
    ("issued_on", "today", "deadline"),
    [
        # issued in October of the final nursery year: 15 February applies
        (date(2026, 10, 5), TODAY, FEB_2027),
        # issued in March, after 15 February: that plan named the school itself
        (date(2027, 3, 1), date(2027, 3, 20), None),
    ],
)
def test_a_nursery_transfer_never_predates_the_plan(plan_for, issued_on, today, deadline):
    plan = plan_for(issued_on, year_group="N2", born=date(2022, 11, 1))
    line = line_of(plan, today)
    assert (line.transfer.deadline if line.transfer else None) == deadline


@pytest.fixture
def year(school):
    from staff import calendar as school_calendar

    return school_calendar.create_default_year(school=school, academic_year_start=2026)


def test_the_amended_plan_after_a_transfer_review_is_capped(plan_for, sendco, school, year):
    """Wrong today 2: met on 3 December, the LA's notice on 14 January; the plan is due by
    15 February, and the reminder says so (not 11 March, nor 25 February, 12 weeks on)."""
    plan = plan_for(date(2025, 12, 1))
    make_review(
        plan,
        meeting_on=date(2026, 12, 3),
        by=sendco,
        invitations_sent_on=date(2026, 11, 12),
        held_on=date(2026, 12, 3),
        recommendation="amend",
        report_sent_on=date(2026, 12, 10),
        la_decision="amend",
        la_decision_on=date(2027, 1, 14),
        phase_transfer=True,
    )
    line = line_of(plan, date(2027, 1, 20))
    [amended] = [s for s in line.steps if s.key == rules.AMENDED]
    assert amended.due == FEB_2027
    assert "phase-transfer deadline" in amended.note
    access = access_for(sendco, school)
    with time_machine.travel(date(2027, 1, 20), tick=False):
        found = deadlines_for(access=access, today=date(2027, 1, 20), weeks=8)
    assert ("ehcp.review.amended", FEB_2027) in [(d.kind, d.due) for d in found]
    assert line_of(plan, date(2027, 2, 16)).overdue(date(2027, 2, 16))
    assert not line_of(plan, date(2027, 2, 15)).overdue(date(2027, 2, 15))


def test_a_replacement_plan_restarts_the_window(plan_for, sendco):
    """Wrong today 4: version 1 issued January 2025, replaced after a re-assessment in June
    2026: the review is due by June 2027, not overdue since January 2026."""
    plan = plan_for(date(2025, 1, 10), year_group="3", born=date(2018, 3, 1))
    assert line_of(plan, TODAY).overdue(TODAY)
    PlanVersion.objects.create(
        plan=plan,
        number=2,
        kind=PlanVersion.Kind.REPLACEMENT,
        issued_on=date(2026, 6, 15),
        created_by=sendco,
    )
    line = line_of(plan, TODAY)
    assert (line.anchor, line.due_by) == (date(2026, 6, 15), date(2027, 6, 15))
    assert not line.overdue(TODAY)


def test_an_amendment_after_a_review_keeps_the_meeting_as_the_anchor(plan_for, sendco):
    plan = plan_for(date(2025, 1, 10), year_group="3", born=date(2018, 3, 1))
    review = finished_review(plan, held_on=date(2025, 11, 20), by=sendco, decision="amend")
    review.amended_issued_on = date(2026, 2, 10)
    review.save()
    PlanVersion.objects.create(
        plan=plan,
        number=2,
        kind=PlanVersion.Kind.AMENDED,
        issued_on=date(2026, 2, 10),
        created_by=sendco,
    )
    assert line_of(plan, TODAY).anchor == date(2025, 11, 20)


def test_a_late_notice_is_flagged_with_the_twelve_week_line(plan_for, sendco):
    plan = plan_for(date(2025, 12, 1), year_group="3", born=date(2018, 3, 1))
    make_review(
        plan,
        meeting_on=date(2026, 10, 1),
        by=sendco,
        invitations_sent_on=date(2026, 9, 10),
        held_on=date(2026, 10, 1),
        recommendation="amend",
        report_sent_on=date(2026, 10, 8),
        la_decision="amend",
        la_decision_on=date(2026, 11, 20),
    )
    line = line_of(plan, TODAY)
    [amended] = [s for s in line.steps if s.key == rules.AMENDED]
    assert amended.due == date(2026, 12, 24)  # 12 weeks from 1 October, not 15 January
    assert any("L v Devon" in w and "24/12/2026" in w for w in line.warnings)
    with override_settings(EHCP_AMENDED_PLAN_READING="regulation"):
        line = line_of(plan, TODAY)
    [amended] = [s for s in line.steps if s.key == rules.AMENDED]
    assert amended.due == date(2027, 1, 15)


# --------------------------------------------------------------------------------------------------
# The pages: the words match the window; transfers of an infant school; a post-16 move
# --------------------------------------------------------------------------------------------------


@time_machine.travel(date(2026, 12, 4), tick=False)
def test_an_under_five_is_given_a_six_month_window_in_words(client, plan_for, sendco, school):
    """Wrong today 3: a 6-month window is never called a 12-month window."""
    plan = plan_for(date(2026, 10, 1), year_group="N2", born=date(2022, 10, 1))
    client.force_login(sendco)
    pupil = plan.pupil
    page = client.get(reverse("ehcp:plan", args=[school.slug, pupil.public_id])).content.decode()
    assert "6-month window (under 5) ends" in page
    assert "6 months from 1 October 2026" in page
    assert "a review is suggested by 1 January 2027" in page
    assert "12-month" not in page
    form = client.get(reverse("ehcp:review_new", args=[school.slug, pupil.public_id]))
    text = form.content.decode()
    assert "6-month window (under 5) ends on 1 April 2027" in text
    assert "within the 6-month window (under 5)" in text
    assert "12-month" not in text
    review = make_review(plan, meeting_on=date(2027, 4, 20), by=sendco)
    page = client.get(reverse("ehcp:review", args=[school.slug, review.public_id]))
    text = page.content.decode()
    assert "the end of the 6-month window (under 5)" in text  # the warning
    assert "The 6-month window (under 5) ends on 1 April 2027" in text
    assert "12-month" not in text


@time_machine.travel(date(2026, 12, 4), tick=False)
def test_an_infant_schools_year_2_moves_on_the_transfers_page(client, school, sendco, head):
    school.lowest_year, school.highest_year = "R", "2"
    school.save()
    authority = make_authority(school)
    child = make_pupil(school, year_group="2", date_of_birth=date(2019, 1, 5))
    make_plan(child, authority, issued_on=date(2026, 1, 20), by=sendco)
    stays = make_pupil(school, year_group="1", date_of_birth=date(2020, 1, 5))
    make_plan(stays, authority, issued_on=date(2026, 1, 20), by=sendco)
    client.force_login(head)
    text = client.get(reverse("ehcp:transfers", args=[school.slug])).content.decode()
    assert "Reception to Year 2" in text
    assert "From infant to junior school" in text
    assert "15 February 2027" in text
    assert child.last_name in text
    assert stays.last_name not in text
    page = client.get(reverse("ehcp:plan", args=[school.slug, child.public_id])).content.decode()
    due = "From infant to junior school: the amended plan naming the next setting is due by"
    assert f"{due} 15 February 2027" in page


@time_machine.travel(date(2026, 12, 4), tick=False)
def test_the_age_range_set_by_hand_moves_the_transfer(client, school, sendco):
    authority = make_authority(school)
    child = make_pupil(school, year_group="6", date_of_birth=date(2015, 1, 5))
    make_plan(child, authority, issued_on=date(2026, 1, 20), by=sendco)
    client.force_login(sendco)
    url = reverse("ehcp:transfer_settings", args=[school.slug])
    refused = client.post(url, {"lowest_year": "6", "highest_year": "R"})
    assert "The oldest year group cannot come before the youngest." in refused.content.decode()
    client.post(url, {"lowest_year": "R", "highest_year": "13"})  # all-through
    school.refresh_from_db()
    assert (school.lowest_year, school.highest_year, school.age_range_source) == (
        "R",
        "13",
        "settings",
    )
    text = client.get(reverse("ehcp:transfers", args=[school.slug])).content.decode()
    assert "No pupil with an active EHC plan moves" in text  # no move at Year 6


@time_machine.travel(date(2026, 12, 4), tick=False)
def test_a_post_16_move_sets_the_five_month_deadline(client, school, sendco):
    authority = make_authority(school)
    child = make_pupil(school, year_group="12", date_of_birth=date(2009, 1, 5))
    plan = make_plan(child, authority, issued_on=date(2026, 5, 20), by=sendco)
    client.force_login(sendco)
    url = reverse("ehcp:post_16_move", args=[school.slug, child.public_id])
    refused = client.post(url, {"post_16_move_on": "2026-11-01", "post_16_move_to": "X"})
    assert "Give a date still to come." in refused.content.decode()
    client.post(url, {"post_16_move_on": "2027-09-01", "post_16_move_to": "Anytown College"})
    line = line_of(plan, TODAY)
    assert line.transfer.deadline == date(2027, 3, 31)
    assert "Anytown College" in line.transfer.label
    page = client.get(reverse("ehcp:plan", args=[school.slug, child.public_id])).content.decode()
    assert "31 March 2027" in page


@time_machine.travel(date(2027, 1, 20), tick=False)
def test_a_decision_not_to_amend_shows_the_appeal_window(client, plan_for, sendco, school):
    plan = plan_for(date(2025, 12, 1), year_group="3", born=date(2018, 3, 1))
    review = finished_review(plan, held_on=date(2026, 11, 20), by=sendco, decision="maintain")
    # decided 11 December 2026: 2 months is 11 February 2027
    client.force_login(sendco)
    url = reverse("ehcp:review", args=[school.slug, review.public_id])
    text = client.get(url).content.decode()
    assert "until 11 February 2027" in text
    mediation = reverse("ehcp:mediation", args=[school.slug, review.public_id])
    refused = client.post(mediation, {"mediation_certificate_on": "2026-12-01"})
    assert "cannot be before the LA&#x27;s decision" in refused.content.decode()
    client.post(mediation, {"mediation_certificate_on": "2027-01-18"})
    text = client.get(url).content.decode()
    assert "until 18 February 2027" in text  # 1 month from the certificate, later


def test_the_mis_import_sets_the_age_range_until_someone_does(school):
    from register.mis_import.applying import _age_range_from_roll

    for year_group in ("R", "1", "2"):
        make_pupil(school, year_group=year_group)
    _age_range_from_roll(school)
    school.refresh_from_db()
    assert (school.lowest_year, school.highest_year, school.age_range_source) == ("R", "2", "mis")
    school.lowest_year, school.highest_year, school.age_range_source = "R", "6", "settings"
    school.save()
    make_pupil(school, year_group="N2")
    _age_range_from_roll(school)
    school.refresh_from_db()
    assert (school.lowest_year, school.highest_year) == ("R", "6")
    assert Pupil.objects.filter(school=school).count() == 4


@pytest.mark.parametrize("size", [1, 6])
@time_machine.travel(date(2026, 12, 4), tick=False)
def test_the_transfers_page_queries_do_not_grow(client, school, sendco, size):
    authority = make_authority(school)
    for _ in range(size):
        for year_group in ("6", "4"):  # one moves, one stays
            pupil = make_pupil(school, year_group=year_group, date_of_birth=date(2015, 1, 5))
            make_plan(pupil, authority, issued_on=date(2026, 1, 20), by=sendco)
    client.force_login(sendco)
    client.get(reverse("notifications_count"))  # the first request renews the session
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("ehcp:transfers", args=[school.slug]))
    assert len(response.context["page"].lines) == size
    assert len(queries) == TRANSFERS_QUERIES


TRANSFERS_QUERIES = 11  # sign-in, tenancy, the plans and their reviews (four), audit
