"""The register's journeys in a real browser: the SENDCo imports pupils from the MIS, decides a
concern and puts a pupil on SEN support, checks and downloads the census file; a teacher sees only
their class; the SENDCo on a tablet; a governor is kept out.

Every page visited goes through `look` (conftest): a screenshot, no sideways scroll, axe-core clean.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from register.census import HEADER as CENSUS_HEADER
from register.models import Concern, PassportVersion
from register.upn import CHECK_LETTERS
from staff import calendar as school_calendar
from tests.e2e.budget import Counted
from tests.e2e.conftest import TABLET, main_nav, nav_to, sign_in
from tests.register.factories import class_of, make_pupil, put_on, valid_upn

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOWN = re.compile(r"\bshow\b")
# Headers as Arbor's "Students" export writes them.
ARBOR_HEADER = [
    "UPN",
    "Legal First Name",
    "Legal Last Name",
    "Preferred First Name",
    "Date of Birth",
    "Gender",
    "Year Group",
    "Admission Date",
    "First Language",
]
NEWCOMERS = [
    ("Amara", "Okafor", "", "14/02/2018", "Female", "Year 3", "01/09/2022", "English"),
    ("Bilal", "Hussain", "Billy", "30/11/2017", "Male", "Year 3", "01/09/2022", "Urdu"),
    ("Chloe", "Evans", "", "02/07/2016", "Female", "Year 4", "01/09/2021", "English"),
    ("Dawid", "Nowak", "", "19/04/2016", "Male", "Year 4", "03/01/2023", "Polish"),
]


@pytest.fixture
def this_year(school):
    """This academic year's terms: classes belong to a year that covers today."""
    start = school_calendar.academic_year_start_for(timezone.localdate())
    return school_calendar.create_default_year(school=school, academic_year_start=start)


def long_date(day: date) -> str:
    """As the pages write a date: 25 November 2026."""
    return f"{day.day} {day:%B %Y}"


def wrong_letter(upn: str) -> str:
    return next(letter for letter in CHECK_LETTERS if letter != upn[0]) + upn[1:]


def write_csv(path: Path, rows: list[tuple[str, ...]]) -> Path:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(ARBOR_HEADER)
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def register_counts(page: Page):
    return page.get_by_role("main").locator("p").filter(has_text="on SEN support (K)")


def show_all_pupils(page: Page) -> None:
    """Open the register's filters and show every pupil on roll, not only K and E."""
    page.get_by_text("Filter the register").click()
    page.get_by_label("Status").select_option(label="All pupils")
    page.get_by_role("button", name="Filter").click()


