"""Step-up (AU-07): an action that grants or changes access, or changes one's own two-step
sign-in, needs a code no older than MFA_STEP_UP_SECONDS from a person who has set it up.

One decorator, under `school_view` (so outsiders still get their 404 or 403 first). A stale POST
is answered with a code form that carries the original fields; posting it verifies the code and
runs the action with exactly what was sent, so nothing typed is lost.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import services

CODE_FIELD = "mfa_step_up_code"


def step_up(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if (
            request.method != "POST"
            or services.verified_recently(request)
            or not services.has_mfa(request.user)
        ):
            return view(request, *args, **kwargs)
        code = request.POST.get(CODE_FIELD)
        error = ""
        if code is not None:
            try:
                services.mfa_verify(request=request, code=code, purpose="step_up")
            except ValidationError as refused:
                error = " ".join(refused.messages)
            else:
                data = request.POST.copy()
                data.pop(CODE_FIELD)
                request.POST = data
                return view(request, *args, **kwargs)
        carried = [
            (name, value)
            for name, values in request.POST.lists()
            if name not in (CODE_FIELD, "csrfmiddlewaretoken")
            for value in values
        ]
        context = {"error": error, "carried": carried, "code_field": CODE_FIELD}
        return render(request, "mfa/step_up.html", context)

    wrapper.step_up = True
    return wrapper
