"""Forms of the looked-after children's pages."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from staff.bounds import DATE_INPUT, BoundedForm, BoundedModelForm
from staff.edits import EditCheck

from .models import LacContact, PlusRelease, VirtualSchool
from .rules import PepKind

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
MONEY = {"max_digits": 8, "decimal_places": 2, "min_value": 0, "required": False}


class PepForm(BoundedForm):
    held_on = forms.DateField(
        label="Date of the PEP meeting",
        widget=DATE_INPUT,
        input_formats=DATE_FORMATS,
        error_messages={
            "required": "Enter the date the PEP meeting was held.",
            "invalid": "Enter the date as a real date, for example 20/11/2026.",
        },
    )
    kind = forms.ChoiceField(label="Which PEP", choices=PepKind.choices)
    child_views = forms.CharField(
        label="The child's views", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    targets = forms.CharField(
        label="Targets agreed", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    pp_plus_requested = forms.DecimalField(label="PP+ requested (£)", **MONEY)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ReleaseForm(BoundedForm):
    received_on = forms.DateField(
        label="Received on",
        widget=DATE_INPUT,
        input_formats=DATE_FORMATS,
        error_messages={
            "required": "Enter the date the school received it.",
            "invalid": "Enter the date as a real date, for example 20/11/2026.",
        },
    )
    amount = forms.DecimalField(
        label="Amount (£)", max_digits=8, decimal_places=2, min_value=Decimal("0.01")
    )
    spent_on = forms.CharField(
        label="What it pays for",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="Leave empty until it is planned: the vulnerable pupils page lists it till then.",
    )
    groups = forms.ModelMultipleChoiceField(
        label="Intervention groups it funds",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose groups of your own school."},
    )

    def __init__(self, *args, groups, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["groups"].queryset = groups


class ReleasePlanForm(EditCheck, BoundedModelForm):
    """What a release pays for, said after it was received (the release is the instance)."""

    groups = forms.ModelMultipleChoiceField(
        label="Intervention groups it funds",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose groups of your own school."},
    )

    class Meta:
        model = PlusRelease
        fields = ["spent_on"]
        widgets = {"spent_on": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, groups, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["groups"].queryset = groups
        self.fields["spent_on"].required = True
        self.fields["spent_on"].error_messages["required"] = "Say what it pays for."
        if self.instance.pk:
            self.initial["groups"] = [g.pk for g in self.instance.groups.all()]

    def save(self, commit: bool = True):  # pragma: no cover - guard
        raise NotImplementedError("Save through lac.services.")


class ContactForm(EditCheck, BoundedModelForm):
    class Meta:
        model = LacContact
        fields = ["social_worker_name", "social_worker_email", "social_worker_phone"]

    def save(self, commit: bool = True):  # pragma: no cover - guard
        raise NotImplementedError("Save through lac.services.")


class VirtualSchoolForm(EditCheck, BoundedModelForm):
    fixed_dates = forms.CharField(
        label="The LA's fixed PEP dates",
        required=False,
        help_text="Only when PEPs are due by fixed dates: one date a line, for example 27/11/2026.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = VirtualSchool
        fields = [
            "la_name",
            "head_name",
            "email",
            "phone",
            "pep_timing",
            "initial_pep_working_days",
            "move_pep_working_days",
        ]

    def __init__(self, *args, dates=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if dates:
            self.initial["fixed_dates"] = "\n".join(d.strftime("%d/%m/%Y") for d in dates)

    def clean_fixed_dates(self) -> list:
        field = forms.DateField(input_formats=DATE_FORMATS)
        found = []
        for line in self.cleaned_data["fixed_dates"].splitlines():
            if line.strip():
                try:
                    found.append(field.clean(line.strip()))
                except forms.ValidationError:
                    raise forms.ValidationError(
                        f"{line.strip()} is not a date: write one date a line, like 27/11/2026."
                    ) from None
        return found

    def fields_changed(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

    def save(self, commit: bool = True):  # pragma: no cover - guard
        raise NotImplementedError("Save through lac.services.")


class VisibilityForm(BoundedForm):
    shown = forms.BooleanField(
        label="Class teachers and teaching assistants see that a pupil is looked after",
        required=False,
        help_text="On the register and the pupil's page, for the pupils of their classes. They "
        "never see the PEP.",
    )
