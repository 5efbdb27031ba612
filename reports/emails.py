"""The email that tells each governor a termly report is published (sent by a Celery task,
`reports.tasks.email_governors`, enqueued when the report is published and when the SENDCo asks
again for the governors not told yet).

What it says: the report and its term, a few headline figures taken from the same suppressed
tables the governors' page shows (so a count from 1 to 4 is "fewer than 5" and a cell hidden
there is "not shown" here too), and a link to the report, which asks them to sign in. No
pupil's name, initials, date of birth or anything written about a pupil; not the SENDCo's
commentary either: that is in the report, behind the sign-in, and an email is forwarded and
kept where sendco cannot see. The link names the report only (its public id).

Exactly once per governor and report: a `GovernorEmail` row, unique on (report, person), is
inserted in the transaction that sends the email, as the reminder digests' claim is
(sendco/reminders.py). A retry after a failed send, a second task or a second request sends
nothing to those already told; a governor whose email failed is told by the retry.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from staff import suppression
from staff.models import Membership, User
from staff.services import audit

from .models import GovernorEmail, TermReport
from .pages import published_tables
from .selectors import emails_of, governors_of


class Headline(NamedTuple):
    label: str
    value: str
    part: bool = False  # a part of the line above ("of them ...")


def _with_share(count: str, share: str) -> str:
    return count if share == "–" else f"{count} ({share} of the roll)"


def headlines(report: TermReport) -> list[Headline]:
    """The figures the email gives, in words, as the governors' page shows them."""
    tables = published_tables(report)["tables"]
    k, k_share, e, e_share, sen, sen_share = tables["register"].rows[0][1][:6]

    def cell(key: str, label: str) -> str:
        rows = dict(tables[key].rows)  # "... in all" where the report breaks the total down
        return (rows[label] if label in rows else rows[f"{label} in all"])[0]

    return [
        Headline("Pupils on the SEN register at the end of the term", _with_share(sen, sen_share)),
        Headline("of them on SEN support (K)", _with_share(k, k_share), part=True),
        Headline("of them with an EHC plan (E)", _with_share(e, e_share), part=True),
        Headline("Added to the register this term", cell("moved", "Added to the register")),
        Headline("Removed from the register this term", cell("moved", "Removed in all")),
        Headline("EHC annual reviews held", cell("statutory", "EHC annual reviews held in all")),
        Headline(
            "of them with the report sent within 2 weeks",
            cell("statutory", "EHC annual reviews held: report sent within 2 weeks"),
            part=True,
        ),
        Headline(
            "Support plan reviews due this term", cell("plans", "Reviews due this term in all")
        ),
        Headline(
            "of them held on time", cell("plans", "Reviews due this term: held on time"), part=True
        ),
    ]


def report_link(report: TermReport) -> str:
    return settings.SITE_URL + reverse(
        "reports:report", args=[report.school.slug, report.public_id]
    )


def message(*, report: TermReport, governor: User, lines: list[Headline]):
    """The email to one governor: plain text with an HTML alternative."""
    context = {
        "report": report,
        "school": report.school,
        "governor": governor,
        "lines": lines,
        "threshold": suppression.threshold(),
        "link": report_link(report),
    }
    email = EmailMultiAlternatives(
        subject=f"{report.school.name}: the SEND report for the {report.period} is published",
        body=render_to_string("reports/email/published.txt", context),
        to=[governor.email],
    )
    email.attach_alternative(render_to_string("reports/email/published.html", context), "text/html")
    return email


def _send_once(*, report: TermReport, membership: Membership, lines, now: datetime) -> bool:
    """Claim and send in one transaction: a send that fails leaves no claim, for the retry."""
    governor = membership.user
    try:
        with transaction.atomic():
            GovernorEmail.objects.create(
                school=report.school, report=report, user=governor, to=governor.email, sent_at=now
            )
            message(report=report, governor=governor, lines=lines).send()
    except IntegrityError:
        return False  # told already, by another task
    return True


def email_governors(*, report_id: int, by_id: int | None = None) -> int:
    """Email the published report to each governor of its school not told yet; returns how
    many were emailed. One audit event says how many, whoever asked."""
    report = (
        TermReport.objects.filter(pk=report_id, status=TermReport.Status.PUBLISHED)
        .select_related("school")
        .first()
    )
    if report is None:
        return 0
    waiting = not_emailed(report)
    if not waiting:
        return 0
    lines, now, sent = headlines(report), timezone.now(), 0
    try:
        for membership in waiting:
            sent += _send_once(report=report, membership=membership, lines=lines, now=now)
    finally:  # a failed send leaves the others told, and says so
        if sent:
            audit(
                action="reports.report_emailed",
                actor=User.objects.filter(pk=by_id).first() if by_id else None,
                school=report.school,
                obj=report,
                detail={"governors": sent},
            )
    return sent


def not_emailed(report: TermReport) -> list[Membership]:
    """The school's governors with an address who have not had this report by email."""
    told = {e.user_id for e in emails_of(report=report)}
    return [m for m in governors_of(school=report.school) if m.user_id not in told]
