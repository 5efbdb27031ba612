"""Writes of the SEN information report: an item's words, a suggestion accepted, the review
dates, and publishing (which freezes the words as a version). Each checks and audits."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from staff.services import audit_by
from staff.tenancy import Access

from . import drafting
from .models import InfoReport, ItemText, PublishedReport
from .schedule import BY_CODE, ITEMS


def _report(access: Access) -> InfoReport:
    """The school's draft, created on its first write, locked until the transaction ends."""
    InfoReport.objects.get_or_create(school=access.school)
    return InfoReport.objects.select_for_update().get(school=access.school)


def _item(report: InfoReport, code: str) -> ItemText:
    if code not in BY_CODE:
        raise ValidationError("There is no such item in the SEN information report.")
    found = ItemText.objects.select_for_update().filter(report=report, code=code).first()
    return found or ItemText(school=report.school, report=report, code=code)


@transaction.atomic
def item_write(*, access: Access, code: str, text: str) -> ItemText:
    """Save the school's words for one item. Saving sendco's drafted words unchanged keeps them
    marked as drafted; any change makes them the school's own."""
    report = _report(access)
    item = _item(report, code)
    text = text.strip()
    if not text:
        item.source = ""
    elif not (item.source == ItemText.Source.DRAFTED and text == item.text):
        item.source = ItemText.Source.WRITTEN
    item.text = text
    item.updated_by = access.user
    item.full_clean()
    item.save()
    audit_by(access, "inforeport.item_saved", item, item=code)
    return item


@transaction.atomic
def item_accept(*, access: Access, code: str, today: date) -> ItemText:
    """Accept sendco's suggestion for one item into the text: it becomes the text of an empty
    item, replaces earlier drafted words not since edited, and is added after the school's own
    words (nothing the school wrote is lost)."""
    report = _report(access)
    item = _item(report, code)
    suggested = drafting.suggestion(school=access.school, code=code, today=today)
    if not suggested:
        raise ValidationError("sendco has nothing to suggest for this item yet.")
    if item.source == ItemText.Source.WRITTEN and item.text:
        item.text = f"{item.text}\n\n{suggested}"
    else:
        item.text = suggested
        item.source = ItemText.Source.DRAFTED
    item.updated_by = access.user
    item.full_clean()
    item.save()
    audit_by(access, "inforeport.suggestion_accepted", item, item=code)
    return item


@transaction.atomic
def dates_save(
    *,
    access: Access,
    send_policy_review_on: date | None,
    accessibility_plan_review_on: date | None,
) -> InfoReport:
    """When the SEND policy and the accessibility plan are next reviewed."""
    report = _report(access)
    report.send_policy_review_on = send_policy_review_on
    report.accessibility_plan_review_on = accessibility_plan_review_on
    report.full_clean()
    report.save()
    audit_by(access, "inforeport.dates_saved", report)
    return report


@transaction.atomic
def report_publish(*, access: Access, today: date) -> PublishedReport:
    """Publish the draft as it stands: every item required of the school must have words. The
    version is frozen; later changes to the draft are not public until published again."""
    report = _report(access)
    school = access.school
    texts = {t.code: t.text.strip() for t in ItemText.objects.filter(report=report)}
    missing = [i.heading for i in ITEMS if i.applies_to(school.phase) and not texts.get(i.code)]
    if missing:
        raise ValidationError(
            f"Write every required item before publishing. Still empty: {'; '.join(missing)}."
        )
    last = report.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = PublishedReport(
        school=school,
        report=report,
        number=last + 1,
        published_on=today,
        published_by=access.user,
        school_name=school.name,
        items=[
            {"code": i.code, "heading": i.heading, "text": texts[i.code]}
            for i in ITEMS
            if texts.get(i.code)
        ],
        send_policy_review_on=report.send_policy_review_on,
        accessibility_plan_review_on=report.accessibility_plan_review_on,
    )
    version.full_clean()
    version.save()
    audit_by(access, "inforeport.published", version, number=version.number)
    return version
