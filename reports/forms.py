"""Forms of the termly report."""

from __future__ import annotations

from django import forms

from staff.bounds import BoundedForm, BoundedModelForm
from staff.calendar import SeasonTerm
from staff.edits import EditCheck

from .models import TermReport
from .selectors import term_name


class TermChoiceForm(BoundedForm):
    term = forms.ChoiceField(
        label="Term", error_messages={"required": "Choose the term the report is for."}
    )

    def __init__(self, *args, terms: list[SeasonTerm], default: SeasonTerm | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.terms = {t.starts_on.isoformat(): t for t in terms}
        self.fields["term"].choices = [(key, term_name(t)) for key, t in self.terms.items()]
        if default is not None:
            self.fields["term"].initial = default.starts_on.isoformat()

    def clean(self) -> dict:
        data = super().clean()
        term = self.terms.get(data.get("term", ""))
        if term is not None:
            data.update(period=term_name(term), starts_on=term.starts_on, ends_on=term.ends_on)
            del data["term"]
        return data


class WordsForm(EditCheck, BoundedModelForm):
    class Meta:
        model = TermReport
        fields = ["commentary", "priorities"]
        widgets = {
            "commentary": forms.Textarea(attrs={"rows": 8}),
            "priorities": forms.Textarea(attrs={"rows": 5}),
        }
