"""The designated teacher's report to governors (lac/report.py) and the small-number rules it
follows (staff/suppression.py): figures only, no child named, a small count suppressed, a count
about a small group hidden, a percentage only when both its counts are shown."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from lac.models import Pep, PlusRelease
from register.models import LookedAfterPeriod, PupilPremiumPeriod
from staff import calendar as school_calendar
from staff.models import Membership
from staff.suppression import Shown, hides_by_difference, share, shown_within
from tests.conftest import need
from tests.register.factories import make_pupil, put_on

D = date
NOON = datetime(2026, 12, 4, 12, tzinfo=ZoneInfo("Europe/London"))
SENTINEL = "Zqxsentinel"


@pytest.mark.parametrize(
    ("value", "text"),
    [(0, "0"), (1, "fewer than 5"), (4, "fewer than 5"), (5, "5"), (1234, "1,234")],
)
def test_a_small_count_is_suppressed(value, text):
    assert str(Shown(value)) == text


def test_a_count_about_a_small_group_is_hidden_even_when_none():
    assert str(shown_within(0, 3)) == "not shown"
    assert str(shown_within(3, 3)) == "not shown"
    assert str(shown_within(0, 12)) == "0"


@pytest.mark.parametrize(
    ("part", "whole", "text"),
    [(5, 10, "50%"), (2, 10, "–"), (5, 4, "–"), (0, 0, "–"), (0, 10, "0%")],
)
def test_a_percentage_only_when_both_counts_are_shown(part, whole, text):
    assert share(part, whole) == text


@pytest.mark.parametrize(
    ("parts", "total", "safe"),
    [
        ([10, 3], 13, False),  # 3 = 13 - 10
        ([10, 3, 2], 15, True),  # 3 and 2 sum to 5: which is which is unknown
        ([10, 1, 1], 12, False),  # two suppressed parts summing to 2 are both 1
        ([10, 4, 4], 18, False),  # ... and summing to 8 are both 4
        ([10, 20], 30, True),  # nothing suppressed
        ([3, 1], 4, True),  # the total is suppressed too
    ],
)
def test_a_suppressed_part_is_not_recoverable_from_the_total(parts, total, safe):
    assert hides_by_difference(parts, total) is safe


@pytest.fixture
def autumn(school):
    school_calendar.create_default_year(school=school, academic_year_start=2025)
    school_calendar.create_default_year(school=school, academic_year_start=2026)
    with time_machine.travel(NOON, tick=False):
        yield


def _looked_after(school, n: int, *, sen: bool = False) -> list:
    made = []
    for i in range(n):
        pupil = make_pupil(school, legal_first_name=f"{SENTINEL}{i}", legal_last_name=SENTINEL)
        LookedAfterPeriod.objects.create(
            school=school, pupil=pupil, starts_on=D(2024, 1, 8), responsible_la="Anyshire"
        )
        Pep.objects.create(
            school=school,
            pupil=pupil,
            kind="termly",
            held_on=D(2026, 10, 6),
            child_views=f"{SENTINEL} views",
        )
        PlusRelease.objects.create(
            school=school,
            pupil=pupil,
            received_on=D(2026, 10, 20),
            amount=Decimal("500"),
            spent_on=f"{SENTINEL} tuition",
        )
        if sen:
            put_on(pupil, "K", D(2025, 1, 6), "SEMH")
        made.append(pupil)
    return made


def _text(response) -> str:
    return response.content.decode()


def test_governors_read_figures_and_never_a_child(client, school, governor, autumn, tmp_path):
    _looked_after(school, 6, sen=True)
    plac = make_pupil(school, legal_first_name=SENTINEL)
    PupilPremiumPeriod.objects.create(
        school=school,
        pupil=plac,
        kind="plac",
        starts_on=D(2022, 5, 1),
        route="adoption",
        evidence_seen_on=D(2022, 6, 1),
    )
    client.force_login(governor)
    response = client.get(reverse("lac:report", args=[school.slug]))
    figures = {f.label: (str(f.count), f.share) for f in response.context["figures"]}
    assert figures["Looked-after children on roll today"] == ("6", "")
    assert figures["Looked-after children on the SEN register"] == ("6", "100%")
    assert figures["Previously looked-after children on roll today"] == ("fewer than 5", "")
    assert figures["PEP meetings held this year"] == ("6", "")
    assert "£3,000" in _text(response)  # six children's Pupil Premium Plus, in total
    assert SENTINEL.lower() not in _text(response).lower()
    pdf = client.get(reverse("lac:report_pdf", args=[school.slug]))
    need(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils) is not installed")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf.content)
    text = subprocess.run(  # noqa: S603
        ["pdftotext", str(path), "-"],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,  # noqa: S607
    ).stdout
    assert "Looked-after children on roll today" in text
    assert SENTINEL.lower() not in text.lower()


def test_with_few_children_the_counts_about_them_are_hidden(client, school, governor, autumn):
    _looked_after(school, 2)
    client.force_login(governor)
    response = client.get(reverse("lac:report", args=[school.slug]))
    figures = {f.label: (str(f.count), f.share) for f in response.context["figures"]}
    assert figures["Looked-after children on roll today"] == ("fewer than 5", "")
    assert figures["Looked-after children on the SEN register"] == ("not shown", "–")
    assert response.context["pp_plus"] is None  # two children's money would be theirs
    assert "£1,000" not in _text(response)


def test_class_staff_cannot_read_it_the_designated_teacher_can(client, school, teacher, ta, autumn):
    url = reverse("lac:report", args=[school.slug])
    for person in (teacher, ta):
        client.force_login(person)
        assert client.get(url).status_code == 403
    membership = Membership.objects.get(user=teacher, school=school)
    membership.duties = ["designated_teacher"]
    membership.save()
    client.force_login(teacher)
    assert client.get(url).status_code == 200


def test_the_governors_home_links_to_it(client, school, governor, autumn):
    client.force_login(governor)
    page = _text(client.get(reverse("school_home", args=[school.slug])))
    assert reverse("lac:report", args=[school.slug]) in page
    assert "fewer than 5" in page
