"""Local authorities (and their timescales) and their contacts."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from staff.capabilities import Cap
from staff.http import form_data, save_form
from staff.tenancy import school_view

from .. import selectors, services
from ..forms import AuthorityForm, ContactForm
from ..models import LocalAuthority
from ._access import GET_POST, authority_or_404, form_page


@school_view(Cap.EHCP_TRACKER)
@require_safe
def authority_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "ehcp/authorities.html",
        {
            "authorities": selectors.authorities_with_counts(school=request.school),
            "can_manage": request.access.can(Cap.EHCP_MANAGE),
        },
    )


def _authority_page(request: HttpRequest, authority: LocalAuthority | None) -> HttpResponse:
    form = AuthorityForm(form_data(request), school=request.school, instance=authority)
    saved = save_form(
        request,
        form,
        lambda _: services.authority_save(
            access=request.access, authority=authority, **form.model_fields()
        ),
        success=lambda saved: f"{saved.name} saved.",
    )
    if saved:
        return redirect("ehcp:authorities", school_slug=request.school.slug)
    contacts = selectors.contacts_of(authority)
    context = {"form": form, "authority": authority, "contacts": contacts}
    return render(request, "ehcp/authority_form.html", context)


@school_view(Cap.EHCP_MANAGE)
@GET_POST
def authority_new(request: HttpRequest) -> HttpResponse:
    return _authority_page(request, None)


@school_view(Cap.EHCP_MANAGE)
@GET_POST
def authority_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _authority_page(request, authority_or_404(request, pk))


@school_view(Cap.EHCP_MANAGE)
@GET_POST
def contact_new(request: HttpRequest, pk: int) -> HttpResponse:
    authority = authority_or_404(request, pk)
    form = ContactForm(form_data(request))
    saved = save_form(
        request,
        form,
        lambda _: services.contact_save(
            access=request.access, authority=authority, **form.model_fields()
        ),
        success=lambda contact: f"{contact.name} added to {authority.name}'s contacts.",
    )
    back_url = reverse("ehcp:authority_edit", args=[request.school.slug, authority.pk])
    if saved:
        return redirect(back_url)
    return form_page(
        request,
        form,
        title=f"Add a contact at {authority.name}",
        back_url=back_url,
        back_label=f"Back to {authority.name}",
        submit_label="Add the contact",
    )
