"""Forms of the outside agencies pages. Every choice is filtered by the school, so a forged id
fails validation."""

from __future__ import annotations

from django import forms

from staff.bounds import BoundedForm, BoundedModelForm
from staff.bounds import date_field as _date
from staff.edits import EditCheck
from staff.forms import DocumentForm
from staff.models import School

from . import rules
from .models import Referral, Service
from .selectors import services_for
from .services import NO_CONSENT


def _text(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class ServiceForm(EditCheck, BoundedModelForm):
    class Meta:
        model = Service
        fields = [
            "kind",
            "name",
            "provider",
            "team",
            "contact_name",
            "contact_phone",
            "contact_email",
            "how_to_refer",
            "stated_wait_weeks",
            "shared_with_trust",
        ]
        widgets = {"how_to_refer": _text(4)}


class ServiceChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Service) -> str:
        return f"{obj.name} ({obj.provider})"


class ReferralForm(BoundedForm):
    service = ServiceChoice(
        queryset=Service.objects.none(),
        empty_label="Choose a service",
        error_messages={
            "required": "Choose the service.",
            "invalid_choice": "Choose a service from this school's directory.",
        },
    )
    referred_on = _date("Date referred")
    consent_given_by = forms.CharField(
        label="Consent given by",
        max_length=120,
        help_text="Who agreed to the referral: a parent or carer (name them), or the pupil.",
        error_messages={"required": NO_CONSENT},
    )
    consent_on = _date("Date consent given", missing=NO_CONSENT)
    question = forms.CharField(
        label="The question asked",
        widget=_text(4),
        help_text="What the school wants the service to help with.",
        error_messages={"required": "Write the question the referral asks."},
    )
    expected_report_on = _date("Report expected by (optional)", required=False)

    def __init__(self, *args, school: School, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services_for(school=school)


class StatusForm(BoundedForm):
    prefix = "step"  # three forms share the referral page: their fields' ids must differ
    status = forms.ChoiceField(label="New status", error_messages={"required": "Choose a status."})
    on = _date("Date it happened")
    note = forms.CharField(label="Note (optional)", max_length=300, required=False)
    expected_report_on = _date("Report expected by (optional)", required=False)

    def __init__(self, *args, referral: Referral, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "Choose")] + [
            (s, rules.LABELS[s]) for s in rules.NEXT[referral.status]
        ]
        self.fields["status"].widget.attrs["aria-describedby"] = "status-help"


class ChaseForm(BoundedForm):
    prefix = "chase"

    on = _date("Date chased", help_text="By phone, email or letter: the next chase is due from "
               "this date.")  # fmt: skip


ATTENDED = [("", "Not known yet"), ("yes", "Yes"), ("no", "No")]


class AppointmentForm(BoundedForm):
    prefix = "appointment"
    on = _date("Date of the appointment")
    with_whom = forms.CharField(
        label="With whom",
        max_length=120,
        help_text="For example: Ms Patel, speech and language therapist.",
        error_messages={"required": "Say who the appointment is with."},
    )
    attended = forms.ChoiceField(label="Attended", choices=ATTENDED, required=False)
    note = forms.CharField(label="Note (optional)", widget=_text(2), required=False)

    def clean_attended(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.cleaned_data.get("attended") or "")


class ReportForm(DocumentForm):
    """A report received, its document checked as review advice is."""

    prefix = "report"
    field_order = ["received_on", "summary", "document"]

    received_on = _date("Date received", missing="Give the date the report arrived.")
    summary = forms.CharField(label="Summary of the report", widget=_text(4), required=False)


class ReferralFilterForm(forms.Form):
    service = forms.ChoiceField(required=False)
    status = forms.ChoiceField(
        choices=[("", "Every status"), *Referral.Status.choices], required=False
    )

    def __init__(self, *args, services: list[Service], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.services = {str(s.pk): s for s in services}
        self.fields["service"].choices = [("", "Every service")] + [
            (str(s.pk), s.name) for s in services
        ]

    def chosen(self) -> dict:
        """The valid filters (an unknown service or status is ignored, never a 500)."""
        if not self.is_valid():
            return {"service": None, "status": ""}
        data = self.cleaned_data
        return {"service": self.services.get(data["service"]), "status": data["status"]}
