"""Parents' views by secure link, on one shared world: the SENDCo makes a link and sees its code
once (only its hash is kept), emails it on commit or prints it with a QR code; a parent opens it,
gives the child's date of birth before anything about the child is shown, reads the plan and
passport and gives views once. Link security: expired, stopped, used, a wrong date of birth and
the lock after repeated failures (still locked with the right one), the per-address limit, a
link of another pupil never shows this pupil. Every step is audited; the school's list does the
same queries at two sizes."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from families import link_services, rules
from families.models import TranslatedSummary, ViewsLink
from plans.models import Cycle, SupportPlan, Target
from register.models import Contact, PassportVersion, Pupil, TeachingGroup, ViewsGiven
from staff import calendar as school_calendar
from staff.models import AuditEvent
from staff.tenancy import access_for
from tests.conftest import shared_acorn_fixtures

NOON = datetime(2026, 12, 4, 12, tzinfo=ZoneInfo("Europe/London"))
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
BORN = date(2018, 3, 27)
RIGHT = {"day": "27", "month": "3", "year": "2018"}
WRONG = {"day": "28", "month": "3", "year": "2018"}
BEA_BORN = {"day": "1", "month": "9", "year": "2017"}


def _pupil(school, first: str, upn: str, born: date = BORN) -> Pupil:
    return Pupil.objects.create(
        school=school,
        upn=upn,
        legal_first_name=first,
        legal_last_name="Quill",
        date_of_birth=born,
        sex="F",
        year_group="3",
    )


def build(acorn: dict) -> dict:
    school, sendco = acorn["school"], acorn["sendco"]
    ada = _pupil(school, "Ada", "B801200005001")
    bea = _pupil(school, "Bea", "A801200005002", born=date(2017, 9, 1))
    school_calendar.create_default_year(school=school, academic_year_start=2026)
    term = school.terms.order_by("starts_on").first()
    group = TeachingGroup.objects.create(school=school, academic_year=term.academic_year, name="3B")
    group.teachers.add(acorn["teacher"])
    group.pupils.add(ada)
    plan = SupportPlan.objects.create(school=school, pupil=ada, created_by=sendco)
    cycle = Cycle.objects.create(
        school=school,
        plan=plan,
        number=1,
        stage=Cycle.Stage.DO,
        starts_on=date(2026, 9, 7),
        strategies="Sit Ada near the front.",
        review_due=date(2027, 1, 29),
    )
    Target.objects.create(
        school=school,
        cycle=cycle,
        description="Ada will read 20 tricky words.",
        expected="She reads them in a book.",
    )
    PassportVersion.objects.create(
        school=school, pupil=ada, version=1, strengths="Kind and funny.", created_by=sendco
    )
    mum = Contact.objects.create(
        school=school, pupil=ada, name="Mia Quill", relationship="Mother", email="mia@home.test"
    )
    return {"ada": ada, "bea": bea, "mum": mum}


globals().update(shared_acorn_fixtures(build, "sendco", "head", "teacher", "ta", on=NOON))


@pytest.fixture(autouse=True)
def _on_4_december_2026():
    with time_machine.travel(NOON, tick=False):
        yield


def make_link(
    school, sendco, pupil, *, purpose="plan_review", contact=None
) -> tuple[ViewsLink, str]:
    access = access_for(sendco, school)
    return link_services.link_create(
        access=access, pupil=pupil, purpose=purpose, contact=contact, now=NOON
    )


def links_url(school, pupil) -> str:
    return reverse("families:links", args=[school.slug, pupil.public_id])


def f(name: str, code: str, *args) -> str:
    return reverse(f"families_public:{name}", args=[code, *args])


def checked(client, code: str, born: dict = RIGHT):
    response = client.post(f("link", code), born)
    assert response.status_code == 302, response.content.decode()[:400]
    return response


# --------------------------------------------------------------------------------------------
# The school's side
# --------------------------------------------------------------------------------------------


def test_the_sendco_makes_a_link_and_sees_its_code_once(client, school, sendco, world):
    ada = world["ada"]
    client.force_login(sendco)
    response = client.post(
        reverse("families:link_create", args=[school.slug, ada.public_id]),
        {"purpose": "plan_review", "contact": ""},
    )
    link = ViewsLink.objects.get(pupil=ada)
    assert response["Location"] == reverse("families:link", args=[school.slug, link.public_id])
    page = client.get(response["Location"]).content.decode()
    code = page.split('family-code d-block">')[1].split("<")[0]
    assert rules.well_formed(code)
    assert link.code_hash == rules.code_hash(code)
    assert code.replace("-", "") not in str(ViewsLink.objects.filter(pk=link.pk).values().get())
    assert "<svg" in page
    assert "Acorn Primary" in page
    again = client.get(response["Location"]).content.decode()
    assert code not in again
    assert "cannot be shown again" in again
    actions = set(AuditEvent.objects.filter(school=school).values_list("action", flat=True))
    assert {"families.link.created", "families.link.printed"} <= actions


def test_an_emailed_link_is_sent_on_commit_without_the_childs_name(
    school, sendco, world, mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    from families import emails, tasks

    monkeypatch.setattr(
        tasks.email_link,
        "delay",
        lambda link_id, code: emails.email_link(link_id=link_id, code=code),
    )
    with django_capture_on_commit_callbacks(execute=True):
        link, code = make_link(school, sendco, world["ada"], contact=world["mum"])
    assert len(mailoutbox) == 1
    sent = mailoutbox[0]
    assert sent.to == ["mia@home.test"]
    assert rules.normalise(code) in sent.body
    assert rules.shown(code) in sent.body
    assert "Ada" not in sent.body
    assert "Quill" not in sent.body
    link.refresh_from_db()
    assert link.emailed_at is not None
    assert AuditEvent.objects.filter(
        action="families.link.emailed", object_id=str(link.public_id)
    ).exists()
    assert emails.email_link(link_id=link.pk, code=code) is False  # never twice


def test_a_contact_of_another_pupil_cannot_be_chosen(client, school, sendco, world):
    client.force_login(sendco)
    response = client.post(
        reverse("families:link_create", args=[school.slug, world["bea"].public_id]),
        {"purpose": "plan_review", "contact": world["mum"].pk},
    )
    assert response.status_code == 200
    assert not ViewsLink.objects.filter(pupil=world["bea"]).exists()


def test_the_teacher_sends_links_for_their_class_only_and_the_head_reads(
    client, school, teacher, head, world
):
    client.force_login(teacher)
    assert client.get(links_url(school, world["ada"])).status_code == 200
    assert client.get(links_url(school, world["bea"])).status_code == 404
    client.force_login(head)
    assert client.get(links_url(school, world["ada"])).status_code == 200
    create = reverse("families:link_create", args=[school.slug, world["ada"].public_id])
    assert client.post(create, {"purpose": "plan"}).status_code == 403


def test_stopping_a_link(client, school, sendco, world):
    link, code = make_link(school, sendco, world["ada"])
    client.force_login(sendco)
    client.post(reverse("families:link_revoke", args=[school.slug, link.public_id]))
    link.refresh_from_db()
    assert link.revoked_at is not None
    page = client.get(links_url(school, world["ada"])).content.decode()
    assert "Revoked" in page
    client.logout()
    response = client.get(f("link", code))
    assert response.status_code == 410
    assert "Ada" not in response.content.decode()


def test_the_links_page_makes_the_same_queries_at_two_sizes(
    client, school, sendco, world, django_assert_num_queries
):
    client.force_login(sendco)
    make_link(school, sendco, world["ada"], contact=world["mum"])
    client.get(links_url(school, world["ada"]))  # warm the session and caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(links_url(school, world["ada"])).status_code == 200
    for _ in range(4):
        link, code = make_link(school, sendco, world["ada"], contact=world["mum"])
        link_services.views_give(link=link, given_by="Mum", answers=[], today=NOON.date(), now=NOON)
    with django_assert_num_queries(len(small)):
        assert client.get(links_url(school, world["ada"])).status_code == 200


# --------------------------------------------------------------------------------------------
# The parent's side and link security
# --------------------------------------------------------------------------------------------


def test_nothing_about_the_child_before_the_date_of_birth(client, school, sendco, world):
    link, code = make_link(school, sendco, world["ada"])
    for url in (f("link", code), f("plan", code)):
        response = client.get(url, follow=True)
        page = response.content.decode()
        assert "Ada" not in page
        assert "Quill" not in page
        assert "tricky words" not in page
    assert client.get(f("plan", code))["Location"] == f("link", code)


def test_a_parent_reads_the_plan_and_gives_views_once(client, school, sendco, world):
    link, code = make_link(school, sendco, world["ada"])
    assert client.get(reverse("families_public:start")).status_code == 200
    typed = client.post(reverse("families_public:start"), {"code": rules.shown(code).lower()})
    assert typed["Location"] == f("link", code)
    checked(client, code)
    page = client.get(f("plan", code)).content.decode()
    for words in (
        "Ada's plan",
        "What the school is doing to help",
        "tricky words",
        "Sit Ada near the front",
        "Kind and funny",
        "29 January 2027",
    ):
        assert words in page, words
    read = AuditEvent.objects.get(action="families.parent_read")
    assert read.actor is None
    assert read.pupil_public_id == world["ada"].public_id
    assert read.detail["link"] == str(link.public_id)
    assert "secure link" in read.detail["actor"]
    response = client.post(
        f("plan", code),
        {
            "going_well": "She loves reading.",
            "worries": "",
            "next": "More phonics.",
            "anything_else": "",
            "contact_how": "email",
            "given_by": "Mia Quill",
        },
    )
    assert response["Location"] == f("link", code)
    views = ViewsGiven.objects.get(pupil=world["ada"])
    assert (views.whose, views.how, views.purpose) == ("parent", "link", "plan_review")
    assert views.given_by == "Mia Quill"
    assert views.given_on == NOON.date()
    assert views.answers[0] == {
        "question": "What is going well for your child?",
        "answer": "She loves reading.",
    }
    assert views.answers[-1]["answer"] == "By email"
    thanks = client.get(f("link", code))
    assert "Thank you" in thanks.content.decode()
    assert "Ada" not in thanks.content.decode()
    again = client.post(
        f("plan", code), {"going_well": "Again", "contact_how": "email", "given_by": "X"}
    )
    assert again.status_code == 200
    assert "Thank you" in again.content.decode()
    assert ViewsGiven.objects.filter(pupil=world["ada"]).count() == 1
    assert AuditEvent.objects.filter(action="families.views.given").count() == 1


def test_an_empty_views_form_is_refused_kindly(client, school, sendco, world):
    link, code = make_link(school, sendco, world["ada"])
    checked(client, code)
    response = client.post(f("plan", code), {"contact_how": "email", "given_by": "Mia"})
    assert "Please answer at least one question." in response.content.decode()
    assert not ViewsGiven.objects.exists()


def test_a_wrong_date_of_birth_locks_the_link_after_five_tries(client, school, sendco, world):
    link, code = make_link(school, sendco, world["ada"])
    for left in (4, 3, 2, 1):
        page = client.post(f("link", code), WRONG).content.decode()
        assert f"You can try {left} more time" in page
        assert "Ada" not in page
    locked = client.post(f("link", code), WRONG)
    assert locked.status_code == 403
    assert "locked" in locked.content.decode()
    still = client.post(f("link", code), RIGHT)
    assert still.status_code == 403
    assert "Ada" not in still.content.decode()
    assert client.get(f("plan", code)).status_code == 403
    link.refresh_from_db()
    assert link.locked_at is not None
    assert link.opened_at is None
    assert AuditEvent.objects.filter(action="families.link.check_failed").count() == 5
    assert AuditEvent.objects.filter(action="families.link.locked").count() == 1


def test_an_expired_link_opens_nothing(client, school, sendco, world):
    link, code = make_link(school, sendco, world["ada"])
    with time_machine.travel(NOON + timedelta(days=21, seconds=1), tick=False):
        response = client.post(f("link", code), RIGHT)
        assert response.status_code == 410
        assert "ended" in response.content.decode()
    with time_machine.travel(NOON + timedelta(days=20), tick=False):
        assert client.post(f("link", code), RIGHT).status_code == 302


def test_a_checked_link_lasts_a_short_time_only(client, school, sendco, world, settings):
    link, code = make_link(school, sendco, world["ada"])
    checked(client, code)
    with time_machine.travel(NOON + timedelta(seconds=settings.FAMILY_LINK_SESSION_SECONDS + 1)):
        assert client.get(f("plan", code))["Location"] == f("link", code)


def test_a_link_of_another_pupil_never_shows_this_pupil(client, school, sendco, world):
    ada_link, ada_code = make_link(school, sendco, world["ada"])
    bea_link, bea_code = make_link(school, sendco, world["bea"])
    checked(client, bea_code, BEA_BORN)
    assert client.get(f("plan", ada_code))["Location"] == f("link", ada_code)
    # Bea's date of birth does not open Ada's link either.
    page = client.post(f("link", ada_code), {"day": "1", "month": "9", "year": "2017"})
    assert "Ada" not in page.content.decode()
    assert page.status_code == 200
    bea_page = client.get(f("plan", bea_code)).content.decode()
    assert "Bea" in bea_page
    assert "Ada" not in bea_page


def test_an_unknown_code_is_not_found_and_counts_against_the_address(client, settings, db):
    settings.FAMILY_LINK_PER_IP_PER_HOUR = 3
    for _ in range(3):
        assert client.get(f("link", "ABCDEFGHJKMN")).status_code == 404
    assert client.get(f("link", "ABCDEFGHJKMN")).status_code == 429
    assert client.post(reverse("families_public:start"), {"code": "x"}).status_code == 429


def test_the_address_limit_stops_even_a_right_date_of_birth(
    client, school, sendco, world, settings
):
    settings.FAMILY_LINK_PER_IP_PER_HOUR = 2
    first, first_code = make_link(school, sendco, world["ada"])
    second, second_code = make_link(school, sendco, world["ada"])
    client.post(f("link", first_code), WRONG)
    client.post(f("link", second_code), WRONG)
    response = client.post(f("link", second_code), RIGHT)
    assert response.status_code == 429
    assert "too many tries" in response.content.decode()
    other = client.post(f("link", second_code), RIGHT, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302


def test_parent_pages_are_never_cached_indexed_or_referred(client, school, sendco, world):
    link, code = make_link(school, sendco, world["ada"])
    for response in (
        client.get(reverse("families_public:start")),
        client.get(f("link", code)),
        client.get(f("link", "ABCDEFGHJKMN")),
    ):
        assert "no-store" in response["Cache-Control"]
        assert response["X-Robots-Tag"] == "noindex, nofollow"
        assert response["Referrer-Policy"] == "same-origin"
        assert 'name="robots" content="noindex' in response.content.decode()


@pytest.fixture
def documents(settings, tmp_path, monkeypatch):
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "documents"), "base_url": None},
        },
    }
    monkeypatch.setattr(
        TranslatedSummary._meta.get_field("document"), "storage", storages["documents"]
    )


def test_a_translated_summary_reaches_the_family_after_the_check(
    client, school, sendco, world, documents
):
    client.force_login(sendco)
    add = reverse("families:summary_add", args=[school.slug, world["ada"].public_id])
    response = client.post(
        add, {"language": "Polish", "document": SimpleUploadedFile("plan-pl.pdf", PDF)}
    )
    assert response.status_code == 302
    summary = TranslatedSummary.objects.get(pupil=world["ada"])
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 20
    refused = client.post(add, {"language": "Urdu", "document": SimpleUploadedFile("a.png", png)})
    assert "Upload the summary as a PDF." in refused.content.decode()
    client.logout()
    link, code = make_link(school, sendco, world["ada"])
    download = f("summary", code, summary.public_id)
    assert client.get(download).status_code == 404
    checked(client, code)
    assert "Download the summary in Polish" in client.get(f("plan", code)).content.decode()
    got = client.get(download)
    assert got.status_code == 200
    assert got.content == PDF
    bea_link, bea_code = make_link(school, sendco, world["bea"])
    checked(client, bea_code, BEA_BORN)
    assert client.get(f("summary", bea_code, summary.public_id)).status_code == 404
    # Removed by the school (the wrong file, say): the family cannot open it any more.
    client.force_login(sendco)
    links = client.get(links_url(school, world["ada"])).content.decode()
    assert 'Remove<span class="visually-hidden"> the summary in Polish' in links
    remove = reverse("families:summary_remove", args=[school.slug, summary.public_id])
    assert client.post(remove).status_code == 302
    assert not TranslatedSummary.objects.filter(pk=summary.pk).exists()
    assert AuditEvent.objects.filter(action="families.summary.removed").count() == 1
    client.logout()
    checked(client, code)
    assert "Download the summary in Polish" not in client.get(f("plan", code)).content.decode()
    assert client.get(download).status_code == 404


def test_the_audit_log_names_the_link_as_who_read_the_plan(client, school, sendco, world):
    link, code = make_link(school, sendco, world["ada"])
    checked(client, code)
    client.get(f("plan", code))
    client.force_login(sendco)
    audit = reverse("staff:audit", args=[school.slug])
    page = client.get(audit, {"pupil": world["ada"].public_id}).content.decode()
    assert "a parent or carer, by secure link" in page
    assert "A parent read the plan by secure link" in page


def test_a_parent_reads_the_ehc_plans_outcomes(client, school, sendco, world):
    from ehcp.models import PlanOutcome
    from tests.ehcp.factories import make_authority, make_plan

    plan = make_plan(world["bea"], make_authority(school), issued_on=date(2026, 3, 2), by=sendco)
    PlanOutcome.objects.create(
        version=plan.versions.get(), outcome="Bea will make a friend.", interim_targets="Play."
    )
    link, code = make_link(school, sendco, world["bea"], purpose="annual_review")
    checked(client, code, BEA_BORN)
    page = client.get(f("plan", code)).content.decode()
    assert "What the EHC plan hopes for" in page
    assert "Bea will make a friend." in page
    assert "before an ehc plan annual review" in page


def test_the_parents_plan_page_makes_the_same_queries_at_two_sizes(
    client, school, sendco, world, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    link, code = make_link(school, sendco, world["ada"])
    checked(client, code)
    client.get(f("plan", code))
    with CaptureQueriesContext(connection) as small:
        assert client.get(f("plan", code)).status_code == 200
    cycle = Cycle.objects.get(plan__pupil=world["ada"])
    for n in range(5):
        Target.objects.create(school=school, cycle=cycle, description=f"Target {n}", position=n + 2)
    with django_assert_num_queries(len(small)):
        assert client.get(f("plan", code)).status_code == 200
