"""What the report's pages show: a draft's live figures, exactly, to the SENDCo and head; a
published report's frozen figures, suppressed, to everyone who reads it."""

from __future__ import annotations

from datetime import date

from .figures import figures
from .models import TermReport
from .present import report_tables


def report_context(*, report: TermReport, today: date) -> dict:
    if report.published:
        return {"report": report, **report_tables(report.snapshot, governor=True)}
    live = figures(
        school=report.school, starts_on=report.starts_on, ends_on=report.ends_on, today=today
    )
    return {"report": report, **report_tables(live, governor=False)}
