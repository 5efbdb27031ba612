"""Small helpers for views."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, QueryDict


def form_data(request: HttpRequest) -> QueryDict | None:
    """The POST data to bind a form to, or None on a GET.

    Not `request.POST or None`: a POST whose boxes are all unticked sends nothing, and an
    empty QueryDict is false, so the form would stay unbound and the change be silently lost.
    """
    return request.POST if request.method == "POST" else None


def add_service_errors(form: Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has one,
    otherwise at the top (the error summary lists both)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
