"""Forms of the support plan pages. Each offers only the school's (and the pupil's) rows, so a
forged id fails validation; the forms never save: views pass their data to `plans.services`."""

from __future__ import annotations

from datetime import date

from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet

from provision.models import Group
from register.models import Need, NeedType, Pupil
from staff import calendar as school_calendar
from staff.bounds import DATE_INPUT, BoundedForm, BoundedModelForm
from staff.capabilities import PLAN_LEAD_ROLES
from staff.edits import EditCheck
from staff.models import Membership, School, User

from .models import Cycle, ParentMeeting, Target
from .services import ASSESS_FIELDS, PLAN_FIELDS, TARGET_FIELDS


def _text(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


class _NoSave:
    """Writes go through plans.services, never through a form."""

    def save(self, commit: bool = True):  # pragma: no cover - guard
        raise NotImplementedError("Save through plans.services.")


# --------------------------------------------------------------------------------------------------
# The plan's lead
# --------------------------------------------------------------------------------------------------


def teachers_of(school: School, *, keep: User | None = None) -> QuerySet[User]:
    """The school's class teachers with an active membership (and the current lead, if any, so
    saving the form unchanged never drops them)."""
    teaching = Membership.objects.active().filter(
        user=OuterRef("pk"), school=school, role__in=PLAN_LEAD_ROLES
    )
    found = Q(Exists(teaching))
    if keep is not None:
        found |= Q(pk=keep.pk)
    return User.objects.filter(found).order_by("full_name", "pk")


class TeacherChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.full_name


class LeadForm(EditCheck, BoundedForm):
    """The plan's lead teacher (the plan is `edits=`)."""

    lead = TeacherChoiceField(
        label="Lead teacher",
        queryset=User.objects.none(),
        required=False,
        empty_label="No lead teacher",
        help_text="The class teacher who leads the plan day to day and is reminded of reviews.",
        error_messages={"invalid_choice": "Choose one of this school's class teachers."},
    )

    def __init__(self, *args, school: School, current: User | None, **kwargs) -> None:
        super().__init__(*args, initial={"lead": current.pk if current else None}, **kwargs)
        self.fields["lead"].queryset = teachers_of(school, keep=current)


# --------------------------------------------------------------------------------------------------
# Assess and Plan sections of a cycle
# --------------------------------------------------------------------------------------------------


class AssessForm(_NoSave, EditCheck, BoundedModelForm):
    class Meta:
        model = Cycle
        fields = list(ASSESS_FIELDS)
        widgets = {name: _text(5) for name in ASSESS_FIELDS}
        help_texts = {
            "needs_summary": "Started from the needs on the register; add what they look like "
            "for this pupil.",
            "assessment": "Tests, observations and reports from staff and other professionals, "
            "with dates and scores.",
            "pupil_views": "In the pupil's own words where you can.",
            "parent_views": "What the parents or carers say about their child's needs and "
            "progress.",
        }

    def fields_changed(self) -> dict:
        return {name: self.cleaned_data[name] for name in ASSESS_FIELDS}


class PlanSectionForm(_NoSave, EditCheck, BoundedModelForm):
    class Meta:
        model = Cycle
        fields = list(PLAN_FIELDS)
        widgets = {"strategies": _text(6), "agreed_on": DATE_INPUT, "review_due": DATE_INPUT}
        help_texts = {
            "strategies": "What every adult working with the pupil does day to day. Teaching "
            "assistants see this part of the plan.",
            "agreed_on": "The date the parents agreed the plan (it counts as a parent meeting "
            "when the plan starts).",
        }

    def __init__(self, *args, suggested_review: date | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if suggested_review is not None:
            self.fields["review_due"].help_text = (
                f"Suggested from the school's term dates: {_long(suggested_review)}. "
                "Change it if you agree another date with the parents."
            )

    def clean_review_due(self) -> date | None:
        """A review is the school's own date: it falls on a school day. A date saved before this
        rule stays until someone changes it."""
        review_due = self.cleaned_data.get("review_due")
        if review_due is not None and "review_due" in self.changed_data:
            problem = school_calendar.school_day_problem(school=self.instance.school, on=review_due)
            if problem:
                raise forms.ValidationError(problem)
        return review_due

    def fields_changed(self) -> dict:
        return {name: self.cleaned_data[name] for name in PLAN_FIELDS}


# --------------------------------------------------------------------------------------------------
# Targets
# --------------------------------------------------------------------------------------------------


class NeedTypeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: NeedType) -> str:
        return f"{obj.name} ({obj.code})"


class GroupChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Group) -> str:
        label = f"{obj.name} ({obj.intervention.name}, {obj.get_status_display().lower()})"
        if getattr(obj, "has_pupil", 0):
            label += " (pupil is in this group)"
        return label


