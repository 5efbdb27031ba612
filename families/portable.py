"""The portable plan: a pupil's SEN record in one standard, versioned JSON document
(`sendco-portable-plan`, version 1; the schema is families/schema/portable-plan-1.schema.json and
docs/portable-plan.md describes it).

`export_plan` reads the pupil's records and builds the document; it is deterministic (lists in a
fixed order, dates ISO, no database ids, no staff ids), so two exports of the same records are the
same bytes (`dumps`). What an import could not map onto the receiving school's own records
(`PreviousSchoolRecord.kept`) is re-emitted as it came, so export, import and export again give
the same document (only the `exported` envelope, which names the sender, differs).
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.db.models import Count, Q

from ehcp.models import AnnualReview, EhcPlan, PlanVersion
from ehcp.services import VERSION_FIELDS
from plans.models import CYCLE_TEXTS, Cycle, SupportPlan
from provision import rules as provision_rules
from provision.models import Attendance, GroupPupil
from register.models import Need, PassportVersion, Pupil, SenStatus, SupportLayer, ViewsGiven
from register.services import PASSPORT_FIELDS
from staff import calendar as school_calendar
from staff.models import School

from .models import PreviousSchoolRecord

FORMAT = "sendco-portable-plan"
VERSION = 1
SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "portable-plan-1.schema.json"

CYCLE_DATES = ("starts_on", "agreed_on", "review_due", "reviewed_on")
TARGET_TEXTS = (
    "outcome_sought",
    "description",
    "measure",
    "baseline",
    "expected",
    "other_provision",
    "outcome",
    "evidence",
    "next_step",
)
# The sections of an EHC plan version the file carries: every one but the money.
SECTIONS = tuple(f for f in VERSION_FIELDS if not f.endswith("_per_year"))
REVIEW_TEXTS = (
    "stage",
    "attendees",
    "pupil_views",
    "parent_views",
    "recommendation",
    "amendments",
    "disagreement",
    "la_decision",
)
REVIEW_DATES = (
    "meeting_on",
    "invitations_sent_on",
    "advice_circulated_on",
    "held_on",
    "report_sent_on",
    "la_decision_on",
    "amended_issued_on",
)


def iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def money(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def dumps(document: dict) -> str:
    """The document as the file holds it: keys sorted, two-space indents, UTF-8 text."""
    return json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def target_key(cycle_number: int, index: int) -> str:
    """How a target is named across a move: its cycle's number and its place in that cycle."""
    return f"{cycle_number}.{index}"


# --------------------------------------------------------------------------------------------------
# The parts, one function each
# --------------------------------------------------------------------------------------------------


def _pupil(pupil: Pupil) -> dict:
    return {
        "upn": pupil.upn,
        "legal_first_name": pupil.legal_first_name,
        "legal_last_name": pupil.legal_last_name,
        "preferred_first_name": pupil.preferred_first_name,
        "preferred_last_name": pupil.preferred_last_name,
        "date_of_birth": iso(pupil.date_of_birth),
        "sex": pupil.sex,
        "year_group": pupil.year_group,
    }


def _sen_statuses(pupil: Pupil) -> list[dict]:
    rows = SenStatus.objects.filter(pupil=pupil).order_by("starts_on", "pk")
    return [
        {
            "category": row.category,
            "starts_on": iso(row.starts_on),
            "ends_on": iso(row.ends_on),
            "reason": row.reason,
            "parents_informed_on": iso(row.parents_informed_on),
            "parents_informed_how": row.parents_informed_how,
        }
        for row in rows
    ]


def _needs(pupil: Pupil) -> list[dict]:
    rows = Need.objects.filter(pupil=pupil).select_related("need_type")
    found = [
        {
            "code": row.need_type.code,
            "rank": row.rank,
            "starts_on": iso(row.starts_on),
            "ends_on": iso(row.ends_on),
            "description": row.description,
        }
        for row in rows
    ]
    return sorted(found, key=lambda n: (n["starts_on"], n["rank"], n["code"], n["description"]))


def _layers(pupil: Pupil) -> list[dict]:
    rows = SupportLayer.objects.filter(pupil=pupil).order_by("starts_on", "pk")
    return [
        {
            "layer": row.layer,
            "starts_on": iso(row.starts_on),
            "ends_on": iso(row.ends_on),
            "note": row.note,
        }
        for row in rows
    ]


