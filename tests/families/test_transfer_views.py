"""The transfer pages as a SENDCo uses them: record a leaver, make the pack in one step (audited
naming the receiving school), download its PDF and JSON (audited), see it listed; the leavers
list; the import from an upload through the preview to the pupil's page; constant queries."""

from __future__ import annotations

import datetime as dt
import json
from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from families import portable, portable_read
from families.models import PreviousSchoolRecord, TransferPack
from register.models import Pupil, SenStatus
from staff.models import AuditEvent
from tests.conftest import built_once
from tests.families.rich import meadow_and_riverside, rich_pupil
from tests.pdf import pdf_text


@pytest.fixture(autouse=True)
def _on_1_july():
    with time_machine.travel(dt.datetime(2027, 7, 1, 12, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture(scope="module")
def module_world(django_db_setup, django_db_blocker):
    with built_once(django_db_blocker) as build:
        yield build(meadow_and_riverside)


@pytest.fixture
def world(module_world, db):
    return module_world


def _url(name: str, school, **kwargs) -> str:
    return reverse(f"families:{name}", kwargs={"school_slug": school.slug, **kwargs})


def _make_pack(client, world) -> TransferPack:
    client.force_login(world["sendco"])
    pupil = world["pupil"]
    response = client.post(
        _url("pack_make", world["meadow"], public_id=pupil.public_id),
        {"to_school": "Riverside Academy", "to_urn": "100002"},
    )
    assert response.status_code == 302
    return TransferPack.objects.get(pupil=pupil)


def test_the_sendco_makes_a_pack_in_one_step_audited_naming_the_school(client, world):
    pack = _make_pack(client, world)
    event = AuditEvent.objects.get(action="families.pack_made")
    assert event.detail["to_school"] == "Riverside Academy"
    assert event.pupil_public_id == world["pupil"].public_id
    page = client.get(_url("transfer", world["meadow"], public_id=world["pupil"].public_id))
    assert "Riverside Academy (URN 100002)" in page.content.decode()
    assert portable_read.schema_problems(pack.document) == []


def test_both_files_download_and_are_audited(client, world, tmp_path):
    pack = _make_pack(client, world)
    answer = client.get(_url("pack_json", world["meadow"], public_id=pack.public_id))
    assert answer["Content-Disposition"].startswith("attachment")
    assert json.loads(answer.content)["pupil"]["upn"] == world["pupil"].upn
    pdf = client.get(_url("pack_pdf", world["meadow"], public_id=pack.public_id))
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content, tmp_path)
    for words in ("Transfer of SEN records", "Riverside Academy", "Talk Boost", "Northshire"):
        assert words in text
    formats = sorted(
        e.detail["format"] for e in AuditEvent.objects.filter(action="families.pack_downloaded")
    )
    assert formats == ["json", "pdf"]


def test_a_pack_needs_the_leaving_date_first(client, world):
    pupil = world["pupil"]
    Pupil.objects.filter(pk=pupil.pk).update(leaving_date=None)
    client.force_login(world["sendco"])
    client.post(
        _url("pack_make", world["meadow"], public_id=pupil.public_id), {"to_school": "Riverside"}
    )
    assert not TransferPack.objects.exists()


def test_the_sendco_records_a_leaver(client, world):
    pupil = world["pupil"]
    client.force_login(world["sendco"])
    client.post(
        _url("leaver", world["meadow"], public_id=pupil.public_id),
        {"leaving_date": "2027-07-16", "destination": "Riverside Academy"},
    )
    pupil.refresh_from_db()
    assert pupil.leaving_date == date(2027, 7, 16)
    assert AuditEvent.objects.filter(action="families.pupil_left").exists()
    # The form shows the date recorded, in the form the browser's date picker reads.
    page = client.get(_url("transfer", world["meadow"], public_id=pupil.public_id))
    assert 'name="leaving_date" value="2027-07-16"' in page.content.decode()


def test_the_leavers_list_shows_whether_a_pack_was_made(client, world):
    client.force_login(world["head"])
    url = _url("leavers", world["meadow"])
    assert "Not made yet" in client.get(url).content.decode()
    _make_pack(client, world)
    client.force_login(world["head"])
    assert "Made for Riverside Academy" in client.get(url).content.decode()


def _more_leavers(world, count: int) -> None:
    for index in range(count):
        rest = f"8012000{index + 100:05d}"
        from register.upn import check_letter

        pupil = Pupil.objects.create(
            school=world["meadow"],
            upn=f"{check_letter(rest)}{rest}",
            legal_first_name=f"Extra{index}",
            legal_last_name="Leaver",
            date_of_birth=date(2015, 1, 1),
            sex="F",
            year_group="6",
            leaving_date=date(2027, 7, 21),
        )
        SenStatus.objects.create(
            school=world["meadow"],
            pupil=pupil,
            category="K",
            starts_on=date(2025, 1, 1),
            reason="Reading.",
        )
        TransferPack.objects.create(
            school=world["meadow"], pupil=pupil, to_school="X", document={}, made_by=world["sendco"]
        )


def test_the_leavers_list_costs_the_same_queries_for_more_leavers(
    client, world, django_assert_num_queries
):
    client.force_login(world["sendco"])
    url = _url("leavers", world["meadow"])
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    _more_leavers(world, 8)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(url)


def test_building_the_pack_costs_the_same_queries_for_a_richer_pupil(
    world, django_assert_num_queries
):
    small = rich_pupil(world["meadow"], world["sendco"], upn=_fresh_upn(1), places=1)
    large = rich_pupil(world["meadow"], world["sendco"], upn=_fresh_upn(2), places=6)
    with CaptureQueriesContext(connection) as few:
        portable.export_plan(pupil=small, today=date(2027, 7, 1))
    with django_assert_num_queries(len(few.captured_queries)):
        portable.export_plan(pupil=large, today=date(2027, 7, 1))


def _fresh_upn(serial: int) -> str:
    from register.upn import check_letter

    rest = f"80120009{serial:04d}"
    return f"{check_letter(rest)}{rest}"


def _upload(client, world, raw: bytes):
    client.force_login(world["receiver"])
    upload = SimpleUploadedFile("plan.json", raw, content_type="application/json")
    return client.post(_url("import_upload", world["riverside"]), {"file": upload})


def test_the_receiving_sendco_previews_then_imports(client, world):
    raw = portable.dumps(portable.export_plan(pupil=world["pupil"], today=date(2027, 7, 1)))
    preview = _upload(client, world, raw.encode())
    page = preview.content.decode()
    assert "create <strong>Sam Jones, Year 6</strong>" in page
    assert "3 support plan cycles" in page
    assert not Pupil.objects.filter(school=world["riverside"]).exists()
    done = client.post(_url("import_confirm", world["riverside"]), {"document": raw})
    assert done.status_code == 302
    pupil = Pupil.objects.get(school=world["riverside"])
    history = client.get(done["Location"]).content.decode()
    assert "From Meadow Lane Primary (URN 100001)" in history
    assert "Talk Boost" in history
    assert PreviousSchoolRecord.objects.filter(pupil=pupil).count() == 1


def test_a_bad_upload_says_why_and_creates_nothing(client, world):
    response = _upload(client, world, b"not json at all")
    assert response.status_code == 200
    assert "not valid JSON" in response.content.decode()
    refused = client.post(_url("import_confirm", world["riverside"]), {"document": "{}"})
    assert refused.status_code == 422
    assert "Nothing was imported" in refused.content.decode()
    assert not Pupil.objects.filter(school=world["riverside"]).exists()
