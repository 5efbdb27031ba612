"""What the looked-after children's pages show, put together from the selectors and rules."""

from __future__ import annotations

from datetime import date

from register.models import Pupil
from staff.capabilities import Cap
from staff.tenancy import Access

from . import selectors
from .forms import ContactForm, ReleaseForm, VisibilityForm


def children(*, access: Access, today: date) -> dict:
    found = selectors.children(school=access.school, today=today)
    shown = access.school.class_staff_see_looked_after
    return {
        "children": found,
        "overdue": sum(1 for c in found if c.due and c.due.overdue),
        "today": today,
        "can_manage": access.can(Cap.LAC_MANAGE),
        "visibility_form": VisibilityForm(initial={"shown": shown}),
        "virtual_schools": list(selectors.virtual_schools(school=access.school)),
        "designated": selectors.designated_teacher_names(school=access.school),
        "can_name": access.can(Cap.STAFF_MANAGE),
    }


def child(*, access: Access, pupil: Pupil, today: date, form) -> dict:
    """A child's page; the PEP form offers the PEP owed next."""
    record = selectors.child_record(school=access.school, pupil=pupil, today=today)
    owed = record["owed"]
    if not form.is_bound and owed is not None and owed.due is not None:
        form.fields["kind"].initial = owed.due.kind
    return {
        "form": form,
        **record,
        "pupil": pupil,
        "today": today,
        "can_manage": access.can(Cap.LAC_MANAGE),
        "contact_form": ContactForm(instance=record["contact"]),
        "pp_plus_received": sum(r.amount for r in record["releases"]),
        "release_form": ReleaseForm(
            groups=selectors.release_groups(school=access.school, today=today)
        ),
    }
