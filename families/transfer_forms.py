"""The transfer's forms: the pupil has left, the pack for the next school, the portable plan
file to import."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from staff.bounds import DATE_INPUT, BoundedForm

from . import portable_read


class LeaverForm(BoundedForm):
    leaving_date = forms.DateField(
        label="Date the pupil left (or leaves)",
        widget=DATE_INPUT,
    )
    destination = forms.CharField(
        label="Where they are going (optional)",
        max_length=200,
        required=False,
        help_text="For example: Riverside Academy.",
    )


class PackForm(BoundedForm):
    to_school = forms.CharField(
        label="Receiving school",
        max_length=200,
        error_messages={"required": "Enter the name of the school the pupil is moving to."},
    )
    to_urn = forms.RegexField(
        label="Its URN (optional)",
        regex=r"^\d{6}$",
        max_length=6,
        required=False,
        help_text="The school's six-digit unique reference number, if you know it.",
        error_messages={"invalid": "A URN is six digits, for example 123456."},
    )


class ImportForm(BoundedForm):
    file = forms.FileField(
        label="Portable plan (JSON file)",
        help_text="The JSON file of the transfer pack the previous school sent. Nothing is "
        "created until you have checked what it holds and chosen Import.",
        error_messages={"required": "Choose the JSON file the previous school sent."},
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > portable_read.MAX_BYTES:
            raise ValidationError(
                f"The file is {upload.size // 1024} KB; the most sendco takes is "
                f"{portable_read.MAX_BYTES // 1024} KB. Is it a portable plan?"
            )
        raw = upload.read()
        self.cleaned_data["raw"] = raw
        self.cleaned_data["preview"] = portable_read.preview(
            school=self.school, document=portable_read.parse(raw)
        )
        return upload


class ConfirmForm(BoundedForm):
    """The file again, as the preview page carries it to the import (checked again there)."""

    document = forms.CharField(widget=forms.HiddenInput, max_length=portable_read.MAX_BYTES)
