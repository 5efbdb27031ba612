"""Reminders: the daily scan of every deadline, one notification per person and threshold, the
email digest and the calendar feed's secret.

The rules (which threshold a deadline has crossed, who is told) are plain functions; the scan and
the digest are the only writers. Exactly once:

- a notification is a row unique on (person, school, deadline, threshold), inserted with
  ON CONFLICT DO NOTHING, so a rerun, a retried task or a second worker inserts nothing twice;
- a digest is a row unique on (person, day) claimed in the same transaction that marks the
  notifications as emailed and sends the email, so a second digest that day finds the row and
  stops, and a crash before the commit leaves everything to the next run.

Emails and calendar events carry no pupil's name, initials or needs: a title, a date, a short
reference and a link into sendco, where the person signs in.
"""

from __future__ import annotations

import hashlib
import secrets
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from register.selectors import pupils_visible_to
from staff.capabilities import Reach, deadline_escalation, deadline_fallback, pupil_reach
from staff.deadlines import ALERTS, Deadline, is_about_a_person, may_open, may_see, opened_by_duty
from staff.models import Membership, Role, School, User
from staff.tenancy import Access, members_of

from .deadlines import deadlines_for_school
from .models import DigestSent, Notification, ReminderSettings, ScanRun, SchoolScanned

# --------------------------------------------------------------------------------------------------
# Rules
# --------------------------------------------------------------------------------------------------

DEFAULT_THRESHOLDS = (56, 28, 14, 0, -1)  # 8, 4 and 2 weeks before, on the day, overdue
OVERDUE = -1
ESCALATED = Notification.ESCALATED


# An alert (delivery below plan) is due on the school day it began: told once, when first seen.
# Its due date stays the same while the alert lasts, so the notification is not repeated.
ALERT_THRESHOLDS = (0,)


def thresholds_for(kind: str) -> tuple[int, ...]:
    """Days before the due date at which people are told, per kind of deadline
    (REMINDER_THRESHOLDS setting: {"kind": [days, ...]} or {"default": [...]}); an alert's kind
    (`staff.deadlines.ALERTS`) is told once unless the setting names it."""
    table = getattr(settings, "REMINDER_THRESHOLDS", {}) or {}
    # An empty list for a kind means: no reminders of that kind.
    if kind in table:
        found = table[kind]
    elif kind in ALERTS:
        found = ALERT_THRESHOLDS
    else:
        found = table.get("default", DEFAULT_THRESHOLDS)
    return tuple(sorted({int(d) for d in found}, reverse=True))


def crossed(*, due: date, today: date, thresholds: Sequence[int]) -> int | None:
    """The most urgent threshold the deadline has reached today, or None (not yet).

    A scan that first meets a deadline 10 days before it is due tells people once, at the
    2-week threshold, not three times for 8, 4 and 2 weeks."""
    left = (due - today).days
    reached = [t for t in thresholds if (left <= t if t >= 0 else left < 0)]
    return min(reached) if reached else None


def escalate_after() -> int:
    return int(getattr(settings, "REMINDER_ESCALATE_AFTER_DAYS", 7))


def escalated(*, due: date, today: date, after_days: int | None = None) -> bool:
    """Still overdue `after_days` days after the due date: the head is told too."""
    after_days = escalate_after() if after_days is None else after_days
    return (today - due).days >= after_days


THRESHOLD_LABELS = {56: "in 8 weeks", 28: "in 4 weeks", 14: "in 2 weeks", 0: "today", -1: "overdue"}


def threshold_label(threshold: int) -> str:
    if threshold == ESCALATED:
        return "overdue: told to the head"
    if threshold in THRESHOLD_LABELS:
        return THRESHOLD_LABELS[threshold]
    return f"in {threshold} days" if threshold > 0 else "overdue"


@dataclass(frozen=True)
class Planned:
    user_id: int
    deadline: Deadline
    threshold: int


