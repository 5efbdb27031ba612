"""The termly SEND report (issue 18): drafted, reviewed, published with its figures frozen;
governors read only published reports, figures only, small counts suppressed with secondary
suppression so no hidden count can be worked out from the totals; no pupil named anywhere."""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ehcp.models import PlanVersion, ProvisionItem
from ehcp.selectors import school_section_f, school_weeks
from plans.models import Cycle, SupportPlan, Target
from provision.models import Attendance, Group, GroupPupil, Intervention, Measure, Session
from register.models import Concern, Need
from reports import services
from reports.figures import figures
from reports.models import TermReport
from reports.present import report_tables
from staff import calendar as school_calendar
from staff.suppression import Line, line_reveals, protect
from staff.tenancy import access_for
from tests.conftest import need
from tests.ehcp.factories import make_authority, make_plan
from tests.register.factories import make_pupil, put_on

D = date
NOON = datetime(2026, 12, 4, 12, tzinfo=ZoneInfo("Europe/London"))
SENTINEL = "Zebedee"
SENTINEL_LAST = "Quux"
AUTUMN = (D(2026, 9, 1), D(2026, 12, 18))


@pytest.fixture
def autumn(school):
    for year in (2023, 2024, 2025, 2026):
        school_calendar.create_default_year(school=school, academic_year_start=year)
    with time_machine.travel(NOON, tick=False):
        yield


def _term(school) -> tuple[date, date]:
    term = next(
        t for t in school_calendar.season_terms(school=school, start=NOON.date(), end=NOON.date())
    )
    return term.starts_on, term.ends_on


def _pupils(school, sendco, n: int, *, start: int = 0) -> list:
    """`n` pupils on the register in several year groups and need areas, each with a planted
    name, need description, concern and support-plan target that must never reach governors."""
    made = []
    for i in range(start, start + n):
        pupil = make_pupil(
            school,
            legal_first_name=f"{SENTINEL}{i}",
            legal_last_name=SENTINEL_LAST,
            preferred_first_name=f"Zeb{i}",
            year_group=str(1 + i % 6),
            date_of_birth=D(2017, 1, 1 + i % 27),
        )
        category = "E" if i % 7 == 0 else "K"
        put_on(pupil, category, D(2025, 1, 6), ("ASD", "SEMH", "SPLD", "HI")[i % 4])
        Need.objects.filter(pupil=pupil).update(description=f"{SENTINEL} {SENTINEL_LAST} need")
        Concern.objects.create(
            school=school,
            pupil=pupil,
            raised_by=sendco,
            raised_on=D(2026, 10, 1),
            description=f"{SENTINEL} {SENTINEL_LAST} concern",
        )
        plan = SupportPlan.objects.create(school=school, pupil=pupil, created_by=sendco)
        cycle = Cycle.objects.create(
            school=school,
            plan=plan,
            number=1,
            starts_on=D(2026, 9, 7),
            review_due=D(2026, 11, 20),
            agreed_on=D(2026, 9, 20),
            needs_summary=f"{SENTINEL} summary",
        )
        Target.objects.create(
            school=school, cycle=cycle, description=f"{SENTINEL} target", outcome_sought="x"
        )
        made.append(pupil)
    for i in range(2):  # two pupils not on the register
        make_pupil(school, legal_first_name=f"{SENTINEL}N{start + i}", year_group="1")
    return made


INTERVENTIONS = ("Talk Boost", "Lexia", "ELSA")
SESSIONS_ON = (D(2026, 9, 14), D(2026, 10, 5), D(2026, 11, 2))  # an hour each, all there


