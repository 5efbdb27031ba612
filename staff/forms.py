from __future__ import annotations

import uuid

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.db import transaction
from django.http import HttpRequest

from . import documents
from .audit_words import action_words
from .bounds import DATE_INPUT, BoundedForm
from .capabilities import assignable_roles, duties_for_role
from .client_ip import client_ip
from .edits import EditCheck
from .models import Membership, School, User, canonical_email
from .selectors import Cursor


class CanonicalEmailField(forms.EmailField):
    """An address in the spelling sign-in uses (`canonical_email`), folded before it is
    checked, so `nia＠school.org` is nia@school.org and not an invalid address."""

    def to_python(self, value):
        return canonical_email(super().to_python(value))


class InviteForm(BoundedForm):
    full_name = forms.CharField(label="Full name", max_length=150)
    email = CanonicalEmailField(label="Email address", help_text="The invitation goes here.")
    role = forms.ChoiceField(label="Role")

    def __init__(self, *args, by_role: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # No role is preselected: giving someone SENDCo rights must be a deliberate choice.
        self.fields["role"].choices = [("", "Choose a role")] + [
            (r.value, r.label) for r in assignable_roles(by_role)
        ]


class RoleForm(EditCheck, BoundedForm):
    """A person's role in the school (their membership is `edits=`)."""

    role = forms.ChoiceField(label="Role")

    def __init__(self, *args, by_role: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r.value, r.label) for r in assignable_roles(by_role)]


class DutiesForm(EditCheck, BoundedForm):
    """The named duties a person holds beyond their role (their membership is `edits=`)."""

    duties = forms.MultipleChoiceField(
        label="Duties",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Each gives the pages it needs, whatever the role. Untick to take it away.",
    )

    def __init__(self, *args, role: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["duties"].choices = [(d.value, d.label) for d in duties_for_role(role)]

    @classmethod
    def for_member(cls, membership, data=None) -> DutiesForm:
        """The form for this person: the duties their role may hold, theirs ticked."""
        initial = {"duties": membership.duties}
        return cls(data, role=membership.role, initial=initial, edits=membership)


class AuditFilterForm(BoundedForm):
    person = forms.ModelChoiceField(
        label="Person", queryset=User.objects.none(), required=False, empty_label="Anyone"
    )
    action = forms.ChoiceField(label="Action", required=False)
    date_from = forms.DateField(label="From", required=False, widget=DATE_INPUT)
    date_to = forms.DateField(label="To", required=False, widget=DATE_INPUT)
    # The pupil page's "who has looked at this record" link narrows the log to one pupil; the
    # other filters keep it.
    pupil = forms.CharField(required=False, max_length=36, widget=forms.HiddenInput)
    # The "Older" and "Newer" links: the (time, id) of the row the page ends at.
    older = forms.CharField(required=False, max_length=80, widget=forms.HiddenInput)
    newer = forms.CharField(required=False, max_length=80, widget=forms.HiddenInput)

    def __init__(self, *args, school: School, actions: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        staff_ids = Membership.objects.filter(school=school).values("user_id")
        # A person is listed by name (`User.__str__`): only what that reads.
        self.fields["person"].queryset = User.objects.filter(pk__in=staff_ids).only(
            "full_name", "email"
        )
        self.fields["action"].choices = [("", "Any action")] + sorted(
            ((a, action_words(a)) for a in actions), key=lambda choice: choice[1]
        )

    def clean_pupil(self) -> uuid.UUID | None:
        """A pupil's public id (a UUID field would meet the bounded forms' length check)."""
        value = self.cleaned_data["pupil"]
        try:
            return uuid.UUID(value) if value else None
        except ValueError:
            raise forms.ValidationError("This link to a pupil's events is not valid.") from None

    def clean_older(self) -> Cursor | None:
        return self._cursor("older")

    def clean_newer(self) -> Cursor | None:
        return self._cursor("newer")

    def _cursor(self, name: str) -> Cursor | None:
        value = self.cleaned_data[name]
        try:
            return Cursor.parse(value) if value else None
        except ValueError:
            raise forms.ValidationError("This link to a page of the log is not valid.") from None

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError("The 'from' date must be on or before the 'to' date.")
        return data


class QueuedPasswordResetForm(PasswordResetForm):
    """Sends the reset email through Celery, so known and unknown addresses answer alike, and
    only within the limits per address and per IP (`staff.lockout.password_reset_request`).
    Invited people who never chose a password may ask for a link too."""

    email = CanonicalEmailField(
        label="Email", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def save(self, *args, request: HttpRequest | None = None, **kwargs) -> None:
        from .lockout import password_reset_request
        from .tasks import send_password_reset_email

        ip = client_ip(request) if request is not None else None
        user = password_reset_request(email=self.cleaned_data["email"], ip=ip)
        if user is not None:
            transaction.on_commit(lambda: send_password_reset_email.delay(user.pk))


class SignInForm(AuthenticationForm):
    """Django's sign-in form without `autofocus`: focus starts at the top of the page, so the
    first Tab reaches the skip link and a screen reader hears the heading first."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.pop("autofocus", None)


class DocumentForm(BoundedForm):
    """A form with an optional document (review advice, an outside agency's report), checked by
    its bytes (`documents.check_upload`); `document_type` is what they are."""

    document = forms.FileField(
        label="Document (optional)",
        required=False,
        help_text="A PDF, a Word document (.docx), or a PNG or JPEG picture.",
    )

    document_type = ""

    def clean_document(self):
        upload = self.cleaned_data.get("document")
        if upload:
            self.document_type = documents.check_upload(upload)
        return upload or None
