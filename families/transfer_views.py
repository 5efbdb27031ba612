"""Moving school: this year's leavers, a pupil's moving page (record that they left, make the
transfer pack, the packs made and the history from their previous school), the pack's PDF and
JSON, and the import of a portable plan that arrived with a pupil."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from register.access import pupil_or_404
from staff.capabilities import Cap
from staff.http import audited, form_data, note_detail, save_form, say_form_errors
from staff.pdf import pdf_response
from staff.tenancy import school_view

from . import portable, transfer_pages, transfer_selectors, transfer_services
from .transfer_access import pack_or_404
from .transfer_forms import ConfirmForm, ImportForm, LeaverForm, PackForm


def _to_pupil(request: HttpRequest, pupil) -> HttpResponse:
    return redirect("families:transfer", school_slug=request.school.slug, public_id=pupil.public_id)


@school_view(Cap.TRANSFER_VIEW)
@audited("families.leavers_viewed")
@require_safe
def leavers(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = list(transfer_selectors.leavers(school=request.school, today=today))
    note_detail(request, leavers=len(rows))
    return render(request, "families/leavers.html", {"rows": rows, "today": today})


@school_view(Cap.TRANSFER_VIEW)
@audited("families.transfer_viewed")
@require_safe
def transfer(request: HttpRequest, public_id) -> HttpResponse:
    pupil = pupil_or_404(request, public_id)
    page = transfer_pages.transfer_page(access=request.access, pupil=pupil)
    return render(request, "families/transfer.html", page)


@school_view(Cap.TRANSFER_MANAGE)
@require_POST
def leaver(request: HttpRequest, public_id) -> HttpResponse:
    pupil = pupil_or_404(request, public_id)
    form = LeaverForm(form_data(request))
    saved = save_form(
        request,
        form,
        lambda data: transfer_services.pupil_leaving_record(
            access=request.access,
            pupil=pupil,
            leaving_date=data["leaving_date"],
            destination=data["destination"],
        ),
        success=f"{pupil.name}'s leaving date is saved.",
    )
    if not saved:
        say_form_errors(request, form)
    return _to_pupil(request, pupil)


@school_view(Cap.TRANSFER_MANAGE)
@require_POST
def pack_make(request: HttpRequest, public_id) -> HttpResponse:
    pupil = pupil_or_404(request, public_id)
    form = PackForm(form_data(request))
    saved = save_form(
        request,
        form,
        lambda data: transfer_services.transfer_pack_make(
            access=request.access,
            pupil=pupil,
            to_school=data["to_school"],
            to_urn=data["to_urn"],
            today=timezone.localdate(),
        ),
        success=lambda pack: f"The transfer pack for {pack.to_school} is ready to download.",
    )
    if not saved:
        say_form_errors(request, form)
    return _to_pupil(request, pupil)


@school_view(Cap.TRANSFER_VIEW)
@audited("families.pack_downloaded")
@require_safe
def pack_pdf(request: HttpRequest, public_id) -> HttpResponse:
    pack = pack_or_404(request, public_id)
    note_detail(request, format="pdf")
    context = transfer_pages.pack_context(pack=pack)
    filename = transfer_pages.pdf_filename(pack)
    return pdf_response(request, "families/transfer_pack.html", context, filename=filename)


@school_view(Cap.TRANSFER_VIEW)
@audited("families.pack_downloaded")
@require_safe
def pack_json(request: HttpRequest, public_id) -> HttpResponse:
    pack = pack_or_404(request, public_id)
    note_detail(request, format="json")
    response = HttpResponse(portable.dumps(pack.document), content_type="application/json")
    filename = transfer_pages.json_filename(pack)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@audited("families.import_previewed", methods=("POST",))
def _preview(request: HttpRequest, form: ImportForm) -> HttpResponse:
    found = form.cleaned_data["preview"]
    note_detail(request, matched=found.matched is not None, counts=found.counts)
    confirm = ConfirmForm(initial={"document": form.cleaned_data["raw"].decode("utf-8")})
    context = {"preview": found, "confirm": confirm}
    return render(request, "families/import_preview.html", context)


@school_view(Cap.TRANSFER_MANAGE)
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    form = ImportForm(form_data(request), request.FILES or None, school=request.school)
    if form.is_bound and form.is_valid():
        return _preview(request, form)
    return render(request, "families/import_upload.html", {"form": form})


@school_view(Cap.TRANSFER_MANAGE)
@require_POST
def import_confirm(request: HttpRequest) -> HttpResponse:
    form = ConfirmForm(form_data(request))
    saved = save_form(
        request,
        form,
        lambda data: transfer_services.portable_plan_import(
            access=request.access, raw=data["document"].encode("utf-8")
        ),
        success=lambda pupil: f"{pupil.name}'s records from their previous school are imported.",
    )
    if saved:
        return _to_pupil(request, saved.result)
    context = {"form": ImportForm(school=request.school), "refused": form}
    return render(request, "families/import_upload.html", context, status=422)