def _measured(school, sendco, pupils: list, *, start: int = 0) -> None:
    """What the report's impact, section F and targets read, for `pupils` (from `_pupils`,
    numbered from `start`): each in a group of one of three interventions (one group an
    intervention a call), scored so that odd-numbered pupils meet their target; three sessions
    an hour long, everybody there; each EHC pupil's plan (the k-th of the call) with an item
    linked to their group, 0.2 hours a week (on plan) when k % 3 == 0, 2 hours (below plan)
    when 1, none linked when 2, and an item no group delivers; each support-plan cycle
    reviewed on 18 November, its target achieved, partly, not achieved or not recorded by the
    pupil's number % 4. Free text about each pupil is planted with the sentinel."""
    measure, _ = Measure.objects.get_or_create(
        school=school, name="Standardised score", defaults={"kind": "standardised"}
    )
    groups = {}
    for name in INTERVENTIONS:
        intervention, _ = Intervention.objects.get_or_create(
            school=school, name=name, defaults={"measure": measure}
        )
        groups[name] = Group.objects.create(
            school=school,
            intervention=intervention,
            name=f"{name} {start}",
            status="running",
            starts_on=D(2026, 9, 7),
            ends_on=D(2027, 3, 26),
            sessions_per_week=1,
            session_minutes=60,
        )
    authority = make_authority(school, name=f"Shire {start}")
    ehc = 0
    for i, pupil in enumerate(pupils, start=start):
        group = groups[INTERVENTIONS[i % 3]]
        GroupPupil.objects.create(
            school=school,
            group=group,
            pupil=pupil,
            joined_on=group.starts_on,
            entry_score=Decimal(80),
            target_score=Decimal(90),
            exit_score=Decimal(95 if i % 2 else 85),
        )
        outcome = ("achieved", "partly", "not_achieved", "")[i % 4]
        Cycle.objects.filter(plan__pupil=pupil).update(
            stage="reviewed", reviewed_on=D(2026, 11, 18)
        )
        Target.objects.filter(cycle__plan__pupil=pupil).update(
            outcome=outcome, evidence=f"{SENTINEL} evidence", next_step=f"{SENTINEL} next"
        )
        if i % 7:
            continue
        plan = make_plan(pupil, authority, issued_on=D(2025, 9, 15), by=sendco)
        version = plan.versions.get()
        if ehc % 3 != 2:
            ProvisionItem.objects.create(
                version=version,
                description=f"{SENTINEL} {SENTINEL_LAST} in {group.name}",
                hours_per_week=Decimal("0.2") if ehc % 3 == 0 else Decimal(2),
                group=group,
            )
        ProvisionItem.objects.create(
            version=version,
            position=2,
            description=f"{SENTINEL} speech and language therapy",
            hours_per_week=Decimal(1),
        )
        ehc += 1
    for group in groups.values():
        for on in SESSIONS_ON:
            session = Session.objects.create(school=school, group=group, on=on, logged_by=sendco)
            Attendance.objects.bulk_create(
                Attendance(school=school, session=session, pupil_id=pupil_id, present=True)
                for pupil_id in group.places.values_list("pupil_id", flat=True)
            )


def _published(school, sendco, head) -> TermReport:
    starts_on, ends_on = _term(school)
    access = access_for(sendco, school)
    report = services.report_create(
        access=access, period="Autumn term 2026/27", starts_on=starts_on, ends_on=ends_on
    )
    services.report_write(
        access=access, report=report, commentary="Good term.", priorities="Reading."
    )
    services.report_review(access=access_for(head, school), report=report)
    return services.report_publish(access=access, report=report, today=NOON.date())


def test_a_report_is_drafted_reviewed_and_published_with_its_figures_frozen(
    client, school, sendco, head, autumn
):
    _pupils(school, sendco, 12)
    report = _published(school, sendco, head)
    assert report.status == "published"
    frozen = report.snapshot["register"]["rows"]["now"]
    assert sum(frozen[:2]) == 12
    _pupils(school, sendco, 9, start=100)  # later data changes
    report.refresh_from_db()
    assert report.snapshot["register"]["rows"]["now"] == frozen
    client.force_login(head)
    page = client.get(reverse("reports:report", args=[school.slug, report.public_id]))
    register = page.context["tables"]["register"]
    frozen_tables = report_tables(report.snapshot, governor=True)["tables"]
    assert register.rows == frozen_tables["register"].rows  # as published, whatever came later
    live = figures(
        school=school, starts_on=report.starts_on, ends_on=report.ends_on, today=NOON.date()
    )
    assert sum(live["register"]["rows"]["now"][:2]) == 21


def test_a_published_report_cannot_change_or_be_published_twice(school, sendco, head, autumn):
    report = _published(school, sendco, head)
    with pytest.raises(Exception, match="cannot"):
        services.report_write(
            access=access_for(sendco, school), report=report, commentary="x", priorities=""
        )


def test_editing_a_reviewed_report_makes_it_a_draft_again(school, sendco, head, autumn):
    starts_on, ends_on = _term(school)
    access = access_for(sendco, school)
    report = services.report_create(
        access=access, period="Autumn", starts_on=starts_on, ends_on=ends_on
    )
    services.report_review(access=access_for(head, school), report=report)
    services.report_write(access=access, report=report, commentary="New", priorities="")
    assert report.status == "draft"
    assert report.reviewed_by is None


