"""Suggested words for the items sendco knows something about, for the SENDCo to accept into the
report in one click and then adapt.

What each suggestion reads (and nothing else: never a pupil's name, a need's description or any
other free text about a pupil, since the report is published):

- sch1-1, kinds of need: the census need types held today by pupils on the register, by broad
  area, and the broad areas of the interventions offered; no counts of pupils.
- sch1-3a, effectiveness: each intervention's measure and, where at least IMPACT_MIN_PUPILS
  pupils were measured this academic year, the share who met their target (provision.impact).
- sch1-3e, additional support: the interventions of the catalogue in use, how they run.
- sch1-4, the SENCO: the SENDCo logins of the school and the staff member recorded as SENCO.
- sch1-5, staff training: the courses current staff hold (certificates in date), counted.
- sch1-7 and sch1-8, parents and pupils: meetings held with parents over the last 12 months and
  how many support plans recorded the pupil's own views, in counts.
- sch1-13, the Local Offer: the school's local authority.
- s69-iv, the accessibility plan: its review date.

Each drafter runs a fixed number of queries whatever the school's size.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta

from django.db.models import Count, Q

from plans.models import Cycle, ParentMeeting
from provision.impact import intervention_impacts
from provision.models import Intervention
from provision.rules import impact_min_pupils
from register.models import BroadArea, Need, NeedType
from register.selectors import covering, sen_pupils
from staff.bounds import long_date
from staff.models import Membership, Role, School
from training import rules as training_rules
from training.models import Completion, StaffMember
from training.selectors import here_on

from .models import InfoReport

YEAR = timedelta(days=365)


def _join(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def _area_label(code: str) -> str:
    return BroadArea(code).label if code in BroadArea.values else code


def kinds_of_need(*, school: School, today: date) -> str:
    """Two queries: the need types on the register today, the interventions' broad areas."""
    held = Need.objects.filter(
        covering(today), school=school, pupil__in=sen_pupils(school=school, on=today)
    ).values("need_type")
    types = NeedType.objects.filter(pk__in=held, only_with_sen_support=False).order_by(
        "sort_order", "code"
    )
    by_area: dict[str, list[str]] = {}
    for need in types:
        by_area.setdefault(need.broad_area, []).append(need.name.lower())
    areas = set(
        Intervention.objects.filter(school=school, archived_at__isnull=True)
        .exclude(broad_area="")
        .values_list("broad_area", flat=True)
    )
    if not by_area and not areas:
        return ""
    lines = [
        "We provide for pupils with a wide range of special educational needs, in the broad "
        "areas of need of the SEND Code of Practice."
    ]
    if by_area:
        lines.append("Pupils on our SEN register have needs including:")
        lines += [
            f"- {_area_label(area)}: {_join(names)}"
            for area, names in sorted(by_area.items(), key=lambda kv: kv[0] or "~")
        ]
    if areas:
        named = [a.label.lower() for a in BroadArea if a.value in areas]
        lines.append(f"Our interventions support {_join(named)}.")
    return "\n".join(lines)


def effectiveness(*, school: School, today: date) -> str:
    """The queries of `provision.impact.intervention_impacts` (fixed)."""
    found = intervention_impacts(school=school, on=today)
    if not found:
        return ""
    minimum = impact_min_pupils()
    lines = [
        "Every intervention has a starting point and a target for each pupil, and we measure "
        "progress at the end to see whether the target was met. This academic year:"
    ]
    for item in found:
        name = item.intervention.name
        if item.measure is None:
            lines.append(f"- {name}: progress is reviewed in each pupil's support plan.")
        elif item.ranked_with(minimum):
            share = round(item.impact.met_target_rate * 100)
            lines.append(
                f"- {name} (measured by {item.measure.name}): {share}% of the "
                f"{item.pupils_measured} pupils measured met their target."
            )
        else:
            lines.append(f"- {name}: measured by {item.measure.name}.")
    lines.append(
        "We compare what each intervention achieves with what it costs, and keep those that work "
        "best for our pupils."
    )
    return "\n".join(lines)


def additional_support(*, school: School, today: date) -> str:
    """One query: the catalogue in use."""
    offered = Intervention.objects.filter(school=school, archived_at__isnull=True).order_by("name")
    lines = [
        f"- {i.name} ({i.get_kind_display().lower()}"
        + (f", {i.get_broad_area_display().lower()}" if i.broad_area else "")
        + f"): usually {i.default_sessions_per_week} sessions a week of "
        f"{i.default_session_minutes} minutes"
        for i in offered
    ]
    if not lines:
        return ""
    return "\n".join(
        ["Beyond adapted teaching in class, pupils may take part in these interventions:", *lines]
    )


