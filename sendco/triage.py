"""What needs doing, read from the deadline engine's list: filtered, grouped by pupil or by kind,
and split into overdue, this week and later. Pure functions over `Deadline`s (no query), so the
home page and the deadlines page show the same thing in the same words.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from django import forms

from register.models import YearGroup
from staff.deadlines import ALERTS, Deadline, family_label, family_of, is_about_a_person

WEEK = timedelta(days=7)
# A secondary school's home must read in a minute: the first pupils of each band, the rest a click
# away on the deadlines page.
HOME_GROUPS = 6


class When:
    OVERDUE = "overdue"
    WEEK = "week"
    LATER = "later"
    LABELS = {OVERDUE: "Overdue", WEEK: "This week", LATER: "Later"}


def band(deadline: Deadline, today: date) -> str:
    """Overdue; due from today to seven days on ("this week"); or later."""
    if deadline.due < today:
        return When.OVERDUE
    if deadline.due <= today + WEEK:
        return When.WEEK
    return When.LATER


@dataclass
class Bundle:
    """Deadlines that belong together: one pupil's, or one kind's."""

    key: str
    label: str
    year_group: str = ""
    authorities: list[str] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)

    @property
    def year_label(self) -> str:
        return YearGroup(self.year_group).label if self.year_group else ""

    @property
    def first_due(self) -> date:
        return self.deadlines[0].due

    @property
    def overdue(self) -> int:
        return sum(1 for d in self.deadlines if d.severity.is_overdue)


def by_pupil(deadlines: list[Deadline]) -> list[Bundle]:
    """One bundle per pupil (or per consultation: its child), most pressing first; a pupil's own
    deadlines in order of date."""
    bundles: dict[str, Bundle] = {}
    for deadline in deadlines:
        bundle = bundles.get(deadline.subject_id)
        if bundle is None:
            bundle = bundles[deadline.subject_id] = Bundle(
                key=deadline.subject_id, label=deadline.subject, year_group=deadline.year_group
            )
        bundle.deadlines.append(deadline)
        if deadline.authority and deadline.authority not in bundle.authorities:
            bundle.authorities.append(deadline.authority)
    for bundle in bundles.values():
        bundle.deadlines.sort(key=lambda d: (d.due, d.title))
    return sorted(bundles.values(), key=lambda b: (b.first_due, b.label))


def by_kind(deadlines: list[Deadline]) -> list[Bundle]:
    """One bundle per kind of work (annual reviews, support plan reviews, ...), the kind with the
    earliest date first."""
    bundles: dict[str, Bundle] = {}
    for deadline in deadlines:
        key = family_of(deadline.kind)
        bundle = bundles.setdefault(key, Bundle(key=key, label=family_label(deadline.kind)))
        bundle.deadlines.append(deadline)
    for bundle in bundles.values():
        bundle.deadlines.sort(key=lambda d: (d.due, d.subject))
    return sorted(bundles.values(), key=lambda b: (b.first_due, b.label))


@dataclass
class KindCount:
    kind: str  # the family, as the filter takes it
    label: str
    overdue: int = 0
    week: int = 0
    later: int = 0

    @property
    def total(self) -> int:
        return self.overdue + self.week + self.later


def counts_by_kind(deadlines: list[Deadline], today: date) -> list[KindCount]:
    """For each kind of work, how many are overdue, due this week and due later; the kinds with
    most overdue first."""
    rows: dict[str, KindCount] = {}
    for deadline in deadlines:
        key = family_of(deadline.kind)
        row = rows.setdefault(key, KindCount(key, family_label(deadline.kind)))
        when = band(deadline, today)
        setattr(row, when, getattr(row, when) + 1)
    return sorted(rows.values(), key=lambda r: (-r.overdue, -r.week, -r.total, r.label))


# --------------------------------------------------------------------------------------------------
# Filters
# --------------------------------------------------------------------------------------------------

MINE = "me"
SENDCO = "sendco"


class DeadlineFilterForm(forms.Form):
    """Kind, local authority, owner and year group; the choices are those present in the list,
    so no filter ever offers a choice that shows nothing."""

    when = forms.ChoiceField(
        label="When",
        required=False,
        choices=[("", "All"), *When.LABELS.items()],
    )
    kind = forms.ChoiceField(label="Kind of work", required=False)
    authority = forms.ChoiceField(label="Local authority", required=False)
    owner = forms.ChoiceField(label="Who acts", required=False)
    year = forms.ChoiceField(label="Year group", required=False)
    by = forms.ChoiceField(
        label="Group by",
        required=False,
        choices=[("", "Pupil"), ("kind", "Kind of work")],
    )

    def __init__(self, data, *, deadlines: list[Deadline], owners: dict[int, str]):
        super().__init__(data)
        kinds = {family_of(d.kind): family_label(d.kind) for d in deadlines}
        self.fields["kind"].choices = [("", "Every kind")] + sorted(
            kinds.items(), key=lambda item: item[1]
        )
        self.fields["authority"].choices = [("", "Any")] + [
            (name, name) for name in sorted({d.authority for d in deadlines if d.authority})
        ]
        people = sorted(owners.items(), key=lambda item: item[1].casefold())
        self.fields["owner"].choices = [
            ("", "Anyone"),
            (MINE, "Me"),
            (SENDCO, "The SENDCo (no named lead)"),
            *[(str(pk), name) for pk, name in people],
        ]
        years = {d.year_group for d in deadlines if d.year_group}
        self.fields["year"].choices = [("", "Any")] + [
            (value, label) for value, label in YearGroup.choices if value in years
        ]


def apply_filters(
    deadlines: list[Deadline], *, form: DeadlineFilterForm, today: date, me: int
) -> list[Deadline]:
    if not form.is_valid():
        return deadlines
    chosen = form.cleaned_data
    found = deadlines
    if chosen["when"]:
        found = [d for d in found if band(d, today) == chosen["when"]]
    if chosen["kind"]:
        found = [d for d in found if family_of(d.kind) == chosen["kind"]]
    if chosen["authority"]:
        found = [d for d in found if d.authority == chosen["authority"]]
    if chosen["owner"] == MINE:
        found = [d for d in found if d.owner_id == me]
    elif chosen["owner"] == SENDCO:
        found = [d for d in found if d.owner_id is None]
    elif chosen["owner"]:
        found = [d for d in found if str(d.owner_id) == chosen["owner"]]
    if chosen["year"]:
        found = [d for d in found if d.year_group == chosen["year"]]
    return found


@dataclass
class Triage:
    """The home page's "what needs doing": overdue and this week, each grouped by pupil and cut
    to the first few, and how many of each kind there are."""

    overdue: list[Bundle]
    week: list[Bundle]
    overdue_total: int
    week_total: int
    later_total: int
    overdue_pupils: int
    week_pupils: int
    kinds: list[KindCount]
    alerts: list[KindCount]  # provision below plan: counted on their own, not in the lists
    # Whose the bundles are: (pupils, members of staff), for the headings' words.
    overdue_subjects: tuple[int, int] = (0, 0)
    week_subjects: tuple[int, int] = (0, 0)
    total: int = 0  # every deadline of the eight weeks, alerts too (the deadlines page's total)

    @property
    def empty(self) -> bool:
        return not (self.overdue_total or self.week_total or self.later_total)

    @property
    def overdue_for(self) -> str:
        """ "11 pupils", "10 pupils and 1 member of staff": whose the overdue deadlines are."""
        return whom(self.overdue_subjects)

    @property
    def week_for(self) -> str:
        return whom(self.week_subjects)

    @property
    def pupils_shown(self) -> list[str]:
        """The subjects of the bundles shown (for the audit of who was read about)."""
        return sorted({bundle.key for bundle in [*self.overdue, *self.week]})


def triage(deadlines: list[Deadline], *, today: date, limit: int = HOME_GROUPS) -> Triage:
    """Alerts (provision below plan, dated from when it fell below) would crowd the dated work
    out of the lists: they are counted apart, each kind a link to its pupils."""
    alerts = [d for d in deadlines if d.kind in ALERTS]
    work = [d for d in deadlines if d.kind not in ALERTS]
    bands = Counter(band(d, today) for d in work)
    overdue = by_pupil([d for d in work if band(d, today) == When.OVERDUE])
    week = by_pupil([d for d in work if band(d, today) == When.WEEK])
    return Triage(
        overdue=overdue[:limit],
        week=week[:limit],
        overdue_total=bands[When.OVERDUE],
        week_total=bands[When.WEEK],
        later_total=bands[When.LATER],
        overdue_pupils=len(overdue),
        week_pupils=len(week),
        kinds=counts_by_kind(work, today),
        alerts=counts_by_kind(alerts, today),
        overdue_subjects=_subjects(overdue),
        week_subjects=_subjects(week),
        total=len(deadlines),
    )


def _subjects(bundles: list[Bundle]) -> tuple[int, int]:
    """How many of these bundles are a pupil's, and how many a member of staff's (training)."""
    staff = sum(1 for b in bundles if all(is_about_a_person(d.kind) for d in b.deadlines))
    return len(bundles) - staff, staff


def whom(subjects: tuple[int, int]) -> str:
    """ "3 pupils", "1 pupil and 2 members of staff", "1 member of staff"."""
    pupils, staff = subjects
    said = [f"{pupils} pupil{'s' if pupils != 1 else ''}"] if pupils or not staff else []
    if staff:
        said.append(f"{staff} member{'s' if staff != 1 else ''} of staff")
    return " and ".join(said)
