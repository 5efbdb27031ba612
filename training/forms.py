"""Forms of the training pages."""

from __future__ import annotations

from django import forms

from register.models import NeedType
from staff import documents
from staff.bounds import BoundedForm, BoundedModelForm
from staff.bounds import date_field as _date
from staff.edits import EditCheck
from staff.models import School

from .models import Course, StaffMember
from .selectors import courses


class CourseField(forms.ModelChoiceField):
    def __init__(self, school: School, **kwargs) -> None:
        super().__init__(
            queryset=courses(school=school),
            empty_label="Choose a course",
            error_messages={
                "required": "Choose the course.",
                "invalid_choice": "Choose a course from this school's catalogue.",
            },
            **kwargs,
        )


class PersonAddForm(EditCheck, BoundedModelForm):
    class Meta:
        model = StaffMember
        fields = ["name", "job_title", "email"]
        labels = {"name": "Full name"}


class PersonForm(EditCheck, BoundedModelForm):
    senco_appointed_on = _date(
        "Started as SENCO on",
        required=False,
        help_text="Only for the SENCO: the day they took the role at this school. The "
        "qualification is due by the third anniversary.",
    )
    left_on = _date("Left on", required=False, help_text="Leave empty while they work here.")

    class Meta:
        model = StaffMember
        fields = [
            "name",
            "job_title",
            "email",
            "senco_appointed_on",
            "senco_months_before",
            "left_on",
        ]
        labels = {"name": "Full name"}


class CompletionForm(BoundedForm):
    course = forms.ModelChoiceField(queryset=Course.objects.none())
    completed_on = _date(
        "Date completed",
        required=False,
        help_text="Leave empty only for a qualification still under way.",
    )
    started_on = _date(
        "Date started", required=False, help_text="For the SENCO qualification: when it began."
    )
    provider = forms.CharField(label="Provider", max_length=120, required=False)
    hours = forms.DecimalField(
        label="Hours",
        max_digits=5,
        decimal_places=1,
        min_value=0.5,
        required=False,
        help_text="Leave empty for the course's usual length.",
    )
    certificate = forms.FileField(
        label="Certificate (optional)",
        required=False,
        help_text="A PDF, a Word document (.docx), or a PNG or JPEG picture.",
    )

    certificate_type = ""

    def __init__(self, *args, school: School, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course"] = CourseField(school)

    def clean_certificate(self):
        upload = self.cleaned_data.get("certificate")
        if upload:
            self.certificate_type = documents.check_upload(upload)
        return upload or None


class SupervisionForm(BoundedForm):
    course = forms.ModelChoiceField(queryset=Course.objects.none())
    on = _date("Date of supervision")
    supervisor = forms.CharField(
        label="Supervisor", max_length=120, required=False, help_text="The psychologist, say."
    )

    def __init__(self, *args, school: School, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course"] = CourseField(school)
        self.fields["course"].queryset = courses(school=school).exclude(supervision="")


def need_choices() -> list[tuple[str, str]]:
    return [(t.code, f"{t.code}: {t.name}") for t in NeedType.objects.filter(active=True)]


class CourseForm(EditCheck, BoundedModelForm):
    covers = forms.MultipleChoiceField(
        label="Needs it prepares staff for",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[],
    )
    archived = forms.BooleanField(label="No longer used (kept on past records)", required=False)

    class Meta:
        model = Course
        fields = [
            "name",
            "description",
            "covers",
            "whole_school",
            "expires_after_months",
            "supervision",
            "qualification",
            "usual_hours",
        ]
        labels = {
            "whole_school": "General SEND training for every adult",
            "expires_after_months": "Renew after (months)",
            "usual_hours": "Usual hours",
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["covers"].choices = need_choices()
        if self.instance.pk is None:
            del self.fields["archived"]  # a new course is in use
        else:
            self.fields["archived"].initial = bool(self.instance.archived_at)


class SessionForm(BoundedForm):
    course = forms.ModelChoiceField(queryset=Course.objects.none())
    on = _date("Date")
    hours = forms.DecimalField(label="Hours", max_digits=5, decimal_places=1, min_value=0.5)
    provider = forms.CharField(label="Provider or trainer", max_length=120, required=False)
    whole_staff = forms.BooleanField(
        label="Whole-staff INSET: everyone is expected", required=False
    )
    invited = forms.ModelMultipleChoiceField(
        label="Who is to attend",
        queryset=StaffMember.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, school: School, people, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course"] = CourseField(school)
        self.fields["invited"].queryset = people


class AttendanceForm(BoundedForm):
    present = forms.ModelMultipleChoiceField(
        label="Present",
        queryset=StaffMember.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, people, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = people


class GapPlanForm(BoundedForm):
    """A proposal of the training plan turned into a planned session in one step: the course
    and the people come with the proposal (hidden); the SENDCo chooses the date and hours."""

    course = forms.ModelChoiceField(queryset=Course.objects.none(), widget=forms.HiddenInput)
    invited = forms.ModelMultipleChoiceField(
        queryset=StaffMember.objects.none(),
        widget=forms.MultipleHiddenInput,
        error_messages={
            "required": "Nobody to invite: everyone is trained already.",
            "invalid_choice": "Someone invited is no longer on this school's staff list.",
        },
    )
    on = _date("Date")
    hours = forms.DecimalField(label="Hours", max_digits=5, decimal_places=1, min_value=0.5)

    def __init__(self, *args, school: School, people, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course"] = CourseField(school, widget=forms.HiddenInput)
        self.fields["invited"].queryset = people
