"""A pupil's costed provision besides groups (one-to-one support, equipment, specialists): the
rule for its cost in an academic year, the SENDCo's pages, and the totals it completes (the
pupil's annual cost against £6,000, the map and its notional SEN budget line)."""

from __future__ import annotations

import datetime as dt
import re
from datetime import date
from decimal import Decimal as D

import pytest
import time_machine
from django.urls import reverse

from provision.models import CostedItem, SenBudget
from provision.rules import item_cost_in_year
from staff.models import AuditEvent
from tests.conftest import shared_acorn_fixtures
from tests.provision.test_map import _count, _grow, build_map_world
from tests.register.factories import make_pupil

YEAR = (date(2026, 9, 1), date(2027, 8, 31))  # 365 days


@pytest.fixture(autouse=True)
def _on_10_november():
    with time_machine.travel(dt.datetime(2026, 11, 10, 12, tzinfo=dt.UTC), tick=False):
        yield


globals().update(
    shared_acorn_fixtures(
        lambda a: build_map_world(a["school"], a["ta"]),
        "ta",
        on=dt.datetime(2026, 11, 10, 12, tzinfo=dt.UTC),
    )
)


@pytest.mark.parametrize(
    ("cost", "annual", "starts_on", "ends_on", "in_year"),
    [
        pytest.param("3650", True, date(2026, 9, 1), None, "3650.00", id="a-whole-year"),
        pytest.param("3650", True, date(2025, 9, 1), None, "3650.00", id="ongoing-from-before"),
        pytest.param(
            "3650", True, date(2027, 1, 1), None, "2430.00", id="from-january-pro-rata"
        ),  # 243 of 365 days
        pytest.param(
            "3650", True, date(2026, 9, 1), date(2026, 10, 31), "610.00", id="ended-in-october"
        ),  # 61 days
        pytest.param(
            "3650", True, date(2025, 9, 1), date(2026, 8, 31), "0.00", id="ended-last-year"
        ),
        pytest.param("120", False, date(2026, 11, 3), None, "120.00", id="one-off-this-year"),
        pytest.param("120", False, date(2026, 8, 31), None, "0.00", id="one-off-last-year"),
        pytest.param("120", False, date(2027, 8, 31), None, "120.00", id="one-off-last-day"),
    ],
)
def test_item_cost_in_year(cost, annual, starts_on, ends_on, in_year):
    found = item_cost_in_year(
        cost=D(cost),
        annual=annual,
        starts_on=starts_on,
        ends_on=ends_on,
        year_start=YEAR[0],
        year_end=YEAR[1],
    )
    assert found == D(in_year)


def _item(school, pupil, **fields) -> CostedItem:
    defaults = {
        "kind": "one_to_one",
        "description": "One-to-one support, 15 hours a week",
        "provided_by": "Tara Assistant",
        "cost": D("5200"),
        "basis": "annual",
        "starts_on": date(2026, 9, 1),
        "funding": "notional_sen",
    }
    return CostedItem.objects.create(school=school, pupil=pupil, **{**defaults, **fields})


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def _page(client, school, pupil):
    return client.get(reverse("provision_map:pupil_provision", args=[school.slug, pupil.public_id]))


def test_one_to_one_support_and_equipment_complete_the_6000_figure(client, school, sendco, world):
    """Ada's group places cost £325 a year; one-to-one support (£5,200 a year), a writing slope
    (£35, this year) and last year's laptop (not this year) take her over £6,000: the top-up
    request now has the whole figure."""
    ada = world["pupils"]["ada"]
    _item(school, ada)
    _item(
        school,
        ada,
        kind="equipment",
        description="Writing slope",
        cost=D("35"),
        basis="one_off",
        starts_on=date(2026, 10, 1),
        provided_by="",
    )
    _item(
        school,
        ada,
        kind="specialist",
        description="Educational psychologist",
        cost=D("650"),
        basis="one_off",
        starts_on=date(2026, 11, 2),
        provided_by="County EP service",
        funding="top_up",
    )
    _item(
        school,
        ada,
        kind="equipment",
        description="Laptop",
        cost=D("400"),
        basis="one_off",
        starts_on=date(2026, 6, 1),
    )
    client.force_login(sendco)
    body = _text(_page(client, school, ada))
    assert "Annual cost: £6,210.00" in body  # 325 + 5,200 + 35 + 650
    assert "Group places £325.00; other costed provision" in body
    assert "£5,885.00" in body
    assert "Above £6,000: the local authority's top-up funds the rest." in body
    assert "Educational psychologist" in body
    assert "County EP service" in body
    assert "Laptop" not in body
    assert "Add one-to-one support, equipment or other provision" in body


def test_the_head_reads_the_items_but_is_offered_no_change(client, school, head, world):
    ada = world["pupils"]["ada"]
    item = _item(school, ada)
    client.force_login(head)
    body = _page(client, school, ada).content.decode()
    assert "One-to-one support, 15 hours a week" in body
    assert str(item.public_id) not in body
    assert "Add one-to-one support" not in body