def test_sendco_imports_pupils_from_the_mis(
    page: Page, live_server, look, school, sendco, tmp_path
):
    upns = [valid_upn(7000 + n) for n in range(len(NEWCOMERS))]
    good = write_csv(
        tmp_path / "arbor-students.csv",
        [(upn, *pupil) for upn, pupil in zip(upns, NEWCOMERS, strict=True)],
    )
    sign_in(page, live_server, look, "sendco@acorn.test")
    nav_to(page, "Register", "SEN register")
    expect(page.get_by_role("heading", name="SEN register", level=1)).to_be_visible()
    look(page, "empty-register")

    page.get_by_role("link", name="Import from the MIS").click()
    expect(page.get_by_role("heading", name="Import pupils from the MIS")).to_be_visible()
    look(page, "upload")
    page.get_by_label("MIS export (CSV file)").set_input_files(good)
    page.get_by_role("button", name="Upload and show the dry run").click()

    expect(page.get_by_role("heading", name="MIS import: dry run")).to_be_visible()
    counts = page.get_by_role("table", name="What the import would do")
    expect(counts.get_by_role("row", name="New pupils")).to_contain_text("4")
    expect(counts.get_by_role("row", name="Lines with problems")).to_contain_text("0")
    new = page.get_by_role("table", name="New pupils (4)")
    expect(new.get_by_role("row").filter(has_text=upns[1])).to_contain_text("Billy Hussain")
    expect(new.get_by_role("row").filter(has_text=upns[1])).to_contain_text("30/11/2017")
    look(page, "dry-run")

    page.get_by_role("button", name="Apply the import").click()
    expect(page.get_by_role("status")).to_contain_text(
        "The MIS import is done: 4 new, 0 changed, 0 unchanged, 0 marked as left."
    )
    expect(page.get_by_role("heading", name="Import pupils from the MIS")).to_be_visible()
    look(page, "applied")

    page.get_by_role("link", name="Go to the SEN register").click()
    expect(register_counts(page)).to_contain_text("4 pupils on roll")
    show_all_pupils(page)
    table = page.get_by_role("table", name=re.compile("4 pupils match"))
    for name in ("Okafor, Amara", "Hussain, Billy", "Evans, Chloe", "Nowak, Dawid"):
        expect(table.get_by_role("link", name=name)).to_be_visible()
    expect(table.get_by_role("row").filter(has_text="Nowak, Dawid")).to_contain_text("EAL")
    look(page, "all-pupils")

    # Next term's export has a typo in one UPN: line 3 (the header is line 1).
    bad = [(upn, *pupil) for upn, pupil in zip(upns, NEWCOMERS, strict=True)]
    bad[1] = (wrong_letter(upns[1]), *NEWCOMERS[1])
    page.get_by_role("link", name="Import from the MIS").click()
    page.get_by_label("MIS export (CSV file)").set_input_files(
        write_csv(tmp_path / "arbor-students-2.csv", bad)
    )
    page.get_by_role("button", name="Upload and show the dry run").click()

    expect(page.get_by_role("heading", name="MIS import: dry run")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("Nothing can be imported yet")
    problems = page.get_by_role("table", name="Lines with problems")
    line = problems.get_by_role("row").filter(has_text=wrong_letter(upns[1]))
    expect(line.get_by_role("rowheader")).to_have_text("3")
    expect(line).to_contain_text("wrong check letter")
    expect(problems.get_by_role("row")).to_have_count(2)  # the header and the one bad line
    expect(page.get_by_role("button", name="Apply the import")).to_have_count(0)
    look(page, "bad-row")


def test_sendco_moves_a_pupil_from_monitoring_to_sen_support_from_home_in_5(
    page: Page, live_server, look, school, sendco, teacher, this_year
):
    """Issue 14's budget: from home, the monitoring review's deadline, one decision with the
    status (K preselected), a primary need and the date parents were told: at most 6."""
    today = timezone.localdate()
    already = make_pupil(school, legal_first_name="Kit", legal_last_name="Already")
    put_on(already, "K", date(2025, 1, 6), "SPLD")
    ravi = make_pupil(school, legal_first_name="Ravi", legal_last_name="Patel")
    class_of(school, "3P", teachers=[teacher], pupils=[ravi, already], year=this_year)
    Concern.objects.create(
        school=school,
        pupil=ravi,
        raised_by=teacher,
        raised_on=today - timedelta(days=42),
        description="Finds it hard to follow spoken instructions; mixes up word order.",
        status=Concern.Status.MONITORING,
        review_on=today + timedelta(days=7),
        decided_by=sendco,
        decided_on=today - timedelta(days=35),
        decision_note="Try the speech screening and look again in a few weeks.",
    )
    review = today + timedelta(days=7)
    told = today - timedelta(days=1)

    sign_in(page, live_server, look, "sendco@acorn.test")
    look(page, "home")
    task = Counted()
    work = page.get_by_role("region", name="What needs doing")
    ravi_row = work.get_by_role("listitem").filter(has_text="Ravi Patel").first
    task.click(ravi_row.get_by_role("link", name="Monitoring review"))

    expect(page.get_by_role("heading", name="Concern about Ravi Patel")).to_be_visible()
    expect(page.get_by_text(f"Status: Monitoring, review on {long_date(review)}.")).to_be_visible()
    last = page.get_by_role("paragraph").filter(has_text="Note of the last decision")
    expect(last).to_contain_text("(Sam Sendco, ")
    expect(page.get_by_label("SEN support (K)")).to_be_checked()
    expect(page.get_by_label("Date parents or carers were told")).to_have_value("")
    look(page, "decide")

    # Submitting without the date keeps everything as it was and says what is missing.
    task_without_date = Counted()
    task_without_date.check(page.get_by_label("Add to the SEN register"))
    task_without_date.select(page.get_by_label("Primary need"), "SLCN")
    task_without_date.click(page.get_by_role("button", name="Save decision"))
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Give the date parents or carers were told.")
    look(page, "decide-missing-date")
    summary.get_by_role("link", name=re.compile("Date parents or carers were told")).click()
    expect(page.get_by_label("Date parents or carers were told")).to_be_focused()
    assert Concern.objects.get(pupil=ravi).status == Concern.Status.MONITORING

    # The counted journey: the same page, as a SENDCo who knows the date fills it.
    page.goto(page.url)
    task.check(page.get_by_label("Add to the SEN register"))
    task.select(page.get_by_label("Primary need"), "SLCN")
    task.type(page.get_by_label("Date parents or carers were told"), told.isoformat())
    task.click(page.get_by_role("button", name="Save decision"))

    expect(page.get_by_role("heading", name="Ravi Patel", level=1)).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Ravi Patel is on the SEN register")
    assert task.count == 5, task.count
    now = page.get_by_role("region", name="SEN status now")
    expect(now).to_contain_text("SEN support (K)")
    expect(now).to_contain_text("Speech, language and communication needs (SLCN)")
    expect(now).not_to_contain_text("monitoring")
    chronology = page.get_by_role("table", name=re.compile("newest first"))
    status_row = chronology.get_by_role("row").filter(has_text="SEN status: K")
    expect(status_row).to_contain_text(f"Parents told {told:%d/%m/%Y}")
    expect(chronology.get_by_role("row").filter(has_text="Raised by")).to_contain_text(
        "Added to the SEN register"
    )
    look(page, "pupil-on-k")

    page.get_by_role("link", name="Back to the register").click()
    expect(register_counts(page)).to_contain_text("2 on SEN support (K)")
    row = page.get_by_role("row").filter(has_text="Patel, Ravi")
    expect(row).to_contain_text("SEN support")
    expect(row).to_contain_text("SLCN")
    look(page, "register-after")


def test_sendco_checks_and_downloads_the_census(
    page: Page, live_server, look, school, sendco, this_year
):
    today = timezone.localdate()
    ada = make_pupil(school, legal_first_name="Ada", legal_last_name="Lovelace")
    put_on(ada, "K", date(2025, 1, 6), "SLCN", "SEMH")
    ben = make_pupil(school, legal_first_name="Ben", legal_last_name="Brown")
    put_on(ben, "E", date(2024, 3, 4), "ASD")
    make_pupil(school, legal_first_name="Cal", legal_last_name="Clarke")

    sign_in(page, live_server, look, "sendco@acorn.test")
    nav_to(page, "Register", "SEN register")
    page.get_by_role("link", name="Census check").click()
    expect(page.get_by_role("heading", name="School census check")).to_be_visible()
    look(page, "census-default")

    page.get_by_label("Census date").fill(today.isoformat())
    page.get_by_role("button", name="Check this date").click()
    expect(
        page.get_by_role("heading", name=f"Census on {today:%A} {long_date(today)}")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="No problems found")).to_be_visible()
    categories = page.get_by_role("table", name=re.compile("by SEN provision"))
    expect(categories.get_by_role("row", name=re.compile("^K:"))).to_contain_text("1")
    expect(categories.get_by_role("row", name="Whole roll")).to_contain_text("3")
    look(page, "census-today")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the check file (CSV, 3 pupils)").click()
    download = download_info.value
    assert download.suggested_filename == f"census-acorn-{today.isoformat()}.csv"
    lines = Path(download.path()).read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == ",".join(CENSUS_HEADER)
    assert len(lines) == 4
    ada_line = next(line for line in lines if ada.upn in line)
    assert ada_line.endswith(",K,SLCN,SEMH"), ada_line

    # A pupil put on SEN support without a type of need blocks the file.
    dan = make_pupil(school, legal_first_name="Dan", legal_last_name="Dunn")
    put_on(dan, "K", today - timedelta(days=3))
    page.reload()
    expect(page.get_by_role("heading", name="1 problem to fix first")).to_be_visible()
    problems = page.get_by_role("table", name=re.compile("Problems with the SEN fields"))
    expect(problems.get_by_role("row").filter(has_text="Dan Dunn")).to_contain_text(dan.upn)
    expect(page.get_by_role("link", name=re.compile("Download the check file"))).to_have_count(0)
    look(page, "census-problem")

    # A bookmarked download link gives the page with the problem, not a file.
    export = reverse("census:export", args=[school.slug])
    page.goto(f"{live_server.url}{export}?on={today.isoformat()}")
    expect(page.get_by_role("alert")).to_contain_text("The census file was not produced.")
    problems.get_by_role("link", name="Dan Dunn").click()
    expect(page.get_by_role("heading", name="Dan Dunn", level=1)).to_be_visible()
    look(page, "census-problem-pupil")


