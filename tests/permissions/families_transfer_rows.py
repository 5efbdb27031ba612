"""AC-01 rows for moving school (issue 19): leavers, a pupil's moving page, transfer packs and
the import of a portable plan, merged into tests/permissions/test_matrix.py like training_rows.py.

Who may do what (staff/capabilities.py, TRANSFER_VIEW and TRANSFER_MANAGE): the SENDCo and trust
lead record leavers, make packs and import; the head reads the leavers and the pupil's moving page
and downloads a pack (reading, not changing); teachers, TAs and governors get 403; outsiders 404.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from families import portable
from families.models import TransferPack
from register.models import Need, NeedType, Pupil, SenStatus
from register.upn import check_letter
from tests.permissions.rows import Row

#           anon send lead head teach ta   gov  oSen oLead deact
_VIEW = " 302  200  200  200  403  403  403  404  404  302"
_MANAGE = " 302  302  302  403  403  403  403  404  404  302"
_MANAGE_GET = " 302  200  200  403  403  403  403  404  404  302"


def _yesterday(world) -> str:
    return (timezone.localdate() - timedelta(days=1)).isoformat()


TRANSFER_MATRIX: dict[str, Row] = {
    "families:leavers": Row(get=_VIEW),
    "families:transfer": Row(get=_VIEW),
    "families:leaver": Row(
        post=_MANAGE, post_data=(("leaving_date", _yesterday), ("destination", "Beech"))
    ),
    "families:pack_make": Row(
        post=_MANAGE, post_data=(("to_school", "Beech Secondary"), ("to_urn", "123457"))
    ),
    "families:pack_pdf": Row(get=_VIEW),
    "families:pack_json": Row(get=_VIEW),
    # A POST without a file shows the form again with its error (200).
    "families:import_upload": Row(get=_MANAGE_GET, post=_MANAGE_GET),
    "families:import_confirm": Row(
        post=_MANAGE, post_data=(("document", lambda world: world["transfer_document"]),)
    ),
}


def _upn(serial: str) -> str:
    rest = f"801200{serial}"
    return f"{check_letter(rest)}{rest}"


def transfer_world(world: dict) -> dict:
    """Lenny Leaver of Acorn, on SEN support and leaving this year, with a pack made for Beech;
    and a portable plan of a pupil new to Acorn, ready to import. Returns the world."""
    acorn = world["acorn"]
    today = timezone.localdate()
    leaver = Pupil.objects.create(
        school=acorn,
        upn=_upn("009001"),
        legal_first_name="Lenny",
        legal_last_name="Leaver",
        date_of_birth=date(2015, 6, 1),
        sex="M",
        year_group="6",
        leaving_date=today + timedelta(days=20),
        leaving_destination="Beech Secondary",
    )
    SenStatus.objects.create(
        school=acorn,
        pupil=leaver,
        category="K",
        starts_on=today - timedelta(days=400),
        reason="Reading well below age.",
    )
    Need.objects.create(
        school=acorn,
        pupil=leaver,
        need_type=NeedType.objects.get(code="SPLD"),
        starts_on=today - timedelta(days=400),
    )
    document = portable.export_plan(pupil=leaver, today=today)
    pack = TransferPack.objects.create(
        school=acorn,
        pupil=leaver,
        to_school="Beech Secondary",
        to_urn="123457",
        document=document,
        made_by=world["users"]["sendco"],
    )
    arriving = {**document, "pupil": {**document["pupil"], "upn": _upn("009002")}}
    arriving["pupil"]["legal_first_name"] = "Nia"
    arriving["pupil"]["legal_last_name"] = "Newcomer"
    world["transfer_leaver"] = leaver
    world["transfer_pack"] = pack
    world["transfer_document"] = portable.dumps(arriving)
    return world


def transfer_kwargs(world: dict) -> dict:
    slug = world["acorn"].slug
    pupil = {"school_slug": slug, "public_id": world["transfer_leaver"].public_id}
    pack = {"school_slug": slug, "public_id": world["transfer_pack"].public_id}
    return {
        "families:leavers": {"school_slug": slug},
        "families:transfer": pupil,
        "families:leaver": pupil,
        "families:pack_make": pupil,
        "families:pack_pdf": pack,
        "families:pack_json": pack,
        "families:import_upload": {"school_slug": slug},
        "families:import_confirm": {"school_slug": slug},
    }