def test_governors_see_only_published_reports(client, school, sendco, head, governor, autumn):
    starts_on, ends_on = _term(school)
    draft = services.report_create(
        access=access_for(sendco, school),
        period="Draft",
        starts_on=D(2026, 1, 5),
        ends_on=D(2026, 3, 27),
    )
    published = _published(school, sendco, head)
    client.force_login(governor)
    listing = client.get(reverse("reports:reports", args=[school.slug]))
    assert list(listing.context["reports"]) == [published]
    assert (
        client.get(reverse("reports:report", args=[school.slug, draft.public_id])).status_code
        == 404
    )
    home = client.get(reverse("school_home", args=[school.slug])).content.decode()
    assert reverse("reports:report", args=[school.slug, published.public_id]) in home


def _pdf_text(content: bytes, tmp_path) -> str:
    need(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils) is not installed")
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    return subprocess.run(  # noqa: S603
        ["pdftotext", str(path), "-"],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_sentinel_no_pupil_detail_reaches_any_governor_output(
    client, school, sendco, head, governor, autumn, tmp_path
):
    pupils = _pupils(school, sendco, 13)
    _measured(school, sendco, pupils)
    report = _published(school, sendco, head)
    client.force_login(governor)
    outputs = []
    for name in ("reports:report", "reports:report_print"):
        response = client.get(reverse(name, args=[school.slug, report.public_id]))
        assert response.status_code == 200
        outputs.append(response.content.decode())
    pdf = client.get(reverse("reports:report_pdf", args=[school.slug, report.public_id]))
    assert pdf.status_code == 200
    outputs.append(_pdf_text(pdf.content, tmp_path))
    outputs.append(client.get(reverse("school_home", args=[school.slug])).content.decode())
    planted = (
        [SENTINEL, SENTINEL_LAST, "Zeb1"]
        + [f"{p.date_of_birth:%d/%m/%Y}" for p in pupils]
        + [p.upn for p in pupils]
    )
    for text in outputs:
        for word in planted:
            assert word.lower() not in text.lower(), word
    assert "SEN register" in outputs[2]
    for words in ("Talk Boost", "section F provision delivered", "targets reviewed"):
        assert words in outputs[0], words
        assert words in outputs[2], words


def test_small_counts_are_suppressed_for_governors(client, school, sendco, head, governor, autumn):
    _measured(school, sendco, _pupils(school, sendco, 13))
    report = _published(school, sendco, head)
    client.force_login(governor)
    response = client.get(reverse("reports:report", args=[school.slug, report.public_id]))
    tables = response.context["tables"]
    for key in ("impact", "section_f", "targets"):
        cells = [cell for _, row in tables[key].rows for cell in row]
        assert "fewer than 5" in cells, key
    words = [
        cell for t in response.context["tables"].values() if t for _, row in t.rows for cell in row
    ]
    assert "fewer than 5" in words
    assert "not shown" in words
    for cell in words:
        assert not re.fullmatch(r"[1-4]", cell), words


def _bounds(words: str) -> range:
    if words == "fewer than 5":
        return range(1, 5)
    if words == "not shown":
        return range(0, 60)
    return range(int(words.replace(",", "")), int(words.replace(",", "")) + 1)


def test_reconstruction_no_hidden_count_follows_from_the_published_tables(
    client, school, sendco, head, governor, autumn
):
    """Every row and column equality of the published tables, with each hidden count anywhere
    it could be: none is fixed to one value."""
    _measured(school, sendco, _pupils(school, sendco, 13))
    report = _published(school, sendco, head)
    client.force_login(governor)
    response = client.get(reverse("reports:report", args=[school.slug, report.public_id]))
    checked = 0
    tables_checked = set()
    for table in response.context["tables"].values():
        if table is None:
            continue
        for plus, minus in table.lines:
            cells = [(r, c, 1) for r, c in plus] + [(r, c, -1) for r, c in minus]
            words = {(r, c): table.rows[r][1][c] for r, c, _ in cells}
            hidden = [(r, c) for (r, c), w in words.items() if not w.replace(",", "").isdigit()]
            if not hidden:
                continue
            known = {k: int(w.replace(",", "")) for k, w in words.items() if k not in hidden}
            possible = {k: set() for k in hidden}
            for values in itertools.product(*(_bounds(words[k]) for k in hidden)):
                got = dict(zip(hidden, values, strict=True)) | known
                if sum(sign * got[(r, c)] for r, c, sign in cells) == 0:
                    for k, v in zip(hidden, values, strict=True):
                        possible[k].add(v)
            for k in hidden:
                checked += 1
                tables_checked.add(table.key)
                assert len(possible[k]) != 1, (table.key, k, words)
    assert checked > 5
    assert {"impact", "section_f", "targets"} <= tables_checked


@pytest.mark.parametrize(
    ("values", "small"),
    [
        ({"a": 10, "b": 3, "t": 13}, {"b"}),
        ({"a": 10, "b": 3, "c": 2, "t": 15}, {"b", "c"}),
    ],
)
def test_protect_hides_a_second_cell_or_the_total(values, small):
    parts = [k for k in values if k != "t"]
    states = protect(values, [Line(tuple(parts), ("t",))], {"t"})
    assert {k for k, s in states.items() if s == "small"} == small
    assert line_reveals(Line(tuple(parts), ("t",)), values, states) is None


def test_the_exact_figures_for_the_sendco_and_head(school, sendco, autumn):
    _pupils(school, sendco, 3)
    starts_on, ends_on = _term(school)
    found = figures(school=school, starts_on=starts_on, ends_on=ends_on, today=NOON.date())
    shown = report_tables(found, governor=False)
    assert shown["tables"]["register"].rows[0][1][4] == "3"
    assert found["plans"]["reviews"] == [0, 0, 3]
    assert found["plans"]["meetings"] == [3, 0]


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_query_counts_are_the_same_at_two_sizes(
    client, school, sendco, head, governor, autumn, django_assert_num_queries
):
    """The draft page (live figures) and the governor's page (the snapshot) read as much with
    4 pupils as with 24."""
    _measured(school, sendco, _pupils(school, sendco, 4))
    draft = services.report_create(  # the autumn's data: impact, section F, targets reviewed
        access=access_for(sendco, school),
        period="Autumn to the new year",
        starts_on=D(2026, 9, 1),
        ends_on=D(2026, 12, 31),
    )
    published = _published(school, sendco, head)
    pages = [
        (head, reverse("reports:report", args=[school.slug, draft.public_id])),
        (governor, reverse("reports:report", args=[school.slug, published.public_id])),
    ]
    small = []
    for user, url in pages:
        client.force_login(user)
        client.get(url)  # the first request after signing in renews the session
        small.append(_count(client, url))
    _measured(school, sendco, _pupils(school, sendco, 20, start=50), start=50)
    for (user, url), expected in zip(pages, small, strict=True):
        client.force_login(user)
        client.get(url)
        with django_assert_num_queries(expected):
            client.get(url)


def test_the_best_interventions_section_f_and_targets_for_the_sendco_and_head(
    client, school, sendco, head, autumn
):
    pupils = _pupils(school, sendco, 15)
    _measured(school, sendco, pupils)
    earlier = Cycle.objects.create(  # reviewed last summer: not this term's
        school=school,
        plan=SupportPlan.objects.get(pupil=pupils[0]),
        number=2,
        stage="reviewed",
        starts_on=D(2026, 4, 20),
        reviewed_on=D(2026, 7, 10),
    )
    Target.objects.create(school=school, cycle=earlier, description="x", outcome="achieved")
    starts_on, ends_on = _term(school)
    found = figures(school=school, starts_on=starts_on, ends_on=ends_on, today=NOON.date())
    # Each intervention measured on 5 pupils: Lexia 3 met (60%), ELSA and Talk Boost 2 (40%),
    # no cost in either (no staff rate), so by name.
    assert [row[:3] for row in found["impact"]["ranked"]] == [
        ["Lexia", 5, 3],
        ["ELSA", 5, 2],
        ["Talk Boost", 5, 2],
    ]
    assert found["impact"]["not_ranked"] == [0, 0, 0]
    weeks = school_weeks(
        school_calendar.school_days(school=school, start=starts_on, end=NOON.date())
    )
    planned = (Decimal("0.2") * weeks).quantize(Decimal("0.1")) + 2 * weeks
    assert found["section_f"] == {
        "plans": [1, 1, 1],  # below plan, to plan, none linked
        "items": [2, 3],
        "hours": [str(planned), "6.0"],  # three hours each of the two linked
        "below_percent": 80,
    }
    assert found["targets"] == [4, 4, 4, 3]
    draft = services.report_create(
        access=access_for(sendco, school), period="Autumn", starts_on=starts_on, ends_on=ends_on
    )
    client.force_login(head)
    page = client.get(reverse("reports:report", args=[school.slug, draft.public_id]))
    tables = page.context["tables"]
    assert [label for label, _ in tables["impact"].rows] == [
        "1. Lexia",
        "2. ELSA",
        "3. Talk Boost",
    ]
    assert tables["impact"].rows[0][1] == ["5", "3", "2", "60%", "£0"]
    assert dict(tables["targets"].rows)["Achieved"] == ["4", "27%"]
    assert dict(tables["section_f"].rows)["Hours delivered (attended)"] == ["6.0"]
    text = page.content.decode()
    assert "Every intervention with groups this year was ranked." in text
    for gone in ("worked best here, from", "section F.", "targets achieved."):
        assert gone not in text  # no longer listed as not in the report


def test_a_report_published_before_these_figures_says_they_are_not_in_it(
    client, school, sendco, head, governor, autumn
):
    _measured(school, sendco, _pupils(school, sendco, 13))
    report = _published(school, sendco, head)
    for key in ("impact", "section_f", "targets"):
        del report.snapshot[key]
    report.save(update_fields=["snapshot"])
    client.force_login(governor)
    for name in ("reports:report", "reports:report_print"):
        response = client.get(reverse(name, args=[school.slug, report.public_id]))
        assert response.status_code == 200
        text = response.content.decode()
        for words in (
            "the interventions that worked best",
            "section F delivery",
            "the targets achieved",
        ):
            assert f"it was published before the report gave {words}" in text
        assert not {"impact", "section_f", "targets"} & set(response.context["tables"])


def test_governors_read_the_best_interventions_by_name_when_a_count_is_hidden(
    client, school, sendco, head, governor, autumn
):
    """In rank order a hidden share would sit between the shares shown around it: governors
    read the list by name, without ranks, once any count of pupils meeting target is hidden."""
    _measured(school, sendco, _pupils(school, sendco, 15))
    report = _published(school, sendco, head)
    client.force_login(governor)
    response = client.get(reverse("reports:report", args=[school.slug, report.public_id]))
    impact = response.context["tables"]["impact"]
    assert [label for label, _ in impact.rows] == ["ELSA", "Lexia", "Talk Boost"]
    assert impact.rows[1][1][:4] == ["5", "fewer than 5", "fewer than 5", "–"]
    assert "not in rank order" in response.content.decode()


def test_section_f_counts_each_plan_over_the_part_of_the_term_it_was_in_force(
    school, sendco, autumn
):
    """A plan ceased before the term is left out; one issued in the term counts from its issue;
    an amended plan counts the items of its latest version issued by the end."""
    pupils = _pupils(school, sendco, 3)
    authority = make_authority(school)
    ceased = make_plan(pupils[0], authority, issued_on=D(2024, 9, 16), by=sendco)
    ceased.status, ceased.ended_on = "ceased", D(2026, 8, 20)
    ceased.save()
    new = make_plan(pupils[1], authority, issued_on=D(2026, 10, 5), by=sendco)
    amended = make_plan(pupils[2], authority, issued_on=D(2025, 9, 15), by=sendco)
    later = PlanVersion.objects.create(
        plan=amended, number=2, kind="amended", issued_on=D(2026, 10, 1), created_by=sendco
    )
    for version, hours in (
        (ceased.versions.get(), 5),
        (new.versions.get(), 1),
        (amended.versions.get(number=1), 7),
        (later, 3),
    ):
        ProvisionItem.objects.create(version=version, description="x", hours_per_week=hours)
    starts_on, _ = _term(school)
    found = {
        p.plan.pk: p for p in school_section_f(school=school, start=starts_on, end=NOON.date())
    }
    assert set(found) == {new.pk, amended.pk}
    assert found[new.pk].start == D(2026, 10, 5)
    assert [row.item.hours_per_week for row in found[amended.pk].rows] == [3]
    weeks = school_weeks(
        school_calendar.school_days(school=school, start=D(2026, 10, 5), end=NOON.date())
    )
    assert found[new.pk].rows[0].hours_planned == weeks
