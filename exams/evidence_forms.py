"""Forms of normal-way-of-working evidence: the SENDCo asks a teacher (or asks again), the
teacher answers. Every choice is filtered by the school, so a forged id fails validation."""

from __future__ import annotations

from django import forms

from staff.bounds import BoundedForm
from staff.models import School, User

from . import evidence_rules as rules
from . import evidence_selectors as selectors

NOT_A_TEACHER = "Choose a teacher of this school."

# Suggested as the SENDCo types (any subject may be typed).
SUBJECTS = (
    "English",
    "English literature",
    "Mathematics",
    "Science",
    "History",
    "Geography",
    "Religious studies",
    "French",
    "Spanish",
    "Computer science",
    "Design and technology",
    "Art and design",
    "Music",
    "Drama",
    "Physical education",
    "Business",
)


class TeacherField(forms.TypedChoiceField):
    """A teacher of the school, the pupil's own teachers first (in a group of their own)."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault(
            "error_messages", {"invalid_choice": NOT_A_TEACHER, "required": NOT_A_TEACHER}
        )
        super().__init__(coerce=int, label="Teacher", **kwargs)


def _teacher_options(choices: list[selectors.TeacherChoice]) -> list:
    theirs = [(c.user.pk, c.label) for c in choices if c.groups]
    others = [(c.user.pk, c.label) for c in choices if not c.groups]
    options: list = [("", "Choose a teacher")]
    if theirs:
        options.append(("Teaches this pupil", theirs))
    if others:
        options.append(("Other teachers", others))
    return options


class _TeacherForm(BoundedForm):
    teacher = TeacherField()

    def __init__(self, *args, school: School, choices: list[selectors.TeacherChoice], **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school
        self.fields["teacher"].choices = _teacher_options(choices)

    def clean_teacher(self) -> User:
        found = selectors.teachers_queryset(school=self.school).filter(
            pk=self.cleaned_data["teacher"]
        )
        teacher = found.first()
        if teacher is None:
            raise forms.ValidationError(NOT_A_TEACHER)
        return teacher


class AskForm(_TeacherForm):
    """Ask one teacher for the evidence of one subject."""

    subject = forms.CharField(
        label="Subject",
        max_length=60,
        error_messages={"required": "Say which subject the evidence is for."},
        help_text="One request per subject, for example English or Science.",
    )
    field_order = ["subject", "teacher"]

    def clean_subject(self) -> str:
        return self.cleaned_data["subject"].strip()


class AskAgainForm(_TeacherForm):
    """Ask for a subject's evidence again, of the same teacher or another."""


class AnswerForm(BoundedForm):
    """The teacher's answer: what the candidate normally uses in lessons and tests."""

    kinds = forms.ModelMultipleChoiceField(
        label="Arrangements the candidate normally uses in your lessons and tests",
        queryset=selectors.active_kinds(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    how = forms.CharField(
        label="How they work in your subject",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=(
            "For example: uses a word processor for all extended writing; needs the questions "
            "read aloud in tests; finishes timed tasks with about a quarter more time. If they "
            "use none of these, say so."
        ),
    )

    def clean(self) -> dict:
        data = super().clean()
        kinds = data.get("kinds") or []
        problems = rules.answer_problems(kind_ids=[k.pk for k in kinds], how=data.get("how", ""))
        for problem in problems:
            self.add_error(None, problem)
        return data
