"""MIS import pages: upload a CSV, see the dry run, apply it.

The steps between the pages (keeping the file for Apply, checking the dry run is still the one
shown, applying it) are in register.import_steps.
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

from staff.bounds import BoundedForm
from staff.capabilities import Cap
from staff.http import audited, note_detail
from staff.tenancy import school_view

from . import import_steps, mis_import

ALLOWED_EXTENSIONS = (".csv", ".txt", ".tsv")
EXCEL_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".ods")


class UploadForm(BoundedForm):
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
def _preview(request: HttpRequest, done: import_steps.DryRun):
    """The dry run, audited (its counts, never a name) when it is shown."""
    plan = done.plan
    note_detail(request, **plan.counts, new_classes=len(plan.new_classes), sha256=plan.sha256)
    slug = request.school.slug
    return render(
        request,
        "register/import_preview.html",
        {
            "plan": plan,
            "parsed": done.parsed,
            "token": done.token,
            "terms_url": _url("calendar:terms", slug),
            "classes_url": _url("register:classes", slug),
        },
    )


def _upload_page(request: HttpRequest, form: UploadForm) -> dict:
    return {
        "form": form,
        "columns": mis_import.accepted_columns(),
        "max_mb": mis_import.MAX_BYTES // 1024 // 1024,
        "max_rows": mis_import.MAX_ROWS,
        "register_url": _register_url(request.school.slug),
    }


@school_view(Cap.MIS_IMPORT)
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    if form.is_bound and form.is_valid():
        done = import_steps.dry_run(
            session=request.session,
            school=request.school,
            parsed=form.cleaned_data["parsed"],
            raw=form.cleaned_data["raw"],
            now=timezone.now(),
            today=timezone.localdate(),
        )
        return _preview(request, done)
    return render(request, "register/import_upload.html", _upload_page(request, form))


@school_view(Cap.MIS_IMPORT)
@require_POST
def apply(request: HttpRequest) -> HttpResponse:
    applied = import_steps.apply(
        session=request.session,
        school=request.school,
        access=request.access,
        token=request.POST.get("token", ""),
        now=timezone.now(),
        today=timezone.localdate(),
    )
    if applied.again is not None:
        messages.warning(request, import_steps.CHANGED)
        return _preview(request, applied.again)
    if applied.error:
        messages.error(request, applied.error)
    else:
        messages.success(request, f"The MIS import is done: {applied.summary}.")
    return redirect("mis_import:upload", school_slug=request.school.slug)