def _passport(pupil: Pupil) -> dict | None:
    newest = PassportVersion.objects.filter(pupil=pupil).order_by("-version").first()
    if newest is None:
        return None
    return {name: getattr(newest, name) for name in PASSPORT_FIELDS}


def _support_plan(pupil: Pupil, kept_provision: dict[str, list[str]]) -> dict | None:
    plan = SupportPlan.objects.filter(pupil=pupil).first()
    if plan is None:
        return None
    cycles = (
        Cycle.objects.filter(plan=plan)
        .prefetch_related("targets__need_type", "targets__groups")
        .order_by("number")
    )
    return {"kind": plan.kind, "cycles": [_cycle(c, kept_provision) for c in cycles]}


def _cycle(cycle: Cycle, kept_provision: dict[str, list[str]]) -> dict:
    targets = sorted(cycle.targets.all(), key=lambda t: (t.position, t.pk))
    found = {
        "number": cycle.number,
        "stage": cycle.stage,
        **{name: getattr(cycle, name) for name in CYCLE_TEXTS},
        **{name: iso(getattr(cycle, name)) for name in CYCLE_DATES},
        "targets": [],
    }
    for index, target in enumerate(targets, start=1):
        named = [g.name for g in target.groups.all()]
        named += kept_provision.get(target_key(cycle.number, index), [])
        found["targets"].append(
            {
                "position": target.position,
                **{name: getattr(target, name) for name in TARGET_TEXTS},
                "by_when": iso(target.by_when),
                "need_code": target.need_type.code if target.need_type else None,
                "provision": sorted(named),
            }
        )
    return found


def _ehc_plan(pupil: Pupil) -> dict | None:
    """The pupil's active EHC plan (or their latest one) as the school holds it: its newest
    version with outcomes and section F, and its last review."""
    plans = EhcPlan.objects.filter(pupil=pupil).select_related("authority")
    plan = plans.filter(status=EhcPlan.Status.ACTIVE).first()
    if plan is None:
        plan = plans.order_by("-created_at").first()
    if plan is None:
        return None
    version = (
        PlanVersion.objects.filter(plan=plan)
        .prefetch_related("outcomes", "provision__outcome")
        .order_by("-number")
        .first()
    )
    review = AnnualReview.objects.filter(plan=plan).order_by("-meeting_on", "-pk").first()
    return {
        "local_authority": plan.authority.name,
        "status": plan.status,
        "ended_on": iso(plan.ended_on),
        "version": _plan_version(version) if version else None,
        "last_review": _review(review) if review else None,
    }


def _plan_version(version: PlanVersion) -> dict:
    outcomes = sorted(version.outcomes.all(), key=lambda o: (o.position, o.pk))
    items = sorted(version.provision.all(), key=lambda p: (p.position, p.pk))
    return {
        "number": version.number,
        "kind": version.kind,
        "issued_on": iso(version.issued_on),
        "sections": {name: getattr(version, name) for name in SECTIONS},
        "outcomes": [
            {
                "position": o.position,
                "area": o.area,
                "outcome": o.outcome,
                "interim_targets": o.interim_targets,
            }
            for o in outcomes
        ],
        "provision": [
            {
                "position": p.position,
                "description": p.description,
                "hours_per_week": money(p.hours_per_week),
                "provider": p.provider,
                "outcome_position": p.outcome.position if p.outcome else None,
            }
            for p in items
        ],
    }


def _review(review: AnnualReview) -> dict:
    return {
        "phase_transfer": review.phase_transfer,
        **{name: getattr(review, name) for name in REVIEW_TEXTS},
        **{name: iso(getattr(review, name)) for name in REVIEW_DATES},
    }


