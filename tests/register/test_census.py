"""The census check (DOMAIN.md 3.1-3.3, RELIABILITY.md EX-01): rows on a census date from the
periods, the rules as a table of cases, formula-safe cells, and the page and the file."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import NoReverseMatch, reverse

from register.census import (
    HEADER,
    CensusRow,
    NeedOn,
    census_problems,
    census_rows,
    census_summary,
    csv_bytes,
    safe_cell,
)
from register.models import Need, NeedType, Pupil, SenStatus
from register.upn import check_letter
from staff.models import AuditEvent
from tests.factories import member

ON = date(2026, 1, 15)  # spring census 2025-26
BOM = b"\xef\xbb\xbf"


def make_upn(n: int) -> str:
    rest = f"80120000{n:04d}"
    return check_letter(rest) + rest


_counter = iter(range(1, 10_000))


def make_pupil(
    school,
    last="Smith",
    first="Ada",
    *,
    category: str | None = None,
    needs=(),
    admission_date=date(2025, 9, 1),
    leaving_date=None,
    year_group="4",
) -> Pupil:
    """A pupil; `category` opens a status on 1 September 2025; `needs` are (code, rank)."""
    pupil = Pupil.objects.create(
        school=school,
        upn=make_upn(next(_counter)),
        legal_first_name=first,
        legal_last_name=last,
        date_of_birth=date(2016, 5, 4),
        sex="F",
        year_group=year_group,
        admission_date=admission_date,
        leaving_date=leaving_date,
    )
    if category:
        status(pupil, category, date(2025, 9, 1))
    for code, rank in needs:
        need(pupil, code, rank, date(2025, 9, 1))
    return pupil


def status(pupil, category, starts_on, ends_on=None) -> SenStatus:
    return SenStatus.objects.create(
        school=pupil.school,
        pupil=pupil,
        category=category,
        starts_on=starts_on,
        ends_on=ends_on,
        reason="Assessed",
    )


def need(pupil, code, rank, starts_on, ends_on=None) -> Need:
    return Need.objects.create(
        school=pupil.school,
        pupil=pupil,
        need_type=NeedType.objects.get(code=code),
        rank=rank,
        starts_on=starts_on,
        ends_on=ends_on,
    )


def by_upn(rows) -> dict[str, CensusRow]:
    return {row.upn: row for row in rows}


# --------------------------------------------------------------------------------------------------
# The rules, as a table of cases
# --------------------------------------------------------------------------------------------------


def row(category, *needs, categories=None) -> CensusRow:
    """A census row; `needs` are (code, rank); NSA is the only type valid only with K."""
    on = tuple(NeedOn(rank=r, code=c, only_with_sen_support=c == "NSA") for c, r in needs)
    return CensusRow(
        public_id=uuid.uuid4(),
        upn="B801200005001",
        surname="Smith",
        forename="Ada",
        date_of_birth=date(2016, 5, 4),
        year_group="4",
        category=category,
        need_1=next((c for c, r in needs if r == 1), "") if category != "N" else "",
        need_2=next((c for c, r in needs if r == 2), "") if category != "N" else "",
        needs=on,
        categories=categories if categories is not None else (category,),
    )


@pytest.mark.parametrize(
    ("case", "rules"),
    [
        (row("K"), ["Census rule 2170"]),
        (row("E"), ["Census rule 2170"]),
        (row("K", ("SEMH", 2)), ["Census rule 2170"]),  # a secondary need but no primary
        (row("E", ("NSA", 1)), ["Census rule 2175"]),
        (row("E", ("ASD", 1), ("NSA", 2)), ["Census rule 2175"]),
        (row("K", ("NSA", 1)), []),
        (row("K", ("ASD", 1)), []),
        (row("E", ("ASD", 1), ("SLCN", 2)), []),
        (row("N"), []),
        (row("N", categories=()), []),  # no status period at all: N
        (row("N", ("ASD", 1)), ["No type of need with N"]),
        (row("N", ("NSA", 1)), ["No type of need with N"]),  # said once, not also as 2175
        (row("K", ("ASD", 1), ("SLCN", 1)), ["One need per rank"]),
        (row("K", ("ASD", 1), ("ASD", 2)), ["Each type of need once"]),
        (row("K", ("ASD", 1), categories=("K", "E")), ["One SEN status on census day"]),
    ],
    ids=lambda v: repr(v) if isinstance(v, list) else None,
)
def test_census_problems(case, rules):
    problems = census_problems([case])
    assert [p.rule.split(":")[0] for p in problems] == rules
    for problem in problems:
        assert problem.pupil_name == "Ada Smith"
        assert problem.upn == "B801200005001"
        assert problem.public_id == case.public_id
        assert problem.message
        assert problem.fix


def test_problems_follow_the_rows():
    first, second = row("K"), row("E", ("NSA", 1))
    assert [p.public_id for p in census_problems([first, row("N"), second])] == [
        first.public_id,
        second.public_id,
    ]


# --------------------------------------------------------------------------------------------------
# Rows on the census date, from the periods
# --------------------------------------------------------------------------------------------------


def test_category_and_needs_are_those_of_the_census_date(school):
    moved = make_pupil(school, "Moved", "Mo")
    status(moved, "K", date(2025, 9, 1), date(2026, 2, 28))
    status(moved, "E", date(2026, 3, 1))
    need(moved, "MLD", 1, date(2025, 9, 1), date(2026, 1, 14))
    need(moved, "ASD", 1, date(2026, 1, 15))
    need(moved, "SLCN", 2, date(2026, 1, 16))  # from the day after the census
    ended = make_pupil(school, "Ended", "Ed")
    status(ended, "K", date(2025, 9, 1), date(2026, 1, 14))  # came off the day before
    make_pupil(school, "None", "Nell")  # no status ever: N

    rows = by_upn(census_rows(school=school, on=ON))
    assert (rows[moved.upn].category, rows[moved.upn].need_1, rows[moved.upn].need_2) == (
        "K",
        "ASD",
        "",
    )
    assert rows[ended.upn].category == "N"
    later = by_upn(census_rows(school=school, on=date(2026, 3, 5)))[moved.upn]
    assert (later.category, later.need_1, later.need_2) == ("E", "ASD", "SLCN")


@pytest.mark.parametrize(
    ("admission_date", "leaving_date", "on_roll"),
    [
        (date(2026, 1, 16), None, False),  # admitted after the census date
        (date(2026, 1, 15), None, True),  # admitted on it
        (date(2025, 9, 1), date(2026, 1, 14), False),  # left before it
        (date(2025, 9, 1), date(2026, 1, 15), True),  # leaving date is the last day on roll
        (None, None, True),
    ],
)
def test_only_pupils_on_roll_on_the_census_date(school, admission_date, leaving_date, on_roll):
    pupil = make_pupil(
        school,
        category="K",
        needs=[("ASD", 1)],
        admission_date=admission_date,
        leaving_date=leaving_date,
    )
    assert (pupil.upn in by_upn(census_rows(school=school, on=ON))) is on_roll


def test_whole_roll_with_n_pupils_empty_and_other_schools_absent(school, other_school):
    make_pupil(school, "Bell", "Bo", category="E", needs=[("SLD", 1), ("PD", 2)])
    make_pupil(school, "Adams", "Al", category="K", needs=[("SPLD", 1)])
    make_pupil(school, "Cole", "Cy", category="N")
    make_pupil(school, "Dale", "Di")
    make_pupil(other_school, "Other", "Olly", category="K", needs=[("ASD", 1)])

    rows = census_rows(school=school, on=ON)
    assert [(r.surname, r.category, r.need_1, r.need_2) for r in rows] == [
        ("Adams", "K", "SPLD", ""),
        ("Bell", "E", "SLD", "PD"),
        ("Cole", "N", "", ""),
        ("Dale", "N", "", ""),
    ]
    assert census_problems(rows) == []


@pytest.mark.parametrize("size", [10, 300])
def test_census_rows_runs_a_constant_number_of_queries(school, django_assert_num_queries, size):
    asd, slcn = NeedType.objects.get(code="ASD"), NeedType.objects.get(code="SLCN")
    pupils = Pupil.objects.bulk_create(
        Pupil(
            school=school,
            upn=make_upn(n),
            legal_first_name=f"P{n}",
            legal_last_name="Pupil",
            date_of_birth=date(2016, 5, 4),
            sex="M",
            year_group="3",
            admission_date=date(2025, 9, 1),
        )
        for n in range(size)
    )
    pupils = list(Pupil.objects.filter(school=school))
    SenStatus.objects.bulk_create(
        SenStatus(school=school, pupil=p, category="K", starts_on=date(2025, 9, 1), reason="x")
        for p in pupils
    )
    Need.objects.bulk_create(
        [
            Need(school=school, pupil=p, need_type=asd, rank=1, starts_on=date(2025, 9, 1))
            for p in pupils
        ]
        + [
            Need(school=school, pupil=p, need_type=slcn, rank=2, starts_on=date(2025, 9, 1))
            for p in pupils
        ]
    )
    with django_assert_num_queries(3):
        rows = census_rows(school=school, on=ON)
    assert len(rows) == size
    assert {(r.category, r.need_1, r.need_2) for r in rows} == {("K", "ASD", "SLCN")}


# --------------------------------------------------------------------------------------------------
# Formula-safe cells and the CSV (EX-01)
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("\x00x", "'\x00x"),
        ("\uff1d1+1", "'\uff1d1+1"),  # full-width equals sign
        ("O'Brien-Smith", "O'Brien-Smith"),  # a minus inside is harmless
        ("Zoë", "Zoë"),
        ("", ""),
    ],
)
def test_safe_cell(value, safe):
    assert safe_cell(value) == safe


def test_csv_bytes_is_rfc_4180_with_a_bom():
    data = csv_bytes([row("K", ("ASD", 1))])
    assert data.startswith(BOM)
    assert data == BOM + (
        b"UPN,Surname,Forename,DOB,NC Year,SEN provision,SEN type rank 1,SEN type rank 2\r\n"
        b"B801200005001,Smith,Ada,2016-05-04,4,K,ASD,\r\n"
    )


# --------------------------------------------------------------------------------------------------
# The page and the file, through the client
# --------------------------------------------------------------------------------------------------


def export_url(school, on: str | None = "2026-01-15") -> str:
    url = reverse("census:export", args=[school.slug])
    return f"{url}?on={on}" if on is not None else url


def test_the_file(client, school, sendco):
    eve = make_pupil(school, '=HYPERLINK("http://x","y")', "Eve", category="K", needs=[("ASD", 1)])
    ann = make_pupil(school, "Brown", "Ann, Marie", category="E", needs=[("SLCN", 1), ("SPLD", 2)])
    zoe = make_pupil(school, "Çelik", "Zoë", category="N", year_group="R")
    client.force_login(sendco)

    response = client.get(export_url(school))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="census-acorn-2026-01-15.csv"'
    assert "no-store" in response["Cache-Control"]
    body = response.content
    assert body.startswith(BOM)
    text = body.decode("utf-8-sig")
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")
    lines = list(csv.reader(io.StringIO(text, newline="")))
    assert tuple(lines[0]) == HEADER
    assert sorted(lines[1:]) == sorted(  # the order of names depends on the collation
        [
            [eve.upn, '\'=HYPERLINK("http://x","y")', "Eve", "2016-05-04", "4", "K", "ASD", ""],
            [ann.upn, "Brown", "Ann, Marie", "2016-05-04", "4", "E", "SLCN", "SPLD"],
            [zoe.upn, "Çelik", "Zoë", "2016-05-04", "R", "N", "", ""],
        ]
    )
    # RFC 4180 quoting, only where needed: the quotes doubled, the comma inside quotes.
    assert ',"\'=HYPERLINK(""http://x"",""y"")",Eve,' in text
    assert ',Brown,"Ann, Marie",' in text


def test_the_file_is_audited_with_the_row_count_and_no_names(client, school, sendco):
    make_pupil(school, "Adams", category="K", needs=[("ASD", 1)])
    make_pupil(school, "Bell")
    client.force_login(sendco)
    client.get(export_url(school))
    event = AuditEvent.objects.get(action="register.census_exported")
    assert event.school == school
    assert event.actor == sendco
    assert event.role == "sendco"
    assert event.detail == {"census_date": "2026-01-15", "rows": 2}
    assert "Adams" not in str(event.detail) + event.object_repr


def test_problems_block_the_file(client, school, sendco):
    pupil = make_pupil(school, "Khan", "Kit", category="K")  # K without a type of need
    make_pupil(school, "Bell", category="E", needs=[("NSA", 1)])
    client.force_login(sendco)

    response = client.get(export_url(school))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "Content-Disposition" not in response
    page = response.content.decode()
    assert "The census file was not produced" in page
    assert "2 problems to fix first" in page
    assert "Kit Khan" in page
    assert pupil.upn in page
    assert "Census rule 2170" in page
    assert "Census rule 2175" in page
    try:
        pupil_url = reverse("register:pupil", args=[school.slug, pupil.public_id])
    except NoReverseMatch:
        pupil_url = None
    if pupil_url:
        assert f'href="{pupil_url}"' in page
    assert not AuditEvent.objects.filter(action="register.census_exported").exists()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "Choose a census date below"),  # no ?on= at all
        ("?on=", "Enter the census date."),
        ("?on=2026-13-45", "Enter the census date as a real date"),
        ("?on=yesterday", "Enter the census date as a real date"),
        ("?on=0001-01-01", "Enter a census date between"),
        ("?on=9999-12-31", "Enter a census date between"),
    ],
)
@pytest.mark.parametrize("name", ["census:census", "census:export"])
def test_a_bad_or_missing_date_is_a_clear_message(client, school, sendco, name, query, message):
    if name == "census:census" and query == "":
        message = "Census on "  # the page without a date shows the next census day
    client.force_login(sendco)
    response = client.get(reverse(name, args=[school.slug]) + query)
    assert response.status_code == 200
    assert "Content-Disposition" not in response
    assert message in response.content.decode()


@pytest.mark.parametrize(
    ("today", "default"),
    [
        (date(2025, 9, 1), date(2025, 10, 2)),
        (date(2025, 10, 2), date(2025, 10, 2)),  # census day itself
        (date(2025, 10, 3), date(2026, 1, 15)),
        (date(2026, 5, 21), date(2026, 5, 21)),
        (date(2026, 7, 1), date(2026, 10, 1)),  # after the summer census: next autumn
    ],
)
def test_the_page_defaults_to_the_next_or_current_census_day(
    client, school, sendco, today, default
):
    client.force_login(sendco)
    noon = datetime(today.year, today.month, today.day, 12, tzinfo=ZoneInfo("Europe/London"))
    with time_machine.travel(noon, tick=False):
        response = client.get(reverse("census:census", args=[school.slug]))
    assert response.status_code == 200
    assert response.context["on"] == default
    assert len(response.context["offered"]) in (3, 4)


def test_the_page_counts_by_category_and_primary_need(client, school, sendco):
    make_pupil(school, "A", category="E", needs=[("ASD", 1)])
    make_pupil(school, "B", category="K", needs=[("ASD", 1), ("SLCN", 2)])
    make_pupil(school, "C", category="K", needs=[("MLD", 1)])
    make_pupil(school, "D", category="N")
    make_pupil(school, "E")
    client.force_login(sendco)

    response = client.get(reverse("census:census", args=[school.slug]) + "?on=2026-01-15")

    summary = response.context["summary"]
    assert summary["total"] == 5
    assert [(code, count) for code, _, count in summary["by_category"]] == [
        ("E", 1),
        ("K", 2),
        ("N", 2),
    ]
    assert [(code, count) for code, _, count in summary["by_need"]] == [("ASD", 2), ("MLD", 1)]
    page = response.content.decode()
    assert "<caption" in page
    assert "check file for the MIS" in page
    assert export_url(school) in page.replace("&amp;", "&")


@pytest.mark.parametrize("role", ["head", "teacher"])
def test_other_roles_cannot_export(client, school, request, role):
    make_pupil(school, category="K", needs=[("ASD", 1)])
    client.force_login(request.getfixturevalue(role))
    assert client.get(export_url(school)).status_code == 403
    assert not AuditEvent.objects.filter(action="register.census_exported").exists()


def test_another_schools_sendco_gets_404(client, school, other_school):
    make_pupil(school, category="K", needs=[("ASD", 1)])
    client.force_login(member(other_school, "sendco", email="sendco@beech.test"))
    assert client.get(export_url(school)).status_code == 404


def test_recorded_only_leaves_out_pupils_with_nothing_recorded(school):
    make_pupil(school, "A", category="K", needs=[("ASD", 1)])
    make_pupil(school, "B", category="N")
    make_pupil(school, "C")
    make_pupil(school, "D", needs=[("MLD", 1)])  # a need without a status: still checked
    rows = census_rows(school=school, on=date(2026, 1, 15), recorded_only=True)
    assert sorted(r.surname for r in rows) == ["A", "B", "D"]
    assert census_summary(rows, total=4)["by_category"][2][2] == 3  # B, C and D are N


def test_the_kept_census_check_follows_every_write(client, school, sendco):
    """The page's problems and counts are kept between writes (staff.deadline_cache): a type of
    need recorded for a pupil on SEN support without one clears the problem on the next view."""
    pupil = make_pupil(school, "Khan", "Kit", category="K")
    client.force_login(sendco)
    url = reverse("census:census", args=[school.slug]) + "?on=2026-01-15"
    assert "Census rule 2170" in client.get(url).content.decode()
    need(pupil, "ASD", 1, date(2025, 9, 1))
    page = client.get(url).content.decode()
    assert "Census rule 2170" not in page
    assert client.get(url).context["summary"]["by_need"][0][0] == "ASD"
