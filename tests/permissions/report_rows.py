"""AC-01 rows for the termly SEND report's URLs (issue 18), merged into
tests/permissions/test_matrix.py like the looked-after children's rows.

Who may do what (staff/capabilities.py): the SENDCo and trust lead draft, write and publish;
the head reads drafts and reviews them; the SENDCo and trust lead email a published report to the
governors not emailed yet; governors read published reports only (a draft is a
404 to them); teachers and TAs 403; outsiders 404.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from reports.figures import figures
from reports.models import TermReport
from reports.selectors import terms_to_report
from tests.permissions.rows import Row

#              anon send lead head teach ta   gov  oSen oLead deact
_PUBLISHED = " 302  200  200  200  403  403  200  404  404  302"
_MANAGE = " 302  302  302  403  403  403  403  404  404  302"
_MANAGE_GET = " 302  200  200  403  403  403  403  404  404  302"
_REVIEW = " 302  403  302  302  403  403  403  404  404  302"

REPORT_MATRIX: dict[str, Row] = {
    "reports:reports": Row(get=_PUBLISHED),
    "reports:report": Row(get=_PUBLISHED),
    "reports:report_print": Row(get=_PUBLISHED),
    "reports:report_pdf": Row(get=_PUBLISHED),
    "reports:report_new": Row(
        get=_MANAGE_GET, post=_MANAGE, post_data=(("term", lambda world: world["report_term"]),)
    ),
    "reports:report_words": Row(
        get=_MANAGE_GET, post=_MANAGE, post_data=(("commentary", "A good term."),)
    ),
    "reports:report_review": Row(post=_REVIEW),
    "reports:report_publish": Row(post=_MANAGE),
    # Emailing the published report to the governors not told yet (Acorn's governor has not).
    "reports:report_email": Row(post=_MANAGE),
}


def report_world(world: dict) -> dict:
    """A published report of Acorn's spring term and a draft of its summer term."""
    acorn, sendco = world["acorn"], world["users"]["sendco"]
    world["published_report"] = _published(acorn, sendco)
    world["draft_report"] = TermReport.objects.create(
        school=acorn,
        period="Summer term 2025/26",
        starts_on=date(2026, 4, 13),
        ends_on=date(2026, 7, 22),
        created_by=sendco,
    )
    _, term = terms_to_report(school=acorn, today=timezone.localdate())
    world["report_term"] = term.starts_on.isoformat()
    return world


def _published(acorn, sendco) -> TermReport:
    starts_on, ends_on = date(2026, 1, 5), date(2026, 3, 27)
    return TermReport.objects.create(
        school=acorn,
        period="Spring term 2025/26",
        starts_on=starts_on,
        ends_on=ends_on,
        status="published",
        snapshot=figures(school=acorn, starts_on=starts_on, ends_on=ends_on, today=ends_on),
        published_on=ends_on,
        published_by=sendco,
        created_by=sendco,
    )


def report_kwargs(world: dict) -> dict:
    slug = world["acorn"].slug
    published = {"school_slug": slug, "public_id": world["published_report"].public_id}
    draft = {"school_slug": slug, "public_id": world["draft_report"].public_id}
    return {
        "reports:reports": {"school_slug": slug},
        "reports:report_new": {"school_slug": slug},
        "reports:report": published,
        "reports:report_print": published,
        "reports:report_pdf": published,
        "reports:report_words": draft,
        "reports:report_review": draft,
        "reports:report_publish": draft,
        "reports:report_email": published,
    }
