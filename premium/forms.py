"""The Pupil Premium's forms: a ground of eligibility recorded, an open one ended."""

from __future__ import annotations

from django import forms

from register.models import PupilPremiumPeriod
from staff.bounds import BoundedForm

from .selectors import LISTS

DATE_INPUT = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


def _date(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        input_formats=DATE_FORMATS,
        error_messages={
            "required": f"Enter the {label.lower()}.",
            "invalid": f"Enter the {label.lower()} as a real date, for example 01/09/2026.",
        },
        **DATE_INPUT,
    )


class PeriodForm(BoundedForm):
    kind = forms.ChoiceField(
        label="Ground of eligibility",
        choices=PupilPremiumPeriod.Kind.choices,
        error_messages={"required": "Choose what makes the pupil eligible."},
    )
    starts_on = _date("Start date")
    ends_on = _date("End date", required=False, help_text="Leave empty while it still holds.")
    route = forms.ChoiceField(
        label="How the child left care (previously looked after only)",
        choices=[("", "Not previously looked after"), *PupilPremiumPeriod.Route.choices],
        required=False,
    )
    evidence = forms.CharField(
        label="Evidence (what was seen, never a copy of it)",
        max_length=200,
        required=False,
        help_text="For example: adoption order seen by the school office.",
    )
    evidence_seen_on = _date(
        "Date the evidence was seen",
        required=False,
        help_text="Previously looked-after children are counted only once the evidence is seen.",
    )


class EndForm(BoundedForm):
    ends_on = _date("End date", help_text="The last day it held.")


class ListForm(BoundedForm):
    show = forms.ChoiceField(label="Show", choices=list(LISTS.items()), required=False)

    def chosen(self) -> str:
        if self.is_valid() and self.cleaned_data["show"]:
            return self.cleaned_data["show"]
        return "pp"
