"""Reads of the SEN information report, for one school, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from staff.models import School

from .models import InfoReport, ItemText, PublishedReport
from .schedule import ITEMS, Item

EMPTY, DRAFTED, WRITTEN = "empty", "drafted", "written"
STATE_LABELS = {
    EMPTY: "Empty",
    DRAFTED: "Drafted by sendco: read and adapt",
    WRITTEN: "Written",
}


@dataclass(frozen=True)
class Line:
    """One required item of the checklist: what the law asks, the school's words and their state
    (empty, drafted: accepted from sendco's suggestion and not since edited, or written)."""

    item: Item
    text: str
    state: str
    required: bool

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]


def report_of(*, school: School) -> InfoReport | None:
    return InfoReport.objects.filter(school=school).first()


def _state(found: ItemText | None) -> str:
    if found is None or not found.text.strip():
        return EMPTY
    return DRAFTED if found.source == ItemText.Source.DRAFTED else WRITTEN


def checklist(*, school: School, report: InfoReport | None) -> list[Line]:
    """Every required item in the schedule's order with the draft's words (one query; none
    when nothing is written yet)."""
    texts = {t.code: t for t in ItemText.objects.filter(report=report)} if report else {}
    return [
        Line(
            item=item,
            text=texts[item.code].text if item.code in texts else "",
            state=_state(texts.get(item.code)),
            required=item.applies_to(school.phase),
        )
        for item in ITEMS
    ]


def item_text(*, report: InfoReport | None, code: str) -> ItemText:
    """The draft's words for one item, or a new, empty item for a form to fill."""
    found = ItemText.objects.filter(report=report, code=code).first() if report else None
    return found or ItemText(code=code)


def versions(*, school: School) -> list[PublishedReport]:
    """The versions published, latest first, without their words (one query)."""
    return list(
        PublishedReport.objects.filter(school=school)
        .defer("items")
        .select_related("published_by")
        .order_by("-number")
    )


def latest_published(*, school_slug: str) -> PublishedReport | None:
    """The school's latest published version, with the school (one query); None when the school
    does not exist or has published none."""
    return (
        PublishedReport.objects.filter(school__slug=school_slug)
        .select_related("school")
        .order_by("-number")
        .first()
    )