def plan(
    *,
    deadlines: Iterable[Deadline],
    today: date,
    members: dict[int, str],
    sendcos: Sequence[int],
    heads: Sequence[int],
    sees: dict[int, set[str]],
    duties: dict[int, list[str]] | None = None,
) -> list[Planned]:
    """Who is told what today. The owner is told (a person of the school who may see the
    pupil and open the deadline's page; otherwise the SENDCo); still overdue after
    REMINDER_ESCALATE_AFTER_DAYS, the head and the SENDCo too, if they may open it. A deadline
    about a member of staff (their training) is told to that person, if they may open it, and to
    the SENDCo as well, each once; the head hears of it overdue only if they may see it
    (`staff.deadlines.may_see`). `members`:
    the role of each active member by id; `sees`: pupil ids per owner whose view is limited
    (teachers), absent for whole-school roles; `duties`: the named duties per owner (a
    designated teacher opens every looked-after child's PEP, whatever their classes)."""
    duties = duties or {}
    found: list[Planned] = []
    for deadline in deadlines:
        threshold = crossed(due=deadline.due, today=today, thresholds=thresholds_for(deadline.kind))
        if threshold is None:
            continue
        owner = deadline.owner_id
        held = duties.get(owner, ())
        about_a_person = is_about_a_person(deadline.kind)
        can_act = (
            owner in members
            and may_open(members[owner], deadline.kind, held)
            and (
                about_a_person
                or owner not in sees
                or deadline.subject_id in sees[owner]
                or opened_by_duty(deadline.kind, held)
            )
        )
        if about_a_person:  # the person and the SENDCo, each once
            told = list(dict.fromkeys([owner, *sendcos] if can_act else sendcos))
        else:
            told = [owner] if can_act else list(sendcos)
        found.extend(Planned(user_id, deadline, threshold) for user_id in told)
        if deadline.due < today and escalated(due=deadline.due, today=today):
            found.extend(
                Planned(user_id, deadline, ESCALATED)
                for user_id in dict.fromkeys([*heads, *sendcos])
                if user_id not in told
                and may_see(
                    role=members.get(user_id, ""),
                    kind=deadline.kind,
                    user_id=user_id,
                    owner_id=owner,
                )
            )
    return found


# --------------------------------------------------------------------------------------------------
# The scan
# --------------------------------------------------------------------------------------------------


