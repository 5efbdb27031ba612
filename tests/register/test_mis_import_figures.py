"""MIS import of attendance, suspensions and attainment: optional columns kept as one row per
pupil and term (TermFigures), replaced by each import in that term; a file without a column
leaves that figure alone, a blank cell is no figure, a wrong value is a bad row that stops the
whole import."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from register import mis_import
from register.mis_import import parse, plan
from register.models import Pupil, TermFigures
from register.rules import season_by_month
from staff.calendar import create_default_year
from staff.tenancy import access_for
from tests.register.factories import make_pupil, valid_upn

TODAY = date(2026, 11, 20)
BASE = ["UPN", "Forename", "Surname", "DOB", "Gender", "Year"]


def upn(n: int) -> str:
    return valid_upn(7100 + n)


def csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(BASE + header)
    for n, cells in rows:
        writer.writerow([upn(n), f"First{n}", f"Last{n}", "05/03/2017", "F", "Year 4", *cells])
    return out.getvalue().encode()


@pytest.fixture
def pupils(school):
    return [
        make_pupil(
            school,
            upn=upn(n),
            legal_first_name=f"First{n}",
            legal_last_name=f"Last{n}",
            date_of_birth=date(2017, 3, 5),
            year_group="4",
        )
        for n in range(3)
    ]


def _apply(school, sendco, raw: bytes, today: date = TODAY):
    result = plan(school=school, parsed=parse(raw), today=today)
    assert result.can_apply, result.bad_rows
    return result, mis_import.apply(school=school, plan=result, access=access_for(sendco, school))


def _figures(pupil) -> list[tuple]:
    return list(
        pupil.term_figures.order_by("academic_year_start", "recorded_on").values_list(
            "academic_year_start",
            "season",
            "recorded_on",
            "attendance",
            "suspensions",
            "attainment",
        )
    )


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2026, 9, 1), (2026, "autumn")),
        (date(2026, 12, 31), (2026, "autumn")),
        (date(2027, 1, 4), (2026, "spring")),
        (date(2027, 3, 31), (2026, "spring")),
        (date(2027, 4, 1), (2026, "summer")),
        (date(2027, 8, 31), (2026, "summer")),
    ],
)
def test_the_term_by_the_month_when_a_school_has_no_term_dates(on, expected):
    assert season_by_month(on) == expected


def test_figures_are_recorded_for_the_term_and_replaced_by_the_next_import(school, sendco, pupils):
    header = ["Attendance %", "Suspensions", "Attainment"]
    raw = csv_bytes(header, [(0, ["96.4%", "0", "EXS"]), (1, ["88", "2", "Working towards"])])
    result, summary = _apply(school, sendco, raw)
    assert result.figures_label == "the autumn term of 2026/27"
    assert result.figures_count == 2
    assert result.counts["unchanged"] == 2  # figures are not changes to the pupil
    assert "attendance, suspensions or attainment for 2 pupils (the autumn term" in str(summary)
    assert _figures(pupils[0]) == [(2026, "autumn", TODAY, Decimal("96.4"), 0, "expected")]
    assert _figures(pupils[1]) == [(2026, "autumn", TODAY, Decimal("88.0"), 2, "towards")]
    assert _figures(pupils[2]) == []  # not in the file: left as a leaver, no figures

    # A week later, a file with attendance only: attendance replaced, attainment kept; a blank
    # cell is no figure.
    later = date(2026, 11, 27)
    raw = csv_bytes(["Attendance"], [(0, ["95.95"]), (1, [""])])
    result, _ = _apply(school, sendco, raw, today=later)
    assert result.figures_last_recorded == TODAY
    assert _figures(pupils[0]) == [(2026, "autumn", later, Decimal("96.0"), 0, "expected")]
    assert _figures(pupils[1]) == [(2026, "autumn", later, None, 2, "towards")]

    # In the spring a new row: the autumn's figures stay for the autumn.
    spring = date(2027, 2, 1)
    _apply(school, sendco, csv_bytes(["Attainment"], [(0, ["GDS"])]), today=spring)
    assert [row[1] for row in _figures(pupils[0])] == ["autumn", "spring"]
    assert _figures(pupils[0])[1][3:] == (None, None, "above")


def test_the_school_s_term_dates_decide_the_term_a_holiday_counting_with_the_one_just_ended(
    school, sendco, pupils
):
    create_default_year(school=school, academic_year_start=2026)
    terms = {(t.season, t.half): t for t in school.terms.all()}
    spring_ends = terms[("spring", 2)].ends_on
    summer_starts = terms[("summer", 1)].starts_on
    assert summer_starts > spring_ends  # the Easter holiday between them
    holiday = summer_starts - date.resolution
    result = plan(
        school=school, parsed=parse(csv_bytes(["Attendance"], [(0, ["90"])])), today=holiday
    )
    assert result.figures_term == (2026, "spring")
    result = plan(
        school=school, parsed=parse(csv_bytes(["Attendance"], [(0, ["90"])])), today=summer_starts
    )
    assert result.figures_term == (2026, "summer")


@pytest.mark.parametrize(
    ("header", "value", "reason"),
    [
        ("Attendance %", "101", 'Attendance "101" is not a percentage from 0 to 100.'),
        ("Attendance %", "ninety", 'Attendance "ninety" is not a percentage from 0 to 100.'),
        ("Attendance %", "NaN", 'Attendance "NaN" is not a percentage from 0 to 100.'),
        ("Suspensions", "1.5", 'Suspensions "1.5" is not a number of suspensions (0, 1, 2 …).'),
        (
            "Attainment",
            "B+",
            'Attainment "B+" is not a band sendco knows: Below, Working towards (WTS), Expected '
            "(EXS) or Greater depth (GDS).",
        ),
    ],
)
def test_a_wrong_figure_is_a_bad_row_and_nothing_is_written(school, pupils, header, value, reason):
    raw = csv_bytes([header], [(0, [value]), (1, [""])])
    result = plan(school=school, parsed=parse(raw), today=TODAY)
    assert [(bad.line, bad.reasons) for bad in result.bad_rows] == [(2, (reason,))]
    assert not result.can_apply
    assert not TermFigures.objects.filter(school=school).exists()


def test_a_new_pupil_gets_figures_and_the_dry_run_says_so(client, school, sendco, pupils):
    header = ["Attendance %", "Attainment"]
    rows = [(n, ["97", "EXS"]) for n in range(3)] + [(9, ["91.5", "Below"])]
    raw = csv_bytes(header, rows)
    client.force_login(sendco)
    response = client.post(
        reverse("mis_import:upload", args=[school.slug]),
        {"file": SimpleUploadedFile("pupils.csv", raw, content_type="text/csv")},
    )
    page = response.content.decode()
    assert "Pupils with attendance and attainment" in page
    assert "recorded for the autumn term of" in page
    new = Pupil.objects.filter(school=school, upn=upn(9))
    assert not new.exists()  # a dry run writes nothing
    _apply(school, sendco, raw, today=TODAY)
    assert _figures(new.get()) == [(2026, "autumn", TODAY, Decimal("91.5"), None, "below")]


@pytest.mark.parametrize(
    ("attendance", "suspensions", "attainment", "expected"),
    [
        (
            "91.5",
            1,
            "towards",
            "attendance 91.5%, 1 suspension this year; attainment working "
            "towards the expected standard",
        ),
        ("97.0", None, "", "attendance 97.0%"),
        (None, 2, "", "2 suspensions this year"),
        (None, None, "above", "attainment above the expected standard (greater depth)"),
        (None, 0, "expected", "0 suspensions this year; attainment at the expected standard"),
    ],
)
def test_the_pupil_page_s_line_leaves_out_the_figures_the_mis_did_not_give(
    attendance, suspensions, attainment, expected
):
    figures = TermFigures(
        academic_year_start=2026,
        season="autumn",
        attendance=None if attendance is None else Decimal(attendance),
        suspensions=suspensions,
        attainment=attainment,
    )
    assert figures.summary == expected
    assert figures.year_name == "2026/27"
