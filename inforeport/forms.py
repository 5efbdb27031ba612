"""Forms of the SEN information report's pages."""

from __future__ import annotations

from django import forms

from staff.bounds import DATE_INPUT, BoundedModelForm
from staff.edits import EditCheck

from .models import InfoReport, ItemText

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class ItemForm(EditCheck, BoundedModelForm):
    class Meta:
        model = ItemText
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 12})}
        labels = {"text": "The school's words"}
        help_texts = {
            "text": 'Plain text for the school\'s website: a line starting with "- " is a '
            "bullet point. Never name or describe a pupil."
        }


class DatesForm(EditCheck, BoundedModelForm):
    class Meta:
        model = InfoReport
        fields = ["send_policy_review_on", "accessibility_plan_review_on"]
        widgets = {
            "send_policy_review_on": DATE_INPUT,
            "accessibility_plan_review_on": DATE_INPUT,
        }
        labels = {
            "send_policy_review_on": "The SEND policy is next reviewed by",
            "accessibility_plan_review_on": "The accessibility plan is next reviewed by",
        }
        help_texts = {
            "accessibility_plan_review_on": "The plan covers three years and is reviewed every "
            "three years (Equality Act 2010, Schedule 10).",
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in self.fields:
            self.fields[name].input_formats = DATE_FORMATS
