"""The SEN information report (issue 18): the checklist of every required item with its state,
sendco's drafts from the school's records, publishing that freezes the words, the public page
and PDF (no sign-in, no pupil named), its deadlines, and flat query counts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from inforeport import deadlines as info_deadlines
from inforeport import drafting, services
from inforeport.demo import seed_report
from inforeport.models import InfoReport, ItemText, PublishedReport
from inforeport.schedule import BY_CODE, ITEMS
from inforeport.selectors import DRAFTED, EMPTY, WRITTEN, checklist
from plans.models import Cycle, ParentMeeting, SupportPlan
from provision.models import Intervention, Measure
from register.models import Pupil
from staff import pdf as staff_pdf
from staff.models import Role
from staff.tenancy import access_for
from tests.factories import SchoolFactory, member
from tests.pdf import pdf_text
from tests.register.factories import make_pupil, put_on
from training.models import Completion, Course, StaffMember

pytestmark = pytest.mark.django_db

SENTINEL_FIRST, SENTINEL_LAST = "Ottoline", "Quaxworthy"


@pytest.fixture
def school():
    return SchoolFactory(name="Acorn Primary", slug="acorn", local_authority="Anyshire")


@pytest.fixture
def sendco(school):
    return member(school, Role.SENDCO, full_name="Sally Brook", email="sally@acorn.test")


@pytest.fixture
def access(school, sendco):
    return access_for(sendco, school)


def today() -> date:
    return timezone.localdate()


def fill(access, words: str = "Our words") -> None:
    for item in ITEMS:
        services.item_write(access=access, code=item.code, text=f"{words}: {item.heading}.")


def plant_sentinel(school) -> Pupil:
    """A pupil on the register with a name that must never be published, and a need described
    in words that must never be published either."""
    pupil = make_pupil(school, legal_first_name=SENTINEL_FIRST, legal_last_name=SENTINEL_LAST)
    put_on(pupil, "K", today() - timedelta(days=200), "ASD")
    pupil.needs.update(description=f"{SENTINEL_FIRST} finds noise hard")
    return pupil


# --------------------------------------------------------------------------------------------------
# The checklist and its states
# --------------------------------------------------------------------------------------------------


def test_every_item_starts_empty_then_is_drafted_or_written(school, access):
    lines = checklist(school=school, report=None)
    assert [line.item.code for line in lines] == [item.code for item in ITEMS]
    assert {line.state for line in lines} == {EMPTY}

    services.item_accept(access=access, code="sch1-13", today=today())
    services.item_write(access=access, code="sch1-9", text="Speak to the SENCO first.")
    states = {
        line.item.code: line.state
        for line in checklist(school=school, report=access_report(school))
    }
    assert states["sch1-13"] == DRAFTED
    assert states["sch1-9"] == WRITTEN
    assert states["sch1-1"] == EMPTY


def access_report(school) -> InfoReport:
    return InfoReport.objects.get(school=school)


def test_saving_drafted_words_unchanged_keeps_them_drafted_and_a_change_makes_them_written(
    school, access
):
    item = services.item_accept(access=access, code="sch1-13", today=today())
    services.item_write(access=access, code="sch1-13", text=item.text)
    assert ItemText.objects.get(code="sch1-13").source == ItemText.Source.DRAFTED
    services.item_write(access=access, code="sch1-13", text=item.text + " Ask us for a copy.")
    assert ItemText.objects.get(code="sch1-13").source == ItemText.Source.WRITTEN
    services.item_write(access=access, code="sch1-13", text="   ")
    assert ItemText.objects.get(code="sch1-13").source == ""


def test_accepting_a_suggestion_never_loses_the_schools_own_words(school, access):
    services.item_write(access=access, code="sch1-13", text="Our own sentence.")
    item = services.item_accept(access=access, code="sch1-13", today=today())
    assert item.text.startswith("Our own sentence.\n\n")
    assert "Local Offer" in item.text
    assert item.source == ItemText.Source.WRITTEN


def test_nothing_to_suggest_is_refused(school, access):
    with pytest.raises(ValidationError, match="nothing to suggest"):
        services.item_accept(access=access, code="sch1-3a", today=today())
    with pytest.raises(ValidationError):
        services.item_write(access=access, code="no-such-item", text="x")


def test_the_checklist_page_shows_each_state_and_the_governor_reads_it(client, school, access):
    services.item_accept(access=access, code="sch1-13", today=today())
    services.item_write(access=access, code="sch1-9", text="Speak to the SENCO first.")
    governor = member(school, Role.GOVERNOR)
    client.force_login(governor)
    page = client.get(reverse("inforeport:checklist", args=[school.slug])).content.decode()
    assert "Speak to the SENCO first." in page
    assert ">Drafted<" in page
    assert ">Written<" in page
    assert ">Empty<" in page
    assert "Publish the report" not in page  # governors read; they do not publish
    teacher = member(school, Role.TEACHER)
    client.force_login(teacher)
    assert client.get(reverse("inforeport:checklist", args=[school.slug])).status_code == 403


def test_the_sendco_writes_and_accepts_through_the_pages(client, school, sendco):
    client.force_login(sendco)
    url = reverse("inforeport:item", args=[school.slug, "sch1-9"])
    response = client.post(url, {"text": "Speak to the class teacher first."})
    assert response.status_code == 302
    assert ItemText.objects.get(code="sch1-9").text == "Speak to the class teacher first."
    client.post(reverse("inforeport:accept", args=[school.slug, "sch1-13"]))
    assert "Anyshire" in ItemText.objects.get(code="sch1-13").text
    assert client.get(reverse("inforeport:item", args=[school.slug, "nope"])).status_code == 404


# --------------------------------------------------------------------------------------------------
# Drafted from what sendco knows
# --------------------------------------------------------------------------------------------------


def test_suggestions_are_drafted_from_the_schools_records_and_name_no_pupil(school, sendco):
    pupil = plant_sentinel(school)
    measure = Measure.objects.create(school=school, name="Boxall profile", kind="boxall")
    Intervention.objects.create(
        school=school, name="Nurture group", broad_area="semh", measure=measure
    )
    Intervention.objects.create(school=school, name="Old scheme", archived_at=timezone.now())
    course = Course.objects.create(school=school, name="Autism awareness", covers=["ASD"])
    for name in ("Ann Ash", "Bea Birch"):
        person = StaffMember.objects.create(school=school, name=name)
        Completion.objects.create(
            school=school, person=person, course=course, completed_on=today() - timedelta(30)
        )
    gone = StaffMember.objects.create(school=school, name="Cy Gone", left_on=today() - timedelta(1))
    Completion.objects.create(
        school=school, person=gone, course=course, completed_on=today() - timedelta(60)
    )
    plan = SupportPlan.objects.create(school=school, pupil=pupil, created_by=sendco)
    Cycle.objects.create(
        school=school, plan=plan, number=1, starts_on=today() - timedelta(50), pupil_views="x"
    )
    for kind in ("planning", "review", "review"):
        ParentMeeting.objects.create(
            school=school, plan=plan, held_on=today() - timedelta(20), kind=kind, recorded_by=sendco
        )
    InfoReport.objects.create(school=school, accessibility_plan_review_on=date(2028, 8, 31))

    drafts = {
        code: drafting.suggestion(school=school, code=code, today=today()) for code in BY_CODE
    }
    assert "Communication and interaction" in drafts["sch1-1"]
    assert "autis" in drafts["sch1-1"].lower()
    assert "social, emotional and mental health" in drafts["sch1-1"]
    assert "Nurture group" in drafts["sch1-3e"]
    assert "Old scheme" not in drafts["sch1-3e"]
    assert "Sally Brook" in drafts["sch1-4"]
    assert "sally@acorn.test" in drafts["sch1-4"]
    assert "Autism awareness: 2 members of staff" in drafts["sch1-5"]  # Cy has left
    assert "3 meetings with parents (1 planning meeting and 2 review meetings)" in drafts["sch1-7"]
    assert "1 of the 1 support plans" in drafts["sch1-8"]
    assert "Anyshire" in drafts["sch1-13"]
    assert "31 August 2028" in drafts["s69-iv"]
    assert drafts["sch1-9"] == ""  # the school's own words only
    everything = "\n".join(drafts.values())
    assert SENTINEL_FIRST not in everything
    assert SENTINEL_LAST not in everything
    assert "noise" not in everything  # a need's description is never read


def test_the_senco_recorded_on_the_staff_list_is_named_too(school, sendco):
    StaffMember.objects.create(
        school=school,
        name="Dana Cole",
        email="dana@acorn.test",
        senco_appointed_on=date(2024, 9, 1),
    )
    words = drafting.senco(school=school, today=today())
    assert words.startswith("Our SENCOs are:")
    assert "Dana Cole, email dana@acorn.test" in words
    assert "Sally Brook" in words


# --------------------------------------------------------------------------------------------------
# Publishing freezes the words
# --------------------------------------------------------------------------------------------------


def test_publishing_needs_every_required_item(school, access):
    services.item_write(access=access, code="sch1-1", text="Words.")
    with pytest.raises(ValidationError, match="Still empty"):
        services.report_publish(access=access, today=today())
    assert not PublishedReport.objects.exists()


def test_a_special_school_need_not_write_the_mainstream_only_items(access, school):
    school.phase = "special"
    school.save()
    for item in ITEMS:
        if item.code not in ("sch1-2", "sch1-4"):
            services.item_write(access=access, code=item.code, text="Words.")
    version = services.report_publish(access=access, today=today())
    assert [i["code"] for i in version.items if i["code"] in ("sch1-2", "sch1-4")] == []


def test_publishing_freezes_the_text_until_published_again(client, school, access):
    fill(access, "First words")
    services.report_publish(access=access, today=today())
    services.item_write(access=access, code="sch1-9", text="Changed after publishing.")
    url = reverse("inforeport_public:report", args=[school.slug])
    page = client.get(url).content.decode()
    assert "First words: Complaints about SEN provision." in page
    assert "Changed after publishing." not in page

    second = services.report_publish(access=access, today=today())
    assert second.number == 2
    page = client.get(url).content.decode()
    assert "Changed after publishing." in page
    assert "First words: Complaints about SEN provision." not in page


# --------------------------------------------------------------------------------------------------
# The public page and its PDF
# --------------------------------------------------------------------------------------------------


def test_the_public_page_and_pdf_answer_without_sign_in_and_name_no_pupil(client, school, access):
    plant_sentinel(school)
    fill(access)
    for code in drafting.DRAFTERS:
        if drafting.suggestion(school=school, code=code, today=today()):
            services.item_accept(access=access, code=code, today=today())
    services.report_publish(access=access, today=today())

    response = client.get(reverse("inforeport_public:report", args=[school.slug]))
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="en-GB">' in page
    assert '<main id="main">' in page
    assert "Anyshire" in page
    assert "autis" in page.lower()
    assert SENTINEL_FIRST not in page
    assert SENTINEL_LAST not in page
    assert "noise" not in page

    pdf = client.get(reverse("inforeport_public:pdf", args=[school.slug]))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert SENTINEL_FIRST.encode() not in pdf.content


@pytest.fixture
def renders(monkeypatch) -> list[str]:
    """Each PDF rendered (the HTML given to WeasyPrint), in order."""
    found = []
    render = staff_pdf.render_pdf

    def counted(html, **kwargs):
        found.append(html)
        return render(html, **kwargs)

    monkeypatch.setattr(staff_pdf, "render_pdf", counted)
    return found


def test_the_public_pdf_is_rendered_once_per_published_version(
    client, school, access, renders, tmp_path
):
    fill(access, "First words")
    services.report_publish(access=access, today=today())
    url = reverse("inforeport_public:pdf", args=[school.slug])
    first = client.get(url)
    again = client.get(url, REMOTE_ADDR="192.0.2.7")  # anyone else, later
    assert len(renders) == 1
    assert again.status_code == 200
    assert again.content == first.content
    assert again["Content-Type"] == "application/pdf"
    assert again["Content-Disposition"] == 'attachment; filename="sen-information-report-acorn.pdf"'
    assert "First words: Complaints about SEN provision." in pdf_text(again.content, tmp_path)

    services.item_write(access=access, code="sch1-9", text="Changed after publishing.")
    assert client.get(url).content == first.content  # the draft is not public: still version 1
    services.report_publish(access=access, today=today())
    second = client.get(url)
    assert len(renders) == 2
    assert "Changed after publishing." in pdf_text(second.content, tmp_path)
    assert client.get(url).content == second.content
    assert len(renders) == 2


def test_the_public_pdf_is_rendered_when_the_cache_is_out_of_reach(
    client, school, access, renders, monkeypatch
):
    fill(access)
    services.report_publish(access=access, today=today())

    def out_of_reach(*args, **kwargs):
        raise ConnectionError("the cache's server is down")

    monkeypatch.setattr(cache, "get", out_of_reach)
    monkeypatch.setattr(cache, "set", out_of_reach)
    url = reverse("inforeport_public:pdf", args=[school.slug])
    assert client.get(url).content.startswith(b"%PDF")
    assert client.get(url).content.startswith(b"%PDF")
    assert len(renders) == 2


def test_a_school_with_nothing_published_answers_404(client, school, access):
    fill(access)  # a draft is never public
    assert client.get(reverse("inforeport_public:report", args=[school.slug])).status_code == 404
    assert client.get(reverse("inforeport_public:pdf", args=[school.slug])).status_code == 404
    assert client.get(reverse("inforeport_public:report", args=["no-such"])).status_code == 404


# --------------------------------------------------------------------------------------------------
# Deadlines
# --------------------------------------------------------------------------------------------------


def _due(school, on: date, until: date) -> dict[str, date]:
    found = info_deadlines.deadlines(
        school=school, pupils=Pupil.objects.none(), today=on, until=until
    )
    return {d.kind: d.due for d in found}


def test_the_review_is_due_12_months_after_publication(school, access):
    assert _due(school, date(2026, 3, 1), date(2030, 1, 1)) == {}
    fill(access)
    services.report_publish(access=access, today=date(2024, 2, 29))
    services.dates_save(
        access=access,
        send_policy_review_on=date(2025, 7, 15),
        accessibility_plan_review_on=date(2027, 8, 31),
    )
    assert _due(school, date(2024, 3, 1), date(2030, 1, 1)) == {
        "inforeport.review": date(2025, 2, 28),
        "inforeport.send_policy": date(2025, 7, 15),
        "inforeport.accessibility_plan": date(2027, 8, 31),
    }
    # Only what falls due before the horizon (overdue included).
    assert _due(school, date(2025, 6, 1), date(2025, 8, 1)) == {
        "inforeport.review": date(2025, 2, 28),
        "inforeport.send_policy": date(2025, 7, 15),
    }
    services.report_publish(access=access, today=date(2025, 3, 3))
    assert _due(school, date(2025, 6, 1), date(2030, 1, 1))["inforeport.review"] == date(2026, 3, 3)


def test_the_review_reaches_the_sendco_and_the_head_but_not_a_teacher(school, access):
    from sendco.deadlines import deadlines_for

    fill(access)
    services.report_publish(access=access, today=today() - timedelta(days=360))
    head = member(school, Role.HEAD)
    teacher = member(school, Role.TEACHER)
    kinds = lambda user: {  # noqa: E731
        d.kind for d in deadlines_for(access=access_for(user, school), today=today())
    }
    assert "inforeport.review" in kinds(access.user)
    assert "inforeport.review" in kinds(head)
    assert "inforeport.review" not in kinds(teacher)


# --------------------------------------------------------------------------------------------------
# Query counts, the same at two sizes
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("versions", [1, 6])
def test_the_checklist_and_public_page_in_constant_queries(
    client, school, access, versions, django_assert_num_queries
):
    for n in range(versions):
        fill(access, f"Version {n}")
        services.report_publish(access=access, today=today())
    for n in range(versions * 5):
        plant = make_pupil(school)
        put_on(plant, "K", today() - timedelta(days=30 + n), "SLCN")
    client.force_login(access.user)
    checklist_url = reverse("inforeport:checklist", args=[school.slug])
    client.get(checklist_url)
    # The session, the user, the school, the membership, the report, its items, the versions and
    # the audit event, in the savepoint of ATOMIC_REQUESTS: the same at any size. The header's
    # school switcher is kept between changes (staff/switcher_cache.py): no query after the first.
    with django_assert_num_queries(CHECKLIST_QUERIES):
        assert client.get(checklist_url).status_code == 200
    client.logout()
    # The latest version with its school, in the request's savepoint (ATOMIC_REQUESTS).
    with django_assert_num_queries(3):
        assert (
            client.get(reverse("inforeport_public:report", args=[school.slug])).status_code == 200
        )


CHECKLIST_QUERIES = 10


def test_every_item_has_the_demos_own_words():
    from inforeport.demo import OWN_WORDS

    assert set(OWN_WORDS) == set(BY_CODE)


def test_the_demo_publishes_a_report_once(school, sendco):
    assert seed_report(school=school, today=date(2026, 11, 20), sendco=sendco) > 0
    assert seed_report(school=school, today=date(2026, 11, 20), sendco=sendco) == 0
    version = PublishedReport.objects.get(school=school)
    assert version.published_on == date(2026, 9, 30)
    assert len(version.items) == len(ITEMS)


def test_the_demo_trust_has_a_published_report_for_each_school(client, settings):
    """Each demo school's autumn report is public, drafted from its records with no pupil named,
    and its PDF renders in under 2 seconds."""
    import io
    import time

    from django.core.management import call_command

    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    pupils = Pupil.objects.values_list("legal_first_name", "legal_last_name")
    for slug in ("meadow-lane", "riverside"):
        page = client.get(reverse("inforeport_public:report", args=[slug])).content.decode()
        assert "Our SENCO is" in page
        assert "members of staff" in page  # the training held, counted
        for first, last in pupils:
            assert f"{first} {last}" not in page
            assert f"{last}, {first}" not in page
        started = time.monotonic()
        pdf = client.get(reverse("inforeport_public:pdf", args=[slug]))
        assert pdf.status_code == 200
        assert time.monotonic() - started < 2