@pytest.fixture
def newcomer_in_class(school, teacher, this_year):
    """A teacher's class with a pupil on SEN support and one who is not on the register."""
    mina = make_pupil(school, legal_first_name="Mina", legal_last_name="Mine", year_group="4")
    nia = make_pupil(school, legal_first_name="Nia", legal_last_name="Newcomer", year_group="4")
    put_on(mina, "K", date(2025, 1, 6), "SLCN")
    class_of(school, "4M", teachers=[teacher], pupils=[mina, nia], year=this_year)
    return nia


def _raise_concern_about(page: Page, task: Counted, look) -> None:
    """On the concern page: choose the pupil, type the concern, send (3 interactions)."""
    expect(page.get_by_role("heading", name="Raise a concern about a pupil")).to_be_visible()
    look(page, "raise")
    task.select(page.get_by_label("Pupil"), label="Newcomer, Nia (Year 4)")
    task.type(page.get_by_label("What have you noticed?"), "Squints at the board; copies slowly.")
    task.click(page.get_by_role("button", name="Send to the SENDCo"))
    expect(page.get_by_role("status")).to_contain_text("the SENDCo will look at your concern")
    expect(page.get_by_role("heading", name="Nia Newcomer", level=1)).to_be_visible()
    look(page, "raised")
    concern = Concern.objects.get()
    assert (concern.pupil.legal_first_name, concern.status) == ("Nia", Concern.Status.OPEN)


