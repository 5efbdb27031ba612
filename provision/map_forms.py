"""The provision map's filter (term, year group and class) and a pupil's costed item."""

from __future__ import annotations

from django import forms

from register.models import TeachingGroup, YearGroup
from staff.bounds import BoundedForm
from staff.calendar import SeasonTerm

from .manage_forms import DATE_INPUT, SchoolModelForm
from .models import CostedItem


class MapFilterForm(BoundedForm):
    term = forms.ChoiceField(label="Term", required=False)
    year = forms.ChoiceField(label="Year group", required=False)
    teaching_group = forms.ChoiceField(label="Class", required=False)

    def __init__(self, *args, terms: list[SeasonTerm], classes: list[TeachingGroup], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].choices = [
            (t.season, f"{t.label} ({t.starts_on:%d/%m/%Y} to {t.ends_on:%d/%m/%Y})") for t in terms
        ]
        self.fields["year"].choices = [("", "Every year group"), *YearGroup.choices]
        self.fields["teaching_group"].choices = [("", "Every class")] + [
            (str(c.pk), c.name) for c in classes
        ]


class CostedItemForm(SchoolModelForm):
    """A pupil's costed provision besides groups: one-to-one support, equipment, a specialist."""

    class Meta:
        model = CostedItem
        fields = [
            "kind",
            "description",
            "provided_by",
            "cost",
            "basis",
            "starts_on",
            "ends_on",
            "funding",
        ]
        labels = {
            "kind": "Kind of provision",
            "cost": "Cost (£)",
            "basis": "The cost is",
            "starts_on": "From",
            "ends_on": "To (optional)",
        }
        help_texts = {
            "description": "For example: 15 hours a week of one-to-one support; a sloped desk.",
            "cost": "A year's cost, or the one-off cost.",
        }
        widgets = {
            "starts_on": DATE_INPUT,
            "ends_on": DATE_INPUT,
            "basis": forms.RadioSelect,
        }

    def clean(self) -> dict:
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "The end must be on or after the start.")
        return data
