"""What the SEN information report's pages show, put together from the selectors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.http import Http404

from staff.capabilities import Cap
from staff.tenancy import Access

from . import drafting, selectors
from .forms import DatesForm
from .models import PublishedReport
from .schedule import BY_CODE, Item


@dataclass(frozen=True)
class Block:
    """A paragraph, or a list of bullet points (lines starting "- ")."""

    bullets: tuple[str, ...] = ()
    paragraph: str = ""


def blocks(text: str) -> list[Block]:
    """The school's plain text as paragraphs and bullet lists, for the page and the PDF."""
    found: list[Block] = []
    bullets: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("- "):
            bullets.append(line[2:].strip())
            continue
        if bullets:
            found.append(Block(bullets=tuple(bullets)))
            bullets = []
        if line:
            found.append(Block(paragraph=line))
    if bullets:
        found.append(Block(bullets=tuple(bullets)))
    return found


def checklist(*, access: Access) -> dict:
    school = access.school
    report = selectors.report_of(school=school)
    lines = selectors.checklist(school=school, report=report)
    versions = selectors.versions(school=school)
    required = [line for line in lines if line.required]
    return {
        "report": report,
        "lines": lines,
        "empty": sum(1 for line in required if line.state == selectors.EMPTY),
        "drafted": sum(1 for line in required if line.state == selectors.DRAFTED),
        "required": len(required),
        "versions": versions,
        "latest": versions[0] if versions else None,
        "can_manage": access.can(Cap.INFO_REPORT_MANAGE),
        "dates_form": DatesForm(instance=report),
        "draftable": set(drafting.DRAFTERS),
    }


def item_or_404(code: str) -> Item:
    item = BY_CODE.get(code)
    if item is None:
        raise Http404("No such item.")
    return item


def item(*, access: Access, item: Item, today: date, form) -> dict:
    """An item's edit page, with what sendco would write for it today."""
    return {
        "item": item,
        "form": form,
        "suggestion": drafting.suggestion(school=access.school, code=item.code, today=today),
        "draftable": item.code in drafting.DRAFTERS,
        "state": form.instance.source if form.instance.text else "",
    }


def published_or_404(school_slug: str) -> PublishedReport:
    version = selectors.latest_published(school_slug=school_slug)
    if version is None:
        raise Http404("This school has not published an SEN information report here.")
    return version


def pdf_kept_as(version: PublishedReport) -> str:
    """The name the version's PDF is kept under in the cache (`staff.pdf.pdf_response`): a
    version never changes, so neither does its PDF; publishing again makes a new version, with
    a new name. Its creation time is in the name too, so a database restored from a backup, which
    may number versions again, never finds another version's PDF in a shared cache."""
    return f"inforeport:{version.pk}:{version.created_at.timestamp()}"


def public(*, version: PublishedReport) -> dict:
    """The published version as the public page and its PDF show it: nothing but its words."""
    return {
        "version": version,
        "school": version.school,
        "sections": [
            {"code": i["code"], "heading": i["heading"], "blocks": blocks(i["text"])}
            for i in version.items
        ],
    }
