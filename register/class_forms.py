from __future__ import annotations

from django import forms
from django.utils.html import escape

from staff import skills as staff_skills
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


class SkilledStaffField(forms.ModelMultipleChoiceField):
    """Members of staff, each labelled with what they are trained in (`skills`, by user id)."""

    skills: dict[int, staff_skills.Skills]

    def label_from_instance(self, obj: User) -> str:
        return staff_skills.with_skills(str(obj), getattr(self, "skills", {}).get(obj.pk))


class ClassStaffForm(EditCheck, BoundedForm):
    """Who teaches and assists in a class (the class is `edits=`). `skills` (by user id) labels
    each person with their training, `needs_hint` says what the class's SEN pupils need."""

    teachers = SkilledStaffField(
        label="Teachers",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="They see the register, pupil pages and passports of this class.",
    )
    assistants = SkilledStaffField(
        label="Teaching assistants",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="They see the register and passports of this class.",
    )

    def __init__(self, *args, school: School, skills=None, needs_hint: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["teachers"].queryset = _staff(school, CLASS_TEACHER_ROLES)
        self.fields["assistants"].queryset = _staff(school, CLASS_ASSISTANT_ROLES)
        for name in ("teachers", "assistants"):
            self.fields[name].skills = skills or {}
            if needs_hint:
                self.fields[name].help_text += " " + escape(needs_hint)


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
