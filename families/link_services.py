"""Writes of parents' links: a link made (and emailed), revoked, a date of birth checked, the
views given; a translated summary added. Every one is audited. The parent has no account: their
events have no actor and say in `detail["actor"]` that they came through the link."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from register.models import Contact, Pupil, ViewsGiven
from staff.files import attached
from staff.services import audit, audit_by
from staff.tenancy import Access

from . import rules, throttle
from .models import TranslatedSummary, ViewsLink

BY_LINK = "a parent or carer, by secure link"


def link_audit(link: ViewsLink, action: str, **detail) -> None:
    """An event of the link itself (no one signed in): the school, the pupil, the link."""
    audit(
        action=action,
        school=link.school,
        obj=link,
        pupil_public_id=link.pupil.public_id,
        detail={"actor": BY_LINK, "link": str(link.public_id), **detail},
    )


@transaction.atomic
def link_create(
    *, access: Access, pupil: Pupil, purpose: str, contact: Contact | None, now: datetime
) -> tuple[ViewsLink, str]:
    """A new link for one pupil and one purpose; returns it with its code (shown once). With a
    contact, the link is emailed to them once the link is saved."""
    if pupil.school_id != access.school.pk:
        raise ValidationError("This pupil is not at this school.")
    if contact is not None and (contact.pupil_id != pupil.pk or not contact.email):
        raise ValidationError({"contact": "Choose a contact of this pupil who has an email."})
    code = rules.new_code()
    link = ViewsLink.objects.create(
        school=access.school,
        pupil=pupil,
        purpose=purpose,
        code_hash=rules.code_hash(code),
        expires_at=now + timedelta(days=settings.FAMILY_LINK_DAYS),
        created_by=access.user,
        sent_to=contact,
    )
    audit_by(
        access,
        "families.link.created",
        link,
        pupil_public_id=pupil.public_id,
        purpose=purpose,
        emailed=contact is not None,
    )
    if contact is not None:
        from .tasks import email_link

        link_id = link.pk
        transaction.on_commit(lambda: email_link.delay(link_id, code))
    return link, code


@transaction.atomic
def link_revoke(*, access: Access, link: ViewsLink, now: datetime) -> ViewsLink:
    """End a link that has not been used: it opens nothing from now on."""
    link = ViewsLink.objects.select_for_update().get(pk=link.pk)
    if link.used_at is not None:
        raise ValidationError("The views were given already: there is nothing to stop.")
    if link.revoked_at is not None:
        raise ValidationError("This link was stopped already.")
    link.revoked_at, link.revoked_by = now, access.user
    link.save(update_fields=["revoked_at", "revoked_by"])
    audit_by(access, "families.link.revoked", link, pupil_public_id=link.pupil.public_id)
    return link


def link_by_code(code: str) -> ViewsLink | None:
    """The link of a code as typed, or None (a malformed code is not looked up)."""
    if not rules.well_formed(code):
        return None
    return (
        ViewsLink.objects.select_related("school", "pupil")
        .filter(code_hash=rules.code_hash(code))
        .first()
    )


def is_open(link: ViewsLink, now: datetime) -> bool:
    return link.status(now) in (ViewsLink.Status.WAITING, ViewsLink.Status.OPENED)


@transaction.atomic
def link_check(
    *, link: ViewsLink, day: int, month: int, year: int, ip: str | None, now: datetime
) -> bool:
    """Check the child's date of birth for an open link. Right: the link is opened. Wrong: one
    more failed try for the link (locked after FAMILY_LINK_TRIES) and for the address."""
    link = ViewsLink.objects.select_for_update().select_related("school", "pupil").get(pk=link.pk)
    if not is_open(link, now):
        return False
    if rules.born_on(day=day, month=month, year=year) == link.pupil.date_of_birth:
        if link.opened_at is None:
            link.opened_at = now
            link.save(update_fields=["opened_at"])
        link_audit(link, "families.link.checked")
        return True
    throttle.failed(ip)
    link.failed_checks += 1
    fields = ["failed_checks"]
    if link.failed_checks >= settings.FAMILY_LINK_TRIES:
        link.locked_at = now
        fields.append("locked_at")
    link.save(update_fields=fields)
    link_audit(link, "families.link.check_failed", tries=link.failed_checks)
    if link.locked_at is not None:
        link_audit(link, "families.link.locked")
    return False


@transaction.atomic
def views_give(
    *, link: ViewsLink, given_by: str, answers: list[dict], today: date, now: datetime
) -> ViewsGiven:
    """The parent's views, once: a `ViewsGiven` from a parent, by link, for the link's purpose.
    A second send, or a link that has ended, is refused."""
    link = ViewsLink.objects.select_for_update().select_related("school", "pupil").get(pk=link.pk)
    if not is_open(link, now):
        raise ValidationError(_("Sorry, this link does not work any more."))
    views = ViewsGiven.objects.create(
        school=link.school,
        pupil=link.pupil,
        whose=ViewsGiven.Whose.PARENT,
        how=ViewsGiven.How.LINK,
        purpose=link.purpose,
        given_on=today,
        given_by=given_by,
        answers=answers,
    )
    link.views, link.used_at = views, now
    link.save(update_fields=["views", "used_at"])
    link_audit(link, "families.views.given", views=str(views.public_id))
    return views


def link_read(*, link: ViewsLink, summary: TranslatedSummary | None = None) -> None:
    """A parent read the pupil's plan (or downloaded a summary) through the link, after the
    date of birth check: a read of the pupil's record, with the link as the actor."""
    if summary is None:
        link_audit(link, "families.parent_read")
    else:
        link_audit(link, "families.summary.downloaded", summary=str(summary.public_id))


def link_emailed(*, link: ViewsLink, now: datetime) -> None:
    """The email went: noted on the link and audited (sent by `families.emails`)."""
    ViewsLink.objects.filter(pk=link.pk).update(emailed_at=now)
    audit(
        action="families.link.emailed",
        school=link.school,
        obj=link,
        pupil_public_id=link.pupil.public_id,
        detail={"contact": link.sent_to_id},
    )


@transaction.atomic
def summary_add(
    *, access: Access, pupil: Pupil, language: str, document, document_type: str
) -> TranslatedSummary:
    """The school's own translated summary of the plan, for the family to download by link."""
    if pupil.school_id != access.school.pk:
        raise ValidationError("This pupil is not at this school.")
    if document_type != "application/pdf":
        raise ValidationError({"document": "Upload the summary as a PDF."})
    summary = TranslatedSummary(
        school=access.school, pupil=pupil, language=language.strip(), added_by=access.user
    )
    with attached(summary, document, document_type, field="document"):
        summary.full_clean()
        summary.save()
    audit_by(
        access,
        "families.summary.added",
        summary,
        pupil_public_id=pupil.public_id,
        language=summary.language,
    )
    return summary


@transaction.atomic
def summary_remove(*, access: Access, summary: TranslatedSummary) -> None:
    """Take a translated summary away (added by mistake, or out of date): the family cannot
    download it any more, and its file is deleted once the change is committed."""
    if summary.school_id != access.school.pk:
        raise ValidationError("This summary is not at this school.")
    pupil_public_id, language = summary.pupil.public_id, summary.language
    audit_by(
        access,
        "families.summary.removed",
        summary,
        pupil_public_id=pupil_public_id,
        language=language,
    )
    summary.delete()  # its file follows once committed (staff.files.follow_deletions)


def now_and_today() -> tuple[datetime, date]:
    """The edge's clock, for views (services take the time as an argument)."""
    return timezone.now(), timezone.localdate()
