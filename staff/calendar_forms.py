from __future__ import annotations

from django import forms

from staff.bounds import DATE_INPUT

from .bounds import BoundedForm, BoundedModelForm
from .edits import EditCheck
from .models import ClosureDay, Term


class TermForm(EditCheck, BoundedModelForm):
    class Meta:
        model = Term
        fields = ["starts_on", "ends_on"]
        labels = {"starts_on": "First day", "ends_on": "Last day"}
        widgets = {"starts_on": DATE_INPUT, "ends_on": DATE_INPUT}

    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if not (starts_on and ends_on):
            return data
        if ends_on < starts_on:
            raise forms.ValidationError("The last day must be on or after the first day.")
        year = self.instance.academic_year
        if not (year.starts_on <= starts_on and ends_on <= year.ends_on):
            raise forms.ValidationError(
                f"The dates must fall within the academic year {year.name} "
                f"({year.starts_on:%d/%m/%Y} to {year.ends_on:%d/%m/%Y})."
            )
        clash = (
            Term.objects.filter(
                school=self.instance.school, starts_on__lte=ends_on, ends_on__gte=starts_on
            )
            .exclude(pk=self.instance.pk)
            .first()
        )
        if clash:
            raise forms.ValidationError(
                f"These dates overlap {clash.name} {clash.academic_year.name} "
                f"({clash.starts_on:%d/%m/%Y} to {clash.ends_on:%d/%m/%Y})."
            )
        return data


class ClosureDayForm(EditCheck, BoundedModelForm):
    class Meta:
        model = ClosureDay
        fields = ["on", "reason"]
        labels = {"on": "Date", "reason": "Reason"}
        widgets = {"on": DATE_INPUT}

    def __init__(self, *args, school, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.school = school

    def clean_on(self):
        on = self.cleaned_data["on"]
        if ClosureDay.objects.filter(school=self.school, on=on).exists():
            raise forms.ValidationError(f"{on:%d/%m/%Y} is already a closure day.")
        if on.weekday() >= 5:
            raise forms.ValidationError("Choose a weekday: the school is closed at weekends.")
        return on


class NewYearForm(BoundedForm):
    academic_year_start = forms.IntegerField(
        widget=forms.HiddenInput, min_value=2000, max_value=2100
    )
