"""The pupil's voice (issue 19): the symbol-supported form a pupil fills in with an adult, the
views given shown on the support plan and the annual review, and the SENDCo accepting them into
the plan. Each role as they meet it: a teacher or TA records with the pupil, the head reads, the
SENDCo accepts, a governor gets nothing."""

from __future__ import annotations

import datetime as dt
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from families import services, voice
from plans import services as plan_services
from provision.models import Group, GroupPupil, Intervention
from register.models import ViewsGiven
from staff import calendar as school_calendar
from staff.models import AuditEvent
from staff.tenancy import access_for
from tests.ehcp.factories import make_authority, make_plan, make_review
from tests.register.factories import class_of, make_pupil, put_on


@pytest.fixture(autouse=True)
def _in_term_time():
    with time_machine.travel(dt.datetime(2026, 11, 25, 10, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def year(school, today):
    start = school_calendar.academic_year_start_for(today)
    return school_calendar.create_default_year(school=school, academic_year_start=start)


@pytest.fixture
def sam(school, year, teacher, ta):
    """Sam, on SEN support in the teacher's and TA's class, with a plan at Assess."""
    pupil = make_pupil(school, legal_first_name="Sam", legal_last_name="Jones")
    put_on(pupil, "K", date(2025, 1, 6), "SLCN")
    class_of(school, "3T", teachers=[teacher], assistants=[ta], pupils=[pupil], year=year)
    return pupil


@pytest.fixture
def cycle(school, sendco, sam, today):
    access = access_for(sendco, school)
    plan = plan_services.plan_start(access=access, pupil=sam, today=today - timedelta(days=20))
    cycle = plan.cycles.get()
    plan_services.cycle_update(access=access, cycle=cycle, pupil_views="Likes Lego.")
    return cycle


def _voice_url(school, pupil):
    return reverse("families:pupil_voice", args=[school.slug, pupil.public_id])


def _views(school, pupil, *, whose="pupil", purpose="plan", given_by="Sam with Mrs Patel", **kw):
    return ViewsGiven.objects.create(
        school=school,
        pupil=pupil,
        whose=whose,
        how=kw.pop("how", "symbol_form"),
        purpose=purpose,
        given_on=kw.pop("given_on", date(2026, 11, 20)),
        given_by=given_by,
        answers=kw.pop(
            "answers",
            [
                {"question": "What helps me", "answer": "A quiet place; Breaks"},
                {"question": "How do you feel about school?", "answer": "4, happy"},
            ],
        ),
        **kw,
    )


FILLED = {
    "purpose": "plan",
    "given_on": "2026-11-24",
    "given_by": "Sam with Mrs Patel",
    "good_at": ["reading", "drawing"],
    "good_at_words": "I am good at Lego",
    "hard": ["noise"],
    "feel_school": "4",
    "feel_learning": "2",
}


# --------------------------------------------------------------------------------------------------
# The form
# --------------------------------------------------------------------------------------------------


def test_every_symbol_is_shipped_and_drawn_by_hand():
    folder = Path(settings.BASE_DIR) / "static" / "families" / "symbols"
    for name in voice.symbols():
        svg = (folder / f"{name}.svg").read_text()
        assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"'), name
        for fetched in ("href", "<script", "<image"):
            assert fetched not in svg, name
    for question in voice.QUESTIONS:
        assert 8 <= len(question.choices) <= 12, question.text


def test_the_form_is_laid_out_for_a_screen_reader_and_a_finger(client, school, teacher, sam):
    client.force_login(teacher)
    response = client.get(_voice_url(school, sam))
    assert response.status_code == 200
    html = response.content.decode()
    # One fieldset and legend per question and face scale (and the adult's part).
    for question in voice.QUESTIONS:
        assert f'<legend class="h3">{question.text}</legend>' in html
    for _, text in voice.FACE_QUESTIONS:
        assert f'<legend class="h3">{text}</legend>' in html
    # Real checkboxes and radios, each labelled by its words; the symbol beside is decorative.
    assert html.count('type="checkbox"') == sum(len(q.choices) for q in voice.QUESTIONS)
    assert html.count("<span>1, very unhappy</span>") == 2
    assert html.count("<span>5, very happy</span>") == 2
    images = re.findall(r"<img [^>]*>", html)
    assert images
    assert all('alt=""' in img for img in images)
    assert all("/static/families/symbols/" in img for img in images)
    # No inline styles or scripts (CSP).
    assert " style=" not in html
    assert "<script>" not in html
    # The adult's name is suggested; the date is today.
    assert "Sam with " in html
    assert 'value="2026-11-25"' in html


def test_a_teacher_saves_the_pupils_views_as_words(client, school, teacher, sam):
    client.force_login(teacher)
    response = client.post(_voice_url(school, sam), FILLED)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "families:pupil_views", args=[school.slug, sam.public_id]
    )
    views = ViewsGiven.objects.get(pupil=sam)
    assert (views.whose, views.how, views.purpose) == ("pupil", "symbol_form", "plan")
    assert views.given_on == date(2026, 11, 24)
    assert views.given_by == "Sam with Mrs Patel"
    assert views.recorded_by == teacher
    assert views.accepted_on is None
    assert views.answers == [
        {
            "question": "What I am good at",
            "answer": "Reading; Drawing. In my own words: I am good at Lego",
        },
        {"question": "What I find hard", "answer": "Noise"},
        {"question": "How do you feel about school?", "answer": "4, happy"},
        {"question": "How do you feel about your learning?", "answer": "2, unhappy"},
    ]
    event = AuditEvent.objects.get(action="families.pupil_views_recorded")
    assert event.pupil_public_id == sam.public_id
    assert event.actor == teacher


def test_an_empty_form_or_a_future_date_is_refused_and_nothing_saved(client, school, teacher, sam):
    client.force_login(teacher)
    empty = {k: FILLED[k] for k in ("purpose", "given_on", "given_by")}
    response = client.post(_voice_url(school, sam), empty)
    assert response.status_code == 200
    assert "Tick at least one picture" in response.content.decode()
    response = client.post(_voice_url(school, sam), FILLED | {"given_on": "2026-11-26"})
    assert "The date cannot be in the future." in response.content.decode()
    # What was ticked is still ticked.
    assert re.search(r'value="reading" id="id_good_at_0" checked', response.content.decode())
    assert not ViewsGiven.objects.exists()


def test_a_ta_records_for_a_pupil_of_a_group_they_run_and_reads_nothing_more(
    client, school, year, ta, sam
):
    """Not in the TA's class, but in the reading group the TA runs: the TA may sit with them.
    Afterwards the form starts again: the plan and the views given are not the TA's to read."""
    ola = make_pupil(school, legal_first_name="Ola", legal_last_name="Other")
    stranger = make_pupil(school, legal_first_name="Stan", legal_last_name="Ger")
    group = Group.objects.create(
        school=school,
        intervention=Intervention.objects.create(school=school, name="Reading"),
        name="Reading Y3",
        status="running",
        starts_on=year.starts_on,
        ends_on=year.ends_on,
        sessions_per_week=2,
        session_minutes=20,
    )
    group.staff.add(ta)
    GroupPupil.objects.create(school=school, group=group, pupil=ola, joined_on=year.starts_on)
    client.force_login(ta)
    assert client.get(_voice_url(school, ola)).status_code == 200
    assert client.get(_voice_url(school, stranger)).status_code == 404
    response = client.post(_voice_url(school, ola), FILLED | {"given_by": "Ola with Mr Ta"})
    assert response["Location"] == _voice_url(school, ola)
    assert "Thank you: Ola's views" in str(list(get_messages(response.wsgi_request))[0])
    assert (
        client.get(reverse("families:pupil_views", args=[school.slug, ola.public_id])).status_code
        == 403
    )


def test_the_head_reads_but_never_records_and_a_governor_gets_nothing(
    client, school, head, governor, sam
):
    _views(school, sam)
    client.force_login(head)
    assert client.get(_voice_url(school, sam)).status_code == 403
    listed = client.get(reverse("families:pupil_views", args=[school.slug, sam.public_id]))
    assert listed.status_code == 200
    assert "A quiet place; Breaks" in listed.content.decode()
    assert "Accept into the plan" not in listed.content.decode()
    client.force_login(governor)
    assert client.get(_voice_url(school, sam)).status_code == 403


def test_the_printed_form_has_every_symbol_with_its_words(client, school, teacher):
    client.force_login(teacher)
    html = client.get(reverse("families:voice_print", args=[school.slug])).content.decode()
    for question in voice.QUESTIONS:
        assert question.text in html
        for choice in question.choices:
            assert f"<span>{choice.words}</span>" in html


# --------------------------------------------------------------------------------------------------
# On the plan and accepting into it
# --------------------------------------------------------------------------------------------------


def _plan_url(school, pupil):
    return reverse("plans:plan", args=[school.slug, pupil.public_id])


def _accept(client, school, views, next_url=""):
    url = reverse("families:views_accept", args=[school.slug, views.public_id])
    return client.post(url, {"next": next_url})


def test_the_sendco_sees_the_pupils_views_on_the_plan_and_accepts_them(
    client, school, sendco, sam, cycle
):
    views = _views(school, sam)
    _views(school, sam, whose="parent", how="link", given_by="Mum", answers=[])
    client.force_login(sendco)
    html = client.get(_plan_url(school, sam)).content.decode()
    assert "The pupil&#x27;s views" in html
    assert "Views of parents" in html
    line = "Given on the pupil voice form, with an adult, on 20 November 2026 by Sam with Mrs Patel"
    assert line in html
    assert "Given online by secure link on 20 November 2026 by Mum" in html
    assert html.count("Accept into the plan") == 2

    response = _accept(client, school, views, _plan_url(school, sam))
    assert response["Location"] == _plan_url(school, sam)
    cycle.refresh_from_db()
    views.refresh_from_db()
    assert cycle.pupil_views == (
        f"Likes Lego.\n\n{line}:\nWhat helps me: A quiet place; Breaks\n"
        "How do you feel about school? 4, happy"
    )
    assert views.accepted_on == date(2026, 11, 25)
    assert views.accepted_by == sendco
    assert AuditEvent.objects.filter(
        action="families.views_accepted", pupil_public_id=sam.public_id
    ).exists()
    html = client.get(_plan_url(school, sam)).content.decode()
    assert "Accepted into the plan on 25 November 2026" in html
    assert html.count("Accept into the plan") == 1  # the parents' views, not yet

    # Twice is refused: the words are not copied again.
    response = _accept(client, school, views, _plan_url(school, sam))
    assert "were accepted on 25 November 2026" in str(list(get_messages(response.wsgi_request)))
    cycle.refresh_from_db()
    assert cycle.pupil_views.count("A quiet place") == 1


def test_views_for_the_review_go_to_the_review_and_parents_to_the_parents(
    school, sendco, sam, cycle
):
    access = access_for(sendco, school)
    review = _views(school, sam, purpose="plan_review")
    parents = _views(school, sam, whose="parent", how="paper", given_by="Dad")
    services.views_accept(access=access, views=review, today=date(2026, 11, 25))
    services.views_accept(access=access, views=parents, today=date(2026, 11, 25))
    cycle.refresh_from_db()
    assert cycle.review_pupil_views.startswith("Given on the pupil voice form")
    assert cycle.parent_views.startswith("Given on paper on 20 November 2026 by Dad:")
    assert cycle.pupil_views == "Likes Lego."


def test_a_reviewed_cycle_refuses_the_views_and_says_so(client, school, sendco, sam, cycle):
    cycle.stage, cycle.reviewed_on = "reviewed", date(2026, 11, 1)
    cycle.save()
    views = _views(school, sam)
    client.force_login(sendco)
    response = _accept(client, school, views)
    said = str(list(get_messages(response.wsgi_request)))
    assert "reviewed on 1 November 2026 and can no longer be changed" in said
    views.refresh_from_db()
    assert views.accepted_on is None


def test_another_schools_views_are_not_found(client, school, other_school, sam, cycle):
    from tests.conftest import make_person

    views = _views(school, sam)
    outsider = make_person(other_school, "sendco")
    client.force_login(outsider)
    url = reverse("families:views_accept", args=[other_school.slug, views.public_id])
    assert client.post(url).status_code == 404
    views.refresh_from_db()
    assert views.accepted_on is None


def test_the_review_form_keeps_the_views_accepted_for_it(client, school, sendco, sam, cycle):
    """Accepted before the review, the pupil's views are in the review form, not lost by it."""
    access = access_for(sendco, school)
    plan_services.cycle_views_append(
        access=access, cycle=cycle, field="review_pupil_views", text="I like breaks."
    )
    cycle.refresh_from_db()
    cycle.stage, cycle.agreed_on, cycle.review_due = "do", date(2026, 11, 1), date(2026, 12, 18)
    cycle.save()
    client.force_login(sendco)
    html = client.get(reverse("plans:review", args=[school.slug, cycle.public_id])).content
    assert b"I like breaks." in html


# --------------------------------------------------------------------------------------------------
# The annual review of an EHC plan
# --------------------------------------------------------------------------------------------------


@pytest.fixture
def annual_review(school, sendco, sam):
    la = make_authority(school)
    plan = make_plan(sam, la, issued_on=date(2025, 12, 1), by=sendco)
    return make_review(plan, meeting_on=date(2026, 12, 10), by=sendco)


def test_views_for_the_annual_review_go_into_it_until_the_report_goes(
    client, school, sendco, sam, annual_review
):
    views = _views(school, sam, purpose="annual_review")
    client.force_login(sendco)
    url = reverse("ehcp:review", args=[school.slug, annual_review.public_id])
    html = client.get(url).content.decode()
    assert "Accept into the annual review" in html
    _accept(client, school, views, url)
    annual_review.refresh_from_db()
    assert annual_review.pupil_views.startswith("Given on the pupil voice form")
    assert "A quiet place; Breaks" in client.get(url).content.decode()

    later = _views(school, sam, purpose="annual_review", whose="parent", given_by="Mum")
    annual_review.report_sent_on = date(2026, 11, 24)
    annual_review.save()
    response = _accept(client, school, later, url)
    said = str(list(get_messages(response.wsgi_request)))
    assert "report went to the local authority on 24 November 2026" in said
    annual_review.refresh_from_db()
    assert annual_review.parent_views == ""


# --------------------------------------------------------------------------------------------------
# Queries constant at two sizes
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 30])
def test_the_list_and_the_plan_page_do_not_grow_with_the_views(
    client, school, sendco, sam, cycle, size, django_assert_num_queries
):
    for n in range(size):
        _views(school, sam, given_by=f"Sam {n}", accepted_on=date(2026, 11, 21), accepted_by=sendco)
    client.force_login(sendco)
    client.get(_plan_url(school, sam))  # warm the session and caches
    with django_assert_num_queries(QUERIES["families:pupil_views"]):
        assert (
            client.get(
                reverse("families:pupil_views", args=[school.slug, sam.public_id])
            ).status_code
            == 200
        )
    with django_assert_num_queries(QUERIES["families:pupil_voice"]):
        assert client.get(_voice_url(school, sam)).status_code == 200


