"""The portable plan: the export follows its published schema and is deterministic; an import at
another school creates the pupil's records with nothing lost (export, import, export again gives
the same document); a bad file is refused with a clear message and creates nothing."""

from __future__ import annotations

import copy
import datetime as dt
import json
from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError

from families import portable, portable_read
from families.models import PreviousSchoolRecord
from families.transfer_services import portable_plan_import
from plans.models import Cycle, SupportPlan
from register.models import Pupil, SenStatus
from staff.tenancy import access_for
from tests.conftest import built_once
from tests.families.rich import meadow_and_riverside

TODAY = date(2027, 7, 1)


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


def _export(pupil) -> dict:
    return portable.export_plan(pupil=pupil, today=TODAY)


def _import(world, document: dict) -> Pupil:
    access = access_for(world["receiver"], world["riverside"])
    return portable_plan_import(access=access, raw=portable.dumps(document).encode())


def test_the_export_follows_the_published_schema_and_holds_the_whole_record(world):
    document = _export(world["pupil"])
    assert portable_read.schema_problems(document) == []
    assert document["format"] == "sendco-portable-plan"
    assert document["version"] == 1
    assert document["pupil"]["upn"] == "H801200001001"
    assert [s["category"] for s in document["sen_statuses"]] == ["K", "E"]
    assert [n["code"] for n in document["needs"]] == ["SLCN", "SPLD"]
    assert [layer["layer"] for layer in document["support_layers"]] == ["targeted", "specialist"]
    assert "now-and-next" in document["passport"]["what_helps"]
    cycles = document["support_plan"]["cycles"]
    assert [c["stage"] for c in cycles] == ["reviewed", "reviewed", "do"]
    assert cycles[0]["targets"][0]["provision"] == ["Talk Boost group 0", "Talk Boost group 1"]
    assert document["ehc_plan"]["last_review"]["recommendation"] == "amend"
    assert document["ehc_plan"]["version"]["provision"][0]["hours_per_week"] == "1.50"
    place = document["provision_received"][0]
    assert (place["sessions_run"], place["sessions_attended"]) == (3, 2)
    assert place["sessions_planned"] > 0
    assert (place["entry_score"], place["exit_score"]) == ("82.00", "88.50")
    assert {v["whose"] for v in document["views_given"]} == {"parent", "pupil"}


def _keys(value) -> list[str]:
    if isinstance(value, dict):
        return [*value, *(k for v in value.values() for k in _keys(v))]
    if isinstance(value, list):
        return [k for v in value for k in _keys(v)]
    return []


def test_the_export_names_no_database_id_and_is_the_same_twice(world):
    first = portable.dumps(_export(world["pupil"]))
    assert first == portable.dumps(_export(world["pupil"]))
    assert [key for key in _keys(json.loads(first)) if key == "id" or key.endswith("_id")] == []
    assert str(world["sendco"].pk) not in json.loads(first)["exported"].values()


def test_export_import_export_gives_the_same_document(world):
    first = _export(world["pupil"])
    imported = _import(world, first)
    assert imported.school == world["riverside"]
    again = _export(imported)
    assert portable.body(again) == portable.body(first)
    assert again["exported"]["school"] == "Riverside Academy"
    assert portable_read.schema_problems(again) == []


def test_the_import_creates_records_here_and_keeps_the_rest_as_history(world):
    pupil = _import(world, _export(world["pupil"]))
    assert pupil.name == "Sam Jones"
    assert list(pupil.sen_statuses.values_list("category", flat=True).order_by("starts_on")) == [
        "K",
        "E",
    ]
    plan = SupportPlan.objects.get(pupil=pupil)
    assert plan.school == world["riverside"]
    assert Cycle.objects.filter(plan=plan, stage="reviewed").count() == 2
    record = PreviousSchoolRecord.objects.get(pupil=pupil)
    assert record.from_school == "Meadow Lane Primary"
    assert len(record.kept["provision_received"]) == 2
    assert record.kept["ehc_plan"]["local_authority"] == "Northshire"


def test_the_import_uses_the_pupil_on_roll_with_the_same_upn(world):
    on_roll = Pupil.objects.create(
        school=world["riverside"],
        upn="H801200001001",
        legal_first_name="Samuel",
        legal_last_name="Jones",
        preferred_first_name="Sam",
        date_of_birth=date(2015, 5, 4),
        sex="M",
        year_group="6",
    )
    assert _import(world, _export(world["pupil"])) == on_roll
    assert on_roll.sen_statuses.count() == 2


def _refused(world, raw: bytes) -> str:
    access = access_for(world["receiver"], world["riverside"])

    def counts():
        return (
            Pupil.objects.filter(school=world["riverside"]).count(),
            SenStatus.objects.filter(school=world["riverside"]).count(),
            PreviousSchoolRecord.objects.filter(school=world["riverside"]).count(),
        )

    before = counts()
    with pytest.raises(ValidationError) as refusal:
        portable_plan_import(access=access, raw=raw)
    assert counts() == before
    return " ".join(refusal.value.messages)


def _changed(world, change) -> bytes:
    document = copy.deepcopy(_export(world["pupil"]))
    change(document)
    return portable.dumps(document).encode()


def test_a_bad_file_is_refused_with_a_clear_message_and_creates_nothing(world):
    assert "not valid JSON" in _refused(world, b'{"format": "sendco-portable-plan",')
    assert "not a sendco portable plan" in _refused(world, b'{"hello": 1}')
    assert "version 2; sendco reads version 1" in _refused(
        world, _changed(world, lambda d: d.update(version=2))
    )
    missing = _refused(world, _changed(world, lambda d: d["pupil"].pop("date_of_birth")))
    assert "pupil: 'date_of_birth' is a required property" in missing
    unknown = _refused(world, _changed(world, lambda d: d["needs"][0].update(code="ZZZ")))
    assert "Need codes this school does not know: ZZZ" in unknown
    backwards = _refused(
        world, _changed(world, lambda d: d["sen_statuses"][0].update(ends_on="2020-01-01"))
    )
    assert "ends (01/01/2020) before it starts" in backwards
    assert "the most sendco takes is 512 KB" in _refused(world, b" " * (600 * 1024))
    assert "not a date" in _refused(
        world, _changed(world, lambda d: d["pupil"].update(date_of_birth="2015-02-30"))
    )


def test_a_pupil_on_roll_who_has_sen_records_already_is_not_overwritten(world):
    _import(world, _export(world["pupil"]))
    message = _refused(world, portable.dumps(_export(world["pupil"])).encode())
    assert "already has SEN status" in message


def test_the_published_schema_is_a_valid_2020_12_schema():
    schema = json.loads(portable.SCHEMA_PATH.read_text())
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert portable_read.validator().schema["properties"]["version"] == {"const": 1}
