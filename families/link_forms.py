"""Forms of parents' links: the school's (a new link, a translated summary) and the parent's
(the code, the child's date of birth, the views). The parent's are written in plain words and
marked for translation."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from register.models import Pupil, ViewsGiven
from staff import documents
from staff.bounds import BoundedForm

from . import link_selectors


class ContactChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name} ({obj.relationship}): {obj.email}"


class LinkForm(BoundedForm):
    purpose = forms.ChoiceField(label="What is it for?", choices=ViewsGiven.Purpose.choices)
    contact = ContactChoice(
        label="Email it to",
        queryset=None,
        required=False,
        empty_label="Do not email it: I will print it",
        help_text="Only contacts with an email address are listed.",
    )

    def __init__(self, *args, pupil: Pupil, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = link_selectors.contacts_with_email(pupil=pupil)


class SummaryForm(BoundedForm):
    language = forms.CharField(
        label="Language", max_length=60, help_text="For example: Polish, Urdu, Romanian."
    )
    document = forms.FileField(label="The summary (a PDF)")

    document_type = ""

    def clean_document(self):
        upload = self.cleaned_data.get("document")
        if upload:
            self.document_type = documents.check_upload(upload)
            if self.document_type != documents.PDF:
                raise forms.ValidationError("Upload the summary as a PDF.")
        return upload


class CodeForm(BoundedForm):
    code = forms.CharField(
        label=_("Your code"),
        max_length=30,
        help_text=_("It is on the letter from school. For example: ABCD-EFGH-JKMN."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "class": "form-control",
                "aria-describedby": "id_code_help",
            }
        ),
    )


def _number(label, low: int, high: int, autocomplete: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=low,
        max_value=high,
        widget=forms.NumberInput(
            attrs={"inputmode": "numeric", "autocomplete": autocomplete, "class": "form-control"}
        ),
        error_messages={
            "required": _("Type a number here."),
            "invalid": _("Type a number here."),
            "min_value": _("This number is too small."),
            "max_value": _("This number is too big."),
        },
    )


class BirthForm(BoundedForm):
    """The child's date of birth, in three boxes (GOV.UK's pattern)."""

    day = _number(_("Day"), 1, 31, "bday-day")
    month = _number(_("Month"), 1, 12, "bday-month")
    year = _number(_("Year"), 1990, 2100, "bday-year")


CONTACT_CHOICES = (
    ("email", _("By email")),
    ("phone", _("By phone")),
    ("letter", _("By letter")),
    ("meeting", _("Meet at school")),
)

# The questions, in the order asked: (field, the question as the form asks it).
QUESTIONS = (
    ("going_well", _("What is going well for your child?")),
    ("worries", _("What worries you?")),
    ("next", _("What would you like to happen next?")),
    ("anything_else", _("Is there anything else you want to tell us?")),
)


def _answer(label) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
    )


class ViewsForm(BoundedForm):
    going_well = _answer(QUESTIONS[0][1])
    worries = _answer(QUESTIONS[1][1])
    next = _answer(QUESTIONS[2][1])
    anything_else = _answer(QUESTIONS[3][1])
    contact_how = forms.ChoiceField(
        label=_("How would you like us to contact you?"),
        choices=CONTACT_CHOICES,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        error_messages={"required": _("Choose one way for us to contact you.")},
    )
    given_by = forms.CharField(
        label=_("Your name"),
        max_length=120,
        help_text=_("For example: Sam's mum, Alex Jones."),
        error_messages={"required": _("Type your name.")},
        widget=forms.TextInput(
            attrs={
                "class": "form-control",
                "autocomplete": "name",
                "aria-describedby": "id_given_by_help",
            }
        ),
    )

    def clean(self):
        data = super().clean()
        if not any((data.get(name) or "").strip() for name, _label in QUESTIONS):
            raise forms.ValidationError(_("Please answer at least one question."))
        return data

    def answers(self) -> list[dict]:
        """The answers as `ViewsGiven.answers` keeps them: each question as asked, in order."""
        data = self.cleaned_data
        found = [
            {"question": str(label), "answer": data[name].strip()}
            for name, label in QUESTIONS
            if data.get(name, "").strip()
        ]
        how = dict(CONTACT_CHOICES)[data["contact_how"]]
        found.append({"question": str(self.fields["contact_how"].label), "answer": str(how)})
        return found
