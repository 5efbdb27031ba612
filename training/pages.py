"""What the training pages show, put together from the selectors and rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.paginator import Paginator
from django.db.models import Count, F

from register.models import NeedType
from staff import deadline_cache
from staff.capabilities import Cap
from staff.tenancy import Access

from . import needs, rules, selectors
from .forms import (
    AttendanceForm,
    CompletionForm,
    GapPlanForm,
    PersonForm,
    SessionForm,
    SupervisionForm,
)
from .models import Completion, Course, Session, StaffMember

PEOPLE_PAGE_SIZE = 50
SESSIONS_PAGE_SIZE = 25


@dataclass
class Record:
    """A completion with what the rules say of it today."""

    completion: Completion
    expires: date | None
    current: bool

    @property
    def state(self) -> str:
        c = self.completion
        if c.completed_on is None:
            return f"Under way since {c.started_on:%-d %b %Y}" if c.started_on else "Under way"
        if self.expires is None:
            return "Does not expire"
        if self.current:
            return f"Renew by {self.expires:%-d %b %Y}"
        return f"Expired {self.expires:%-d %b %Y}"


def _record(completion: Completion, today: date) -> Record:
    expires = (
        rules.expires_on(
            completed_on=completion.completed_on,
            expires_after_months=completion.course.expires_after_months,
        )
        if completion.completed_on
        else None
    )
    current = rules.is_current(completed_on=completion.completed_on, expires=expires, on=today)
    return Record(completion, expires, current)


@dataclass
class PersonRow:
    person: StaffMember
    areas: list[str] = field(default_factory=list)
    courses: int = 0
    expired: list[str] = field(default_factory=list)


def people(*, access: Access, today: date, page) -> dict:
    """The school's staff, a page at a time, each with what they are trained in today and any
    certificate that has run out (two queries and the count)."""
    shown = Paginator(selectors.people(school=access.school, on=today), PEOPLE_PAGE_SIZE).get_page(
        page
    )
    rows = {p.pk: PersonRow(p) for p in shown}
    latest: dict[tuple[int, int], Completion] = {}
    for completion in (
        Completion.objects.filter(
            school=access.school, person_id__in=list(rows), completed_on__isnull=False
        )
        .select_related("course")
        .order_by("completed_on", "pk")
    ):
        latest[(completion.person_id, completion.course_id)] = completion
    for (person_id, _), completion in latest.items():
        record, row = _record(completion, today), rows[person_id]
        row.courses += 1
        if record.current:
            row.areas.extend(c for c in completion.course.covers if c not in row.areas)
        elif record.expires is not None:
            row.expired.append(completion.course.name)
    return {
        "page": shown,
        "rows": [rows[p.pk] for p in shown],
        "today": today,
        "can_manage": access.can(Cap.TRAINING_MANAGE),
    }


def person(*, access: Access, person: StaffMember, today: date, forms: dict | None = None):
    """A person's training: each record with its expiry, their supervision, and for the SENCO
    what the qualification rule asks of them."""
    records = [_record(c, today) for c in selectors.records_of(person=person)]
    studies = [
        rules.Study(
            rules.QualificationKind(r.completion.course.qualification),
            r.completion.started_on,
            r.completion.completed_on,
        )
        for r in records
        if r.completion.course.qualification
    ]
    qualification = rules.senco_qualification(
        appointed_on=person.senco_appointed_on,
        months_before=person.senco_months_before,
        studies=studies,
    )
    can_manage = access.can(Cap.TRAINING_MANAGE)
    forms = forms or {}
    if can_manage:
        forms.setdefault("record_form", CompletionForm(school=access.school))
        forms.setdefault("supervision_form", SupervisionForm(school=access.school))
        forms.setdefault("person_form", PersonForm(instance=person))
    return {
        "person": person,
        "records": records,
        "supervisions": selectors.supervisions_of(person=person),
        "qualification": qualification,
        "qualification_overdue": qualification.overdue(today),
        "today": today,
        "can_manage": can_manage,
        "is_self": person.user_id == access.user.pk,
        "can_view_all": access.can(Cap.TRAINING_VIEW),
        **forms,
    }


def sessions(*, access: Access, today: date, page, form=None) -> dict:
    can_manage = access.can(Cap.TRAINING_MANAGE)
    if can_manage and form is None:
        form = SessionForm(
            school=access.school, people=selectors.people(school=access.school, on=today)
        )
    return {
        "page": Paginator(selectors.sessions(school=access.school), SESSIONS_PAGE_SIZE).get_page(
            page
        ),
        "form": form,
        "can_manage": can_manage,
        "today": today,
    }


def session(*, access: Access, session: Session, today: date, form=None) -> dict:
    """A session: who was invited, and its attendance taken in one step (everyone expected
    ticked until attendance is first taken; then those recorded as present)."""
    people = selectors.people(school=access.school, on=session.on)
    present = set(session.completions.values_list("person_id", flat=True))
    invited = set(session.invited.values_list("pk", flat=True))
    if form is None:
        if session.attendance_taken_at:
            initial = present
        else:
            initial = {p.pk for p in people} if session.whole_staff else invited
        form = AttendanceForm(people=people, initial={"present": sorted(initial)})
    return {
        "session": session,
        "form": form,
        "present_count": len(present),
        "invited_count": len(invited),
        "can_manage": access.can(Cap.TRAINING_MANAGE),
        "can_take": session.on <= today,
        "today": today,
    }


def courses(*, access: Access, form) -> dict:
    """The catalogue with how many people hold each course (two queries)."""
    found = list(
        Course.objects.filter(school=access.school)
        .annotate(people=Count("completions__person", distinct=True))
        .order_by(F("archived_at").asc(nulls_first=True), "name")
    )
    names = dict(NeedType.objects.values_list("code", "name"))
    return {
        "courses": found,
        "need_names": names,
        "form": form,
        "can_manage": access.can(Cap.TRAINING_MANAGE),
    }


# How many classes and groups, and untrained adults, each gap lists before "and N more": a
# 2,000-pupil school has some seventy classes.
GAP_LINES_SHOWN = 8
GAP_ADULTS_SHOWN = 12


@dataclass
class GapRow:
    gap: needs.Gap
    lines: list[needs.Line]
    more_lines: int
    adults: list[needs.Adult]
    more_adults: int


@dataclass
class PlanRow:
    proposal: needs.Proposal
    form: GapPlanForm | None


def _plan_form(proposal: needs.Proposal, school, n: int) -> GapPlanForm:
    return GapPlanForm(
        school=school,
        people=StaffMember.objects.none(),
        auto_id=f"plan{n}-%s",
        initial={
            "course": proposal.course.pk,
            "invited": [p.pk for p in proposal.invite],
            "on": proposal.on,
            "hours": proposal.hours,
        },
    )


def _posted_or_new(proposal: needs.Proposal, school, n: int, posted) -> GapPlanForm:
    """The form the SENDCo just sent for this proposal (with its errors), or a new one."""
    if posted is not None and posted.data.get("course") == str(proposal.course.pk):
        posted.auto_id = f"plan{n}-%s"
        return posted
    return _plan_form(proposal, school, n)


def gaps(*, access: Access, today: date, posted: GapPlanForm | None = None) -> dict:
    """Training matched to need: the gaps, most pupils first, each with a window of its classes
    and groups and of its untrained adults; and the plan proposed from the top gaps, with the
    one-step form for the SENDCo (`posted`: the one sent back with its errors). A constant
    number of queries: `needs.overview`, kept between the writes to what it is drawn from
    (the school's classes, groups, needs and training: staff/deadline_cache.py)."""
    school = access.school
    found = deadline_cache.kept(
        school_id=school.pk,
        today=today,
        weeks=0,
        work_out=lambda: needs.overview(school=school, on=today),
        name="training-gaps",
    )
    can_manage = access.can(Cap.TRAINING_MANAGE)
    rows = [
        GapRow(
            gap,
            gap.lines[:GAP_LINES_SHOWN],
            max(len(gap.lines) - GAP_LINES_SHOWN, 0),
            gap.adults[:GAP_ADULTS_SHOWN],
            max(len(gap.untrained) - GAP_ADULTS_SHOWN, 0),
        )
        for gap in found.gaps
    ]
    plan = [
        PlanRow(
            p,
            _posted_or_new(p, access.school, n, posted)
            if can_manage and p.course and p.invite
            else None,
        )
        for n, p in enumerate(found.proposals, start=1)
    ]
    placed = any(row.form is posted for row in plan)
    return {
        "rows": rows,
        "plan": plan,
        "form": posted if posted is not None and not placed else None,
        "line_count": len(found.lines),
        "can_manage": can_manage,
        "today": today,
    }