def _provision(pupil: Pupil, school: School, today: date) -> list[dict]:
    """Every intervention group the pupil had a place in: dates, sessions planned over the
    school's open days while they were in it, sessions run with them on the register and those
    they attended, hours a week, and the measure with their entry, target and exit scores."""
    places = list(
        GroupPupil.objects.filter(pupil=pupil, school=school).select_related(
            "group__intervention__measure"
        )
    )
    if not places:
        return []
    marks = {
        row["session__group"]: row
        for row in Attendance.objects.filter(pupil=pupil, session__ran=True)
        .values("session__group")
        .annotate(attended=Count("pk", filter=Q(present=True)), marked=Count("pk"))
    }
    start = min(p.joined_on for p in places)
    open_days = school_calendar.school_days(school=school, start=start, end=today)
    return sorted(
        (_place(p, school.name, marks.get(p.group_id, {}), open_days, today) for p in places),
        key=lambda row: (row["joined_on"], row["group"], row["school"]),
    )


def _place(place: GroupPupil, school_name: str, mark: dict, open_days, today: date) -> dict:
    group = place.group
    end = min(d for d in (group.ends_on, place.left_on, today) if d is not None)
    days = [d for d in open_days if max(place.joined_on, group.starts_on) <= d <= end]
    measure = group.intervention.measure
    return {
        "school": school_name,
        "intervention": group.intervention.name,
        "broad_area": group.intervention.broad_area,
        "group": group.name,
        "group_starts_on": iso(group.starts_on),
        "group_ends_on": iso(group.ends_on),
        "joined_on": iso(place.joined_on),
        "left_on": iso(place.left_on),
        "sessions_per_week": group.sessions_per_week,
        "session_minutes": group.session_minutes,
        "hours_per_week": money(
            provision_rules.hours_per_week(
                sessions_per_week=group.sessions_per_week, session_minutes=group.session_minutes
            )
        ),
        "sessions_planned": provision_rules.planned_sessions(
            open_days=days, weekdays=group.weekdays, sessions_per_week=group.sessions_per_week
        ),
        "sessions_run": mark.get("marked", 0),
        "sessions_attended": mark.get("attended", 0),
        "measure": (
            {
                "name": measure.name,
                "kind": measure.kind,
                "higher_is_better": measure.higher_is_better,
            }
            if measure
            else None
        ),
        "entry_score": money(place.entry_score),
        "target_score": money(place.target_score),
        "exit_score": money(place.exit_score),
    }


def _views(pupil: Pupil) -> list[dict]:
    rows = ViewsGiven.objects.filter(pupil=pupil)
    found = [
        {
            "whose": row.whose,
            "how": row.how,
            "purpose": row.purpose,
            "given_on": iso(row.given_on),
            "given_by": row.given_by,
            "answers": [
                {"question": str(a.get("question", "")), "answer": str(a.get("answer", ""))}
                for a in row.answers
            ],
            "accepted_on": iso(row.accepted_on),
        }
        for row in rows
    ]
    return sorted(found, key=lambda v: json.dumps(v, sort_keys=True))


# --------------------------------------------------------------------------------------------------
# The document
# --------------------------------------------------------------------------------------------------


def export_plan(*, pupil: Pupil, today: date) -> dict:
    """The pupil's portable plan as of `today`, with what earlier schools' files brought."""
    kept = [r.kept for r in PreviousSchoolRecord.objects.filter(pupil=pupil).order_by("pk")]
    kept_provision: dict[str, list[str]] = {}
    for part in kept:
        for key, names in part.get("target_provision", {}).items():
            kept_provision.setdefault(key, []).extend(names)
    ehc_plan = _ehc_plan(pupil)
    if ehc_plan is None:
        ehc_plan = next((p["ehc_plan"] for p in reversed(kept) if p.get("ehc_plan")), None)
    provision = _provision(pupil, pupil.school, today)
    provision += [row for part in kept for row in part.get("provision_received", [])]
    school = pupil.school
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported": {"school": school.name, "urn": school.urn or "", "on": iso(today)},
        "pupil": _pupil(pupil),
        "sen_statuses": _sen_statuses(pupil),
        "needs": _needs(pupil),
        "support_layers": _layers(pupil),
        "passport": _passport(pupil),
        "support_plan": _support_plan(pupil, kept_provision),
        "ehc_plan": ehc_plan,
        "provision_received": sorted(
            provision, key=lambda row: (row["joined_on"], row["group"], row["school"])
        ),
        "views_given": _views(pupil),
    }


def body(document: dict) -> dict:
    """The document without its envelope (who sent it, when): what a round trip keeps."""
    return {key: value for key, value in document.items() if key != "exported"}
