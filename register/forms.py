from __future__ import annotations

from django import forms

from staff import calendar as school_calendar
from staff.bounds import DATE_INPUT, BoundedForm, BoundedModelForm
from staff.edits import EditCheck
from staff.models import School

from .models import (
    BroadArea,
    Concern,
    NeedType,
    PassportVersion,
    Pupil,
    SenStatus,
    SupportLayer,
    YearGroup,
)
from .rules import need_problems
from .services import PASSPORT_FIELDS


class RegisterFilterForm(BoundedForm):
    on = forms.DateField(
        label="Register as on",
        required=False,
        widget=DATE_INPUT,
        help_text="Leave empty for today.",
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[
            ("sen", "On the register (K or E)"),
            ("K", "SEN support (K)"),
            ("E", "EHC plan (E)"),
            ("all", "All pupils"),
        ],
    )
    year = forms.ChoiceField(label="Year group", required=False)
    group = forms.ChoiceField(label="Class", required=False)
    need = forms.ChoiceField(label="Primary need", required=False)
    area = forms.ChoiceField(
        label="Broad area",
        required=False,
        choices=[("", "Any area")] + [(v, lbl) for v, lbl in BroadArea.choices if v],
    )
    layer = forms.ChoiceField(
        label="Layer of support",
        required=False,
        choices=[("", "Any layer"), *SupportLayer.Layer.choices, ("none", "Not recorded")],
    )
    pp = forms.BooleanField(label="Pupil Premium only", required=False)
    lac = forms.BooleanField(label="Looked after only", required=False)
    eal = forms.BooleanField(label="EAL only", required=False)

    def __init__(self, *args, groups, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "Any year")] + list(YearGroup.choices)
        self.fields["group"].choices = [("", "Any class")] + [(str(g.pk), g.name) for g in groups]
        self.fields["need"].choices = [("", "Any need")] + [
            (t.code, f"{t.code}: {t.name}") for t in NeedType.objects.filter(active=True)
        ]


class SearchForm(BoundedForm):
    q = forms.CharField(
        label="Find a pupil by name or UPN",
        required=False,
        max_length=100,
        help_text="Finds any pupil you can see, on the register or not.",
    )


def _need_choices():
    return [("", "None")] + [
        (t.code, f"{t.code}: {t.name}") for t in NeedType.objects.filter(active=True)
    ]


