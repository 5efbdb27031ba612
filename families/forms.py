"""Forms of families: the pupil voice form (symbols ticked, their own words, the face scales)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from register.models import ViewsGiven
from staff.bounds import BoundedForm

from . import voice

DATE_INPUT = forms.DateInput(
    attrs={"type": "date", "class": "form-control voice-short"}, format="%Y-%m-%d"
)
NOTHING_GIVEN = "Tick at least one picture, choose a face or write the pupil's own words."


class PupilVoiceForm(BoundedForm):
    """Four questions of symbols to tick, each with the pupil's own words, and two face scales.
    The template lays the symbols out by hand (`questions` and `faces` give it the fields with
    their symbols); the answers are kept as words by `voice.answers_from`."""

    purpose = forms.ChoiceField(
        label="What are these views for?",
        choices=ViewsGiven.Purpose.choices,
        initial=ViewsGiven.Purpose.PLAN,
        widget=forms.RadioSelect,
    )
    given_on = forms.DateField(
        label="Date", widget=DATE_INPUT, error_messages={"required": "Give the date."}
    )
    given_by = forms.CharField(
        label="Who gave these views",
        max_length=120,
        widget=forms.TextInput(
            attrs={"class": "form-control", "aria-describedby": "given-by-help"}
        ),
        help_text="The pupil and the adult with them, for example: Sam with Mrs Patel.",
        error_messages={"required": "Say who gave these views."},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for question in voice.QUESTIONS:
            self.fields[question.key] = forms.MultipleChoiceField(
                label=question.text,
                choices=[(c.value, c.words) for c in question.choices],
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )
            self.fields[f"{question.key}_words"] = forms.CharField(
                label=f"{voice.OWN_WORDS}: {question.text[:1].lower()}{question.text[1:]}",
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
                required=False,
            )
        for key, text in voice.FACE_QUESTIONS:
            self.fields[key] = forms.TypedChoiceField(
                label=text,
                choices=[(f.score, f.label) for f in voice.FACES],
                coerce=int,
                empty_value=None,
                widget=forms.RadioSelect,
                required=False,
            )

    def questions(self) -> list[tuple]:
        """(question, [(checkbox, choice)], own words field) for the template."""
        laid_out = []
        for question in voice.QUESTIONS:
            boxes = list(self[question.key])
            laid_out.append(
                (
                    question,
                    list(zip(boxes, question.choices, strict=True)),
                    self[f"{question.key}_words"],
                )
            )
        return laid_out

    def faces(self) -> list[tuple]:
        """(field, [(radio, face)]) for each face scale."""
        return [
            (self[key], list(zip(self[key], voice.FACES, strict=True)))
            for key, _ in voice.FACE_QUESTIONS
        ]

    def record_fields(self) -> dict:
        """What the record says about the answers: their purpose, date and who gave them."""
        return {name: self.cleaned_data[name] for name in ("purpose", "given_on", "given_by")}

    def answers(self) -> list[dict]:
        return voice.answers_from(self.cleaned_data)

    def clean(self) -> dict:
        cleaned = super().clean()
        if not self.errors and not voice.answers_from(cleaned):
            raise ValidationError(NOTHING_GIVEN)
        return cleaned
