"""The termly SEND report (issue 18): drafted, reviewed, published with its figures frozen;
governors read only published reports, figures only, small counts suppressed with secondary
suppression so no hidden count can be worked out from the totals; no pupil named anywhere."""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.models import Cycle, SupportPlan, Target
from register.models import Concern, Need
from reports import services
from reports.figures import figures
from reports.models import TermReport
from reports.present import report_tables
from staff import calendar as school_calendar
from staff.suppression import Line, line_reveals, protect
from staff.tenancy import access_for
from tests.conftest import need
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
    outputs.append(_pdf_text(pdf.content, tmp_path))
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


def test_small_counts_are_suppressed_for_governors(client, school, sendco, head, governor, autumn):
    _pupils(school, sendco, 13)
    report = _published(school, sendco, head)
    client.force_login(governor)
    response = client.get(reverse("reports:report", args=[school.slug, report.public_id]))
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
    _pupils(school, sendco, 13)
    report = _published(school, sendco, head)
    client.force_login(governor)
    response = client.get(reverse("reports:report", args=[school.slug, report.public_id]))
    checked = 0
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
                assert len(possible[k]) != 1, (table.key, k, words)
    assert checked > 5


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


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_query_counts_are_the_same_at_two_sizes(
    client, school, sendco, head, governor, autumn, django_assert_num_queries
):
    """The draft page (live figures), the governor's page (the snapshot) and the SENDCo's (who
    it was emailed to) read as much with 4 pupils as with 24."""
    _pupils(school, sendco, 4)
    draft = services.report_create(
        access=access_for(sendco, school),
        period="Spring",
        starts_on=D(2026, 1, 5),
        ends_on=D(2026, 3, 27),
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
    _pupils(school, sendco, 20, start=50)
    for (user, url), expected in zip(pages, small, strict=True):
        client.force_login(user)
        client.get(url)
        with django_assert_num_queries(expected):
            client.get(url)
