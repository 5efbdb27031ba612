"""What the families pages show, worked out here so the templates only lay it out."""

from __future__ import annotations

from datetime import datetime

import segno
from django.conf import settings
from django.urls import reverse
from django.utils.safestring import mark_safe

from register.models import Pupil
from staff.capabilities import Cap
from staff.tenancy import Access

from . import link_selectors, rules
from .link_forms import LinkForm, SummaryForm
from .models import ViewsLink


def links(
    *,
    access: Access,
    pupil: Pupil,
    now: datetime,
    link_form: LinkForm | None = None,
    summary_form: SummaryForm | None = None,
) -> dict:
    """A pupil's links with where each stands and the views given, and the forms to add one."""
    rows = [(link, link.status(now)) for link in link_selectors.links_of(pupil=pupil)]
    return {
        "pupil": pupil,
        "rows": [
            {"link": link, "status": status, "label": ViewsLink.Status(status).label}
            for link, status in rows
        ],
        "can_send": access.can(Cap.FAMILY_LINKS_SEND),
        "open_statuses": (ViewsLink.Status.WAITING, ViewsLink.Status.OPENED),
        "summaries": link_selectors.summaries_of(pupil=pupil),
        "link_form": link_form or LinkForm(pupil=pupil),
        "summary_form": summary_form or SummaryForm(),
        "days": settings.FAMILY_LINK_DAYS,
        "link_create_url": reverse(
            "families:link_create", args=[access.school.slug, pupil.public_id]
        ),
    }


def public_url(code: str) -> str:
    return settings.SITE_URL + reverse("families_public:link", args=[rules.normalise(code)])


def qr_svg(url: str) -> str:
    svg = segno.make(url, error="m").svg_inline(
        scale=5,
        light="#fff",
        title="QR code that opens the link",
        svgclass="family-qr",
    )
    return mark_safe(svg)  # noqa: S308 - segno's own markup; the URL inside is escaped by segno


def printed(*, link: ViewsLink, code: str | None) -> dict:
    """The page to print for a family: the school, the address, the code and its QR code."""
    found = {
        "link": link,
        "school": link.school,
        "start_url": settings.SITE_URL + reverse("families_public:start"),
        "code": None,
    }
    if code:
        found.update(code=rules.shown(code), url=public_url(code), qr=qr_svg(public_url(code)))
    return found
