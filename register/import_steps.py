"""The MIS import's two steps between the pages: the dry run and "Apply".

Between them the file waits on the server (register.mis_import.staging) and the person's session
holds only its token, the sha256 of its bytes and the fingerprint of the dry run shown. Apply
reads the file back, parses and plans again (the register may have changed), and writes only if
the plan is the one the person saw; otherwise it hands back the new dry run to show.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError

from staff.models import School
from staff.tenancy import Access

from . import mis_import
from .mis_import import staging

SESSION_KEY = "mis_import"
STALE = (
    "That dry run is not the latest one you made, or it has already been applied. Upload the "
    "file again to see a fresh dry run."
)
CHANGED = (
    "The register has changed since your dry run, so nothing was imported yet. Check this new "
    "dry run before you apply it."
)


@dataclass(frozen=True)
class DryRun:
    plan: mis_import.ImportPlan
    parsed: object  # mis_import.parse's result
    token: str | None  # None when the plan cannot be applied


def dry_run(*, session, school: School, parsed, raw: bytes, now: datetime, today: date) -> DryRun:
    """Plan the import of an uploaded file and keep the file for Apply when it can be applied
    (forgetting any earlier dry run of this person)."""
    staging.sweep(now)
    plan = mis_import.plan(school=school, parsed=parsed, today=today)
    staging.discard((session.pop(SESSION_KEY, None) or {}).get("token"))
    token = staging.store(raw) if plan.can_apply else None
    if token:
        session[SESSION_KEY] = staging.pending(
            token=token,
            sha256=parsed.sha256,
            fingerprint=plan.fingerprint,
            school_id=school.pk,
            now=now,
        )
    return DryRun(plan, parsed, token)


@dataclass(frozen=True)
class Applied:
    summary: str = ""  # what the import did
    error: str = ""  # why nothing was imported
    again: DryRun | None = None  # the register changed: the new dry run to show instead


def apply(
    *, session, school: School, access: Access, token: str, now: datetime, today: date
) -> Applied:
    """Apply the dry run `token` names, if it is this person's latest and still what the plan
    would be now."""
    pending = session.get(SESSION_KEY) or {}
    if not staging.is_latest(token, pending):
        return Applied(error=STALE)
    session.pop(SESSION_KEY)
    try:
        raw = staging.take(token=token, pending=pending, school_id=school.pk, now=now)
    except staging.Refused as refused:
        return Applied(error=str(refused))
    parsed = mis_import.parse(raw)
    plan = mis_import.plan(school=school, parsed=parsed, today=today)
    if plan.fingerprint != pending["fingerprint"]:
        # The register (or the date) changed since the dry run: show the new one.
        if plan.can_apply:
            session[SESSION_KEY] = {**pending, "fingerprint": plan.fingerprint}
        else:
            staging.discard(token)
            token = None
        return Applied(again=DryRun(plan, parsed, token))
    try:
        summary = mis_import.apply(school=school, plan=plan, access=access)
    except ValidationError as error:
        staging.discard(token)
        return Applied(error=" ".join(error.messages))
    staging.discard(token)
    return Applied(summary=str(summary))
