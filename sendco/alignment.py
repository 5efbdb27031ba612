"""A looked-after child with an EHC plan: can the annual review and the next PEP be one
meeting (DOMAIN.md 5.2, "SEN link")? Shown on both the EHC plan's page and the child's
looked-after page. On the top floor because it reads both `ehcp` and `lac`, which never import
each other; the two pages load it as a template tag (`sendco_alignment`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ehcp.models import EhcPlan
from ehcp.selectors import review_line, with_review_data
from lac import rules as lac_rules
from lac.deadlines import Owed, owed, school_terms
from register.models import Pupil
from staff.capabilities import sees_looked_after
from staff.tenancy import Access


@dataclass(frozen=True)
class Alignment:
    pep: lac_rules.PepDue
    review_due: date
    together: bool


def alignment(
    *, access: Access, pupil: Pupil, today: date, known: Owed | None = None
) -> Alignment | None:
    """The next PEP and annual review of a looked-after child with an EHC plan, and whether they
    can be held together; None for anyone else, or for a person not shown who is looked after.
    `known`: the child's next PEP when the page has it already (the looked-after page)."""
    if not sees_looked_after(access):
        return None
    if known is None:
        found = owed(school=access.school, pupils=Pupil.objects.filter(pk=pupil.pk), today=today)
        known = found[0] if found else None  # one query when not looked after
    if known is None or known.due is None:
        return None
    plan = with_review_data(EhcPlan.objects.filter(school=access.school, pupil=pupil)).first()
    if plan is None:
        return None
    review_due = review_line(plan, today=today).due_by
    pep = known.due
    terms = school_terms(school=access.school)
    together = lac_rules.can_hold_together(review_due=review_due, pep_due=pep.due, terms=terms)
    return Alignment(pep=pep, review_due=review_due, together=together)