# After a first page: the header's school switcher kept (staff/switcher_cache.py), no query.
QUERIES = {"families:pupil_views": 10, "families:pupil_voice": 8}


# --------------------------------------------------------------------------------------------------
# The words of views given
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("how", "given_by", "line"),
    [
        ("link", "Mum", "Given online by secure link on 3 December 2026 by Mum"),
        ("paper", "", "Given on paper on 3 December 2026"),
        ("meeting", "Dad", "Given at a meeting on 3 December 2026 by Dad"),
        (
            "symbol_form",
            "Sam with Mrs Patel",
            "Given on the pupil voice form, with an adult, on 3 December 2026 "
            "by Sam with Mrs Patel",
        ),
    ],
)
def test_how_when_and_by_whom_views_were_given(how, given_by, line):
    from register.rules import views_given_line

    assert views_given_line(how=how, given_on=date(2026, 12, 3), given_by=given_by) == line


def test_the_words_copied_into_the_plan():
    from register.rules import views_given_text

    text = views_given_text(
        how="link",
        given_on=date(2026, 12, 3),
        given_by="Mum",
        answers=[
            {"question": "What is going well?", "answer": "Reading at home."},
            {"question": "What worries you", "answer": "Playtimes."},
            {"question": "Anything else", "answer": ""},
        ],
    )
    assert text == (
        "Given online by secure link on 3 December 2026 by Mum:\n"
        "What is going well? Reading at home.\n"
        "What worries you: Playtimes."
    )


def test_the_annual_review_meeting_form_keeps_the_views_accepted_for_it(
    client, school, sendco, sam, annual_review
):
    services.views_accept(
        access=access_for(sendco, school),
        views=_views(school, sam, purpose="annual_review"),
        today=date(2026, 11, 25),
    )
    client.force_login(sendco)
    url = reverse("ehcp:step", args=[school.slug, annual_review.public_id, "held"])
    html = client.get(url).content.decode()
    assert "What helps me: A quiet place; Breaks" in html
