"""The provision map's filter: term, year group and class."""

from __future__ import annotations

from django import forms

from register.models import TeachingGroup, YearGroup
from staff.bounds import BoundedForm
from staff.calendar import SeasonTerm


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
