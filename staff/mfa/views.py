"""Two-step sign-in pages: set up, enter a code at sign-in, your own settings."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ..http import form_data, run_action, save_form
from . import services
from .forms import CodeForm, SetupCodeForm
from .step_up import step_up


def _next_url(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return wanted if safe else "/"


@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app, confirmed by a current code; then the backup codes, once."""
    if services.has_mfa(request.user):
        return redirect("mfa:account")
    device = services.enrolment_start(user=request.user)
    form = SetupCodeForm(form_data(request))
    saved = save_form(
        request,
        form,
        lambda data: services.enrolment_confirm(request=request, device=device, code=data["code"]),
    )
    if saved:
        context = {"codes": saved.result, "next": _next_url(request), "first_time": True}
        return render(request, "mfa/backup_codes.html", context)
    context = {
        "form": form,
        "qr_code": services.qr_code_svg(device),
        "secret": services.secret_in_groups(device),
        "next": _next_url(request),
        "required": services.mfa_required(request.user),
    }
    return render(request, "mfa/setup.html", context)


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """After the password: a code from the app or a backup code, before any other page."""
    if not services.has_mfa(request.user):
        return redirect("mfa:setup")
    form = CodeForm(form_data(request))
    saved = save_form(
        request, form, lambda data: services.mfa_verify(request=request, code=data["code"])
    )
    if saved:
        return redirect(_next_url(request))
    return render(request, "mfa/verify.html", {"form": form, "next": _next_url(request)})


@require_safe
def account(request: HttpRequest) -> HttpResponse:
    """Your two-step sign-in: whether it is on, backup codes left, start again."""
    context = {
        "has_mfa": services.has_mfa(request.user),
        "required": services.mfa_required(request.user),
        "codes_left": services.backup_codes_left(user=request.user),
    }
    return render(request, "mfa/account.html", context)


@require_POST
@step_up
def backup_codes(request: HttpRequest) -> HttpResponse:
    done = run_action(request, lambda: services.backup_codes_replace(request=request))
    if not done:
        return redirect("mfa:account")
    return render(request, "mfa/backup_codes.html", {"codes": done.result, "next": ""})


@require_POST
@step_up
def remove(request: HttpRequest) -> HttpResponse:
    """Start again, e.g. with a new phone: the old app and backup codes stop working."""
    run_action(
        request,
        lambda: services.mfa_remove_own(request=request),
        success="Two-step sign-in is off. Set it up again with your new app.",
    )
    return redirect("mfa:setup")
