"""Normal-way-of-working evidence on one shared world: the SENDCo asks a candidate's teachers
subject by subject (their own teachers first), a teacher answers only what was asked of them
and sees the candidate's name and the question, never the history of need; the SENDCo asks
again; every read and change is audited; bad input is refused clearly with nothing saved; the
pages do the same queries at two sizes."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from exams.models import ArrangementKind, NormalWayEvidence
from staff.models import AuditEvent, Role
from tests.conftest import shared_acorn_fixtures
from tests.exams import evidence_world
from tests.factories import SchoolFactory, member

NOON = datetime(2026, 12, 4, 12, tzinfo=ZoneInfo("Europe/London"))
TODAY = date(2026, 12, 4)

globals().update(
    shared_acorn_fixtures(evidence_world.build, "sendco", "head", "teacher", "ta", on=NOON)
)


@pytest.fixture(autouse=True)
def _on_4_december_2026():
    with time_machine.travel(NOON, tick=False):
        yield


def trail_url(school, world) -> str:
    return reverse(
        "exam_evidence:trail",
        args=[school.slug, world["series"].public_id, world["pupil"].public_id],
    )


def ask_url(school, world) -> str:
    return reverse(
        "exam_evidence:ask",
        args=[school.slug, world["series"].public_id, world["pupil"].public_id],
    )


def answer_url(school, evidence) -> str:
    return reverse("exam_evidence:answer", args=[school.slug, evidence.public_id])


def mine_url(school) -> str:
    return reverse("exam_evidence:asked_of_me", args=[school.slug])


def asked(world, subject="English", teacher=None, answered=False) -> NormalWayEvidence:
    evidence = NormalWayEvidence.objects.create(
        school=world["pupil"].school,
        pupil=world["pupil"],
        series=world["series"],
        subject=subject,
        teacher=teacher or world["english"],
        requested_on=TODAY - timedelta(days=12),
        answered_on=TODAY - timedelta(days=2) if answered else None,
        answer="Word processor for essays." if answered else "",
    )
    if answered:
        evidence.arrangements.set([ArrangementKind.objects.get(code="extra-time-25")])
    return evidence


def test_the_candidates_own_teachers_are_suggested_first(client, school, sendco, world):
    client.force_login(sendco)
    page = client.get(trail_url(school, world)).content.decode()
    theirs = page.index('optgroup label="Teaches this pupil"')
    others = page.index('optgroup label="Other teachers"')
    assert theirs < page.index("Erin English (teaches 10En1)") < others
    assert others < page.index("Sid Science")
    assert "Tara Assistant" not in page  # a TA is not asked for subject evidence
    event = AuditEvent.objects.filter(action="exams.evidence_trail_viewed").get()
    assert event.pupil_public_id == world["pupil"].public_id


def test_the_sendco_asks_one_teacher_per_subject(client, school, sendco, world):
    client.force_login(sendco)
    data = {"subject": " English ", "teacher": world["english"].pk}
    response = client.post(ask_url(school, world), data, follow=True)
    assert "Erin English is asked for the English evidence." in response.content.decode()
    evidence = NormalWayEvidence.objects.get()
    assert (evidence.subject, evidence.teacher, evidence.requested_on) == (
        "English",
        world["english"],
        TODAY,
    )
    assert evidence.answered_on is None
    assert AuditEvent.objects.filter(action="exams.evidence_requested").count() == 1
    again = client.post(ask_url(school, world), {**data, "subject": "english"}, follow=True)
    assert "already asked for" in again.content.decode()
    assert NormalWayEvidence.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"subject": "", "teacher": "TEACHER"}, "Say which subject the evidence is for."),
        ({"subject": "English", "teacher": ""}, "Choose a teacher of this school."),
        ({"subject": "English", "teacher": "OUTSIDER"}, "Choose a teacher of this school."),
        ({"subject": "English", "teacher": "TA"}, "Choose a teacher of this school."),
        ({"subject": "English", "teacher": "not-a-number"}, "Choose a teacher of this school."),
        ({"subject": "E" * 61, "teacher": "TEACHER"}, "at most 60 characters"),
    ],
)
def test_a_bad_request_is_refused_clearly_and_nothing_is_saved(
    client, school, sendco, ta, world, data, message
):
    outsider = member(SchoolFactory(slug="elsewhere", urn="654321"), Role.TEACHER)
    ids = {"TEACHER": world["english"].pk, "OUTSIDER": outsider.pk, "TA": ta.pk}
    data = {k: ids.get(v, v) for k, v in data.items()}
    client.force_login(sendco)
    response = client.post(ask_url(school, world), data, follow=True)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not NormalWayEvidence.objects.exists()


def test_the_teacher_answers_what_was_asked_of_them_and_sees_no_history(client, school, world):
    evidence = asked(world)
    client.force_login(world["english"])
    listing = client.get(mine_url(school)).content.decode()
    assert "Cara Candidate" in listing
    assert "English" in listing
    page = client.get(answer_url(school, evidence)).content.decode()
    assert "How does Cara Candidate normally work in English?" in page
    for private in ("Toe by Toe", "SPLD", "Specific learning", "Riverside Council", "SEN support"):
        assert private not in page
    kinds = ArrangementKind.objects.filter(code__in=["extra-time-25", "word-processor"])
    response = client.post(
        answer_url(school, evidence),
        {"kinds": [k.pk for k in kinds], "how": "Types every essay; needs time to check."},
        follow=True,
    )
    assert "your English evidence for Cara Candidate is sent" in response.content.decode()
    evidence.refresh_from_db()
    assert evidence.answered_on == TODAY
    assert set(evidence.arrangements.values_list("code", flat=True)) == {
        "extra-time-25",
        "word-processor",
    }
    event = AuditEvent.objects.get(action="exams.evidence_answered")
    assert event.pupil_public_id == world["pupil"].public_id
    assert AuditEvent.objects.filter(action="exams.evidence_request_opened").count() == 1
    assert "Nothing is waiting for you." in client.get(mine_url(school)).content.decode()


def test_an_answer_with_no_arrangement_and_no_words_is_refused(client, school, world):
    evidence = asked(world)
    client.force_login(world["english"])
    response = client.post(answer_url(school, evidence), {"how": "  "})
    assert response.status_code == 422
    assert "Tick the arrangements the candidate normally uses" in response.content.decode()
    evidence.refresh_from_db()
    assert evidence.answered_on is None
    assert not AuditEvent.objects.filter(action="exams.evidence_answered").exists()


def test_nobody_answers_someone_elses_request(client, school, sendco, world):
    evidence = asked(world)
    for person in (world["science"], sendco):
        client.force_login(person)
        assert client.get(answer_url(school, evidence)).status_code == 404
        data = {"how": "Forged answer"}
        assert client.post(answer_url(school, evidence), data).status_code == 404
        assert "Cara Candidate" not in client.get(mine_url(school)).content.decode()
    evidence.refresh_from_db()
    assert evidence.answered_on is None
    assert evidence.answer == ""


def test_a_teacher_cannot_open_the_evidence_trail(client, school, teacher, ta, world):
    for person in (world["english"], teacher, ta):
        client.force_login(person)
        assert client.get(trail_url(school, world)).status_code == 403
        assert (
            client.get(reverse("exam_evidence:candidates", args=[school.slug])).status_code == 403
        )


def test_the_trail_shows_the_answers_and_the_arrangements_they_support(client, school, head, world):
    asked(world, "English", answered=True)
    asked(world, "Mathematics", teacher=world["science"])
    client.force_login(head)
    page = client.get(trail_url(school, world)).content.decode()
    assert "Word processor for essays." in page
    assert "Waiting since 22 November 2026" in page
    assert "(12 days: chase)" in page
    assert "Normal way of working shown in" in page
    assert "Ask a teacher for evidence" not in page  # the head reads, does not ask


def test_the_kept_history_of_need_follows_every_write(client, school, head, world):
    """The history is kept between writes under the school's stamp (staff.deadline_cache): a
    need recorded and a session attended show on the next view of the trail."""
    from provision.models import Attendance, Group, Session
    from register.models import Need, NeedType

    client.force_login(head)
    before = client.get(trail_url(school, world)).content.decode()
    assert "Speech, language and communication needs" not in before
    assert "1 of 1" in before
    Need.objects.create(
        school=school,
        pupil=world["pupil"],
        need_type=NeedType.objects.get(code="SLCN"),
        rank=2,
        starts_on=TODAY,
    )
    group = Group.objects.get(school=school, name="Toe by Toe 0")
    session = Session.objects.create(
        school=school, group=group, on=date(2026, 9, 10), logged_by=world["english"]
    )
    Attendance.objects.create(school=school, session=session, pupil=world["pupil"], present=False)
    after = client.get(trail_url(school, world)).content.decode()
    assert "Secondary: Speech, language and communication needs (SLCN)" in after
    assert "1 of 2" in after


def test_the_sendco_asks_again_and_the_previous_answer_stays(client, school, sendco, world):
    evidence = asked(world, answered=True)
    client.force_login(sendco)
    url = reverse("exam_evidence:ask_again", args=[school.slug, evidence.public_id])
    response = client.post(url, {"teacher": world["science"].pk}, follow=True)
    assert "Sid Science is asked again for the English evidence." in response.content.decode()
    evidence.refresh_from_db()
    assert evidence.answered_on is None
    assert evidence.teacher == world["science"]
    assert evidence.answer == "Word processor for essays."
    assert AuditEvent.objects.filter(action="exams.evidence_asked_again").count() == 1
    client.force_login(world["science"])
    page = client.get(answer_url(school, evidence)).content.decode()
    assert "The SENDCo asked again" in page
    assert "Word processor for essays." in page


def test_an_other_schools_request_is_a_404(client, school, sendco, world):
    evidence = asked(world)
    other = SchoolFactory(slug="beech", urn="123457")
    outsider = member(other, Role.SENDCO)
    client.force_login(outsider)
    url = reverse("exam_evidence:ask_again", args=[other.slug, evidence.public_id])
    assert client.post(url, {"teacher": outsider.pk}).status_code == 404


def _more(world, school, n: int) -> None:
    """n more subjects asked (half answered), n more candidates and n more history rows."""
    from exams.models import Arrangement
    from register.models import Pupil

    start = NormalWayEvidence.objects.count()
    for i in range(n):
        asked(world, f"Subject {start + i}", answered=i % 2 == 0)
        other = Pupil.objects.create(
            school=school,
            upn=evidence_world.upn(7100 + start + i),
            legal_first_name="Cand",
            legal_last_name=f"Idate {start + i}",
            date_of_birth=date(2011, 1, 1),
            sex="M",
            year_group="11",
        )
        Arrangement.objects.create(
            school=school,
            pupil=other,
            series=world["series"],
            kind=ArrangementKind.objects.get(code="reader"),
        )
        NormalWayEvidence.objects.create(
            school=school,
            pupil=other,
            series=world["series"],
            subject="English",
            teacher=world["english"],
            requested_on=TODAY,
        )
    evidence_world.grow(world, school, n)


# Measured after a first page: the header's school switcher kept (staff/switcher_cache.py), and
# the trail's history of need kept under the school's stamp (its own count at two sizes is in
# test_history.py).
QUERIES = {"trail": 18, "candidates": 10, "mine": 10}


@pytest.mark.parametrize(
    ("who", "page"),
    [("sendco", "trail"), ("sendco", "candidates"), ("english", "mine")],
)
def test_the_pages_do_the_same_queries_at_two_sizes(
    client, school, sendco, world, who, page, django_assert_num_queries
):
    person = sendco if who == "sendco" else world["english"]
    client.force_login(person)
    url = {
        "trail": trail_url(school, world),
        "candidates": reverse("exam_evidence:candidates", args=[school.slug]),
        "mine": mine_url(school),
    }[page]
    _more(world, school, 2)
    client.get(url)  # the session's first request of the page writes what it keeps
    with django_assert_num_queries(QUERIES[page]):
        assert client.get(url).status_code == 200
    _more(world, school, 8)
    client.get(url)  # the history worked out again after the writes, and kept
    with django_assert_num_queries(QUERIES[page]):
        assert client.get(url).status_code == 200