def test_teacher_raises_a_concern_from_the_register_page(
    page: Page, live_server, look, school, sendco, teacher, newcomer_in_class
):
    """The register's "Raise a concern" and the search both reach a pupil not on the register."""
    sign_in(page, live_server, look, "teacher@acorn.test")
    nav_to(page, "Register", "SEN register")
    page.get_by_label("Find a pupil by name or UPN").fill("newcomer")
    page.get_by_role("button", name="Find").click()
    table = page.get_by_role("table", name=re.compile("1 pupil matches"))
    expect(table.get_by_role("link", name="Newcomer, Nia")).to_be_visible()
    look(page, "found-not-on-register")
    page.get_by_role("link", name="Raise a concern").click()
    task = Counted()
    _raise_concern_about(page, task, look)
    assert task.count == 3, task.count


def test_teacher_raises_a_concern_from_home_in_4(
    page: Page, live_server, look, school, sendco, teacher, newcomer_in_class
):
    """Issue 14's budget: a concern about a pupil not on the register in at most 4."""
    sign_in(page, live_server, look, "teacher@acorn.test")
    task = Counted()
    task.click(page.get_by_role("main").get_by_role("link", name="Raise a concern"))
    _raise_concern_about(page, task, look)
    assert task.count <= 4, task.count


def test_teacher_sees_only_their_class(
    page: Page, live_server, look, school, sendco, teacher, this_year
):
    mina = make_pupil(school, legal_first_name="Mina", legal_last_name="Mine", year_group="4")
    molly = make_pupil(school, legal_first_name="Molly", legal_last_name="Moss", year_group="4")
    noah = make_pupil(school, legal_first_name="Noah", legal_last_name="Noneed", year_group="4")
    otto = make_pupil(school, legal_first_name="Otto", legal_last_name="Other", year_group="4")
    put_on(mina, "K", date(2025, 1, 6), "SLCN")
    put_on(molly, "E", date(2024, 6, 3), "ASD", "SPLD")
    put_on(otto, "K", date(2025, 1, 6), "SEMH")
    class_of(school, "4M", teachers=[teacher], pupils=[mina, molly, noah], year=this_year)
    class_of(school, "4O", pupils=[otto], year=this_year)
    PassportVersion.objects.create(
        school=school,
        pupil=mina,
        version=1,
        about_me="I love drawing dragons and I have a little brother.",
        what_helps="Instructions one step at a time, with a picture.",
        strategies="Say my name before giving an instruction. Check I have understood.",
        created_by=sendco,
    )

    sign_in(page, live_server, look, "teacher@acorn.test")
    expect(page.get_by_role("heading", name="Pupils with SEND in your classes")).to_be_visible()
    expect(page.get_by_text("4M (3 pupils)")).to_be_visible()
    mine = page.get_by_role("region", name="Pupils with SEND in your classes").get_by_role(
        "listitem"
    )
    expect(mine).to_have_count(2)
    expect(mine.filter(has_text="Mina Mine")).to_contain_text(
        "SEN support: Speech, language and communication needs"
    )
    expect(mine.filter(has_text="Molly Moss")).to_contain_text("EHC plan: Autistic")
    expect(page.get_by_text("Otto")).to_have_count(0)
    look(page, "home")

    page.get_by_role("link", name="Mina Mine").click()
    expect(page.get_by_role("heading", name="Mina Mine's passport")).to_be_visible()
    strategies = page.locator("section").filter(
        has=page.get_by_role("heading", name="Strategies for staff")
    )
    expect(strategies).to_contain_text("Say my name before giving an instruction.")
    expect(page.get_by_role("link", name=re.compile("the passport"))).to_have_count(0)
    look(page, "passport")

    nav_to(page, "Register", "SEN register")
    expect(register_counts(page)).to_contain_text("3 pupils on roll in your classes")
    table = page.get_by_role("table", name=re.compile("pupils? match"))
    expect(table.get_by_role("link", name="Mine, Mina")).to_be_visible()
    expect(table.get_by_role("link", name="Moss, Molly")).to_be_visible()
    expect(page.get_by_text("Other, Otto")).to_have_count(0)
    expect(page.get_by_role("link", name="Concerns to decide")).to_have_count(0)
    look(page, "register")
    show_all_pupils(page)
    expect(table.get_by_role("row")).to_have_count(4)  # the header and the three in 4M
    expect(page.get_by_text("Other, Otto")).to_have_count(0)
    look(page, "register-all")

    for name in ("register:pupil", "register:passport"):
        response = page.goto(live_server.url + reverse(name, args=[school.slug, otto.public_id]))
        assert response.status == 404, name
        expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
        expect(page.get_by_text("Otto")).to_have_count(0)
        look(page, f"other-class-{name.split(':')[1]}-404")


