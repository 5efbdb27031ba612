"""What the Early Help pages show, put together from the selectors and rules. Every page
carries the school's designated safeguarding leads and the reminder that sendco is not the
school's safeguarding system."""

from __future__ import annotations

from datetime import date

from register.models import Pupil
from staff.capabilities import Cap
from staff.tenancy import Access

from . import early_help_selectors as selectors
from .early_help_forms import ReviewForm


def frame(*, access: Access) -> dict:
    """What every Early Help page shows: the DSLs (one query) and who may change things."""
    return {
        "safeguarding_leads": selectors.safeguarding_leads(school=access.school),
        "can_manage": access.can(Cap.EARLY_HELP_MANAGE),
        "can_name_dsl": access.can(Cap.STAFF_MANAGE),
    }


def school_list(*, access: Access, today: date, closed: bool, page: str | None) -> dict:
    weeks = selectors.review_weeks(school=access.school)
    found = selectors.school_list(
        school=access.school, today=today, closed=closed, page=page, weeks=weeks
    )
    return {
        **frame(access=access),
        "page_obj": found,
        "rows": found.object_list,
        "closed": closed,
        "counts": selectors.counts(school=access.school),
        "weeks": weeks,
        "overdue": sum(1 for row in found.object_list if row.due.overdue),
        "today": today,
    }


def pupil(*, access: Access, pupil: Pupil, today: date, form: ReviewForm | None) -> dict:
    """A pupil's Early Help: the open one with its reviews and the review form, and the past."""
    record = selectors.pupil_record(school=access.school, pupil=pupil, today=today)
    if form is None:
        form = ReviewForm(weeks=record["weeks"])
    return {**frame(access=access), **record, "pupil": pupil, "today": today, "form": form}
