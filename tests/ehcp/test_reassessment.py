"""Issue 13's needs-assessment clock: the draft plan and parents' 15 days, the 16-week notice
owed until a draft is sent, re-assessment (reg. 24-27), the appeal windows after a refusal or a
decision not to issue a plan, and the school's 15 days when the LA consults it about naming it
(Code 9.79). Every expected date is written out by hand."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse

from ehcp import rules
from ehcp.models import AssessmentRequest, SchoolConsultation
from sendco.deadlines import deadlines_for
from staff.tenancy import access_for
from tests.ehcp.factories import make_authority
from tests.register.factories import make_pupil

RECEIVED = date(2026, 9, 7)  # a Monday: decision by 19/10, 16 weeks 28/12, 20 weeks 25/01/2027


def _steps(facts, today):
    return {
        s.key: (s.due, s.outstanding, s.overdue(today), s.running(today))
        for s in rules.assessment_steps(facts)
    }


# --------------------------------------------------------------------------------------------------
# The rule tables
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "today", "expected"),
    [
        # The LA assesses and has sent no draft by week 16: the notice is owed, late on 29/12.
        (
            rules.AssessmentFacts(
                received_on=RECEIVED, decision="assess", decision_on=date(2026, 10, 12)
            ),
            date(2026, 12, 29),
            {
                "decision": (date(2026, 10, 19), False, False, False),
                "advice": (None, False, False, False),
                "no_plan_notice": (date(2026, 12, 28), True, True, False),
                "final_plan": (date(2027, 1, 25), True, False, False),
            },
        ),
        # The draft reached parents on 1 December: the notice is met, parents' 15 days run to
        # 15 December (beginning with the day served, reg. 13(1)).
        (
            rules.AssessmentFacts(
                received_on=RECEIVED,
                decision="assess",
                decision_on=date(2026, 10, 12),
                draft_sent_on=date(2026, 12, 1),
            ),
            date(2026, 12, 15),
            {
                "decision": (date(2026, 10, 19), False, False, False),
                "advice": (None, False, False, False),
                "no_plan_notice": (date(2026, 12, 28), False, False, False),
                "parents_draft": (date(2026, 12, 15), False, False, True),
                "final_plan": (date(2027, 1, 25), True, False, False),
            },
        ),
        # The day after, the period has ended: never overdue, no longer running.
        (
            rules.AssessmentFacts(
                received_on=RECEIVED,
                decision="assess",
                decision_on=date(2026, 10, 12),
                draft_sent_on=date(2026, 12, 1),
            ),
            date(2026, 12, 16),
            {
                "decision": (date(2026, 10, 19), False, False, False),
                "advice": (None, False, False, False),
                "no_plan_notice": (date(2026, 12, 28), False, False, False),
                "parents_draft": (date(2026, 12, 15), False, False, False),
                "final_plan": (date(2027, 1, 25), True, False, False),
            },
        ),
        # Re-assessment requested by the school on 7 September: the LA answers within 15 days
        # (by 21/09, reg. 24); the final plan has no date until it decides.
        (
            rules.AssessmentFacts(received_on=RECEIVED, kind="reassessment"),
            date(2026, 9, 22),
            {
                "decision": (date(2026, 9, 21), True, True, False),
                "advice": (None, False, False, False),
                "final_plan": (None, False, False, False),
            },
        ),
        # It decides to re-assess on 18 September: the final plan 14 weeks later, 25/12/2026
        # (reg. 27(3)); no 16-week notice in a re-assessment.
        (
            rules.AssessmentFacts(
                received_on=RECEIVED,
                kind="reassessment",
                decision="assess",
                decision_on=date(2026, 9, 18),
            ),
            date(2026, 12, 28),
            {
                "decision": (date(2026, 9, 21), False, False, False),
                "advice": (None, False, False, False),
                "final_plan": (date(2026, 12, 25), True, True, False),
            },
        ),
        # The LA re-assesses on its own initiative on 7 September: no request to answer, the
        # final plan by 14 December (14 weeks).
        (
            rules.AssessmentFacts(received_on=RECEIVED, kind="reassessment", requested_by="la"),
            date(2026, 12, 1),
            {
                "advice": (None, False, False, False),
                "final_plan": (date(2026, 12, 14), True, False, False),
            },
        ),
        # The LA will not re-assess: nothing more is owed.
        (
            rules.AssessmentFacts(
                received_on=RECEIVED,
                kind="reassessment",
                decision="refused",
                decision_on=date(2026, 9, 15),
            ),
            date(2026, 12, 1),
            {
                "decision": (date(2026, 9, 21), False, False, False),
                "advice": (None, False, False, False),
            },
        ),
    ],
)
def test_assessment_and_reassessment_steps(facts, today, expected):
    assert _steps(facts, today) == expected


@override_settings(EHCP_FIFTEEN_DAY_READING="after")
def test_the_other_reading_of_fifteen_days_moves_every_fifteen_day_date(settings):
    facts = rules.AssessmentFacts(
        received_on=RECEIVED, kind="reassessment", reading=settings.EHCP_FIFTEEN_DAY_READING
    )
    assert rules.assessment_steps(facts)[0].due == date(2026, 9, 22)
    assert rules.consultation_due(date(2026, 9, 7), reading="after") == date(2026, 9, 22)


@pytest.mark.parametrize(
    ("facts", "certificate", "appeal_by"),
    [
        # Refused to assess on 10 October 2026: 2 months, 10 December.
        (
            rules.AssessmentFacts(
                received_on=RECEIVED, decision="refused", decision_on=date(2026, 10, 10)
            ),
            None,
            date(2026, 12, 10),
        ),
        # ... with a mediation certificate of 20 November: 1 month, 20 December (a Sunday): the
        # next working day, Monday 21 December.
        (
            rules.AssessmentFacts(
                received_on=RECEIVED, decision="refused", decision_on=date(2026, 10, 10)
            ),
            date(2026, 11, 20),
            date(2026, 12, 21),
        ),
        # No plan after assessing, notice of 2 June 2027: 2 August falls in August, so the
        # first working day of September, Wednesday 1 September 2027.
        (
            rules.AssessmentFacts(
                received_on=RECEIVED,
                decision="assess",
                decision_on=date(2026, 10, 12),
                outcome="no_plan",
                outcome_on=date(2027, 6, 2),
            ),
            None,
            date(2027, 9, 1),
        ),
    ],
)
def test_appeal_after_a_refusal_or_no_plan(facts, certificate, appeal_by):
    assert rules.assessment_appeal(facts, certificate).appeal_by == appeal_by


def test_no_appeal_window_while_the_la_has_not_decided_against():
    facts = rules.AssessmentFacts(
        received_on=RECEIVED, decision="assess", decision_on=date(2026, 10, 12)
    )
    assert rules.assessment_appeal(facts, None) is None


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2026, 11, 2), date(2026, 11, 16)),  # Code 9.79: 15 days beginning with the day
        (date(2026, 12, 20), date(2027, 1, 3)),  # calendar days: holidays count
    ],
)
def test_the_schools_fifteen_days_on_a_consultation(received, due):
    assert rules.consultation_due(received) == due


def test_every_assessment_rule_names_its_source():
    for step, limit, counted_from, source in rules.ASSESSMENT_RULES:
        assert limit.split()[0].isdigit(), step
        assert counted_from, step
        assert source.startswith(("reg. ", "Code ")), step


# --------------------------------------------------------------------------------------------------
# The deadline engine, the pages and the services
# --------------------------------------------------------------------------------------------------


@pytest.fixture
def authority(school):
    return make_authority(school)


def _request(school, sendco, authority, **fields):
    pupil = make_pupil(school, year_group="4", date_of_birth=date(2017, 2, 1))
    return AssessmentRequest.objects.create(
        school=school,
        pupil=pupil,
        authority=authority,
        requested_by="school",
        received_on=RECEIVED,
        created_by=sendco,
        **fields,
    )


def _kinds(user, school, today):
    return {(d.kind, d.due) for d in deadlines_for(access=access_for(user, school), today=today)}


def test_the_engine_reminds_the_notice_then_the_parents_period(school, sendco, authority):
    found = _request(school, sendco, authority, decision="assess", decision_on=date(2026, 10, 12))
    assert ("ehcp.assessment.no_plan_notice", date(2026, 12, 28)) in _kinds(
        sendco, school, date(2026, 12, 1)
    )
    found.draft_sent_on = date(2026, 12, 1)
    found.save()
    owed = _kinds(sendco, school, date(2026, 12, 10))
    assert ("ehcp.assessment.parents_draft", date(2026, 12, 15)) in owed
    assert not any(kind == "ehcp.assessment.no_plan_notice" for kind, _ in owed)
    # Once the period has ended it is not an overdue task of the school's.
    later = _kinds(sendco, school, date(2026, 12, 20))
    assert not any(kind == "ehcp.assessment.parents_draft" for kind, _ in later)


def test_the_engine_reminds_a_reassessment(school, sendco, authority):
    _request(
        school,
        sendco,
        authority,
        kind="reassessment",
        decision="assess",
        decision_on=date(2026, 9, 18),
    )
    assert ("ehcp.assessment.final_plan", date(2026, 12, 25)) in _kinds(
        sendco, school, date(2026, 12, 1)
    )


def test_a_consultation_reaches_the_sendco_and_head_but_not_a_teacher(
    school, sendco, head, teacher, authority
):
    SchoolConsultation.objects.create(
        school=school,
        authority=authority,
        child_name="Ada Lovelace",
        received_on=date(2026, 11, 30),
        created_by=sendco,
    )
    due = ("ehcp.consultation", date(2026, 12, 14))
    assert due in _kinds(sendco, school, date(2026, 12, 4))
    assert due in _kinds(head, school, date(2026, 12, 4))
    assert due not in _kinds(teacher, school, date(2026, 12, 4))


@time_machine.travel(date(2026, 12, 4), tick=False)
def test_recording_a_consultation_and_the_schools_answer(client, school, sendco, head, authority):
    client.force_login(sendco)
    new = reverse("ehcp:consultation_new", args=[school.slug])
    answer_without_date = client.post(
        new,
        {
            "authority": authority.pk,
            "child_name": "Ada Lovelace",
            "year_group": "7",
            "current_setting": "Hill Top Primary",
            "received_on": "2026-11-30",
            "response": "can_meet",
        },
    )
    assert "Give the school&#x27;s answer and the date it was sent together." in (
        answer_without_date.content.decode()
    )
    assert not SchoolConsultation.objects.exists()  # nothing half-saved
    saved = client.post(
        new,
        {
            "authority": authority.pk,
            "child_name": "Ada Lovelace",
            "year_group": "7",
            "received_on": "2026-11-30",
            "response": "pending",
        },
        follow=True,
    )
    text = saved.content.decode()
    assert "due by 14 December 2026" in text
    found = SchoolConsultation.objects.get()
    client.force_login(head)  # the head reads it, and cannot change it
    detail = reverse("ehcp:consultation", args=[school.slug, found.public_id])
    assert "Ada Lovelace" in client.get(detail).content.decode()
    edit = reverse("ehcp:consultation_edit", args=[school.slug, found.public_id])
    assert client.get(edit).status_code == 403
    client.force_login(sendco)
    client.post(
        edit,
        {
            "authority": authority.pk,
            "child_name": "Ada Lovelace",
            "received_on": "2026-11-30",
            "responded_on": "2026-12-03",
            "response": "cannot_meet",
        },
    )
    found.refresh_from_db()
    assert (found.response, found.responded_on) == ("cannot_meet", date(2026, 12, 3))
    listing = client.get(reverse("ehcp:consultations", args=[school.slug])).content.decode()
    assert "cannot meet" in listing


def test_another_schools_consultation_is_not_found(client, school, other_school, sendco):
    theirs = SchoolConsultation.objects.create(
        school=other_school,
        authority=make_authority(other_school),
        child_name="Someone Else",
        received_on=date(2026, 11, 30),
        created_by=sendco,
    )
    client.force_login(sendco)
    url = reverse("ehcp:consultation", args=[school.slug, theirs.public_id])
    assert client.get(url).status_code == 404


@time_machine.travel(date(2026, 12, 4), tick=False)
def test_a_refused_reassessment_shows_the_appeal_window(client, school, sendco, authority):
    found = _request(school, sendco, authority, kind="reassessment")
    client.force_login(sendco)
    edit = reverse("ehcp:request_edit", args=[school.slug, found.public_id])
    base = {
        "authority": authority.pk,
        "kind": "reassessment",
        "requested_by": "school",
        "received_on": "2026-09-07",
        "outcome": "pending",
    }
    early_certificate = client.post(
        edit,
        {
            **base,
            "decision": "assess",
            "decision_on": "2026-09-15",
            "mediation_certificate_on": "2026-10-01",
        },
    )
    assert "A mediation certificate follows a decision not to assess" in (
        early_certificate.content.decode()
    )
    client.post(edit, {**base, "decision": "refused", "decision_on": "2026-09-15"})
    url = reverse("ehcp:request", args=[school.slug, found.public_id])
    text = client.get(url).content.decode()
    assert "Re-assessment request" in text
    assert "not to re-assess" in text
    assert "until 16 November 2026" in text  # 15 September + 2 months, a Sunday: Monday 16th
    client.post(
        edit,
        {
            **base,
            "decision": "refused",
            "decision_on": "2026-09-15",
            "mediation_certificate_on": "2026-11-10",
        },
    )
    assert "until 10 December 2026" in client.get(url).content.decode()


@time_machine.travel(date(2026, 12, 4), tick=False)
def test_a_draft_before_the_decision_is_refused(client, school, sendco, authority):
    found = _request(school, sendco, authority)
    client.force_login(sendco)
    edit = reverse("ehcp:request_edit", args=[school.slug, found.public_id])
    answer = client.post(
        edit,
        {
            "authority": authority.pk,
            "kind": "assessment",
            "requested_by": "school",
            "received_on": "2026-09-07",
            "decision": "pending",
            "outcome": "pending",
            "draft_sent_on": "2026-11-01",
        },
    )
    assert "A draft plan follows only a decision to assess." in answer.content.decode()
    found.refresh_from_db()
    assert found.draft_sent_on is None
