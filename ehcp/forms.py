"""Forms of the EHC plan pages. Each offers only the school's (and the plan's) rows, so a forged id
fails validation; the forms never save: views pass their data to `ehcp.services`."""

from __future__ import annotations

from datetime import date

from django import forms
from django.core.exceptions import ValidationError

from provision.models import Group
from provision.selectors import target_group_choices
from register.models import YEAR_ORDER, Pupil, YearGroup
from staff.bounds import DATE_INPUT, BoundedForm, BoundedModelForm
from staff.edits import EditCheck
from staff.forms import DocumentForm
from staff.models import School

from .models import (
    Advice,
    AnnualReview,
    AssessmentRequest,
    EhcPlan,
    LaContact,
    LocalAuthority,
    OutcomeProgress,
    PlanOutcome,
    PlanVersion,
    ProvisionItem,
    SchoolConsultation,
)
from .services import (
    AUTHORITY_FIELDS,
    CONSULTATION_FIELDS,
    MEETING_FIELDS,
    REQUEST_FIELDS,
    VERSION_FIELDS,
)

PFA_HELP = (
    "Applies from Year 9: the provision that helps the pupil prepare for adulthood and "
    "independent living. It can be written earlier."
)


def _text(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


class _NoSave:
    """Writes go through ehcp.services, never through a form."""

    def save(self, commit: bool = True):  # pragma: no cover - guard
        raise NotImplementedError("Save through ehcp.services.")


def _fields(form: forms.Form, names) -> dict:
    return {name: form.cleaned_data[name] for name in names if name in form.cleaned_data}


# --------------------------------------------------------------------------------------------------
# Local authorities
# --------------------------------------------------------------------------------------------------


class AuthorityForm(_NoSave, EditCheck, BoundedModelForm):
    class Meta:
        model = LocalAuthority
        fields = list(AUTHORITY_FIELDS)
        widgets = {"notes": _text(3)}

    def __init__(self, *args, school: School, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.school = school

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        others = LocalAuthority.objects.filter(school=self.school, name__iexact=name)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise ValidationError(f"There is already a local authority called {name}.")
        return name

    def model_fields(self) -> dict:
        return _fields(self, AUTHORITY_FIELDS)


class ContactForm(_NoSave, EditCheck, BoundedModelForm):
    class Meta:
        model = LaContact
        fields = ["name", "role", "email", "phone"]

    def model_fields(self) -> dict:
        return _fields(self, self.Meta.fields)


# --------------------------------------------------------------------------------------------------
# Needs-assessment requests
# --------------------------------------------------------------------------------------------------


class AuthorityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: LocalAuthority) -> str:
        return f"{obj.name} ({obj.code})" if obj.code else obj.name


def _authority_field() -> AuthorityChoiceField:
    return AuthorityChoiceField(
        label="Local authority",
        queryset=LocalAuthority.objects.none(),
        error_messages={
            "required": "Choose the local authority.",
            "invalid_choice": "Choose one of the school's local authorities.",
        },
    )


NEW_REQUEST_FIELDS = (
    "authority",
    "kind",
    "requested_by",
    "received_on",
    "advice_requested_on",
    "advice_sent_on",
    "exemption",
    "notes",
)


class RequestForm(_NoSave, EditCheck, BoundedModelForm):
    """A new request (`answers=False`), or the LA's answers to it."""

    authority = _authority_field()

    class Meta:
        model = AssessmentRequest
        fields = list(REQUEST_FIELDS)
        widgets = {
            "received_on": DATE_INPUT,
            "advice_requested_on": DATE_INPUT,
            "advice_sent_on": DATE_INPUT,
            "decision_on": DATE_INPUT,
            "outcome_on": DATE_INPUT,
            "draft_sent_on": DATE_INPUT,
            "mediation_certificate_on": DATE_INPUT,
            "kind": forms.RadioSelect,
            "requested_by": forms.RadioSelect,
            "decision": forms.RadioSelect,
            "outcome": forms.RadioSelect,
            "exemption": _text(2),
            "notes": _text(3),
        }
        labels = {
            "decision_on": "Date of the LA's decision letter",
            "outcome_on": "Date of the outcome",
            "kind": "What is asked for",
            "requested_by": "Who asked for the assessment",
        }
        help_texts = {
            "kind": "A re-assessment is of a pupil who already has a plan: the LA answers within "
            "15 days and the final plan is due 14 weeks after it decides to re-assess.",
            "requested_by": "When the LA decides on its own to re-assess, give the date of its "
            "decision as the date it received the request.",
            "received_on": "The LA's clock starts here: decision within 6 weeks (15 days for a "
            "re-assessment), final plan within 20 weeks.",
            "draft_sent_on": "Parents then have 15 days to comment and ask for a school; the "
            "16-week notice that no plan will be issued is no longer owed.",
            "advice_requested_on": "The school's advice is due 6 weeks after the LA asks for it.",
        }

    def __init__(self, *args, school: School, answers: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["authority"].queryset = LocalAuthority.objects.filter(school=school)
        self.fields["kind"].required = False  # left out: what it was, or a first assessment
        self.fields["requested_by"].choices = AssessmentRequest.RequestedBy.choices  # no blank
        if not answers:
            for name in set(REQUEST_FIELDS) - set(NEW_REQUEST_FIELDS):
                del self.fields[name]

    def clean_kind(self) -> str:
        return (
            self.cleaned_data.get("kind") or self.instance.kind or AssessmentRequest.Kind.ASSESSMENT
        )

    def model_fields(self) -> dict:
        return _fields(self, REQUEST_FIELDS)


# --------------------------------------------------------------------------------------------------
# Plans and their versions
# --------------------------------------------------------------------------------------------------


class VersionForm(_NoSave, EditCheck, BoundedModelForm):
    """The sections of a version as the LA issued it (and, for a new plan, its authority)."""

    class Meta:
        model = PlanVersion
        fields = ["issued_on", *VERSION_FIELDS]
        widgets = {
            "issued_on": DATE_INPUT,
            **{
                name: _text(4)
                for name in VERSION_FIELDS
                if name not in ("section_i", "top_up_per_year", "personal_budget_per_year")
            },
        }
        help_texts = {
            "section_a": "What the child and parents (or the young person) say matters to them.",
            "section_i": "Left blank in a draft plan.",
            "preparing_for_adulthood": PFA_HELP,
            "top_up_per_year": "The high-needs top-up the LA pays the school for this plan.",
        }

    def __init__(self, *args, school: School | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if school is not None:  # a new plan: its authority first
            self.fields = {"authority": _authority_field(), **self.fields}
            self.fields["authority"].queryset = LocalAuthority.objects.filter(school=school)

    def sections(self) -> dict:
        return _fields(self, VERSION_FIELDS)


class AmendForm(BoundedForm):
    issued_on = forms.DateField(
        label="Date the LA issued the new version",
        widget=DATE_INPUT,
        error_messages={"required": "Give the date the LA issued the plan."},
    )
    kind = forms.ChoiceField(
        label="What kind of new version",
        choices=[
            (PlanVersion.Kind.AMENDED, "Amended after a review"),
            (PlanVersion.Kind.REPLACEMENT, "Replacement after a re-assessment"),
        ],
        initial=PlanVersion.Kind.AMENDED,
        widget=forms.RadioSelect,
    )


class PlanEndForm(BoundedForm):
    status = forms.ChoiceField(
        label="How the plan ends",
        choices=[
            (EhcPlan.Status.CEASED, "The LA has ceased the plan"),
            (EhcPlan.Status.TRANSFERRED, "The plan has transferred to another authority"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Say how the plan ends."},
    )
    on = forms.DateField(
        label="Date it ended",
        widget=DATE_INPUT,
        error_messages={"required": "Give the date the plan ended."},
    )


class Post16MoveForm(_NoSave, EditCheck, BoundedModelForm):
    """A young person's planned move from one post-16 setting to another (reg. 18(2))."""

    class Meta:
        model = EhcPlan
        fields = ["post_16_move_on", "post_16_move_to"]
        widgets = {"post_16_move_on": DATE_INPUT}
        help_texts = {
            "post_16_move_on": "Leave both empty to remove a planned move.",
            "post_16_move_to": "The college, sixth form or other post-16 setting.",
        }

    def clean(self):
        data = super().clean()
        if data.get("post_16_move_to") and not data.get("post_16_move_on"):
            self.add_error("post_16_move_on", "Give the date of the move.")
        return data


class TransferSettingsForm(EditCheck, BoundedModelForm):
    """The school's age range as year groups, which decides who moves phase (reg. 18)."""

    class Meta:
        model = School
        fields = ["lowest_year", "highest_year", "year_11_transfer"]
        help_texts = {
            "lowest_year": "An infant school: Reception. A junior school: Year 3.",
            "highest_year": "An infant school: Year 2. A first school: Year 4. A middle school: "
            "Year 8. Pupils in this year group move to their next school.",
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("lowest_year", "highest_year"):
            label = self.fields[name].label
            self.fields[name] = forms.ChoiceField(
                label=label,
                choices=YearGroup.choices,
                help_text=self.fields[name].help_text,
                error_messages={"required": f"Choose the {label}."},
            )

    def clean(self):
        data = super().clean()
        low, high = data.get("lowest_year"), data.get("highest_year")
        if low and high and YEAR_ORDER[low] > YEAR_ORDER[high]:
            self.add_error("highest_year", "The oldest year group cannot come before the youngest.")
        return data

    def save(self, commit: bool = True):  # pragma: no cover - guard
        raise NotImplementedError("Save through ehcp.services.")


class ConsultationForm(_NoSave, EditCheck, BoundedModelForm):
    """The LA's consultation about naming the school in a child's plan, and the answer."""

    authority = _authority_field()

    class Meta:
        model = SchoolConsultation
        fields = list(CONSULTATION_FIELDS)
        widgets = {
            "received_on": DATE_INPUT,
            "responded_on": DATE_INPUT,
            "date_of_birth": DATE_INPUT,
            "response": forms.RadioSelect,
            "notes": _text(3),
        }
        help_texts = {
            "received_on": "The school has 15 days to answer, counted from this day.",
            "child_name": "The child is usually not on roll yet; the name stays in this record.",
        }
        error_messages = {"child_name": {"required": "Give the child's name."}}

    def __init__(self, *args, school: School, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["authority"].queryset = LocalAuthority.objects.filter(school=school)

    def model_fields(self) -> dict:
        return _fields(self, CONSULTATION_FIELDS)


class MediationForm(_NoSave, EditCheck, BoundedModelForm):
    """The date of a mediation certificate after a decision not to amend, or to cease."""

    class Meta:
        model = AnnualReview
        fields = ["mediation_certificate_on"]
        widgets = {"mediation_certificate_on": DATE_INPUT}


class OutcomeForm(_NoSave, EditCheck, BoundedModelForm):
    class Meta:
        model = PlanOutcome
        fields = ["area", "outcome", "interim_targets"]
        widgets = {"outcome": _text(3), "interim_targets": _text(4)}
        labels = {"area": "Broad area of need", "outcome": "Outcome sought"}
        error_messages = {"outcome": {"required": "Write the outcome sought."}}

    def model_fields(self) -> dict:
        return _fields(self, self.Meta.fields)


class OutcomeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: PlanOutcome) -> str:
        text = obj.outcome if len(obj.outcome) <= 80 else obj.outcome[:77] + "…"
        return f"Outcome {obj.position}: {text}"


class GroupChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Group) -> str:
        label = f"{obj.name} ({obj.intervention.name}, {obj.get_status_display().lower()})"
        if getattr(obj, "has_pupil", 0):
            label += " (pupil is in this group)"
        return label


class ProvisionForm(_NoSave, EditCheck, BoundedModelForm):
    outcome = OutcomeChoiceField(
        label="Outcome it works towards",
        queryset=PlanOutcome.objects.none(),
        required=False,
        empty_label="Not linked to an outcome",
        error_messages={"invalid_choice": "Choose one of this plan's outcomes."},
    )
    group = GroupChoiceField(
        label="Group of the provision map that delivers it",
        queryset=Group.objects.none(),
        required=False,
        empty_label="Not delivered by a group of the map",
        help_text="Hours delivered are counted from the group's session logs.",
        error_messages={"invalid_choice": "Choose a group of this school."},
    )

    class Meta:
        model = ProvisionItem
        fields = ["description", "hours_per_week", "provider", "outcome", "group"]
        widgets = {"description": _text(3)}
        labels = {"hours_per_week": "Hours a week"}
        help_texts = {
            "description": "Specific and quantified: what is provided, by whom, how often.",
        }
        error_messages = {
            "description": {"required": "Describe the provision."},
            "hours_per_week": {"required": "Give the hours a week."},
        }

    def __init__(self, *args, version: PlanVersion, school: School, pupil: Pupil, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].queryset = version.outcomes.order_by("position", "pk")
        keep = [self.instance.group_id] if self.instance.group_id else []
        self.fields["group"].queryset = target_group_choices(school=school, pupil=pupil, keep=keep)

    def model_fields(self) -> dict:
        return _fields(self, self.Meta.fields)


# --------------------------------------------------------------------------------------------------
# Reviews
# --------------------------------------------------------------------------------------------------


class MeetingForm(EditCheck, BoundedForm):
    """Schedule a review, or move its meeting (the review is then `edits=`)."""

    meeting_on = forms.DateField(
        label="Meeting date",
        widget=DATE_INPUT,
        error_messages={"required": "Give the date of the meeting."},
    )
    place = forms.CharField(label="Where", max_length=200, required=False)

    def __init__(
        self, *args, latest: date | None = None, window: str = "12-month window", **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        if latest is not None:
            self.fields["meeting_on"].help_text = (
                f"Hold it by {long_date(latest)} so the LA can decide within the {window} "
                "(and before any phase transfer)."
            )


class AdviceRequestForm(BoundedForm):
    contributor = forms.ChoiceField(
        label="Who is asked",
        choices=[("", "Choose a contributor")] + list(Advice.Contributor.choices),
        error_messages={"required": "Choose who is asked for advice."},
    )
    name = forms.CharField(
        label="Name or service",
        max_length=120,
        required=False,
        help_text="For example: Dr Patel, North Locality EP Service.",
    )
    requested_on = forms.DateField(
        label="Date asked",
        widget=DATE_INPUT,
        error_messages={"required": "Give the date the advice was requested."},
    )


class AdviceReceiveForm(EditCheck, DocumentForm):
    """Advice received (the advice is `edits=`)."""

    received_on = forms.DateField(
        label="Date received",
        widget=DATE_INPUT,
        error_messages={"required": "Give the date the advice arrived."},
    )
    summary = forms.CharField(label="Summary of the advice", required=False, widget=_text(5))

    field_order = ["received_on", "summary", "document"]


class AdviceSubmitForm(DocumentForm):
    summary = forms.CharField(
        label="Your advice",
        widget=_text(8),
        help_text="What you see in class: progress towards the plan's outcomes, what helps, what "
        "does not, and what you would change.",
        error_messages={"required": "Write your advice."},
    )

    field_order = ["summary", "document"]


class StepForm(BoundedForm):
    """The date a step was done; the meeting's record for "held", the decision for "decided".
    Whether the step may follow is `rules.step_problems`' call (through the service)."""

    on = forms.DateField(widget=DATE_INPUT, error_messages={"required": "Give the date."})

    LABELS = {
        "invited": "Date the invitations were sent",
        "circulated": "Date the advice was circulated",
        "held": "Date the meeting was held",
        "reported": "Date the report was sent to the LA",
        "decided": "Date of the LA's notice",
        "amended": "Date the final amended plan was issued",
    }

    def __init__(self, *args, step: str, outcomes: list[PlanOutcome] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.step = step
        self.outcomes = list(outcomes)
        self.fields["on"].label = self.LABELS[step]
        if step == "held":
            model = AnnualReview
            for name in MEETING_FIELDS:
                if name == "recommendation":
                    continue
                self.fields[name] = forms.CharField(
                    label=model._meta.get_field(name).verbose_name.capitalize(),
                    required=False,
                    widget=_text(3),
                )
            self.fields["attendees"].help_text = "Names and roles, one a line."
            for outcome in self.outcomes:
                n = outcome.position
                self.fields[f"rating_{outcome.pk}"] = forms.ChoiceField(
                    label=f"Progress towards outcome {n}",
                    choices=OutcomeProgress.Rating.choices,
                    widget=forms.RadioSelect,
                    required=False,
                )
                self.fields[f"evidence_{outcome.pk}"] = forms.CharField(
                    label=f"Evidence of progress towards outcome {n}",
                    required=False,
                    widget=_text(3),
                )
            self.fields["recommendation"] = forms.ChoiceField(
                label="The meeting's recommendation",
                choices=AnnualReview.Recommendation.choices,
                widget=forms.RadioSelect,
                required=False,
            )
            self.fields["amendments"].help_text = "The changes to the plan the meeting recommends."
            self.fields[
                "disagreement"
            ].help_text = "Where anyone disagreed with the recommendations, and why."
            order = ["on", "attendees", "pupil_views", "parent_views"]
            self.order_fields(order)
        elif step == "decided":
            self.fields["decision"] = forms.ChoiceField(
                label="The LA's decision",
                choices=AnnualReview.Recommendation.choices,
                widget=forms.RadioSelect,
                required=False,
            )

    def outcome_fields(self) -> list[tuple[PlanOutcome, forms.BoundField, forms.BoundField]]:
        return [
            (o, self[f"rating_{o.pk}"], self[f"evidence_{o.pk}"])
            for o in self.outcomes
            if f"rating_{o.pk}" in self.fields
        ]

    def clean(self):
        data = super().clean()
        for outcome in self.outcomes:
            rating = data.get(f"rating_{outcome.pk}")
            evidence = data.get(f"evidence_{outcome.pk}")
            if evidence and not rating:
                self.add_error(
                    f"rating_{outcome.pk}",
                    f"Choose the progress towards outcome {outcome.position} for its evidence.",
                )
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs: dict = {"on": data.get("on")}
        if self.step == "held":
            kwargs.update({name: data.get(name, "") for name in MEETING_FIELDS})
            kwargs["progress"] = {
                o.pk: (data[f"rating_{o.pk}"], data.get(f"evidence_{o.pk}", ""))
                for o in self.outcomes
                if data.get(f"rating_{o.pk}")
            }
        elif self.step == "decided":
            kwargs["decision"] = data.get("decision", "")
        return kwargs
