"""Forms of the Early Help pages. The rules (consent first, reviews within the interval) are the
services'; a form says what is missing and how a date is typed."""

from __future__ import annotations

from django import forms

from staff.bounds import BoundedForm, date_field
from staff.edits import EditCheck

from . import early_help_rules as rules


def _date(label: str, *, required: str | None, help_text: str = "") -> forms.DateField:
    """A date field; `required` is the message when it is left empty (None: optional)."""
    return date_field(
        label, required=required is not None, missing=required or "", help_text=help_text
    )


def _text(label: str, *, max_length: int, required: str | None = None, help_text: str = ""):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required is not None,
        help_text=help_text,
        error_messages={"required": required or ""},
    )


def _long(label: str, *, required: str | None = None, rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": rows}),
        required=required is not None,
        error_messages={"required": required or ""},
    )


class EarlyHelpForm(BoundedForm):
    """Start a pupil's Early Help: the stage, the start, the family's consent and the lead."""

    stage = forms.ChoiceField(
        label="Stage",
        choices=[(s.value, s.label) for s in (rules.Stage.ASSESSMENT, rules.Stage.PLAN)],
    )
    started_on = _date("Started on", required="Enter the date Early Help started.")
    consent_given_by = _text(
        "Consent given by",
        max_length=120,
        required=rules.CONSENT_MISSING,
        help_text="Who in the family agreed, for example “Mother (Jo Smith)”.",
    )
    consent_on = _date("Consent given on", required=rules.CONSENT_MISSING)
    lead_name = _text(
        "Lead practitioner",
        max_length=120,
        required="Name the lead practitioner (at the school, or in another service).",
    )
    lead_role = _text("Their role", max_length=120, help_text="For example SENDCo, family worker.")
    lead_organisation = _text("Their organisation", max_length=120)
    lead_contact = _text(
        "How to reach them", max_length=200, help_text="An email or a phone number."
    )


class EarlyHelpEditForm(EditCheck, EarlyHelpForm):
    """Change an open Early Help (the record is `edits=`): its stage by the allowed steps, its
    start and consent, its lead practitioner."""

    def __init__(self, *args, stage: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        allowed = rules.TRANSITIONS.get(stage, frozenset())
        self.fields["stage"].choices = [
            (s.value, s.label) for s in rules.OPEN_STAGES if s == stage or s in allowed
        ]


class ReviewForm(BoundedForm):
    """A Team Around the Family review held."""

    held_on = _date("Held on", required="Enter the date the review meeting was held.")
    attended = _long(
        "Who attended", required="Say who attended (the family, the lead, the services).", rows=2
    )
    summary = _long("What was agreed", required="Say briefly what the review agreed.")
    next_review_on = _date(
        "Next review",
        required=None,
        help_text="The date the meeting agreed; leave empty for the school's interval.",
    )

    def __init__(self, *args, weeks: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["next_review_on"].help_text = (
            f"The date the meeting agreed, within {weeks} weeks; leave empty and it is due "
            f"{weeks} weeks after this review."
        )


class CloseForm(EditCheck, BoundedForm):
    """Close an Early Help (the record is `edits=`)."""

    closed_on = _date("Closed on", required="Enter the date Early Help closed.")
    close_reason = _long(
        "Why it closed",
        required="Say why Early Help is closing (for example, the plan's aims met).",
        rows=3,
    )


class SettingsForm(EditCheck, BoundedForm):
    """The school's Early Help review interval (its settings row, if any, is `edits=`)."""

    review_weeks = forms.IntegerField(
        label="Team Around the Family reviews every (weeks)",
        widget=forms.NumberInput(
            attrs={"min": rules.REVIEW_WEEKS_MIN, "max": rules.REVIEW_WEEKS_MAX}
        ),
        help_text=(
            f"Your local authority's interval, from {rules.REVIEW_WEEKS_MIN} to "
            f"{rules.REVIEW_WEEKS_MAX} weeks."
        ),
        error_messages={
            "required": rules.review_weeks_problem(None),
            "invalid": rules.review_weeks_problem(None),
        },
    )
