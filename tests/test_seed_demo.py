"""seed_demo: the demo trust at realistic proportions, idempotent, never on a live server."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from register.models import Pupil, SenStatus, TeachingGroup
from staff.models import Membership, Role, User


def _seed(**kwargs) -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out, **kwargs)
    return out.getvalue()


@pytest.mark.django_db
def test_seed_demo_builds_the_trust_once(settings):
    settings.DEBUG = True
    first = _seed()
    assert "Created the demo trust" in first
    assert "sendco@meadow-lane.example.org" in first
    counts = (User.objects.count(), Pupil.objects.count(), SenStatus.objects.count())
    again = _seed()
    assert "nothing changed" in again
    assert (User.objects.count(), Pupil.objects.count(), SenStatus.objects.count()) == counts

    for slug, roll in (("meadow-lane", 280), ("riverside", 1000)):
        pupils = Pupil.objects.filter(school__slug=slug)
        assert pupils.count() == roll
        k = SenStatus.objects.filter(school__slug=slug, category="K").count() / roll
        e = SenStatus.objects.filter(school__slug=slug, category="E").count() / roll
        assert 0.10 <= k <= 0.18, k
        assert 0.03 <= e <= 0.07, e
    # One login per role per school, plus the trust lead.
    roles = Membership.objects.values_list("school__slug", "role")
    for slug in ("meadow-lane", "riverside"):
        for role in (Role.SENDCO, Role.HEAD, Role.TEACHER, Role.TA, Role.GOVERNOR):
            assert (slug, role) in roles
    assert Membership.objects.filter(role=Role.TRUST_LEAD).count() == 1
    # A Year 6 leaver at the primary bound for the secondary, on the leavers list (issue 19),
    # whose portable plan follows its schema.
    from django.utils import timezone

    from families import portable, portable_read
    from families.transfer_selectors import leavers

    leaver = Pupil.objects.get(school__slug="meadow-lane", leaving_destination="Riverside Academy")
    assert leaver.year_group == "6"
    assert leaver in leavers(school=leaver.school, today=timezone.localdate())
    document = portable.export_plan(pupil=leaver, today=timezone.localdate())
    assert portable_read.schema_problems(document) == []
    assert document["support_layers"]
    assert document["support_plan"]["cycles"]
    assert document["provision_received"]

    # A parent's link waits at Meadow Lane with the code the README gives, and an earlier
    # link of the same pupil was answered (issue 19).
    from families import rules
    from families.demo import DEMO_CODE
    from families.models import ViewsLink
    from register.models import ViewsGiven

    waiting = ViewsLink.objects.get(code_hash=rules.code_hash(DEMO_CODE))
    assert waiting.school.slug == "meadow-lane"
    assert waiting.status(timezone.now()) == "waiting"
    assert f"type the code {DEMO_CODE}" in first
    assert ViewsGiven.objects.filter(pupil=waiting.pupil, whose="parent", how="link").count() == 1
    # The demo teacher has a class with pupils in it.
    teacher = User.objects.get(email="teacher@meadow-lane.example.org")
    assert TeachingGroup.objects.get(teachers=teacher).pupils.count() >= 15
    # Each school has a published autumn report its governor reads.
    from reports.models import TermReport

    for slug in ("meadow-lane", "riverside"):
        # once, however often the demo is seeded (`get`)
        report = TermReport.objects.get(school__slug=slug, status="published")
        assert report.period.startswith("Autumn term")
        assert sum(report.snapshot["register"]["rows"]["now"][:2]) > 0
        # The impact ranking, section F and support-plan targets (whatever the day of the
        # term: early in September nothing may be measured or reviewed yet).
        assert {"impact", "section_f", "targets"} <= set(report.snapshot)
        assert sum(report.snapshot["section_f"]["plans"]) > 0
        # recorded as emailed to the governor, once (the demo sends nothing)
        assert [e.to for e in report.emails.all()] == [f"governor@{slug}.example.org"]


@pytest.mark.django_db
def test_seed_demo_refuses_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="refuses to run with DEBUG off"):
        _seed()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_the_demo_has_staff_training_to_act_on(settings):
    """A catalogue, records for every member of staff (some run out), a SENCO whose NPQ is due
    next year, and an INSET everyone attended."""
    from django.utils import timezone

    from training import rules
    from training.models import Completion, Course, Session, StaffMember
    from training.pages import _record

    settings.DEBUG = True
    _seed()
    today = timezone.localdate()
    school = "meadow-lane"
    assert Course.objects.filter(school__slug=school).count() >= 15
    staff = StaffMember.objects.filter(school__slug=school)
    assert staff.filter(user__isnull=True).count() == 2
    assert not staff.exclude(completions__isnull=False).exists()  # everyone has a record
    records = [
        _record(c, today)
        for c in Completion.objects.filter(school__slug=school).select_related("course")
    ]
    assert any(not r.current and r.expires for r in records)  # something has run out
    senco = staff.get(user__email=f"sendco@{school}.example.org")
    owed = rules.senco_qualification(
        appointed_on=senco.senco_appointed_on,
        months_before=senco.senco_months_before,
        studies=[rules.Study(rules.QualificationKind.NPQ, today.replace(day=1), None)],
    )
    assert owed.status == rules.SencoStatus.DUE
    assert today < owed.due <= rules.add_months(today, 12)
    inset = Session.objects.get(school__slug=school, whole_staff=True)
    school_staff = staff.exclude(user__email__startswith="lead@")  # the trust lead came later
    assert inset.completions.count() == school_staff.count()
    # The class teacher's class shows an obvious gap: its autistic pupils, no one trained.
    from staff.models import School
    from training import needs

    lines = needs.overview(school=School.objects.get(slug=school), on=today).lines
    assert any(
        line.text.startswith("3A: ") and "with ASD, 0 of 2 adults trained" in line.text
        for line in lines
    ), [line.text for line in lines]


@pytest.mark.django_db
def test_seed_demo_gives_pupils_a_voice(settings):
    """At Meadow Lane and Riverside a few pupils of the demo teacher's class have given their
    views on the symbol form, and one of those views is accepted into the plan."""
    from plans.models import Cycle
    from register.models import ViewsGiven

    settings.DEBUG = True
    _seed()
    for slug in ("meadow-lane", "riverside"):
        given = ViewsGiven.objects.filter(school__slug=slug, whose="pupil", how="symbol_form")
        assert given.count() >= 2, slug
        accepted = given.get(accepted_on__isnull=False)
        cycle = Cycle.objects.filter(plan__pupil=accepted.pupil).order_by("-number").first()
        assert "Given on the pupil voice form" in cycle.pupil_views, slug
    before = ViewsGiven.objects.count()
    _seed()
    assert ViewsGiven.objects.count() == before
