"""What the transfer pages and the pack's PDF show, put together here so the views stay short and
the templates only lay it out: a portable plan made readable (dates as dates, codes with their
words), the pupil's moving page, the leavers."""

from __future__ import annotations

from datetime import date

from django.utils.text import slugify

from ehcp.models import AnnualReview, EhcPlan, PlanVersion
from plans.models import Cycle, Target
from register.models import BroadArea, NeedType, Pupil, SenStatus, SupportLayer, ViewsGiven
from register.models import YearGroup as Year
from staff.capabilities import Cap
from staff.tenancy import Access

from . import transfer_selectors
from .models import TransferPack
from .transfer_forms import LeaverForm, PackForm

DATE_KEYS = ("date_of_birth", "by_when")
# The words for each coded field, by the field's name in the document.
LABELS: dict[str, dict[str, str]] = {
    "category": dict(SenStatus.Category.choices),
    "layer": dict(SupportLayer.Layer.choices),
    "year_group": dict(Year.choices),
    "whose": dict(ViewsGiven.Whose.choices),
    "how": dict(ViewsGiven.How.choices),
    "purpose": dict(ViewsGiven.Purpose.choices),
    "outcome": dict(Target.Outcome.choices),
    "area": dict(BroadArea.choices),
    "broad_area": dict(BroadArea.choices),
    "kind": {
        **dict(PlanVersion.Kind.choices),
        "sen_support": "SEN support plan",
        "ehcp_interim": "Interim targets (EHC plan)",
    },
    "recommendation": dict(AnnualReview.Recommendation.choices),
    "la_decision": dict(AnnualReview.Recommendation.choices),
    "sex": {"F": "Female", "M": "Male"},
}
STAGES = {**dict(Cycle.Stage.choices), **dict(AnnualReview.Stage.choices)}
STATUSES = dict(EhcPlan.Status.choices)


def _is_date_key(key: str) -> bool:
    return key.endswith("_on") or key in DATE_KEYS


def readable(value, key: str = ""):
    """The document (or a part of it) for a template: ISO dates as dates, and beside each coded
    field `<name>_label` in words. Pure: the document itself is left as it is."""
    if isinstance(value, dict):
        found = {k: readable(v, k) for k, v in value.items()}
        for k, v in value.items():
            words = STAGES if k == "stage" else STATUSES if k == "status" else LABELS.get(k)
            if words is not None and isinstance(v, str):
                found[f"{k}_label"] = words.get(v, v)
        return found
    if isinstance(value, list):
        return [readable(v) for v in value]
    if isinstance(value, str) and value and _is_date_key(key):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value


def pack_context(*, pack: TransferPack) -> dict:
    """The transfer pack's PDF: the document it holds, readable, with the need codes' names."""
    document = readable(pack.document)
    names = dict(NeedType.objects.values_list("code", "name"))
    for need in document["needs"]:
        need["name"] = names.get(need["code"], need["code"])
    return {"pack": pack, "doc": document, "pupil": pack.pupil}


def pdf_filename(pack: TransferPack) -> str:
    pupil = pack.pupil
    return f"transfer-pack-{slugify(pupil.legal_last_name)}-{pack.made_at:%Y-%m-%d}.pdf"


def json_filename(pack: TransferPack) -> str:
    pupil = pack.pupil
    return f"portable-plan-{slugify(pupil.legal_last_name)}-{pack.made_at:%Y-%m-%d}.json"


def transfer_page(
    *,
    access: Access,
    pupil: Pupil,
    leaver_form: LeaverForm | None = None,
    pack_form: PackForm | None = None,
) -> dict:
    """The pupil's moving page: when they left, the packs made, the form for a new one, and
    the history their previous school's file brought."""
    history = [
        {"record": record, "kept": readable(record.kept)}
        for record in transfer_selectors.history_of(pupil=pupil)
    ]
    return {
        "pupil": pupil,
        "packs": transfer_selectors.packs_of(pupil=pupil),
        "history": history,
        "can_manage": access.can(Cap.TRANSFER_MANAGE),
        "leaver_form": leaver_form
        or LeaverForm(
            initial={
                "leaving_date": pupil.leaving_date,
                "destination": pupil.leaving_destination,
            }
        ),
        "pack_form": pack_form or PackForm(initial={"to_school": pupil.leaving_destination}),
    }