def test_sendco_on_a_tablet_reads_the_register_and_a_pupil(
    page: Page, live_server, look, school, sendco, teacher, this_year
):
    zara = make_pupil(
        school,
        legal_first_name="Zara",
        legal_last_name="Fitzgerald-Oyelaran",
        preferred_first_name="Zee",
        year_group="6",
        eal=True,
    )
    put_on(zara, "K", date(2024, 9, 2), "SLCN", ends_on=date(2025, 8, 31))
    put_on(zara, "E", date(2025, 9, 1), "ASD", "SLCN")
    others = [make_pupil(school, year_group="6") for _ in range(3)]
    put_on(others[0], "K", date(2025, 1, 6), "SEMH")
    class_of(school, "6 Willow", teachers=[teacher], pupils=[zara, *others], year=this_year)
    Concern.objects.create(
        school=school,
        pupil=zara,
        raised_by=teacher,
        raised_on=date(2024, 6, 10),
        description="Very anxious at transitions; covers her ears in assembly.",
        status=Concern.Status.ADDED,
        decided_by=sendco,
        decided_on=date(2024, 9, 2),
    )
    PassportVersion.objects.create(
        school=school,
        pupil=zara,
        version=1,
        about_me="I like maps.",
        strategies="Warn me before a change.",
        created_by=sendco,
    )

    page.set_viewport_size(TABLET)
    sign_in(page, live_server, look, "sendco@acorn.test")
    menu = page.get_by_role("button", name="Show the menu")
    menu.click()
    expect(page.locator("#main-nav")).to_have_class(SHOWN)
    nav_to(page, "Register", "SEN register")
    expect(register_counts(page)).to_contain_text("1 with an EHC plan (E)")
    row = page.get_by_role("row").filter(has_text="Fitzgerald-Oyelaran, Zee")
    expect(row).to_contain_text("EHC plan")
    expect(row).to_contain_text("6 Willow")
    look(page, "register")

    page.get_by_text("Filter the register").click()
    expect(page.get_by_label("Register as on")).to_be_visible()
    look(page, "filters-open")
    page.get_by_label("Find a pupil by name or UPN").fill("fitzgerald")
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_role("table", name=re.compile("1 pupil matches"))).to_be_visible()
    look(page, "found")

    page.get_by_role("link", name="Fitzgerald-Oyelaran, Zee").click()
    expect(page.get_by_role("heading", name="Zee Fitzgerald-Oyelaran", level=1)).to_be_visible()
    now = page.get_by_role("region", name="SEN status now")
    expect(now).to_contain_text("EHC plan (E)")
    expect(now).to_contain_text("Autistic spectrum disorder (ASD)")
    expect(
        page.get_by_role("table", name=re.compile("newest first")).get_by_role("row")
    ).to_have_count(
        1 + 2 + 3 + 1 + 1  # header, two statuses, three needs, the concern, the passport
    )
    look(page, "pupil")


def test_governor_cannot_open_the_register(page: Page, live_server, look, school, governor):
    sign_in(page, live_server, look, "governor@acorn.test")
    expect(page.get_by_text("You are signed in as Governor.")).to_be_visible()
    expect(main_nav(page).get_by_role("button", name="Register", exact=True)).to_have_count(0)
    expect(main_nav(page).get_by_role("link", name="SEN register", exact=True)).to_have_count(0)
    for path, label in [
        ("/s/acorn/register/", "register"),
        ("/s/acorn/census/", "census"),
        ("/s/acorn/import/", "import"),
    ]:
        response = page.goto(live_server.url + path)
        assert response.status == 403, path
        expect(
            page.get_by_role("heading", name="This page is not available to your role")
        ).to_be_visible()
        look(page, f"{label}-403")
