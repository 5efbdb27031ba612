"""Forms of the exam access arrangements pages. Every choice is filtered by the school, so a
forged id fails validation."""

from __future__ import annotations

from django import forms

from register.models import YearGroup
from staff.bounds import BoundedForm, BoundedModelForm, date_field
from staff.edits import EditCheck
from staff.models import School

from . import selectors
from .models import Arrangement, Assessor, ExamSeries


def _date(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return date_field(label, required=required, help_text=help_text, example="21/02/2027")


class SeriesForm(EditCheck, BoundedModelForm):
    first_exam_on = _date("First exam", help_text="The day the series' first exam sits.")
    application_deadline = _date(
        "Application deadline",
        help_text="The last day to apply online for arrangements that need approval. It starts "
        "from the usual date before the first exam (historically 21 February for the June "
        "series; unconfirmed for 2026): check JCQ's dates and change it if need be.",
    )

    class Meta:
        model = ExamSeries
        fields = ["name", "first_exam_on", "application_deadline"]
        help_texts = {"name": "For example Summer 2027, or November 2026 resits."}


class KindsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, kind) -> str:
        how = "delegated to the school" if kind.delegated else "online application"
        form8 = ", Form 8" if kind.needs_form8 else ""
        return f"{kind.name} ({how}{form8})"


class FindCandidateForm(forms.Form):
    """The series page's search for the pupil to enter: a name or UPN (a NUL character or
    over 100 characters is no search)."""

    find = forms.CharField(required=False, max_length=100)

    def chosen(self) -> str:
        return self.cleaned_data.get("find", "") if self.is_valid() else ""


class ArrangementsAddForm(BoundedForm):
    """Arrangements for a candidate: the pupil (on the series page) and the kinds."""

    pupil = forms.ModelChoiceField(
        queryset=None,
        label="Candidate",
        empty_label="Choose a pupil",
        error_messages={
            "required": "Choose the candidate.",
            "invalid_choice": "Choose a pupil on this school's roll in Year 9 or above.",
        },
    )
    kinds = KindsField(
        queryset=None,
        label="Arrangements",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one arrangement.",
            "invalid_choice": "Choose arrangements from the JCQ list.",
            "invalid_pk_value": "Choose arrangements from the JCQ list.",
        },
    )
    subjects = forms.CharField(
        max_length=300,
        required=False,
        help_text="Subject by subject (JCQ): leave empty for every subject the candidate sits.",
    )
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(
        self, *args, school: School, today, with_pupil: bool = True, find: str = "", **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        if with_pupil:
            # Any pupil of Year 9 and above may be chosen, but only those the search `find`
            # matches are listed (at most FOUND_AT_MOST): a secondary has over a thousand.
            pupils = selectors.pupils_to_enter(school=school, today=today)
            field = self.fields["pupil"]
            field.queryset = pupils
            found = selectors.pupils_found(pupils, find) if find.strip() else []
            field.choices = [("", "Choose a pupil" if found else "Find the pupil first")] + [
                (p.pk, f"{p.last_name}, {p.first_name} (Year {p.year_group})") for p in found
            ]
            if len(found) == 1 and not self.is_bound:
                self.initial["pupil"] = found[0].pk
            self.found = found
            self.found_at_most = selectors.FOUND_AT_MOST
        else:
            del self.fields["pupil"]
        self.fields["kinds"].queryset = selectors.active_kinds()


class ArrangementForm(EditCheck, BoundedForm):
    """An arrangement's stage, dates and AAO reference (a plain form: the service compares the
    stage it had with the new one)."""

    stage = forms.ChoiceField(choices=Arrangement.Stage.choices)
    applied_on = _date(
        "Date applied online",
        required=False,
        help_text="For an arrangement that needs an online application (Access Arrangements "
        "Online).",
    )
    aao_reference = forms.CharField(
        label="AAO reference",
        max_length=40,
        required=False,
        help_text="The reference Access Arrangements Online gave the application. None for a "
        "delegated arrangement.",
    )
    approved_on = _date(
        "Date approved",
        required=False,
        help_text="Needed to put the arrangement in place: the school's decision (delegated) "
        "or the awarding body's approval.",
    )
    reviewed_on = _date(
        "Last reviewed on",
        required=False,
        help_text="Arrangements in place are reviewed before each series: still the "
        "candidate's normal way of working, and still needed.",
    )
    subjects = forms.CharField(
        max_length=300,
        required=False,
        help_text="Leave empty for every subject the candidate sits.",
    )
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, arrangement: Arrangement, **kwargs) -> None:
        kwargs.setdefault(
            "initial",
            {
                name: getattr(arrangement, name)
                for name in (
                    "stage",
                    "applied_on",
                    "aao_reference",
                    "approved_on",
                    "reviewed_on",
                    "subjects",
                    "note",
                )
            },
        )
        super().__init__(*args, edits=arrangement, **kwargs)


class AssessorForm(EditCheck, BoundedModelForm):
    qualification_checked_on = _date(
        "Qualification evidence seen on",
        required=False,
        help_text="The day someone at the school saw the certificate (or its record) and filed "
        "it. Without the qualification and this date the assessor cannot be entered on an "
        "assessment.",
    )

    class Meta:
        model = Assessor
        fields = ["name", "qualification", "qualification_checked_on", "external", "organisation"]
        help_texts = {
            "qualification": "A valid Level 7 (or equivalent) qualification in assessing for "
            "access arrangements (JCQ).",
            "organisation": "For an assessor from outside the school.",
        }


YEAR_CHOICES = [("", "Work it out from the date")] + [
    (value, label) for value, label in YearGroup.choices if value.isdigit()
]


class AssessmentForm(BoundedForm):
    assessor = forms.ModelChoiceField(
        queryset=None,
        empty_label="Choose an assessor",
        help_text="Only assessors with a qualification on file are listed.",
        error_messages={
            "required": "Choose the assessor.",
            "invalid_choice": "Choose an assessor of this school with a qualification on file.",
        },
    )
    assessed_on = _date("Date of assessment")
    year_group = forms.ChoiceField(
        label="Year group when assessed",
        choices=YEAR_CHOICES,
        required=False,
        help_text="Left to work out, it is the pupil's year group then, from today's.",
    )
    results = forms.CharField(
        label="Standardised results",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="The tests used and the standardised scores (Form 8 part 2).",
    )

    def __init__(self, *args, school: School, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assessor"].queryset = selectors.qualified_assessors(school=school)


class SeriesChoiceForm(BoundedForm):
    """The series the exams office looks at (a GET filter, not a form that saves)."""

    series = forms.ModelChoiceField(queryset=None, empty_label=None, required=False)

    def __init__(self, *args, school: School, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["series"].queryset = selectors.series_of(school=school)


class StageFilterForm(BoundedForm):
    stage = forms.ChoiceField(
        choices=[("", "Every stage"), *Arrangement.Stage.choices], required=False
    )

    def chosen(self) -> str:
        return self.cleaned_data.get("stage", "") if self.is_valid() else ""
