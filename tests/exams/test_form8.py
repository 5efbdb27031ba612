"""Form 8 part 1 as a PDF: the centre, the candidate, the history of need, the teachers'
answered evidence (a waiting request is never shown as evidence), the arrangements considered,
the SENDCo's signature line and the note that part 2 is the assessor's. Every print is audited,
and an assessment dated before part 1 was first printed is warned of on the trail."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from exams.models import ArrangementKind, Assessment, Assessor, NormalWayEvidence
from staff.models import AuditEvent
from tests.conftest import shared_acorn_fixtures
from tests.exams import evidence_world
from tests.pdf import pdf_text

NOON = datetime(2026, 12, 4, 12, tzinfo=ZoneInfo("Europe/London"))
TODAY = date(2026, 12, 4)

globals().update(shared_acorn_fixtures(evidence_world.build, "sendco", "head", on=NOON))


@pytest.fixture(autouse=True)
def _on_4_december_2026():
    with time_machine.travel(NOON, tick=False):
        yield


def pdf_url(school, world) -> str:
    args = [school.slug, world["series"].public_id, world["pupil"].public_id]
    return reverse("exam_evidence:form8_pdf", args=args)


def trail_url(school, world) -> str:
    args = [school.slug, world["series"].public_id, world["pupil"].public_id]
    return reverse("exam_evidence:trail", args=args)


def evidence(world, subject, *, answered: bool, teacher=None) -> NormalWayEvidence:
    row = NormalWayEvidence.objects.create(
        school=world["pupil"].school,
        pupil=world["pupil"],
        series=world["series"],
        subject=subject,
        teacher=teacher or world["english"],
        requested_on=TODAY - timedelta(days=5),
        answered_on=TODAY - timedelta(days=1) if answered else None,
        answer="Types all extended answers on a laptop." if answered else "",
    )
    if answered:
        row.arrangements.set([ArrangementKind.objects.get(code="extra-time-25")])
    return row


def test_part_1_holds_the_candidate_the_history_and_the_teachers_evidence(
    client, school, sendco, world, tmp_path
):
    evidence(world, "English", answered=True)
    evidence(world, "Geography", answered=False, teacher=world["science"])
    client.force_login(sendco)
    response = client.get(pdf_url(school, world))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "form8-part1-candidate-cara" in response["Content-Disposition"]
    text = " ".join(pdf_text(response.content, tmp_path).split())
    for expected in (
        "Form 8: Part 1",
        "Acorn Primary",
        "Cara Candidate",
        "2 May 2011",
        "Centre number",
        "Candidate number",
        "History of need and provision",
        "Specific learning difficulty",
        "Toe by Toe",
        "Riverside Council",
        "English",
        "Erin English",
        "Types all extended answers on a laptop.",
        "25% extra time",
        "Signature of the SENCo",
        "Part 2 is completed by the assessor",
    ):
        assert expected in text, expected
    # A request still waiting is named as awaited, never as evidence.
    assert "Still awaited from: Geography (Sid Science)" in text
    event = AuditEvent.objects.get(action="exams.form8_printed")
    assert event.pupil_public_id == world["pupil"].public_id
    assert event.detail["series"] == str(world["series"].public_id)


def test_the_head_prints_part_1_and_a_teacher_cannot(client, school, head, world):
    client.force_login(head)
    assert client.get(pdf_url(school, world)).status_code == 200
    client.force_login(world["english"])
    assert client.get(pdf_url(school, world)).status_code == 403
    assert AuditEvent.objects.filter(action="exams.form8_printed").count() == 1


def _assessed(world, on: date) -> None:
    assessor = Assessor.objects.create(
        school=world["pupil"].school,
        name="Dr Ann Assessor",
        qualification="Level 7 SpLD APC",
        qualification_checked_on=date(2026, 9, 1),
    )
    Assessment.objects.create(
        school=world["pupil"].school,
        pupil=world["pupil"],
        assessor=assessor,
        assessed_on=on,
        year_group="10",
    )


def test_an_assessment_before_part_1_is_warned_of(client, school, sendco, world):
    _assessed(world, TODAY - timedelta(days=3))
    client.force_login(sendco)
    page = client.get(trail_url(school, world)).content.decode()
    assert "Form 8 part 1 has not been printed: JCQ requires part 1" in page
    assert "Level 7 SpLD APC" in page
    assert "1 September 2026" in page  # the qualification evidence seen
    client.get(pdf_url(school, world))
    page = client.get(trail_url(school, world)).content.decode()
    assert "came before Form 8 part 1 was first printed (04/12/2026)" in page
    assert "Part 1 first printed on 4 December 2026." in page


def test_part_1_printed_before_the_assessment_is_not_warned_of(client, school, sendco, world):
    client.force_login(sendco)
    client.get(pdf_url(school, world))
    _assessed(world, TODAY + timedelta(days=7))
    page = client.get(trail_url(school, world)).content.decode()
    assert "JCQ requires part 1" not in page


def test_another_schools_series_is_a_404(client, school, sendco, world):
    from exams.models import ExamSeries
    from tests.factories import SchoolFactory

    other = ExamSeries.objects.create(
        school=SchoolFactory(slug="beech", urn="123457"),
        name="Summer 2027",
        first_exam_on=date(2027, 5, 11),
        application_deadline=date(2027, 2, 21),
    )
    client.force_login(sendco)
    url = reverse(
        "exam_evidence:form8_pdf", args=[school.slug, other.public_id, world["pupil"].public_id]
    )
    assert client.get(url).status_code == 404
    assert not AuditEvent.objects.filter(action="exams.form8_printed").exists()
