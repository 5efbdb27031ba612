from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm

from .bounds import BoundedForm
from .capabilities import assignable_roles
from .models import Membership, School, User


class InviteForm(BoundedForm):
    full_name = forms.CharField(label="Full name", max_length=150)
    email = forms.EmailField(label="Email address", help_text="The invitation goes here.")
    role = forms.ChoiceField(label="Role")

    def __init__(self, *args, by_role: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # No role is preselected: giving someone SENDCo rights must be a deliberate choice.
        self.fields["role"].choices = [("", "Choose a role")] + [
            (r.value, r.label) for r in assignable_roles(by_role)
        ]


class RoleForm(BoundedForm):
    role = forms.ChoiceField(label="Role")

    def __init__(self, *args, by_role: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r.value, r.label) for r in assignable_roles(by_role)]


class AuditFilterForm(BoundedForm):
    person = forms.ModelChoiceField(
        label="Person", queryset=User.objects.none(), required=False, empty_label="Anyone"
    )
    action = forms.ChoiceField(label="Action", required=False)
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, school: School, actions: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        staff_ids = Membership.objects.filter(school=school).values("user_id")
        self.fields["person"].queryset = User.objects.filter(pk__in=staff_ids)
        self.fields["action"].choices = [("", "Any action")] + [(a, a) for a in actions]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError("The 'from' date must be on or before the 'to' date.")
        return data


class QueuedPasswordResetForm(PasswordResetForm):
    """Sends the reset email through Celery, so known and unknown addresses answer alike."""

    def get_users(self, email: str):
        # Invited people who never chose a password may ask for a link too.
        return User.objects.filter(email__iexact=email.strip(), is_active=True)

    def save(self, *args, **kwargs) -> None:
        from django.db import transaction

        from .tasks import send_password_reset_email

        for user in self.get_users(self.cleaned_data["email"]):
            transaction.on_commit(lambda pk=user.pk: send_password_reset_email.delay(pk))


class SignInForm(AuthenticationForm):
    """Django's sign-in form without `autofocus`: focus starts at the top of the page, so the
    first Tab reaches the skip link and a screen reader hears the heading first."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.pop("autofocus", None)