class StatusChangeForm(BoundedForm):
    category = forms.ChoiceField(
        label="New status",
        choices=[(value, f"{label} ({value})") for value, label in SenStatus.Category.choices],
        widget=forms.RadioSelect,
    )
    starts_on = forms.DateField(label="From", widget=DATE_INPUT)
    primary_need = forms.ChoiceField(label="Primary need", required=False)
    secondary_need = forms.ChoiceField(label="Secondary need", required=False)
    need_description = forms.CharField(
        label="What the need looks like for this pupil",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reason = forms.CharField(
        label="Reason for the change", widget=forms.Textarea(attrs={"rows": 3})
    )
    parents_informed_on = forms.DateField(
        label="Date parents or carers were told",
        required=False,
        widget=DATE_INPUT,
        help_text="Needed for SEN support (K) or an EHC plan (E).",
    )
    parents_informed_how = forms.CharField(
        label="How they were told",
        required=False,
        max_length=120,
        help_text="For example: meeting, phone call, letter.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["primary_need"].choices = _need_choices()
        self.fields["secondary_need"].choices = _need_choices()

    def need_codes(self) -> list[str]:
        data = self.cleaned_data
        return [c for c in (data.get("primary_need"), data.get("secondary_need")) if c]

    def status_fields(self) -> dict:
        """What `register.services.sen_status_change` takes besides the person and the pupil."""
        names = (
            "category",
            "starts_on",
            "reason",
            "parents_informed_on",
            "parents_informed_how",
            "need_description",
        )
        return {name: self.cleaned_data[name] for name in names} | {"need_codes": self.need_codes()}


class PassportForm(EditCheck, BoundedModelForm):
    """A new version of the pupil's passport, started from `edits=` (the latest version, if
    any). Someone else's version saved in between is a conflict, not a silent overwrite."""

    class Meta:
        model = PassportVersion
        fields = list(PASSPORT_FIELDS)
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in PASSPORT_FIELDS}

    def __init__(self, *args, pupil: Pupil, **kwargs) -> None:
        self.pupil = pupil
        super().__init__(*args, **kwargs)

    def checks_edits(self) -> bool:
        return True  # even the first version: two people may both write it

    def stored_record(self) -> PassportVersion | None:
        """The latest version now, with the pupil locked so no other version is added
        until this request ends."""
        Pupil._base_manager.select_for_update().filter(pk=self.pupil.pk).first()
        return PassportVersion.objects.filter(pupil=self.pupil).order_by("-version").first()

    @classmethod
    def initial_from(cls, latest: PassportVersion | None) -> dict | None:
        """A new version starts as a copy of the latest one (blank when there is none)."""
        return {f: getattr(latest, f) for f in cls.Meta.fields} if latest else None


class ConcernForm(BoundedForm):
    description = forms.CharField(
        label="What have you noticed?",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What you see in class, since when, and what you have tried.",
    )


class ConcernAboutForm(ConcernForm):
    """A concern about any pupil the person may see (their classes' pupils for a teacher): the
    pupil chosen from a list, then what they have noticed."""

    pupil = forms.ModelChoiceField(
        label="Pupil",
        queryset=Pupil.objects.none(),
        to_field_name="public_id",
        empty_label="Choose a pupil",
    )
    field_order = ["pupil", "description"]

    def __init__(self, *args, pupils, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pupil"].queryset = pupils
        self.fields["pupil"].label_from_instance = _pupil_choice


def _pupil_choice(pupil: Pupil) -> str:
    return f"{pupil.last_name}, {pupil.first_name} ({pupil.get_year_group_display()})"


class ConcernDecisionForm(BoundedForm):
    """The SENDCo's decision on a concern, and, to add the pupil to the register, the new SEN
    status in the same step: nothing is saved unless all of it is (no pupil falls between the
    monitoring list and the register)."""

    decision = forms.ChoiceField(
        label="Decision",
        widget=forms.RadioSelect,
        choices=[
            (Concern.Status.MONITORING, "Keep monitoring, review on a date"),
            (Concern.Status.ADDED, "Add to the SEN register"),
            (Concern.Status.CLOSED, "Close: no further action"),
        ],
    )
    review_on = forms.DateField(
        label="Review monitoring on",
        required=False,
        widget=DATE_INPUT,
        help_text="Needed to keep monitoring.",
    )
    category = forms.ChoiceField(
        label="SEN status",
        required=False,
        initial=SenStatus.Category.SEN_SUPPORT,
        widget=forms.RadioSelect,
        choices=[
            (SenStatus.Category.SEN_SUPPORT, "SEN support (K)"),
            (SenStatus.Category.EHC_PLAN, "Education, health and care plan (E)"),
        ],
    )
    primary_need = forms.ChoiceField(
        label="Primary need", required=False, help_text="Needed to add to the register."
    )
    secondary_need = forms.ChoiceField(label="Secondary need (optional)", required=False)
    parents_informed_on = forms.DateField(
        label="Date parents or carers were told",
        required=False,
        widget=DATE_INPUT,
        help_text="Needed to add to the register: the school must tell parents when it makes "
        "special educational provision.",
    )
    parents_informed_how = forms.CharField(
        label="How they were told (optional)",
        required=False,
        max_length=120,
        help_text="For example: meeting, phone call, letter.",
    )
    note = forms.CharField(
        label="Note of the decision (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    ADDING = ("category", "primary_need", "secondary_need", "parents_informed_on")

    def __init__(self, *args, school: School | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.school = school
        self.fields["primary_need"].choices = [("", "Choose a need")] + _need_choices()[1:]
        self.fields["secondary_need"].choices = _need_choices()

    def clean_review_on(self):
        """A monitoring review is a date the school sets for itself: a school day."""
        review_on = self.cleaned_data.get("review_on")
        if review_on is not None and self.school is not None:
            problem = school_calendar.school_day_problem(school=self.school, on=review_on)
            if problem:
                raise forms.ValidationError(problem)
        return review_on

    def clean(self):
        data = super().clean()
        if data.get("decision") != Concern.Status.ADDED:
            return data
        category = data.get("category") or SenStatus.Category.SEN_SUPPORT
        data["category"] = category
        if not data.get("primary_need"):
            self.add_error("primary_need", "Choose the pupil's primary type of need.")
        if data.get("parents_informed_on") is None and "parents_informed_on" not in self.errors:
            self.add_error("parents_informed_on", "Give the date parents or carers were told.")
        if data.get("primary_need"):
            for problem in need_problems(category=category, need_codes=self.need_codes()):
                self.add_error("primary_need", problem)
        return data

    def need_codes(self) -> list[str]:
        data = self.cleaned_data
        return [c for c in (data.get("primary_need"), data.get("secondary_need")) if c]

    def decision_fields(self) -> dict:
        """What `register.services.concern_decide` takes besides the person, concern and day."""
        data = self.cleaned_data
        fields = {name: data[name] for name in ("decision", "note", "review_on")}
        if data["decision"] == Concern.Status.ADDED:
            fields |= {
                "category": data["category"],
                "need_codes": self.need_codes(),
                "parents_informed_on": data["parents_informed_on"],
                "parents_informed_how": data["parents_informed_how"],
            }
        return fields


# What each layer of support means, as the Schools White Paper of 2026 describes them (a proposal,
# not law yet: DOMAIN.md 0), in words a SENDCo and a parent both follow.
LAYER_MEANINGS = {
    SupportLayer.Layer.UNIVERSAL: "Good teaching and adjustments in class, as for every pupil.",
    SupportLayer.Layer.TARGETED: "Extra help in school planned for this pupil, such as "
    "small-group interventions, reviewed with the family.",
    SupportLayer.Layer.TARGETED_PLUS: "More intensive or specialist help in school, often with "
    "advice from specialists outside it.",
    SupportLayer.Layer.SPECIALIST: "Specialist provision for the most complex needs, usually "
    "with an EHC plan.",
}


class LayerForm(BoundedForm):
    """The layer of support from a date (`register.services.layer_set`)."""

    layer = forms.ChoiceField(
        label="Layer of support",
        choices=[
            (value, f"{label}: {LAYER_MEANINGS[value]}")
            for value, label in SupportLayer.Layer.choices
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the layer of support."},
    )
    starts_on = forms.DateField(
        label="From",
        widget=DATE_INPUT,
        error_messages={"required": "Give the date this layer of support starts."},
    )
    note = forms.CharField(
        label="Why (optional)",
        required=False,
        max_length=300,
        help_text="For example: agreed at the review with the parents.",
    )
