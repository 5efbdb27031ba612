"""The Pupil Premium's forms: a ground of eligibility recorded, an open one ended."""

from __future__ import annotations

from django import forms

from provision.models import Group as ProvisionGroup
from register.models import PupilPremiumPeriod
from staff.bounds import DATE_INPUT as DATE_WIDGET
from staff.bounds import BoundedForm, BoundedModelForm
from staff.edits import EditCheck

from .models import Activity, Challenge, Outcome, Programme, Statement
from .selectors import LISTS
from .services import STATEMENT_FIELDS

DATE_INPUT = {"widget": DATE_WIDGET}
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


# --------------------------------------------------------------------------------------------------
# The strategy statement
# --------------------------------------------------------------------------------------------------


def _text(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class _NoSave:
    """Writes go through premium.services, never through a form."""

    def save(self, commit: bool = True):  # pragma: no cover - guard
        raise NotImplementedError("Save through premium.services.")


class StatementForm(_NoSave, EditCheck, BoundedModelForm):
    class Meta:
        model = Statement
        fields = list(STATEMENT_FIELDS)
        widgets = {
            "published_on": DATE_INPUT["widget"],
            "review_on": DATE_INPUT["widget"],
            "intent": _text(6),
            "last_year_outcomes": _text(6),
            "service_spend": _text(3),
            "service_impact": _text(3),
        }
        help_texts = {
            "years_covered": "The DfE recommends a three-year strategy, for example "
            "2025 to 2026 - 2027 to 2028, reviewed each year.",
            "published_on": "Leave empty until it is on the school's website. It is due by "
            "31 December.",
            "intent": "Your ultimate objectives for disadvantaged pupils and how this plan "
            "works towards them.",
            "last_year_outcomes": "How disadvantaged pupils performed last year and how you "
            "know (Part B).",
        }

    def fields_changed(self) -> dict:
        return {name: self.cleaned_data[name] for name in STATEMENT_FIELDS}


class ChallengeForm(_NoSave, EditCheck, BoundedModelForm):
    class Meta:
        model = Challenge
        fields = ["detail"]
        widgets = {"detail": _text(3)}


class OutcomeForm(_NoSave, EditCheck, BoundedModelForm):
    class Meta:
        model = Outcome
        fields = ["outcome", "success_criteria"]
        widgets = {"outcome": _text(2), "success_criteria": _text(3)}


class ProgrammeForm(_NoSave, EditCheck, BoundedModelForm):
    class Meta:
        model = Programme
        fields = ["name", "provider"]


class ActivityForm(_NoSave, EditCheck, BoundedModelForm):
    groups = forms.ModelMultipleChoiceField(
        label="Intervention groups it pays for",
        queryset=ProvisionGroup.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Their sessions, attendance and impact come from the provision map's logs.",
        error_messages={"invalid_choice": "Choose groups of your own school."},
    )

    class Meta:
        model = Activity
        fields = ["tier", "activity", "evidence", "challenges", "budgeted_cost", "actual_cost"]
        widgets = {"activity": _text(3), "evidence": _text(3)}
        help_texts = {
            "evidence": "For example, the EEF toolkit strand and its impact, or your own "
            "evaluation.",
            "actual_cost": "Leave empty until the spending is known.",
        }

    def __init__(self, *args, groups, challenge_count: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.challenge_count = challenge_count
        self.fields["groups"].queryset = groups
        if self.instance.pk:
            self.initial["groups"] = [g.pk for g in self.instance.groups.all()]

    def clean_challenges(self) -> str:
        text = self.cleaned_data["challenges"].strip()
        numbers = [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]
        if not all(n.isdigit() for n in numbers):
            raise forms.ValidationError("Give challenge numbers separated by commas, like 1, 3.")
        missing = [n for n in numbers if not 1 <= int(n) <= self.challenge_count]
        if missing:
            raise forms.ValidationError(
                f"There is no challenge {missing[0]}: the statement has "
                f"{self.challenge_count} challenge{'s' if self.challenge_count != 1 else ''}."
            )
        return ", ".join(str(int(n)) for n in numbers)

    def fields_changed(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


# The statement's lists: the name in the URL -> the model, its form and what one is called.
PARTS = {
    "challenge": (Challenge, ChallengeForm, "challenge"),
    "outcome": (Outcome, OutcomeForm, "intended outcome"),
    "activity": (Activity, ActivityForm, "activity"),
    "programme": (Programme, ProgrammeForm, "externally provided programme"),
}
