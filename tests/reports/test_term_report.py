"""The termly SEND report (issue 18): drafted, reviewed, published with its figures frozen;
governors read only published reports, figures only, small counts suppressed with secondary
suppression so no hidden count can be worked out from the totals; no pupil named anywhere."""

from __future__ import annotations

import itertools
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ehcp.models import PlanVersion, ProvisionItem
from ehcp.selectors import school_section_f, school_weeks
from plans.models import Cycle, SupportPlan, Target
from provision.models import Attendance, Group, GroupPupil, Intervention, Measure, Session
from register.models import Concern, LookedAfterPeriod, Need, SenStatus, TermFigures
from reports import services
from reports.figures import figures
from reports.models import TermReport
from reports.present import report_tables
from staff import calendar as school_calendar
from staff.suppression import Line, line_reveals, protect
from staff.tenancy import access_for
from tests.ehcp.factories import finished_review, make_authority, make_plan
from tests.pdf import pdf_text
from tests.register.factories import make_pupil, put_on
from tests.reports.conftest import NOON

D = date
SENTINEL = "Zebedee"
SENTINEL_LAST = "Quux"
AUTUMN = (D(2026, 9, 1), D(2026, 12, 18))


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


def _changes(school, sendco, *, start: int = 0, scale: int = 1) -> dict[str, int]:
    """This term's changes the report counts, each planted with a name and free text that must
    never reach governors: pupils who joined already on the register, were identified here,
    moved from SEN support to an EHC plan, left, or came off the register; EHC review meetings
    held within their window and after it; an EHC review and a PEP overdue; suspensions."""
    starts_on, _ = _term(school)
    day = lambda n: starts_on + timedelta(days=n)  # noqa: E731
    counts = {"joined": 2 * scale, "identified": 6 * scale, "k_to_e": scale, "left": scale}
    serial = itertools.count(start)
    made = []

    def pupil(**fields):
        n = next(serial)
        made.append(
            make_pupil(
                school,
                legal_first_name=f"{SENTINEL}C{n}",
                legal_last_name=SENTINEL_LAST,
                year_group=str(1 + n % 6),
                **fields,
            )
        )
        return made[-1]

    def plant_reason(status):
        SenStatus.objects.filter(pk=status.pk).update(reason=f"{SENTINEL} {SENTINEL_LAST} why")

    for _ in range(counts["joined"]):
        plant_reason(put_on(pupil(admission_date=day(9)), "K", day(9), "SLCN"))
    for _ in range(counts["identified"]):
        plant_reason(put_on(pupil(), "K", day(30), "MLD"))
    for _ in range(counts["k_to_e"]):
        moved = pupil()
        put_on(moved, "K", D(2025, 1, 6), "ASD", ends_on=day(40))
        plant_reason(put_on(moved, "E", day(41)))
    for _ in range(counts["left"]):
        gone = pupil(leaving_date=day(50), leaving_destination=f"{SENTINEL} Academy")
        put_on(gone, "K", D(2025, 1, 6), "SEMH")
    stayed = pupil()
    put_on(stayed, "K", D(2025, 1, 6), "SPLD", ends_on=day(60))
    plant_reason(put_on(stayed, "N", day(61)))
    authority = make_authority(school, name=f"Shire {start}")

    # Meetings: within the window (12 months from the plan's issue), and after it closed.
    def with_plan(issued_on):
        someone = pupil()
        put_on(someone, "E", issued_on, "ASD")
        return make_plan(someone, authority, issued_on=issued_on, by=sendco)

    for _ in range(5 * scale):
        finished_review(with_plan(D(2025, 10, 1)), held_on=D(2026, 9, 20), by=sendco)
    finished_review(with_plan(D(2025, 6, 1)), held_on=D(2026, 10, 10), by=sendco)
    with_plan(D(2025, 11, 1))  # its review is overdue
    LookedAfterPeriod.objects.create(  # no PEP recorded: overdue
        school=school, pupil=pupil(), starts_on=D(2025, 1, 6), responsible_la="Anyshire"
    )
    # Suspensions this year: two of those who joined (3 in all); none of the others (fewer
    # than 5, so even their 0 is not shown).
    suspended = {made[0].pk: 2, made[1].pk: 1}
    TermFigures.objects.bulk_create(
        TermFigures(
            school=school,
            pupil=someone,
            academic_year_start=2026,
            season="autumn",
            recorded_on=day(80),
            suspensions=suspended.get(someone.pk, 0),
        )
        for someone in made
    )
    return counts


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
    authority = make_authority(school, name=f"Measured shire {start}")
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


