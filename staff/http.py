"""Small helpers every view uses: bind a form, save it through a service, run an action, and
audit the request.

One form loop (`save_form`), one loop for a POST action without a form (`run_action`) and one
audit path (`audited`) for the whole site, so a view is access -> form -> service -> redirect or
render, and never catches a service's refusal, writes or audits by hand.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header

from .edits import refuse_stale_edit


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
        for field_name, errors in error.message_dict.items():
            form.add_error(field_name if field_name in form.fields else None, errors)
    else:
        form.add_error(None, error)


@dataclass(frozen=True)
class Saved:
    """What `save_form` hands back when the service succeeded: the service's return value."""

    result: Any


def save_form(
    request: HttpRequest,
    form: Form,
    save: Callable[[dict], Any],
    *,
    success: str | Callable[[Any], str] | None = None,
) -> Saved | None:
    """The one form loop: on a POST with a valid form, call `save(form.cleaned_data)` (a
    service); its ValidationError lands on the form and nothing is lost. Returns `Saved` when
    the service succeeded (the view then redirects), None when the form is to be shown again.
    `success` is the message for the next page, or a function of the service's result.
    A form editing a record someone else saved since it was opened is shown again with both
    versions instead (`staff.edits`)."""
    if request.method != "POST" or not form.is_valid():
        return None
    if refuse_stale_edit(form):
        return None
    try:
        result = save(form.cleaned_data)
    except ValidationError as error:
        add_service_errors(form, error)
        return None
    if success is not None:
        messages.success(request, success(result) if callable(success) else success)
    return Saved(result)


@dataclass(frozen=True)
class Done:
    """What `attempt` and `run_action` hand back: the service's return value, or why it refused
    (false then)."""

    result: Any = None
    errors: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return not self.errors

    @property
    def error(self) -> str:
        """The refusal in one sentence or more (empty when the service succeeded)."""
        return " ".join(self.errors)


def attempt(action: Callable[[], Any]) -> Done:
    """Call `action()` (a service); its ValidationError or PermissionDenied becomes the refusal
    of a false `Done`, for a view that shows it in the page rather than as a message."""
    try:
        return Done(action())
    except ValidationError as error:
        return Done(errors=tuple(error.messages))
    except PermissionDenied as error:
        return Done(errors=(str(error),))


def run_action(
    request: HttpRequest,
    action: Callable[[], Any],
    *,
    success: str | Callable[[Any], str] | None = None,
) -> Done:
    """The one loop for a POST action without a form (start a plan, advance a cycle, remove a
    target): call `action()` (a service); a refusal becomes an error message for the next page,
    one per sentence, and success the `success` message (or a function of the service's result).
    The `Done` is true when the service succeeded."""
    done = attempt(action)
    for message in done.errors:
        messages.error(request, message)
    if done and success is not None:
        messages.success(request, success(done.result) if callable(success) else success)
    return done


@dataclass
class AuditNote:
    """What one request is about, filled in by the access helpers (`pupil_or_404` and the
    like) and the view, and written once by `audited` when the response succeeds."""

    obj: models.Model | None = None
    pupil_public_id: Any = None
    detail: dict = field(default_factory=dict)


def audit_note(request: HttpRequest) -> AuditNote:
    """The request's audit note (created on first use)."""
    note = getattr(request, "audit_note", None)
    if note is None:
        note = request.audit_note = AuditNote()
    return note


def note_subject(
    request: HttpRequest, obj: models.Model, *, pupil_public_id: Any = None, **detail
) -> None:
    """Record which object (and pupil) this request reads or changes, for `audited`."""
    note = audit_note(request)
    if note.obj is None or pupil_public_id is not None:
        note.obj = obj
    if pupil_public_id is not None:
        note.pupil_public_id = pupil_public_id
    note.detail.update(detail)


def say_form_errors(request: HttpRequest, form: Form) -> None:
    """A form posted from another page (an inline form) that is shown again nowhere: its
    mistakes become one error message for the page the view redirects to."""
    found = [message for errors in form.errors.values() for message in errors]
    if found:
        messages.error(request, " ".join(found))


def note_detail(request: HttpRequest, **detail) -> None:
    """Record a few facts about this request (counts, a date, a version; never names) for
    `audited`, when it has no single object."""
    audit_note(request).detail.update(detail)


def _write_audit(request: HttpRequest, action: str, **extra) -> None:
    from .services import audit

    access = getattr(request, "access", None)
    note = audit_note(request)
    audit(
        action=action,
        actor=request.user if request.user.is_authenticated else None,
        school=access.school if access else None,
        role=access.role if access else "",
        obj=note.obj,
        pupil_public_id=note.pupil_public_id,
        detail={**note.detail, **extra} or None,
    )
    request.audit_written = True


def _succeeded(request: HttpRequest, response: HttpResponse, methods: tuple[str, ...]) -> bool:
    return request.method in methods and 200 <= response.status_code < 300


def audited(action: str, *, methods: tuple[str, ...] = ("GET", "HEAD")) -> Callable:
    """Write `action` to the audit log after a successful (2xx) response to one of `methods`,
    with the person, school, role and whatever `note_subject` recorded (the pupil, the object,
    a few facts). Writes are audited by their services; reads are audited here, so a read
    cannot forget its audit. Put it under `school_view`, which sets `request.access`."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            response = view(request, *args, **kwargs)
            if _succeeded(request, response, methods):
                _write_audit(request, action)
            return response

        wrapper.audit_action = action
        return wrapper

    return decorator


def audit_pupil_read(request: HttpRequest, response: HttpResponse) -> None:
    """The safety net under `audited`, called by `school_view` for every page: a page that
    showed a pupil (an access helper noted one) and wrote no audit event of its own, such as
    a form opened to change a pupil's record, is written as `pupil.viewed` with the page's
    name. So no page that shows a pupil goes unaudited, whether or not its view remembered."""
    note = getattr(request, "audit_note", None)
    if (
        note is not None
        and note.pupil_public_id is not None
        and not getattr(request, "audit_written", False)
        and _succeeded(request, response, ("GET", "HEAD"))
    ):
        match = getattr(request, "resolver_match", None)
        _write_audit(request, "pupil.viewed", page=match.view_name if match else "")


def stored_download(file, *, name: str, content_type: str, missing: str) -> HttpResponse:
    """A stored document (review advice, a training certificate) as a download the browser
    neither sniffs nor caches. The file is read whole and closed before the response goes out,
    so nothing is left open when a client stops reading; none stored, or gone, is a 404."""
    if not file:
        raise Http404(missing)
    try:
        with file.storage.open(file.name, "rb") as handle:
            content = handle.read()
    except OSError as error:
        raise Http404("The document is missing.") from error
    response = HttpResponse(content, content_type=content_type or "application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    add_never_cache_headers(response)
    return response
