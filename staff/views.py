"""Staff accounts, the audit log and account pages. Views: access -> form -> service -> render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from . import selectors, services
from .capabilities import Cap, may_change_member
from .forms import AuditFilterForm, DutiesForm, InviteForm, QueuedPasswordResetForm, RoleForm
from .http import audited, form_data, run_action, save_form, say_form_errors
from .lockout import lock_clear
from .mfa import services as mfa_services
from .mfa.step_up import step_up
from .models import Membership
from .tenancy import school_view


def _membership_or_404(request: HttpRequest, public_id) -> Membership:
    membership = selectors.membership_in_school(school=request.school, public_id=public_id)
    if membership is None:
        raise Http404("No such member of staff.")
    return membership


@school_view(Cap.STAFF_VIEW)
@require_safe
def staff_list(request: HttpRequest) -> HttpResponse:
    show_ended = request.GET.get("show") == "all"
    memberships = selectors.staff_for_school(school=request.school, include_ended=show_ended)
    return render(
        request,
        "staff/staff_list.html",
        {
            "memberships": memberships,
            "show_ended": show_ended,
            "can_manage": request.access.can(Cap.STAFF_MANAGE),
        },
    )


@school_view(Cap.STAFF_MANAGE)
@require_http_methods(["GET", "POST"])
@step_up
def staff_invite(request: HttpRequest) -> HttpResponse:
    form = InviteForm(form_data(request), by_role=request.access.role)
    saved = save_form(
        request,
        form,
        lambda data: services.staff_invite(
            school=request.school, by=request.user, by_role=request.access.role, **data
        ),
        success=lambda membership: (
            f"Invitation sent to {membership.user.email} as {membership.get_role_display()}."
        ),
    )
    if saved:
        return redirect("staff:list", school_slug=request.school.slug)
    return render(request, "staff/staff_invite.html", {"form": form})


@school_view(Cap.STAFF_VIEW)
@require_http_methods(["GET", "POST"])
@step_up
def staff_member(request: HttpRequest, public_id) -> HttpResponse:
    membership = _membership_or_404(request, public_id)
    may_change = may_change_member(request.access, membership)
    if request.method == "POST" and not may_change:
        raise PermissionDenied("You cannot change this person's role.")
    form = RoleForm(
        form_data(request),
        by_role=request.access.role,
        initial={"role": membership.role},
        edits=membership,
    )
    saved = save_form(
        request,
        form,
        lambda data: services.membership_change_role(
            membership=membership, role=data["role"], by=request.user, by_role=request.access.role
        ),
        success=lambda changed: f"{changed.user.full_name} is now {changed.get_role_display()}.",
    )
    if saved:
        return redirect("staff:list", school_slug=request.school.slug)
    duties = DutiesForm.for_member(membership)
    context = {"membership": membership, "form": form, "may_change": may_change}
    return render(request, "staff/staff_member.html", {**context, "duties_form": duties})


@school_view(Cap.STAFF_MANAGE)
@require_POST
def staff_duties(request: HttpRequest, public_id) -> HttpResponse:
    """Give or take away a person's named duties; a refusal is said on their page."""
    membership = _membership_or_404(request, public_id)
    form = DutiesForm.for_member(membership, data=request.POST)
    save_form(
        request,
        form,
        lambda data: services.membership_set_duties(
            membership=membership,
            duties=data["duties"],
            by=request.user,
            by_role=request.access.role,
        ),
        success=f"{membership.user.full_name}'s duties are saved.",
    )
    say_form_errors(request, form)
    return redirect("staff:member", school_slug=request.school.slug, public_id=membership.public_id)


@school_view(Cap.STAFF_MANAGE)
@require_POST
@step_up
def staff_deactivate(request: HttpRequest, public_id) -> HttpResponse:
    membership = _membership_or_404(request, public_id)
    services.membership_end(membership=membership, by=request.user, by_role=request.access.role)
    messages.success(
        request, f"{membership.user.full_name} no longer has access to {request.school.name}."
    )
    return redirect("staff:list", school_slug=request.school.slug)


@school_view(Cap.AUDIT_VIEW)
@audited("audit.viewed")
@require_safe
def audit_log(request: HttpRequest) -> HttpResponse:
    """The log a page at a time, newest first; "Older" and "Newer" carry the edge row's
    (time, id), so a page costs the same at the first event or the millionth."""
    actions = selectors.audit_actions()
    form = AuditFilterForm(request.GET or None, school=request.school, actions=actions)
    narrowed = form.cleaned_data if form.is_bound and form.is_valid() else {}
    older_than, newer_than = narrowed.pop("older", None), narrowed.pop("newer", None)
    page = selectors.audit_page(
        school=request.school, older_than=older_than, newer_than=newer_than, **narrowed
    )
    pupil = narrowed.get("pupil")
    context = {
        "form": form,
        "page": page,
        "query": _without(request, "older", "newer"),
        "pupil": pupil,
        "subject": selectors.audit_subject(events=page.events, pupil=pupil),
    }
    return render(request, "staff/audit_log.html", context)


def _without(request: HttpRequest, *names: str) -> str:
    """The page's query string but `names`, for links that set them anew."""
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


class InvitationAcceptView(auth_views.PasswordResetConfirmView):
    """The link in an invitation: choose a password, then land signed in on your home page."""

    template_name = "registration/invitation_accept.html"
    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        with services.access_changes_by(form.user, via="sendco", audited=True):
            response = super().form_valid(form)
        services.account_event(user=form.user, action="staff.invitation_accepted")
        messages.success(self.request, "Welcome to sendco. Your password is set.")
        return response


class PasswordResetView(auth_views.PasswordResetView):
    form_class = QueuedPasswordResetForm
    success_url = reverse_lazy("password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        with services.access_changes_by(form.user, via="sendco", audited=True):
            response = super().form_valid(form)
        services.account_event(user=form.user, action="auth.password_reset")
        lock_clear(user=form.user)  # holding the mailbox is proof enough: the lock ends now
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        with services.access_changes_by(self.request.user, via="sendco", audited=True):
            response = super().form_valid(form)
        services.account_event(user=self.request.user, action="auth.password_changed")
        messages.success(self.request, "Your password has been changed.")
        return response


@school_view(Cap.MFA_RESET)
@require_POST
@step_up
def staff_mfa_reset(request: HttpRequest, public_id) -> HttpResponse:
    """A lost phone: the colleague sets up two-step sign-in again at their next sign-in."""
    membership = _membership_or_404(request, public_id)
    run_action(
        request,
        lambda: mfa_services.mfa_reset(access=request.access, membership=membership),
        success=f"{membership.user.full_name} will set up two-step sign-in again next time.",
    )
    return redirect("staff:member", school_slug=request.school.slug, public_id=public_id)