def test_the_sendco_adds_changes_and_removes_an_item_each_audited(client, school, sendco, world):
    ben = world["pupils"]["ben"]
    client.force_login(sendco)
    new = reverse("provision_map:item_new", args=[school.slug, ben.public_id])
    page = client.get(new)
    assert page.status_code == 200
    [viewed] = AuditEvent.objects.filter(action="provision.costed_item.form_viewed")
    assert viewed.pupil_public_id == ben.public_id
    data = {
        "kind": "specialist",
        "description": "Speech and language therapy, 6 sessions",
        "provided_by": "NHS SaLT",
        "cost": "480",
        "basis": "one_off",
        "starts_on": "2026-11-09",
        "funding": "notional_sen",
    }
    response = client.post(new, data)
    assert response.status_code == 302
    item = CostedItem.objects.get(pupil=ben)
    created = AuditEvent.objects.get(action="provision.costed_item.created")
    assert (created.pupil_public_id, created.detail["cost"]) == (ben.public_id, "480.00")

    edit = reverse("provision_map:item_edit", args=[school.slug, ben.public_id, item.public_id])
    assert client.post(edit, {**data, "cost": "520"}).status_code == 302
    changed = AuditEvent.objects.get(action="provision.costed_item.changed")
    assert (changed.detail["cost_was"], changed.detail["cost"]) == ("480.00", "520.00")
    assert "£520.00" in _text(_page(client, school, ben))

    assert client.post(edit, {"remove": "1"}).status_code == 302
    assert not CostedItem.objects.filter(pk=item.pk).exists()
    removed = AuditEvent.objects.get(action="provision.costed_item.removed")
    assert removed.pupil_public_id == ben.public_id


def test_an_end_before_the_start_is_refused(client, school, sendco, world):
    ben = world["pupils"]["ben"]
    client.force_login(sendco)
    new = reverse("provision_map:item_new", args=[school.slug, ben.public_id])
    response = client.post(
        new,
        {
            "kind": "one_to_one",
            "description": "Support",
            "cost": "100",
            "basis": "annual",
            "starts_on": "2026-11-09",
            "ends_on": "2026-11-01",
            "funding": "notional_sen",
        },
    )
    assert response.status_code == 400
    assert "The end must be on or after the start." in response.content.decode()
    assert not CostedItem.objects.exists()


def test_another_pupils_item_is_a_404(client, school, other_school, sendco, world):
    item = _item(school, world["pupils"]["ada"])
    client.force_login(sendco)
    ben = world["pupils"]["ben"]
    url = reverse("provision_map:item_edit", args=[school.slug, ben.public_id, item.public_id])
    assert client.get(url).status_code == 404
    stranger = make_pupil(other_school)
    theirs = _item(other_school, stranger)
    url = reverse(
        "provision_map:item_edit", args=[school.slug, stranger.public_id, theirs.public_id]
    )
    assert client.get(url).status_code == 404


def test_the_map_lists_the_terms_items_and_counts_them_in_the_budget(client, school, sendco, world):
    """The autumn map: its groups cost £850; Ada's one-to-one support (£5,200 a year, notional
    SEN) and Calum's spring equipment (not this term). The budget line's planned spend counts
    the year's notional-SEN-funded items too."""
    ada, cal = world["pupils"]["ada"], world["pupils"]["cal"]
    _item(school, ada)
    _item(
        school,
        cal,
        kind="equipment",
        description="Wobble cushion",
        cost=D("25"),
        basis="one_off",
        starts_on=date(2027, 2, 1),
    )
    SenBudget.objects.create(school=school, academic_year=world["year"], amount=D("20000"))
    client.force_login(sendco)
    response = client.get(reverse("provision_map:map", args=[school.slug]))
    found = response.context["map"]
    assert [r.item.description for r in found.items] == ["One-to-one support, 15 hours a week"]
    assert found.items_cost == D("5200.00")
    assert found.total_cost == D("6050.00")
    body = _text(response)
    assert "Groups and other costed provision: £6,050.00" in body
    # Notional SEN groups this year: Talk Boost £600, Lego £400, Reading Recovery £1,000; and
    # the items funded from it this year: £5,200 and £25.
    assert found.budget.planned == D("7225.00")
    year3 = client.get(reverse("provision_map:map", args=[school.slug]), {"year": "4"})
    assert year3.context["map"].items == []


def test_pupil_page_queries_do_not_grow_with_items(client, school, sendco, ta, world):
    ada = world["pupils"]["ada"]
    _item(school, ada)
    client.force_login(sendco)
    client.get(reverse("notifications_count"))  # the first request renews the session
    url = reverse("provision_map:pupil_provision", args=[school.slug, ada.public_id])
    small = _count(client, url)
    for n in range(8):
        _item(school, ada, description=f"Item {n}")
    _grow(school, ta, world, 3)
    assert _count(client, url) == small


def test_the_map_lists_the_first_items_and_the_print_view_all(client, school, sendco, world):
    for _ in range(27):
        _item(school, world["pupils"]["ada"], cost=D("100"))
    client.force_login(sendco)
    screen = _text(client.get(reverse("provision_map:map", args=[school.slug])))
    assert "27 items, costed for 2026/27; the first 25 are listed here" in screen
    assert "£2,700.00" in screen  # the total is of every item
    printed = client.get(reverse("provision_map:map_print", args=[school.slug]))
    assert "27 items, costed for 2026/27 " in _text(printed)
    assert _text(printed).count("One-to-one support, 15 hours a week") == 27