def senco(*, school: School, today: date) -> str:
    """Two queries: the SENDCo logins, the staff member recorded as SENCO."""
    people: dict[str, str] = {}
    for person in (
        StaffMember.objects.filter(here_on(today), school=school, senco_appointed_on__isnull=False)
        .select_related("user")
        .order_by("senco_appointed_on", "pk")
    ):
        people.setdefault(person.name, person.email or (person.user.email if person.user else ""))
    for name, email in (
        Membership.objects.active()
        .for_school(school)
        .filter(role=Role.SENDCO)
        .order_by("user__full_name")
        .values_list("user__full_name", "user__email")
    ):
        people.setdefault(name, email)
    if not people:
        return ""
    lines = [f"- {name}" + (f", email {email}" if email else "") for name, email in people.items()]
    lead = "Our SENCO is" if len(people) == 1 else "Our SENCOs are"
    return "\n".join(
        [f"{lead}:", *lines, "You can also reach the SENCO through the school office."]
    )


def staff_training(*, school: School, today: date) -> str:
    """One query: the completions of staff still here, folded into the courses held today."""
    holders: dict[str, set[int]] = {}
    rows = Completion.objects.filter(
        here_on(today, person="person__"),
        school=school,
        completed_on__isnull=False,
        completed_on__lte=today,
    ).values_list("person_id", "course__name", "completed_on", "course__expires_after_months")
    for person_id, course, completed_on, months in rows:
        expires = training_rules.expires_on(completed_on=completed_on, expires_after_months=months)
        if training_rules.is_current(completed_on=completed_on, expires=expires, on=today):
            holders.setdefault(course, set()).add(person_id)
    if not holders:
        return ""
    lines = [
        f"- {course}: {len(people)} member{'s' if len(people) != 1 else ''} of staff"
        for course, people in sorted(holders.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    ]
    return "\n".join(
        [
            "All staff receive training in meeting special educational needs. Training our "
            "staff hold today:",
            *lines,
            "Where a pupil needs expertise we do not have, we ask for it from the local "
            "authority's specialist services.",
        ]
    )


def parents(*, school: School, today: date) -> str:
    """One query: the meetings with parents over the last 12 months, by kind."""
    kinds = Counter(
        dict(
            ParentMeeting.objects.filter(
                school=school, held_on__gt=today - YEAR, held_on__lte=today
            )
            .values_list("kind")
            .annotate(n=Count("pk"))
            .order_by()
        )
    )
    lines = [
        "We meet the parents of every pupil on SEN support at least three times a year to set "
        "outcomes, review progress and agree the next steps, and give them a record of what "
        "was agreed."
    ]
    if not kinds:
        return ""
    total = sum(kinds.values())
    named = [
        f"{kinds[k]} {label.lower()}{'s' if kinds[k] != 1 else ''}"
        for k, label in ParentMeeting.Kind.choices
        if kinds[k]
    ]
    lines.append(
        f"In the last 12 months we held {total} meeting{'s' if total != 1 else ''} with parents "
        f"({_join(named)})."
    )
    return "\n".join(lines)


def pupils(*, school: School, today: date) -> str:
    """One query: the support plans written or reviewed over the last 12 months, and how many
    recorded the pupil's own views."""
    since = today - YEAR
    counts = Cycle.objects.filter(
        school=school, starts_on__gt=since, starts_on__lte=today
    ).aggregate(
        plans=Count("pk"),
        heard=Count("pk", filter=~Q(pupil_views="") | ~Q(review_pupil_views="")),
    )
    if not counts["plans"]:
        return ""
    return "\n".join(
        [
            "Pupils take part in planning and reviewing their own support: their views are "
            "gathered before each meeting, or given in it, and written into their plan.",
            f"In the last 12 months, {counts['heard']} of the {counts['plans']} support plans "
            "written recorded the pupil's own views.",
        ]
    )


def local_offer(*, school: School, today: date) -> str:
    if not school.local_authority:
        return ""
    return (
        f"Our local authority is {school.local_authority}. Its Local Offer, which sets out the "
        "support available for children and young people with special educational needs and "
        "disabilities and their families, is published on its website."
    )


def accessibility_plan(*, school: School, today: date) -> str:
    """One query: the draft's review date."""
    due = (
        InfoReport.objects.filter(school=school)
        .values_list("accessibility_plan_review_on", flat=True)
        .first()
    )
    words = (
        "Our accessibility plan sets out how, over three years, we increase disabled pupils' "
        "participation in the curriculum, improve the physical environment of the school and "
        "improve how information is given to disabled pupils. It is published on our website."
    )
    return f"{words} It is next reviewed by {long_date(due)}." if due else ""


DRAFTERS: dict[str, Callable[..., str]] = {
    "sch1-1": kinds_of_need,
    "sch1-3a": effectiveness,
    "sch1-3e": additional_support,
    "sch1-4": senco,
    "sch1-5": staff_training,
    "sch1-7": parents,
    "sch1-8": pupils,
    "sch1-13": local_offer,
    "s69-iv": accessibility_plan,
}


def suggestion(*, school: School, code: str, today: date) -> str:
    """What sendco would write for this item today (empty when it knows nothing to say)."""
    drafter = DRAFTERS.get(code)
    return drafter(school=school, today=today) if drafter else ""
