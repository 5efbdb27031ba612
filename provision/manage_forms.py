"""Forms of the SENDCo's provision pages. Each takes the school and offers only its rows, so an
id from another school (or a made-up one) fails validation with a message the user can act on."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django import forms
from django.db.models import F, Q, QuerySet
from django.utils.html import escape

from register.models import Pupil
from staff import skills as staff_skills
from staff.bounds import DATE_INPUT, BoundedForm, BoundedModelForm
from staff.capabilities import STAFF_ROLES
from staff.edits import EditCheck
from staff.models import Role, School, User

from .models import Group, GroupPupil, Intervention, Measure, StaffContract, StaffRate

TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def staff_of(school: School) -> QuerySet[User]:
    """The school's staff with an active membership, each with their role there (one query)."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__school=school,
            memberships__ended_at__isnull=True,
            memberships__role__in=STAFF_ROLES,
        )
        .annotate(school_role=F("memberships__role"))
        .order_by("full_name", "pk")
    )


def _staff_label(user: User) -> str:
    role = getattr(user, "school_role", "")
    return f"{user.full_name} ({Role(role).label})" if role else user.full_name


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return _staff_label(obj)


class StaffMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Members of staff with their role, and with what they are trained in when the form is
    given their `skills` (by user id: `staff.skills`)."""

    skills: dict[int, staff_skills.Skills]

    def label_from_instance(self, obj: User) -> str:
        return staff_skills.with_skills(_staff_label(obj), getattr(self, "skills", {}).get(obj.pk))


class PupilChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Pupil) -> str:
        return f"{obj.last_name}, {obj.first_name} ({obj.get_year_group_display()})"


def _unique_name(model, *, school: School, name: str, current, what: str) -> str:
    name = name.strip()
    others = model.objects.filter(school=school, name__iexact=name)
    if current is not None and current.pk:
        others = others.exclude(pk=current.pk)
    if others.exists():
        raise forms.ValidationError(f"There is already {what} called {name}.")
    return name


class SchoolModelForm(EditCheck, BoundedModelForm):
    """A model form that knows its school; the instance is never saved by the form itself
    (views pass `model_fields()` to a service)."""

    def __init__(self, *args, school: School, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.school = school

    def model_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields if name in self.cleaned_data}

    def save(self, commit: bool = True):  # pragma: no cover - writes go through services
        raise NotImplementedError("Save through provision.manage_services.")


# --------------------------------------------------------------------------------------------
# Catalogue, measures, staff costs
# --------------------------------------------------------------------------------------------


class MeasureForm(SchoolModelForm):
    class Meta:
        model = Measure
        fields = ["name", "kind", "higher_is_better"]
        labels = {"higher_is_better": "A higher score is better"}

    def clean_name(self) -> str:
        return _unique_name(
            Measure,
            school=self.school,
            name=self.cleaned_data["name"],
            current=self.instance,
            what="a measure",
        )


class RateForm(SchoolModelForm):
    class Meta:
        model = StaffRate
        fields = ["name", "hourly_cost"]
        labels = {"name": "Grade of staff", "hourly_cost": "Cost of an hour (£)"}
        help_texts = {"hourly_cost": "Salary plus on-costs, divided by hours worked."}

    def clean_name(self) -> str:
        return _unique_name(
            StaffRate,
            school=self.school,
            name=self.cleaned_data["name"],
            current=self.instance,
            what="a grade",
        )


class ContractForm(SchoolModelForm):
    """A member of staff's grade and weekly hours. The person is chosen when the contract is
    added and fixed afterwards."""

    user = StaffChoiceField(
        label="Member of staff",
        queryset=User.objects.none(),
        error_messages={"invalid_choice": "Choose a member of staff of this school."},
    )
    rate = forms.ModelChoiceField(
        label="Grade",
        queryset=StaffRate.objects.none(),
        error_messages={"invalid_choice": "Choose one of this school's grades."},
    )
    hours_per_week = forms.DecimalField(
        label="Contracted hours a week",
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0.25"),
        max_value=Decimal("60"),
        error_messages={
            "min_value": "Enter the hours a week, more than 0.",
            "max_value": "Enter at most 60 hours a week.",
        },
    )

    class Meta:
        model = StaffContract
        fields = ["user", "rate", "hours_per_week"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rate"].queryset = StaffRate.objects.filter(school=self.school)
        if self.instance.pk:
            del self.fields["user"]
        else:
            self.fields["user"].queryset = staff_of(self.school)

    def clean_user(self) -> User:
        user = self.cleaned_data["user"]
        if StaffContract.objects.filter(school=self.school, user=user).exists():
            raise forms.ValidationError(
                f"{user.full_name} already has a contract here: change that one instead."
            )
        return user


class InterventionForm(SchoolModelForm):
    default_rate = forms.ModelChoiceField(
        label="Usual grade of staff",
        queryset=StaffRate.objects.none(),
        required=False,
        help_text="Groups of this intervention are costed at this grade unless they say otherwise.",
        error_messages={"invalid_choice": "Choose one of this school's grades."},
    )
    measure = forms.ModelChoiceField(
        label="Entry and exit measure",
        queryset=Measure.objects.none(),
        required=False,
        error_messages={"invalid_choice": "Choose one of this school's measures."},
    )
    default_sessions_per_week = forms.IntegerField(
        label="Usual sessions a week", min_value=1, max_value=10
    )
    default_session_minutes = forms.IntegerField(
        label="Usual session length (minutes)", min_value=5, max_value=300
    )
    resource_cost_one_off = forms.DecimalField(
        label="One-off resources (£)",
        max_digits=8,
        decimal_places=2,
        min_value=Decimal("0"),
        initial=Decimal("0"),
        help_text="Books, kits or training for a group, bought once.",
    )
    resource_cost_per_pupil = forms.DecimalField(
        label="Resources per pupil (£)",
        max_digits=8,
        decimal_places=2,
        min_value=Decimal("0"),
        initial=Decimal("0"),
        help_text="Workbooks or materials each pupil uses.",
    )

    class Meta:
        model = Intervention
        fields = [
            "name",
            "description",
            "broad_area",
            "kind",
            "default_rate",
            "default_sessions_per_week",
            "default_session_minutes",
            "measure",
            "resource_cost_one_off",
            "resource_cost_per_pupil",
        ]
        labels = {"broad_area": "Broad area of need"}
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["default_rate"].queryset = StaffRate.objects.filter(school=self.school)
        self.fields["measure"].queryset = Measure.objects.filter(school=self.school)

    def clean_name(self) -> str:
        return _unique_name(
            Intervention,
            school=self.school,
            name=self.cleaned_data["name"],
            current=self.instance,
            what="an intervention",
        )


# --------------------------------------------------------------------------------------------
# Groups and their pupils
# --------------------------------------------------------------------------------------------


class InterventionPickForm(BoundedForm):
    """Step one of adding a group: choose the intervention to fill in its usual frequency,
    length and grade of staff (a GET form, so it works without JavaScript)."""

    intervention = forms.ModelChoiceField(
        label="Intervention",
        queryset=Intervention.objects.none(),
        empty_label="Choose one",
        widget=forms.Select(attrs={"class": "form-select", "aria-describedby": "pick-help"}),
    )

    def __init__(self, *args, school: School, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["intervention"].queryset = Intervention.objects.filter(
            school=school, archived_at__isnull=True
        )


class GroupForm(SchoolModelForm):
    intervention = forms.ModelChoiceField(
        label="Intervention",
        queryset=Intervention.objects.none(),
        error_messages={"invalid_choice": "Choose an intervention of this school's catalogue."},
    )
    staff = StaffMultipleChoiceField(
        label="Who runs it",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="They see the group and log its sessions.",
        error_messages={"invalid_choice": "Choose members of staff of this school."},
    )
    days = forms.TypedMultipleChoiceField(
        label="Days it runs",
        choices=Group.Weekday.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked if the days vary from week to week.",
    )
    sessions_per_week = forms.IntegerField(label="Sessions a week", min_value=1, max_value=10)
    session_minutes = forms.IntegerField(
        label="Session length (minutes)", min_value=5, max_value=300
    )
    rate = forms.ModelChoiceField(
        label="Grade of staff",
        queryset=StaffRate.objects.none(),
        required=False,
        help_text="For the cost. Leave empty to use the intervention's usual grade.",
        error_messages={"invalid_choice": "Choose one of this school's grades."},
    )

    class Meta:
        model = Group
        fields = [
            "intervention",
            "name",
            "staff",
            "starts_on",
            "ends_on",
            "sessions_per_week",
            "session_minutes",
            "days",
            "time",
            "room",
            "status",
            "funding",
            "rate",
        ]
        labels = {
            "name": "Group name",
            "starts_on": "First day",
            "ends_on": "Last day",
            "time": "Time (optional)",
            "room": "Room (optional)",
            "funding": "Funded from",
        }
        help_texts = {"name": "For example: Talk Boost Year 3, autumn."}
        widgets = {"starts_on": DATE_INPUT, "ends_on": DATE_INPUT, "time": TIME_INPUT}

    def __init__(self, *args, skills=None, needs_hint: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        current = self.instance.intervention_id if self.instance.pk else None
        self.fields["intervention"].queryset = Intervention.objects.filter(
            Q(archived_at__isnull=True) | Q(pk=current), school=self.school
        )
        self.fields["staff"].queryset = staff_of(self.school)
        self.fields["staff"].skills = skills or {}
        if needs_hint:
            self.fields["staff"].help_text += " " + escape(needs_hint)
        self.fields["rate"].queryset = StaffRate.objects.filter(school=self.school)
        if isinstance(self.initial.get("days"), str):
            self.initial["days"] = Group(days=self.initial["days"]).weekdays

    def clean_days(self) -> str:
        return ",".join(str(d) for d in sorted(set(self.cleaned_data["days"])))

    def clean(self) -> dict:
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error(
                "ends_on",
                f"The last day must be on or after the first day ({_long(starts)}).",
            )
        days, per_week = data.get("days"), data.get("sessions_per_week")
        if days and per_week and len(days.split(",")) != per_week:
            self.add_error(
                "days",
                f"Tick {per_week} day{'s' if per_week != 1 else ''} to match the sessions a week, "
                "or leave all days unticked.",
            )
        return data

    def model_fields(self) -> dict:
        fields = super().model_fields()
        fields.pop("staff", None)
        return fields


def _within_group(group: Group, joined: date) -> date:
    if not (group.starts_on <= joined <= group.ends_on):
        raise forms.ValidationError(
            f"Enter a date within the group's dates, {_long(group.starts_on)} to "
            f"{_long(group.ends_on)}."
        )
    return joined


class PlaceAddForm(SchoolModelForm):
    pupil = PupilChoiceField(
        label="Pupil",
        queryset=Pupil.objects.none(),
        empty_label="Choose a pupil",
        error_messages={"invalid_choice": "Choose a pupil on roll at this school."},
    )

    class Meta:
        model = GroupPupil
        fields = ["pupil", "joined_on", "entry_score", "target_score"]
        labels = {
            "joined_on": "Joined on",
            "entry_score": "Entry score (optional)",
            "target_score": "Target score (optional)",
        }
        widgets = {"joined_on": DATE_INPUT}

    def __init__(self, *args, group: Group, on: date, **kwargs) -> None:
        super().__init__(*args, school=group.school, **kwargs)
        self.group = group
        self.fields["pupil"].queryset = (
            Pupil.objects.for_school(group.school)
            .on_roll(on)
            .order_by("legal_last_name", "legal_first_name", "pk")
        )

    def clean_pupil(self) -> Pupil:
        pupil = self.cleaned_data["pupil"]
        if GroupPupil.objects.filter(group=self.group, pupil=pupil).exists():
            raise forms.ValidationError(f"{pupil.name} is already in this group.")
        return pupil

    def clean_joined_on(self) -> date:
        return _within_group(self.group, self.cleaned_data["joined_on"])


class PlaceForm(SchoolModelForm):
    class Meta:
        model = GroupPupil
        fields = ["joined_on", "left_on", "entry_score", "target_score", "exit_score"]
        labels = {
            "joined_on": "Joined on",
            "left_on": "Left on (optional)",
            "entry_score": "Entry score",
            "target_score": "Target score",
            "exit_score": "Exit score",
        }
        widgets = {"joined_on": DATE_INPUT, "left_on": DATE_INPUT}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.group = self.instance.group

    def clean_joined_on(self) -> date:
        return _within_group(self.group, self.cleaned_data["joined_on"])

    def clean(self) -> dict:
        data = super().clean()
        joined, left = data.get("joined_on"), data.get("left_on")
        if joined and left and left < joined:
            self.add_error(
                "left_on",
                f"The day they left must be on or after the day they joined ({_long(joined)}).",
            )
        return data


# --------------------------------------------------------------------------------------------
# Notional SEN budget
# --------------------------------------------------------------------------------------------


class BudgetForm(EditCheck, BoundedForm):
    """This year's notional SEN budget (the year's budget, once set, is `edits=`)."""

    amount = forms.DecimalField(
        label="Notional SEN budget for the year (£)",
        max_digits=10,
        decimal_places=2,
        help_text="From the school's budget statement, for example 84000.",
    )

    def clean_amount(self) -> Decimal:
        amount = self.cleaned_data["amount"]
        if amount <= 0:
            raise forms.ValidationError("Enter an amount of more than £0.")
        return amount
