"""The email that sends a parent their secure link (sent by the Celery task
`families.tasks.email_link`, enqueued when the link is made with a contact chosen).

What it says: the school's name, what the link is for, the link and its code, when it ends, and
that the child's date of birth is asked. Not the child's name, nor anything about them: an email
is forwarded and kept where sendco cannot see, and the link shows nothing before the date of
birth check. The code travels in the task's arguments (the link keeps only its hash)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from . import link_services, rules
from .models import ViewsLink


def link_url(code: str) -> str:
    return settings.SITE_URL + reverse("families_public:link", args=[rules.normalise(code)])


def message(*, link: ViewsLink, code: str) -> EmailMultiAlternatives:
    context = {
        "school": link.school,
        "link": link,
        "url": link_url(code),
        "start_url": settings.SITE_URL + reverse("families_public:start"),
        "code": rules.shown(code),
    }
    email = EmailMultiAlternatives(
        subject=f"{link.school.name}: please tell us your views",
        body=render_to_string("families/email/link.txt", context),
        to=[link.sent_to.email],
    )
    email.attach_alternative(render_to_string("families/email/link.html", context), "text/html")
    return email


def email_link(*, link_id: int, code: str) -> bool:
    """Email the link to the contact chosen, once, while the link is open."""
    link = ViewsLink.objects.select_related("school", "pupil", "sent_to").filter(pk=link_id).first()
    now = timezone.now()
    if (
        link is None
        or link.sent_to is None
        or not link.sent_to.email
        or link.emailed_at is not None
        or not link_services.is_open(link, now)
    ):
        return False
    message(link=link, code=code).send()
    link_services.link_emailed(link=link, now=now)
    return True
