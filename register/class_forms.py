from __future__ import annotations

from django import forms

from staff.bounds import BoundedForm
from staff.capabilities import CLASS_ASSISTANT_ROLES, CLASS_TEACHER_ROLES
from staff.edits import EditCheck
from staff.models import School, User

from .models import TeachingGroup


def _staff(school: School, roles: tuple[str, ...]):
    return (
        User.objects.filter(
            memberships__school=school,
            memberships__role__in=roles,
            memberships__ended_at__isnull=True,
            is_active=True,
        )
        .order_by("full_name")
        .distinct()
    )


class ClassStaffForm(EditCheck, BoundedForm):
    """Who teaches and assists in a class (the class is `edits=`)."""

    teachers = forms.ModelMultipleChoiceField(
        label="Teachers",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="They see the register, pupil pages and passports of this class.",
    )
    assistants = forms.ModelMultipleChoiceField(
        label="Teaching assistants",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="They see the register and passports of this class.",
    )

    def __init__(self, *args, school: School, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["teachers"].queryset = _staff(school, CLASS_TEACHER_ROLES)
        self.fields["assistants"].queryset = _staff(school, CLASS_ASSISTANT_ROLES)


class NewClassForm(BoundedForm):
    name = forms.CharField(
        label="Class name", max_length=60, help_text="As in the MIS, for example 4B or 9R."
    )

    def __init__(self, *args, school: School, year, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.school, self.year = school, year

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if self.year is None:
            raise forms.ValidationError("Add this year's term dates first (Term dates page).")
        if TeachingGroup.objects.filter(
            school=self.school, academic_year=self.year, name__iexact=name
        ).exists():
            raise forms.ValidationError(f"There is already a class called {name} this year.")
        return name