def scan_school(*, school: School, today: date) -> int:
    """Record today's notifications for one school; returns how many were new."""
    members = members_of(school)
    sendcos = deadline_fallback(members)
    heads = deadline_escalation(members)
    horizon = max(max(thresholds_for("default"), default=0), 0) // 7 + 1
    table = getattr(settings, "REMINDER_THRESHOLDS", {}) or {}
    for days in table.values():
        horizon = max(horizon, max(days, default=0) // 7 + 1)
    deadlines = deadlines_for_school(school=school, today=today, weeks=horizon)
    owner_ids = {d.owner_id for d in deadlines if d.owner_id in members}
    # Whose pupils matter: the owners of deadlines about a pupil (not of their own training).
    pupil_owner_ids = {
        d.owner_id for d in deadlines if d.owner_id in members and not is_about_a_person(d.kind)
    }
    sees: dict[int, set[str]] = {}
    users = {u.pk: u for u in User.objects.filter(pk__in=pupil_owner_ids)}
    for owner in pupil_owner_ids:
        role = members[owner]
        reach = pupil_reach(role)
        if reach == Reach.NOTHING:
            sees[owner] = set()
        elif reach != Reach.SCHOOL:  # their own classes only
            access = Access(user=users[owner], school=school, role=role, membership=None)
            sees[owner] = {
                str(p)
                for p in pupils_visible_to(access=access, on=today).values_list(
                    "public_id", flat=True
                )
            }
    planned = plan(
        deadlines=deadlines,
        today=today,
        members=members,
        sendcos=sendcos,
        heads=heads,
        sees=sees,
        duties=dict(
            Membership.objects.filter(
                school=school, user_id__in=owner_ids, ended_at__isnull=True
            ).values_list("user_id", "duties")
        )
        if owner_ids
        else {},
    )
    rows = [
        Notification(
            school=school,
            user_id=p.user_id,
            kind=p.deadline.kind,
            subject_id=p.deadline.subject_id,
            due=p.deadline.due,
            threshold=p.threshold,
            title=p.deadline.title[:200],
            url=p.deadline.url[:300],
        )
        for p in planned
    ]
    before = Notification.objects.filter(school=school).count()
    # ON CONFLICT DO NOTHING on the unique constraint: exactly once, however many run at once.
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return Notification.objects.filter(school=school).count() - before


def scan_all(*, today: date) -> dict[str, int]:
    """Scan every school in this process, one transaction each: `seed_demo` and tests. The
    nightly run sends one task per school instead (below, and sendco/tasks.py)."""
    created = {}
    for school in School.objects.order_by("pk"):
        with transaction.atomic():
            created[school.slug] = scan_school(school=school, today=today)
    return created


# --------------------------------------------------------------------------------------------------
# The nightly run: one scan task per school, the digests once the last school is done
# --------------------------------------------------------------------------------------------------

SCAN_PAGE = 1000  # school ids read at a time while enqueueing, so 24,000 never load at once
SCAN_RUNS_KEPT_DAYS = 14


def scan_run_start(*, today: date) -> tuple[ScanRun, int]:
    """Record tonight's run and the schools it will scan: every school up to the highest key
    now (a school added meanwhile waits for tomorrow). A second run the same day (a retry, a
    second beat) counts again and scans again; both are harmless, the digests are claimed once.
    Returns the run and the highest school key."""
    last = School.objects.aggregate(last=Max("pk"))["last"] or 0
    expected = School.objects.filter(pk__lte=last).count()
    run, _ = ScanRun.objects.update_or_create(day=today, defaults={"schools": expected})
    return run, last


def school_id_pages(*, last: int, size: int = SCAN_PAGE) -> Iterator[list[int]]:
    """The keys of every school up to `last`, a page at a time (keyset, not OFFSET)."""
    after = 0
    while page := list(
        School.objects.filter(pk__gt=after, pk__lte=last)
        .order_by("pk")
        .values_list("pk", flat=True)[:size]
    ):
        yield page
        after = page[-1]


def scan_school_counted(*, school: School, today: date) -> int:
    """Scan one school and record it done for the day, in one transaction: a retried or
    duplicated task counts once (ON CONFLICT DO NOTHING), a scan rolled back not at all."""
    with transaction.atomic():
        created = scan_school(school=school, today=today)
        _, first = SchoolScanned.objects.get_or_create(day=today, school=school)
        if first:  # the run's count moves once per school, at the commit of its scan
            ScanRun.objects.filter(day=today).update(done=F("done") + 1)
    return created


def digests_claim(*, today: date) -> bool:
    """True for exactly one caller, once every school of the day's run is done. Call it after
    the scan's commit: of two tasks finishing last at once, the later commit sees both rows,
    and the conditional UPDATE lets only one of them through."""
    claimed = ScanRun.objects.filter(
        day=today, digests_at__isnull=True, done__gte=F("schools")
    ).update(digests_at=timezone.now())
    return claimed == 1


def scan_runs_prune(*, today: date) -> None:
    """Forget the bookkeeping of runs older than SCAN_RUNS_KEPT_DAYS (24,000 rows a night)."""
    before = today - timedelta(days=SCAN_RUNS_KEPT_DAYS)
    SchoolScanned.objects.filter(day__lt=before).delete()
    ScanRun.objects.filter(day__lt=before).delete()


# --------------------------------------------------------------------------------------------------
# The digest
# --------------------------------------------------------------------------------------------------

DIGEST_MAX_AGE_DAYS = 8


def settings_of(user: User) -> ReminderSettings:
    found, _ = ReminderSettings.objects.get_or_create(user=user)
    return found


def digest_due(*, choice: str, today: date) -> bool:
    if choice == ReminderSettings.Digest.DAILY:
        return True
    if choice == ReminderSettings.Digest.WEEKLY:
        return today.weekday() == 0
    return False


def send_digest(*, user: User, today: date, now: datetime | None = None) -> bool:
    """Email the person's unsent notifications (of the last 8 days) in one message, at most once
    a day; True when an email went out."""
    now = now or timezone.now()
    if not user.is_active or not digest_due(choice=settings_of(user).digest, today=today):
        return False
    try:
        with transaction.atomic():
            DigestSent.objects.create(user=user, on=today)  # the claim: unique per person per day
            pending = list(
                Notification.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(
                    user=user,
                    emailed_at__isnull=True,
                    read_at__isnull=True,
                    created_at__gte=now - timedelta(days=DIGEST_MAX_AGE_DAYS),
                    school__in=_schools_of(user),
                )
                .select_related("school")
                .order_by("school__name", "due")
            )
            if not pending:
                transaction.set_rollback(True)  # nothing to say: no claim, no email
                return False
            _send(user=user, pending=pending, today=today)
            Notification.objects.filter(pk__in=[n.pk for n in pending]).update(emailed_at=now)
            DigestSent.objects.filter(user=user, on=today).update(notifications=len(pending))
    except IntegrityError:
        return False  # already sent today (by this run's twin or an earlier one)
    return True


def _schools_of(user: User):
    memberships = Membership.objects.filter(user=user, ended_at__isnull=True)
    return School.objects.filter(pk__in=memberships.values("school_id")) | School.objects.filter(
        trust_id__in=memberships.filter(role=Role.TRUST_LEAD).values("school__trust_id")
    )


def _send(*, user: User, pending: list[Notification], today: date) -> None:
    by_school: dict[School, list[Notification]] = defaultdict(list)
    for note in pending:
        note.when = threshold_label(note.threshold)
        by_school[note.school].append(note)
    overdue = sum(1 for n in pending if n.threshold < 0)
    context = {
        "user": user,
        "today": today,
        "schools": [
            {
                "school": school,
                "notes": notes,
                "overdue": sum(1 for n in notes if n.threshold < 0),
            }
            for school, notes in by_school.items()
        ],
        "count": len(pending),
        "overdue": overdue,
        "site_url": settings.SITE_URL,
        "centre_url": settings.SITE_URL + reverse("notifications"),
        "settings_url": settings.SITE_URL + reverse("reminder_settings"),
    }
    subject = f"sendco: {len(pending)} deadline{'s' if len(pending) != 1 else ''} to look at"
    if overdue:
        subject += f", {overdue} overdue"
    send_mail(
        subject=subject,
        message=render_to_string("sendco/email/digest.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )


DIGEST_PAGE = 200  # people per digest task: 300,000 staff make 1,500 tasks, not one long one


def digest_user_pages(*, size: int | None = None) -> Iterator[list[int]]:
    """The keys of the people with unsent, unread notifications, a page at a time (keyset)."""
    size = size or DIGEST_PAGE
    after = 0
    pending = Notification.objects.filter(emailed_at__isnull=True, read_at__isnull=True)
    while page := list(
        pending.filter(user_id__gt=after)
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .distinct()[:size]
    ):
        yield page
        after = page[-1]


def send_digests_to(*, user_ids: Sequence[int], today: date) -> int:
    """Send the due digests of these people; returns how many went out."""
    users = User.objects.filter(pk__in=user_ids, is_active=True).order_by("pk")
    return sum(send_digest(user=user, today=today) for user in users)


def send_digests(*, today: date) -> int:
    """Send every due digest in this process (seed_demo, tests); returns how many went out.
    The nightly run sends one task per page of people instead (sendco/tasks.py)."""
    return sum(send_digests_to(user_ids=page, today=today) for page in digest_user_pages())


# --------------------------------------------------------------------------------------------------
# The calendar feed's secret
# --------------------------------------------------------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def feed_create(*, user: User) -> str:
    """A new secret for the person's feed; the old one stops working. Shown once."""
    token = secrets.token_urlsafe(32)
    found = settings_of(user)
    found.feed_token_hash = _hash(token)
    found.feed_created_at = timezone.now()
    found.save(update_fields=["feed_token_hash", "feed_created_at"])
    return token


@transaction.atomic
def feed_revoke(*, user: User) -> None:
    ReminderSettings.objects.filter(user=user).update(feed_token_hash="", feed_created_at=None)


def user_for_feed(token: str) -> User | None:
    if not token or len(token) > 100:
        return None
    found = (
        ReminderSettings.objects.filter(feed_token_hash=_hash(token))
        .exclude(feed_token_hash="")
        .select_related("user")
        .first()
    )
    if found is None or not found.user.is_active:
        return None
    return found.user