def test_sentinel_no_pupil_detail_reaches_any_governor_output(
    client,
    school,
    sendco,
    head,
    governor,
    autumn,
    tmp_path,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    pupils = _pupils(school, sendco, 13)
    _changes(school, sendco)
    _measured(school, sendco, pupils)
    with django_capture_on_commit_callbacks(execute=True):  # publishing emails the governor
        report = _published(school, sendco, head)
    [email] = mailoutbox
    assert email.to == [governor.email]
    client.force_login(governor)
    outputs = []
    for name in ("reports:report", "reports:report_print"):
        response = client.get(reverse(name, args=[school.slug, report.public_id]))
        assert response.status_code == 200
        outputs.append(response.content.decode())
    pdf = client.get(reverse("reports:report_pdf", args=[school.slug, report.public_id]))
    assert pdf.status_code == 200
    outputs.append(pdf_text(pdf.content, tmp_path))
    outputs.append(client.get(reverse("school_home", args=[school.slug])).content.decode())
    outputs += [email.subject, email.body, email.alternatives[0][0]]
    planted = (
        [SENTINEL, SENTINEL_LAST, "Zeb1"]
        + [f"{p.date_of_birth:%d/%m/%Y}" for p in pupils]
        + [p.upn for p in pupils]
    )
    for text in outputs:
        for word in planted:
            assert word.lower() not in text.lower(), word
    assert "SEN register" in outputs[2]
    assert "SEN register" in email.body
    for words in ("within the 12-month window", "Work overdue on", "new to the school"):
        assert words in outputs[2], words  # the new sections are in the PDF, and checked
    assert "Suspensions this school year" in outputs[0]
    for words in ("Talk Boost", "section F provision delivered", "targets reviewed"):
        assert words in outputs[0], words
        assert words in outputs[2], words


def test_small_counts_are_suppressed_for_governors(client, school, sendco, head, governor, autumn):
    _changes(school, sendco)
    _measured(school, sendco, _pupils(school, sendco, 13))
    report = _published(school, sendco, head)
    client.force_login(governor)
    response = client.get(reverse("reports:report", args=[school.slug, report.public_id]))
    tables = response.context["tables"]
    for key in ("impact", "section_f", "targets"):
        cells = [cell for _, row in tables[key].rows for cell in row]
        assert "fewer than 5" in cells, key
    for _, (_, met, _, share, cost) in tables["impact"].rows:
        if not met.isdigit():  # the cost per pupil meeting target would tell how many
            assert (share, cost) == ("–", "–")
    words = [cell for t in tables.values() if t for _, row in t.rows for cell in row]
    assert "fewer than 5" in words
    assert "not shown" in words
    for cell in words:
        assert not re.fullmatch(r"[1-4]", cell), words
    for key in ("moved", "statutory", "overdue", "suspensions"):
        cells = [cell for _, row in tables[key].rows for cell in row]
        assert "fewer than 5" in cells, (key, cells)
    # One pupil of each: moved to an EHC plan, had a review meeting late, has a PEP overdue;
    # and the other pupils with suspension figures are fewer than 5: not even their 0
    # suspensions is shown.
    rows = {label: cells for t in tables.values() if t for label, cells in t.rows}
    assert rows["Moved from SEN support to an EHC plan"] == ["fewer than 5"]
    assert rows["EHC annual reviews held: meeting after the window had closed"] == ["fewer than 5"]
    assert rows["EHC annual reviews held: meeting within the 12-month window"] == ["not shown"]
    assert rows["PEPs of looked-after children overdue"] == ["fewer than 5"]
    assert dict(tables["suspensions"].rows)["Other pupils"] == [
        "not shown",
        "fewer than 5",
        "fewer than 5",
        "not shown",
    ]


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
    _changes(school, sendco)
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
    assert {"moved", "statutory", "suspensions", "impact", "section_f", "targets"} <= tables_checked


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


def test_a_small_row_total_does_not_hide_the_column_total_it_adds_to():
    """One need area with fewer than 5 pupils hides that area's K and E (the parts of a small
    total), not the school's register total its row adds to."""
    values = {"a.k": 3, "a.e": 0, "a.sen": 3, "b.k": 20, "b.e": 7, "b.sen": 27}
    values |= {"t.k": 23, "t.e": 7, "t.sen": 30}
    lines = [
        Line(("a.k", "a.e"), ("a.sen",)),
        Line(("b.k", "b.e"), ("b.sen",)),
        Line(("a.k", "b.k"), ("t.k",)),
        Line(("a.e", "b.e"), ("t.e",)),
        Line(("a.sen", "b.sen"), ("t.sen",)),
    ]
    states = protect(values, lines, {"a.sen", "b.sen", "t.k", "t.e", "t.sen"})
    assert states["a.sen"] == "small"
    assert states["a.k"] != "shown"
    assert states["a.e"] != "shown"
    assert all(states[c] == "shown" for c in ("t.k", "t.e", "t.sen"))
    assert all(line_reveals(line, values, states) is None for line in lines)


def test_the_register_total_is_kept_and_the_term_s_movements_given_up():
    """Four pupils added and none removed pin "fewer than 5" down to 4 from the register now
    and last term; the movements are hidden rather than this term's register."""
    values = {"now": 190, "previous": 186, "added": 4, "left": 0, "stayed": 0, "removed": 0}
    lines = [
        Line(("left", "stayed"), ("removed",)),
        Line(("now", "removed"), ("previous", "added")),
    ]
    movements = {"added", "left", "stayed", "removed"}
    states = protect(values, lines, {"removed", "now", "previous"}, spare=movements)
    assert states["now"] == states["previous"] == "shown"
    assert all(states[c] == "hidden" for c in movements)
    assert all(line_reveals(line, values, states) is None for line in lines)
    without = protect(values, lines, {"removed", "now", "previous"})
    assert "hidden" in (without["now"], without["previous"])


def test_the_exact_figures_for_the_sendco_and_head(school, sendco, autumn):
    _pupils(school, sendco, 3)
    starts_on, ends_on = _term(school)
    found = figures(school=school, starts_on=starts_on, ends_on=ends_on, today=NOON.date())
    shown = report_tables(found, governor=False)
    assert shown["tables"]["register"].rows[0][1][4] == "3"
    assert found["plans"]["reviews"] == [0, 0, 3]
    assert found["plans"]["meetings"] == [3, 0]


def test_why_pupils_moved_meetings_in_their_window_overdue_work_and_suspensions(
    client, school, sendco, head, autumn
):
    """The head reads the draft's exact figures: reasons as categories, never the words of a
    status change or of a leaving destination."""
    _pupils(school, sendco, 3)
    _changes(school, sendco)
    starts_on, ends_on = _term(school)
    found = figures(school=school, starts_on=starts_on, ends_on=ends_on, today=NOON.date())
    assert found["register"]["moved"] == [8, 1, 1]  # added; removed: left, stayed
    assert found["register"]["moved_why"] == {
        "joined": 2,
        "identified": 6,
        "k_to_e": 1,
        "e_to_k": 0,
    }
    assert found["statutory"]["reviews"] == [6, 0]  # every report within two weeks
    assert found["statutory"]["meetings"] == [5, 1]  # one meeting after its window closed
    overdue = dict(found["overdue"]["kinds"])
    assert overdue["EHC annual reviews with a step overdue"] == 1
    assert overdue["PEPs of looked-after children overdue"] == 1
    assert overdue["Support plans not yet agreed"] == 3  # _pupils' cycles, agreed by 5 October
    assert found["overdue"] == found["overdue"] | {"on": "2026-12-04", "pupils": 5}
    assert found["outcomes"]["sen"]["suspensions"] == [2, 15, 3]
    assert found["outcomes"]["other"]["suspensions"] == [0, 2, 0]
    draft = services.report_create(
        access=access_for(sendco, school), period="Autumn", starts_on=starts_on, ends_on=ends_on
    )
    client.force_login(head)
    page = client.get(reverse("reports:report", args=[school.slug, draft.public_id]))
    tables = page.context["tables"]
    assert dict(tables["moved"].rows)["Added: new to the school this term"] == ["2"]
    assert dict(tables["suspensions"].rows)["Pupils on the SEN register"] == ["2", "15", "17", "3"]
    text = page.content.decode()
    assert "Work overdue on 4 December 2026" in text
    assert "Not in this report:" not in text
    for item in ("12-month window", "overdue statutory", "suspensions of SEN"):
        assert item not in " ".join(found["not_yet"])


def test_a_report_published_before_the_new_figures_says_they_are_not_in_it(
    client, school, sendco, head, governor, autumn
):
    _pupils(school, sendco, 6)
    _changes(school, sendco)
    report = _published(school, sendco, head)
    old = report.snapshot
    del old["register"]["moved_why"], old["statutory"]["meetings"], old["overdue"]
    for group in ("sen", "other"):
        del old["outcomes"][group]["suspensions"]
    TermReport.objects.filter(pk=report.pk).update(snapshot=old)
    client.force_login(governor)
    for name in ("reports:report", "reports:report_print"):
        page = client.get(reverse(name, args=[school.slug, report.public_id]))
        assert page.status_code == 200
        text = page.content.decode()
        for missing in (
            "why pupils joined or left the register",
            "within its 12-month window (it was published",
            "Not in this report: the overdue work",
            "Not in this report: suspensions",
        ):
            assert missing in text, missing
        labels = [label for t in page.context["tables"].values() if t for label, _ in t.rows]
        assert "Removed in all" in labels  # the counts it had are still shown
        assert "Moved from SEN support to an EHC plan" not in labels
        assert not {"overdue", "suspensions"} & set(page.context["tables"])


def test_suspensions_not_given_by_the_import_are_said_to_be_not_provided(
    client, school, sendco, head, autumn
):
    pupils = _pupils(school, sendco, 6)
    TermFigures.objects.bulk_create(
        TermFigures(
            school=school,
            pupil=p,
            academic_year_start=2026,
            season="autumn",
            recorded_on=D(2026, 11, 1),
            attendance=95,
        )
        for p in pupils
    )
    starts_on, ends_on = _term(school)
    found = figures(school=school, starts_on=starts_on, ends_on=ends_on, today=NOON.date())
    assert found["outcomes"]["sen"]["suspensions"] is None
    shown = report_tables(found, governor=True)
    assert shown["suspensions"] == "none"
    assert "suspensions" not in shown["tables"]
    draft = services.report_create(
        access=access_for(sendco, school), period="Autumn", starts_on=starts_on, ends_on=ends_on
    )
    client.force_login(head)
    page = client.get(reverse("reports:report", args=[school.slug, draft.public_id]))
    assert "Suspensions: not provided" in page.content.decode()


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_query_counts_are_the_same_at_two_sizes(
    client, school, sendco, head, governor, autumn, django_assert_num_queries, settings
):
    """The draft page (live figures), the governor's page (the snapshot) and the SENDCo's (who
    it was emailed to) read as much with 4 pupils (and one of each change this term) as with 24
    (and more of each). With the deadline cache off, so the draft works out the overdue work
    each time."""
    settings.DEADLINE_CACHE_SECONDS = 0
    _changes(school, sendco)
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
        # with who it was emailed to and who not yet
        (sendco, reverse("reports:report", args=[school.slug, published.public_id])),
    ]
    small = []
    for user, url in pages:
        client.force_login(user)
        client.get(url)  # the first request after signing in renews the session
        small.append(_count(client, url))
    _changes(school, sendco, start=50, scale=3)
    _measured(school, sendco, _pupils(school, sendco, 20, start=50), start=50)
    for (user, url), expected in zip(pages, small, strict=True):
        client.force_login(user)
        client.get(url)
        with django_assert_num_queries(expected):
            client.get(url)


