"""What the report's pages show: a draft's live figures, exactly, to the SENDCo and head; a
published report's frozen figures, suppressed, to everyone who reads it."""

from __future__ import annotations

import logging
from datetime import date

from django.core.cache import cache

from staff import deadline_cache, suppression

from . import selectors
from .figures import figures
from .models import TermReport
from .present import report_tables

logger = logging.getLogger(__name__)


def report_context(*, report: TermReport, today: date) -> dict:
    if report.published:
        return {"report": report, **published_tables(report)}
    return {"report": report, **report_tables(live_figures(report, today), governor=False)}


# Bump when what `report_tables` shows of a snapshot changes, so no page serves the old tables.
TABLES_VERSION = 1


def published_tables(report: TermReport) -> dict:
    """A published report's tables as governors see them, worked out once and kept: the
    snapshot never changes, and working out its suppression over every table takes from 10 ms
    to a few hundred at a school with many small counts. Kept per threshold (a setting) and
    version; a cache out of reach only means it is worked out again."""
    key = f"report-tables:{report.pk}:{suppression.threshold()}:{TABLES_VERSION}"
    try:
        found = cache.get(key)
    except Exception:  # noqa: BLE001 - any failure of the cache's server
        logger.warning("The cache is out of reach: report %s's tables worked out", report.pk)
        found = None
    if found is None:
        found = report_tables(report.snapshot, governor=True)
        try:
            cache.set(key, found, timeout=TABLES_SECONDS)
        except Exception:  # noqa: BLE001
            logger.warning("The cache is out of reach: report %s's tables not kept", report.pk)
    return found


TABLES_SECONDS = 7 * 24 * 60 * 60


def live_figures(report: TermReport, today: date) -> dict:
    """A draft's figures, worked out from today's records, and kept under the school's stamp
    until the next write that could change them (`staff.deadline_cache.kept`): at a 2,000-pupil
    school they take about 300 ms to work out, and the SENDCo and head open a draft many times
    while writing and reviewing it."""
    return deadline_cache.kept(
        school_id=report.school_id,
        today=today,
        weeks=0,
        name=f"report-figures:{report.starts_on.isoformat()}:{report.ends_on.isoformat()}",
        work_out=lambda: figures(
            school=report.school, starts_on=report.starts_on, ends_on=report.ends_on, today=today
        ),
    )


def warm(*, school_id: int, today: date) -> int:
    """Work out and keep the live figures of the school's drafts (the morning scan and the
    worker after a write run it with the school's other pages: `sendco.pages.warm`)."""
    drafts = list(selectors.drafts_of(school_id=school_id))
    for report in drafts:
        live_figures(report, today)
    return len(drafts)


def _names(memberships) -> str:
    names = [m.user.full_name or m.user.email for m in memberships]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _governors(memberships) -> str:
    n = len(memberships)
    return f"{n} governor{'s' if n != 1 else ''}: {_names(memberships)}"


def emailing(*, report: TermReport) -> dict:
    """For the SENDCo and head: the governors a report goes to by email (before publishing),
    or was emailed to and when, and those not emailed yet (once published)."""
    governors = list(selectors.governors_of(school=report.school))
    emailed = list(selectors.emails_of(report=report)) if report.published else []
    told = {e.user_id for e in emailed}
    return {
        "emailing": {
            "governors": governors,
            "emailed": emailed,
            "waiting": [m for m in governors if m.user_id not in told],
        }
    }


def published_words(report: TermReport) -> str:
    """What the SENDCo is told on publishing: who it is being emailed to."""
    said = "The report is published: governors can read it, and its figures are frozen."
    governors = list(selectors.governors_of(school=report.school))
    if not governors:
        return f"{said} No governor of the school has an email address in sendco: none is emailed."
    return f"{said} It is being emailed to {_governors(governors)}."


def emailing_words(waiting: list) -> str:
    return f"The report is being emailed to {_governors(waiting)}."
