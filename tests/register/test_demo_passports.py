"""The demo's passports read like different children (issue 14: two passports opened had the
same text), suit each pupil's need, and are the same on every run."""

from __future__ import annotations

import random

import pytest
from django.utils import timezone

from ehcp.demo import LIKES, _two_likes
from register import demo_passports as words
from register.demo import seed_pupils
from register.demo_passports import passport_text
from register.models import Need, PassportVersion
from staff import calendar as school_calendar
from staff.models import Role
from tests.factories import member

FIELDS = ("about_me", "strengths", "what_helps", "strategies", "parent_words")


@pytest.fixture
def seeded(school, sendco):
    start = school_calendar.academic_year_start_for(timezone.localdate())
    year = school_calendar.create_default_year(school=school, academic_year_start=start)
    seed_pupils(
        school=school,
        year=year,
        year_groups=["R", "1", "2", "3", "4", "5", "6"],
        per_year=30,
        class_size=30,
        teacher=member(school, Role.TEACHER, email="demo-teacher@acorn.test"),
        ta=member(school, Role.TA, email="demo-ta@acorn.test"),
        sendco=sendco,
        seed=7,
        today=timezone.localdate(),
    )
    return school


def test_no_two_demo_passports_read_alike(seeded):
    passports = list(PassportVersion.objects.filter(school=seeded))
    assert len(passports) >= 35  # 19% of 210 pupils are on the register
    for name in FIELDS:
        texts = [getattr(p, name) for p in passports]
        assert all(texts), name
        assert len(set(texts)) >= len(texts) * 0.6, (name, len(set(texts)), len(texts))
    whole = {tuple(getattr(p, name) for name in FIELDS) for p in passports}
    assert len(whole) == len(passports)


def test_a_passport_suits_the_pupils_primary_need(seeded):
    primary = {
        n.pupil_id: n.need_type
        for n in Need.objects.filter(school=seeded, rank=1).select_related("need_type")
    }
    for passport in PassportVersion.objects.filter(school=seeded).select_related("pupil"):
        need = primary[passport.pupil_id]
        group = words.SENSORY.get(need.code, need.broad_area or "")
        for tip in passport.strategies.split(". "):
            assert any(tip.rstrip(".") in s for s in words.STRATEGIES[group]), (need.code, tip)
        assert "{" not in passport.parent_words + passport.pupil_words


@pytest.mark.parametrize(
    ("primary", "area", "expected"),
    [
        ("HI", "sp", "HI"),
        ("VI", "sp", "VI"),
        ("PD", "sp", "PD"),
        ("ASD", "ci", "ci"),
        ("SPLD", "cl", "cl"),
        ("SEMH", "semh", "semh"),
        ("OTH", "", ""),
    ],
)
def test_what_staff_do_comes_from_the_needs_own_list(primary, area, expected):
    text = passport_text(upn="A123456789012", first="Ada", primary=primary, area=area)
    assert all(tip in text["strategies"] for tip in text["strategies"].split(". ") if tip)
    assert set(text["strategies"].split(" ")) <= set(" ".join(words.STRATEGIES[expected]).split())
    assert text == passport_text(upn="A123456789012", first="Ada", primary=primary, area=area)


def test_a_passport_never_likes_the_same_thing_twice():
    for n in range(300):
        text = passport_text(upn=f"A{n:012d}", first="Ada", primary="SLCN", area="ci")
        likes = text["about_me"].removeprefix("I like ").split(".")[0].split(" and ")
        assert len(likes) == 2
        assert likes[0] != likes[1]


def test_an_ehc_plans_section_a_never_says_lego_and_lego():
    for seed in range(300):
        first, second = _two_likes(random.Random(seed))  # noqa: S311
        assert first != second
        assert {first, second} <= set(LIKES)
