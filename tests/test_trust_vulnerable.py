"""The trust's vulnerable pupils (sendco/vulnerable.py `trust_figures`): one row a school of the
trust, in figures, counted by the school page's rules in one aggregate grouped by school, each
school's row kept until a write at that school; no pupil named, no other trust's school."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from lac.models import PlusRelease
from plans.models import SupportPlan
from register.models import LookedAfterPeriod, PupilPremiumPeriod
from sendco import pages
from staff import calendar as school_calendar
from staff.models import AuditEvent
from tests.factories import SchoolFactory
from tests.register.factories import make_pupil, put_on
from tests.test_vulnerable import build_vulnerable

D = date
NOON = datetime(2026, 12, 4, 12, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture(autouse=True)
def _on_4_december_2026():
    with time_machine.travel(NOON, tick=False):
        yield


def _beech(school, *, pupils: int = 1) -> dict:
    """Beech's pupils, unlike Acorn's: `pupils` disadvantaged SEN pupils with no group (the
    first has an EHC plan), one looked-after child with an EHC plan and two Pupil Premium Plus
    releases nobody has planned, one who left in October (not on roll), one in no group."""
    school_calendar.create_default_year(school=school, academic_year_start=2026)
    found = []
    for n in range(pupils):
        p = make_pupil(school, legal_first_name=f"Bo{n}", legal_last_name="Sentinel")
        put_on(p, "E" if n == 0 else "K", D(2025, 1, 6), "ASD")
        PupilPremiumPeriod.objects.create(
            school=school, pupil=p, kind="fsm", starts_on=D(2025, 1, 6)
        )
        found.append(p)
    child = make_pupil(school, legal_first_name="Cal", legal_last_name="Sentinel")
    put_on(child, "E", D(2025, 1, 6), "SEMH")
    LookedAfterPeriod.objects.create(
        school=school, pupil=child, starts_on=D(2026, 11, 30), responsible_la="Anyshire"
    )
    for amount in (300, 200):
        PlusRelease.objects.create(
            school=school, pupil=child, received_on=D(2026, 11, 2), amount=amount
        )
    gone = make_pupil(school, legal_first_name="Gone", leaving_date=D(2026, 10, 1))
    put_on(gone, "K", D(2025, 1, 6), "ASD")
    make_pupil(school, legal_first_name="Nell", legal_last_name="Sentinel")
    return {"child": child, "pupils": found}


@pytest.fixture
def world(school, other_school, foreign_school, trust_lead, sendco):
    acorn = build_vulnerable({"school": school, "sendco": sendco})
    beech = _beech(other_school, pupils=2)
    elm = make_pupil(foreign_school, legal_first_name="Elmo", legal_last_name="Sentinel")
    put_on(elm, "K", D(2025, 1, 6), "SLCN")
    return {"acorn": acorn, "beech": beech}


def _page(client, slug="oak"):
    return client.get(reverse("trust_vulnerable", args=[slug]))


ACORN = {
    "on_roll": 7,
    "sen": 5,  # Ann, Bea, Cy, Ed, Gil
    "disadvantaged": 4,  # Ann, Bea, Di, Gil
    "looked_after": 3,  # Cy, Di, Gil
    "sen_disadvantaged": 2,  # Ann, Bea
    "sen_looked_after": 1,  # Cy
    "all_three": 1,  # Gil
    "no_provision": 1,  # Ann
    "peps_overdue": 1,  # Cy
    "releases_unplanned": 0,
    "no_plan": 1,  # Ed
}
BEECH = {
    "on_roll": 4,  # not the one who left
    "sen": 3,
    "disadvantaged": 2,
    "looked_after": 1,
    "sen_disadvantaged": 2,
    "sen_looked_after": 1,
    "all_three": 0,
    "no_provision": 2,
    "peps_overdue": 0,  # in care since Monday: the first PEP is not due yet
    "releases_unplanned": 2,
    "no_plan": 0,
}


def test_each_school_of_the_trust_has_its_row_of_figures(client, trust_lead, world):
    client.force_login(trust_lead)
    response = _page(client)
    assert response.status_code == 200
    rows = {row.school.slug: row.counts for row in response.context["rows"]}
    assert rows == {"acorn": ACORN, "beech": BEECH}  # and never Elm Academy, another trust's
    assert response.context["total"] == {k: ACORN[k] + BEECH[k] for k in ACORN}
    body = response.content.decode()
    assert "Sentinel" not in body  # figures only: no pupil is named
    assert "Elm" not in body
    assert f'href="{reverse("vulnerable", args=["acorn"])}"' in body
    assert f'href="{reverse("vulnerable", args=["beech"])}"' in body
    assert "<caption" in body
    assert 'scope="row"' in body
    figures, gaps = response.context["tables"]  # the page's two tables, in the counts' order
    assert [counts for school, counts in gaps.rows if school.slug == "beech"] == [
        [
            BEECH["no_provision"],
            BEECH["peps_overdue"],
            BEECH["releases_unplanned"],
            BEECH["no_plan"],
        ]
    ]
    assert figures.total[0] == ACORN["on_roll"] + BEECH["on_roll"]


def test_the_figures_are_the_school_pages_own(client, trust_lead, world):
    """The trust's row of a school agrees with what the school's page counts."""
    client.force_login(trust_lead)
    rows = {row.school.slug: row.counts for row in _page(client).context["rows"]}
    titles = {
        "Disadvantaged pupils on the SEN register with no provision this term": "no_provision",
        "Looked-after children whose PEP is overdue": "peps_overdue",
        "Pupil Premium Plus received and not yet planned": "releases_unplanned",
        "Pupils on SEN support who joined this year with no support plan": "no_plan",
    }
    for slug in ("acorn", "beech"):
        context = client.get(reverse("vulnerable", args=[slug])).context
        counts = rows[slug]
        assert (counts["on_roll"], counts["sen"], counts["disadvantaged"]) == (
            context["on_roll"],
            context["sen"],
            context["disadvantaged"],
        )
        regions = {r.key: r.pupils for r in context["regions"]}
        assert counts["sen_disadvantaged"] == regions[(True, True, False)]
        assert counts["sen_looked_after"] == regions[(True, False, True)]
        assert counts["all_three"] == regions[(True, True, True)]
        for gap in context["gaps"]:
            if gap.title in titles:
                assert counts[titles[gap.title]] == gap.count, (slug, gap.title)


def test_a_write_at_one_school_is_seen_at_once(client, trust_lead, world, sendco):
    client.force_login(trust_lead)
    _page(client)  # both schools' rows now kept
    SupportPlan.objects.create(
        school=world["acorn"]["Ed"].school, pupil=world["acorn"]["Ed"], created_by=sendco
    )
    rows = {row.school.slug: row.counts for row in _page(client).context["rows"]}
    assert rows["acorn"]["no_plan"] == 0
    assert rows["beech"] == BEECH


def test_the_view_is_audited_and_the_dashboard_links_to_it(client, trust_lead, world):
    client.force_login(trust_lead)
    dashboard = client.get(reverse("trust_dashboard", args=["oak"])).content.decode()
    assert f'href="{reverse("trust_vulnerable", args=["oak"])}"' in dashboard
    _page(client)
    event = AuditEvent.objects.get(action="trust.vulnerable_viewed")
    assert (event.actor, event.object_type, event.detail) == (
        trust_lead,
        "staff.Trust",
        {"schools": 2},
    )


def test_only_the_trusts_own_lead_opens_it(client, trust_lead, sendco, world, foreign_school):
    client.force_login(sendco)
    assert _page(client).status_code == 403
    client.force_login(trust_lead)
    assert _page(client, "elm").status_code == 404  # another trust, as if it did not exist
    assert _page(client, "no-such-trust").status_code == 404


@pytest.mark.parametrize("more_schools", [0, 4])
def test_the_page_reads_the_same_number_of_queries_at_any_size(
    client, trust, trust_lead, world, more_schools, django_assert_num_queries
):
    for n in range(more_schools):
        _beech(SchoolFactory(trust=trust, name=f"More {n}", slug=f"more-{n}"), pupils=5 + n)
    client.force_login(trust_lead)
    _page(client)
    with django_assert_num_queries(KEPT):  # every school's row kept since its last write
        _page(client)
    cache.clear()
    with django_assert_num_queries(WORKED_OUT):  # every school's row counted afresh
        response = _page(client)
    assert len(response.context["rows"]) == 2 + more_schools


# Signed in (2), the trust and the person's roles in it (2), its schools, the audit event and its
# savepoint (3); the menu's schools are kept between changes (staff/switcher_cache.py). Counted
# afresh, with the cache cleared, 8 more: each school's term start, the one aggregate over the
# pupils grouped by school, the PEPs (5) and the Pupil Premium Plus; and the menu's schools
# worked out again (1).
KEPT = 8
WORKED_OUT = 17


def test_the_morning_warm_keeps_each_school_s_row_so_the_first_view_counts_nothing(
    client, trust, trust_lead, world, django_assert_num_queries
):
    cache.clear()
    for school in trust.schools.all():
        pages.warm(school=school, today=NOON.date())
    client.force_login(trust_lead)
    client.get(reverse("trust_dashboard", args=["oak"]))  # the first request renews the session
    with django_assert_num_queries(KEPT):
        response = _page(client)
    rows = {row.school.slug: row.counts for row in response.context["rows"]}
    assert rows["beech"] == BEECH
