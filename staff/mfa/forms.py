from __future__ import annotations

from django import forms


class CodeForm(forms.Form):
    """One box for a code from the app (6 digits) or a backup code."""

    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="The 6-digit code your authenticator app shows now, or one of your backup codes.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class SetupCodeForm(forms.Form):
    code = forms.CharField(
        label="Code from the app",
        max_length=10,
        help_text="The 6-digit code the app shows for sendco.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
