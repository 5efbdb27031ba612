"""MIS import pages: upload a CSV, see the dry run, apply it.

Between the dry run and "Apply" the file waits on the server (register.mis_import.staging); the
session holds only its token, the sha256 of its bytes and the fingerprint of the dry run shown.
Apply reads the file back, parses and plans again (the register may have changed), and writes
only if the plan is the one the person saw.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from staff.capabilities import Cap
from staff.http import audited, note_detail
from staff.tenancy import school_view

from . import mis_import
from .mis_import import staging

SESSION_KEY = "mis_import"
ALLOWED_EXTENSIONS = (".csv", ".txt", ".tsv")
EXCEL_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".ods")


class UploadForm(forms.Form):
    file = forms.FileField(
        label="MIS export (CSV file)",
        help_text="A CSV file of every pupil on roll, exported from Arbor, SIMS, Bromcom or "
        "another MIS. Nothing changes until you have checked the dry run and chosen Apply.",
        error_messages={"required": "Choose the CSV file exported from your MIS."},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.tsv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if name.endswith(EXCEL_EXTENSIONS):
            raise ValidationError(mis_import.EXCEL_MESSAGE)
        if not name.endswith(ALLOWED_EXTENSIONS):
            raise ValidationError("Choose a CSV file (its name ends in .csv).")
        if upload.size > mis_import.MAX_BYTES:
            raise ValidationError(
                f"The file is {upload.size / 1024 / 1024:.1f} MB; the most sendco takes is "
                f"{mis_import.MAX_BYTES // 1024 // 1024} MB."
            )
        raw = upload.read()
        self.cleaned_data["parsed"] = mis_import.parse(raw)  # MisFileError is a ValidationError
        self.cleaned_data["raw"] = raw
        return upload


def _url(name: str, school_slug: str) -> str | None:
    try:
        return reverse(name, kwargs={"school_slug": school_slug})
    except NoReverseMatch:
        return None


def _register_url(school_slug: str) -> str | None:
    return _url("register:list", school_slug)


@audited("register.mis_import_dry_run", methods=("POST",))
def _preview(request: HttpRequest, plan: mis_import.ImportPlan, parsed, token: str | None):
    """The dry run, audited (its counts, never a name) when it is shown."""
    note_detail(request, **plan.counts, new_classes=len(plan.new_classes), sha256=plan.sha256)
    slug = request.school.slug
    return render(
        request,
        "register/import_preview.html",
        {
            "plan": plan,
            "parsed": parsed,
            "token": token,
            "terms_url": _url("calendar:terms", slug),
            "classes_url": _url("register:classes", slug),
        },
    )


@school_view(Cap.MIS_IMPORT)
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    if form.is_bound and form.is_valid():
        now = timezone.now()
        staging.sweep(now)
        parsed = form.cleaned_data["parsed"]
        plan = mis_import.plan(school=request.school, parsed=parsed, today=timezone.localdate())
        staging.discard((request.session.pop(SESSION_KEY, None) or {}).get("token"))
        token = staging.store(form.cleaned_data["raw"]) if plan.can_apply else None
        if token:
            request.session[SESSION_KEY] = staging.pending(
                token=token,
                sha256=parsed.sha256,
                fingerprint=plan.fingerprint,
                school_id=request.school.pk,
                now=now,
            )
        return _preview(request, plan, parsed, token)
    return render(
        request,
        "register/import_upload.html",
        {
            "form": form,
            "columns": mis_import.accepted_columns(),
            "max_mb": mis_import.MAX_BYTES // 1024 // 1024,
            "max_rows": mis_import.MAX_ROWS,
            "register_url": _register_url(request.school.slug),
        },
    )


@school_view(Cap.MIS_IMPORT)
@require_POST
def apply(request: HttpRequest) -> HttpResponse:
    back = redirect("mis_import:upload", school_slug=request.school.slug)
    pending = request.session.get(SESSION_KEY) or {}
    token = request.POST.get("token", "")
    if not staging.is_latest(token, pending):
        messages.error(
            request,
            "That dry run is not the latest one you made, or it has already been applied. "
            "Upload the file again to see a fresh dry run.",
        )
        return back
    request.session.pop(SESSION_KEY)
    try:
        raw = staging.take(
            token=token, pending=pending, school_id=request.school.pk, now=timezone.now()
        )
    except staging.Refused as refused:
        messages.error(request, str(refused))
        return back

    parsed = mis_import.parse(raw)
    plan = mis_import.plan(school=request.school, parsed=parsed, today=timezone.localdate())
    if plan.fingerprint != pending["fingerprint"]:
        # The register (or the date) changed since the dry run: show the new one.
        if plan.can_apply:
            request.session[SESSION_KEY] = {**pending, "fingerprint": plan.fingerprint}
        else:
            staging.discard(token)
            token = None
        messages.warning(
            request,
            "The register has changed since your dry run, so nothing was imported yet. Check "
            "this new dry run before you apply it.",
        )
        return _preview(request, plan, parsed, token)
    try:
        summary = mis_import.apply(school=request.school, plan=plan, access=request.access)
    except ValidationError as error:
        staging.discard(token)
        messages.error(request, " ".join(error.messages))
        return back
    staging.discard(token)
    messages.success(request, f"The MIS import is done: {summary}.")
    return back
