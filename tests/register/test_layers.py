"""The layer of support (the Individual Support Plan's proposed layers: Universal, Targeted,
Targeted Plus, Specialist) as dated periods: recorded from the support plan, the EHC plan or the
pupil's page, shown on the register with a filter, and counted in the head's report."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from register import services
from register.models import SupportLayer
from reports.figures import figures
from reports.present import report_tables
from staff.models import AuditEvent
from staff.tenancy import access_for
from tests.register.factories import make_pupil, put_on

TODAY = date(2026, 12, 4)


@pytest.fixture
def pupils(school):
    kim = make_pupil(school, legal_first_name="Kim")
    put_on(kim, "K", date(2025, 9, 1), "SPLD")
    eli = make_pupil(school, legal_first_name="Eli")
    put_on(eli, "E", date(2025, 9, 1), "ASD")
    noor = make_pupil(school, legal_first_name="Noor")
    put_on(noor, "K", date(2025, 9, 1), "SLCN")
    return {"kim": kim, "eli": eli, "noor": noor}


def test_a_new_layer_closes_the_one_before(school, sendco, pupils):
    access, kim = access_for(sendco, school), pupils["kim"]
    services.layer_set(access=access, pupil=kim, layer="targeted", starts_on=date(2026, 9, 1))
    services.layer_set(
        access=access, pupil=kim, layer="targeted_plus", starts_on=date(2026, 11, 2), note="SALT"
    )
    periods = list(kim.support_layers.order_by("starts_on"))
    assert [(p.layer, p.starts_on, p.ends_on) for p in periods] == [
        ("targeted", date(2026, 9, 1), date(2026, 11, 1)),
        ("targeted_plus", date(2026, 11, 2), None),
    ]
    assert (
        AuditEvent.objects.filter(
            action="register.layer_set", pupil_public_id=kim.public_id
        ).count()
        == 2
    )


@pytest.mark.parametrize(
    ("layer", "starts_on", "message"),
    [
        ("targeted", date(2026, 10, 1), "already at Targeted"),
        ("specialist", date(2026, 9, 1), "must be after"),
        ("everything", date(2026, 10, 1), "one of the four layers"),
    ],
)
def test_a_layer_that_cannot_be_recorded_says_why(
    school, sendco, pupils, layer, starts_on, message
):
    access, kim = access_for(sendco, school), pupils["kim"]
    services.layer_set(access=access, pupil=kim, layer="targeted", starts_on=date(2026, 9, 1))
    with pytest.raises(ValidationError, match=message):
        services.layer_set(access=access, pupil=kim, layer=layer, starts_on=starts_on)
    assert kim.support_layers.count() == 1


def test_the_sendco_changes_the_layer_from_the_plan_and_returns_to_it(
    client, school, sendco, pupils
):
    kim = pupils["kim"]
    client.force_login(sendco)
    url = reverse("register:layer", args=[school.slug, kim.public_id]) + "?back=plan"
    page = client.get(url)
    assert "Targeted Plus: More intensive" in page.content.decode()
    response = client.post(url, {"layer": "targeted", "starts_on": "2026-09-01"})
    assert response["Location"] == reverse("plans:plan", args=[school.slug, kim.public_id])
    assert kim.support_layers.get().layer == "targeted"
    # A missing date is a clear message and nothing is saved.
    again = client.post(url, {"layer": "specialist", "starts_on": ""})
    assert "Give the date this layer of support starts." in again.content.decode()
    assert kim.support_layers.count() == 1
    # Any other `back` goes to the pupil's page, never to another site.
    url = (
        reverse("register:layer", args=[school.slug, kim.public_id]) + "?back=https://evil.example"
    )
    response = client.post(url, {"layer": "targeted_plus", "starts_on": "2026-11-02"})
    assert response["Location"] == reverse("register:pupil", args=[school.slug, kim.public_id])


def test_the_register_shows_and_filters_by_layer(client, school, sendco, pupils):
    access = access_for(sendco, school)
    services.layer_set(
        access=access, pupil=pupils["kim"], layer="targeted", starts_on=date(2026, 9, 1)
    )
    services.layer_set(
        access=access, pupil=pupils["eli"], layer="specialist", starts_on=date(2026, 9, 1)
    )
    client.force_login(sendco)
    url = reverse("register:list", args=[school.slug])
    rows = {p.legal_first_name: p.layer_label for p in client.get(url).context["rows"]}
    assert rows == {"Kim": "Targeted", "Eli": "Specialist", "Noor": ""}
    only = client.get(url, {"layer": "specialist"}).context["rows"]
    assert [p.legal_first_name for p in only] == ["Eli"]
    none = client.get(url, {"layer": "none"}).context["rows"]
    assert [p.legal_first_name for p in none] == ["Noor"]


def test_the_heads_report_counts_the_register_by_layer(school, sendco, pupils):
    access = access_for(sendco, school)
    services.layer_set(
        access=access, pupil=pupils["kim"], layer="targeted", starts_on=date(2026, 9, 1)
    )
    services.layer_set(
        access=access, pupil=pupils["eli"], layer="specialist", starts_on=date(2026, 9, 1)
    )
    found = figures(
        school=school, starts_on=date(2026, 9, 1), ends_on=date(2026, 12, 18), today=TODAY
    )
    assert found["register"]["layers"] == [
        ["Universal", 0, 0],
        ["Targeted", 1, 0],
        ["Targeted Plus", 0, 0],
        ["Specialist", 0, 1],
        ["Not recorded", 1, 0],
    ]
    table = report_tables(found, governor=False)["tables"]["layers"]
    assert table is not None
    # A report published before the layers were counted says so instead of failing.
    del found["register"]["layers"]
    old = report_tables(found, governor=False)
    assert old["has_layers"] is False
    assert old["tables"]["layers"] is None


def test_the_plan_pages_show_the_layer(client, school, sendco, pupils):
    access = access_for(sendco, school)
    kim = pupils["kim"]
    services.layer_set(access=access, pupil=kim, layer="targeted", starts_on=date(2026, 9, 1))
    client.force_login(sendco)
    body = client.get(reverse("register:pupil", args=[school.slug, kim.public_id])).content.decode()
    assert "Layer of support: <strong>Targeted</strong> since 1 September 2026" in body
    assert SupportLayer.objects.filter(pupil=kim).count() == 1
