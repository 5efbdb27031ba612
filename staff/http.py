"""Small helpers for views."""

from __future__ import annotations

from django.http import HttpRequest, QueryDict


def form_data(request: HttpRequest) -> QueryDict | None:
    """The POST data to bind a form to, or None on a GET.

    Not `request.POST or None`: a POST whose boxes are all unticked sends nothing, and an
    empty QueryDict is false, so the form would stay unbound and the change be silently lost.
    """
    return request.POST if request.method == "POST" else None