def test_a_published_report_s_tables_are_worked_out_once_per_threshold(
    client, school, sendco, head, governor, autumn, monkeypatch, settings
):
    """The snapshot never changes, so its suppressed tables are kept: the governor's second
    view works nothing out; a new threshold (a setting) is worked out afresh and shown."""
    from reports import present

    _pupils(school, sendco, 13)
    report = _published(school, sendco, head)
    calls = []

    def counted(*args, **kwargs):
        calls.append(1)
        return protect(*args, **kwargs)

    monkeypatch.setattr(present, "protect", counted)
    url = reverse("reports:report", args=[school.slug, report.public_id])
    client.force_login(governor)
    for _ in range(3):
        assert client.get(url).status_code == 200
    assert len(calls) == 1
    settings.SMALL_NUMBER_THRESHOLD = 20
    assert "fewer than 20" in client.get(url).content.decode()
    assert len(calls) == 2


def test_a_draft_s_figures_are_kept_until_a_write_could_change_them(
    client, school, sendco, head, autumn
):
    """Worked out once and kept under the school's stamp: the head's second view reads far
    less; a pupil put on the register gives the school a new stamp and the next view counts
    them; the morning's warming (`sendco.pages.warm`) works the figures out ahead of the head."""
    from sendco import pages as school_pages

    _pupils(school, sendco, 4)
    starts_on, ends_on = _term(school)
    draft = services.report_create(
        access=access_for(sendco, school), period="Autumn", starts_on=starts_on, ends_on=ends_on
    )
    url = reverse("reports:report", args=[school.slug, draft.public_id])
    client.force_login(head)
    client.get(url)  # the first request after signing in renews the session
    kept = _count(client, url)
    put_on(make_pupil(school, year_group="3"), "K", D(2026, 11, 2), "MLD")
    afresh = _count(client, url)
    assert afresh > kept + 10
    response = client.get(url)
    assert response.context["tables"]["register"].rows[0][1][4] == "5"
    put_on(make_pupil(school, year_group="4"), "K", D(2026, 11, 3), "MLD")
    school_pages.warm(school=school, today=NOON.date())
    assert _count(client, url) == kept
    assert client.get(url).context["tables"]["register"].rows[0][1][4] == "6"


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
    # Three hour-long sessions run in each group: sessions and hours planned are the same
    # number, three hours run.
    provision = report_tables(found, governor=False)["provision"]
    lines = {line[0]: line for line in provision["lines"]}
    assert set(lines) == set(INTERVENTIONS)
    for _, _, planned, run, hours_planned, hours_run, _ in lines.values():
        assert planned > run == 3
        assert (hours_planned, hours_run) == (str(planned), "3")
    assert provision["hours"] == (str(sum(line[2] for line in lines.values())), "9")
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
    provision = report.snapshot["provision"]
    provision["interventions"] = [line[:4] for line in provision["interventions"]]  # no hours
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
        assert "hours were not counted when this report was published" in text
        assert {line[4:6] for line in response.context["provision"]["lines"]} == {("–", "–")}


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