class TargetForm(_NoSave, EditCheck, BoundedModelForm):
    need_type = NeedTypeChoiceField(
        label="Need it addresses",
        queryset=NeedType.objects.none(),
        required=False,
        empty_label="Not linked to a need",
        help_text="One of the pupil's needs on the register.",
        error_messages={"invalid_choice": "Choose one of the pupil's needs."},
    )
    groups = GroupChoiceField(
        label="Groups of the provision map that deliver it",
        queryset=Group.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Sessions planned, run and attended are counted from the session logs.",
        error_messages={"invalid_choice": "Choose groups of this school."},
    )

    class Meta:
        model = Target
        # The target itself first, then how it is measured, then what delivers it.
        fields = ["description", *(f for f in TARGET_FIELDS if f != "description"), "groups"]
        widgets = {"description": _text(3), "by_when": DATE_INPUT}
        help_texts = {
            "measure": "A test, a count or an observation, e.g. words read correctly in a minute.",
            "baseline": "Where the pupil is now on that measure.",
            "expected": "Where the pupil will be when the target is met.",
        }

    def __init__(self, *args, pupil: Pupil, today: date, groups: QuerySet[Group], **kwargs):
        super().__init__(*args, **kwargs)
        current = Need.objects.filter(pupil=pupil, starts_on__lte=today).exclude(ends_on__lt=today)
        chosen = Q(pk__in=current.values("need_type_id"))
        if self.instance.need_type_id:
            chosen |= Q(pk=self.instance.need_type_id)
        self.fields["need_type"].queryset = NeedType.objects.filter(chosen)
        self.fields["groups"].queryset = groups

    def fields_changed(self) -> dict:
        return {name: self.cleaned_data[name] for name in TARGET_FIELDS}


# --------------------------------------------------------------------------------------------------
# The review
# --------------------------------------------------------------------------------------------------


class ReviewForm(EditCheck, BoundedForm):
    """The review of a cycle (the cycle is `edits=`: a review someone else completed meanwhile
    is shown beside this one)."""

    reviewed_on = forms.DateField(
        label="Date of the review meeting",
        widget=DATE_INPUT,
        error_messages={"required": "Give the date of the review meeting."},
    )
    review_summary = forms.CharField(label="Overall progress", required=False, widget=_text())
    review_pupil_views = forms.CharField(label="The pupil's views", required=False, widget=_text(3))
    review_parent_views = forms.CharField(
        label="The parents' views", required=False, widget=_text(3)
    )
    participants = forms.CharField(
        label="Who took part",
        required=False,
        widget=_text(2),
        help_text="Names and roles, e.g. parents, class teacher, speech and language therapist.",
    )
    next_steps = forms.CharField(
        label="Next steps",
        required=False,
        widget=_text(3),
        help_text="They start the assessment of the next cycle.",
    )
    parents_attended = forms.BooleanField(
        label="The parents attended the review",
        required=False,
        help_text="The review then counts as one of this year's parent meetings.",
    )
    annual_review = forms.BooleanField(
        label="This was the plan's annual review",
        required=False,
        help_text="The whole plan reviewed with the parents and the pupil: needs, outcomes and "
        "the layer of support. The next annual review is due a year on.",
    )

    def __init__(self, *args, targets: list[Target], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.targets = targets
        for t in targets:
            n = t.position
            self.fields[f"outcome_{t.pk}"] = forms.ChoiceField(
                label=f"Outcome of target {n}",
                choices=Target.Outcome.choices,
                widget=forms.RadioSelect,
                error_messages={"required": f"Say whether target {n} was achieved."},
            )
            self.fields[f"evidence_{t.pk}"] = forms.CharField(
                label=f"Evidence of progress towards target {n}", required=False, widget=_text(3)
            )
            self.fields[f"next_step_{t.pk}"] = forms.CharField(
                label=f"Next step for target {n}", required=False, widget=_text(2)
            )

    def target_fields(
        self,
    ) -> list[tuple[Target, forms.BoundField, forms.BoundField, forms.BoundField]]:
        """(target, outcome, evidence, next step) for the template."""
        return [
            (t, self[f"outcome_{t.pk}"], self[f"evidence_{t.pk}"], self[f"next_step_{t.pk}"])
            for t in self.targets
        ]

    def outcomes(self) -> dict[int, dict[str, str]]:
        data = self.cleaned_data
        return {
            t.pk: {
                "outcome": data.get(f"outcome_{t.pk}", ""),
                "evidence": data.get(f"evidence_{t.pk}", ""),
                "next_step": data.get(f"next_step_{t.pk}", ""),
            }
            for t in self.targets
        }

    def review_fields(self) -> dict:
        """What `plans.services.review_complete` takes besides the outcomes."""
        names = (
            "reviewed_on",
            "parents_attended",
            "annual_review",
            "review_summary",
            "review_pupil_views",
            "review_parent_views",
            "participants",
            "next_steps",
        )
        return {name: self.cleaned_data[name] for name in names}


# --------------------------------------------------------------------------------------------------
# Contributions and parent meetings
# --------------------------------------------------------------------------------------------------


class ContributionForm(BoundedForm):
    body = forms.CharField(
        label="Your contribution",
        widget=_text(6),
        error_messages={"required": "Write your contribution."},
    )


class MeetingForm(BoundedForm):
    held_on = forms.DateField(
        label="Date of the meeting",
        widget=DATE_INPUT,
        error_messages={"required": "Give the date of the meeting."},
    )
    kind = forms.ChoiceField(
        label="Kind of meeting",
        choices=ParentMeeting.Kind.choices,
        initial=ParentMeeting.Kind.OTHER,
        widget=forms.RadioSelect,
    )
    attended_by = forms.CharField(
        label="Who came",
        max_length=300,
        required=False,
        help_text="e.g. mother, class teacher, SENDCo.",
    )
    notes = forms.CharField(label="Notes", required=False, widget=_text(5))
