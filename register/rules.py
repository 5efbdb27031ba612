"""The register's rules as plain functions, tested with tables of cases (DOMAIN.md 1 and 3)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from .models import Period, SenStatus

K = SenStatus.Provision.SEN_SUPPORT
E = SenStatus.Provision.EHC_PLAN
N = SenStatus.Provision.NONE


def need_problems(*, provision: str, need_codes: Iterable[str]) -> list[str]:
    """What is wrong with these ranked need codes for this provision code (census rules 2170 and
    2175): a type is required with K and E, and NSA is valid only with K."""
    codes = list(need_codes)
    problems = []
    if provision in (K, E) and not codes:
        label = "SEN support" if provision == K else "an EHC plan"
        problems.append(f"A pupil on {label} needs a primary type of need.")
    if "NSA" in codes and provision != K:
        problems.append(
            "NSA (no specialist assessment) can only be recorded for a pupil on SEN support (K)."
        )
    if provision == N and codes:
        problems.append("A pupil with no special educational need (N) has no type of need.")
    if len(codes) != len(set(codes)):
        problems.append("The same type of need is recorded twice.")
    return problems


def period_on(periods: Iterable[Period], on: date) -> Period | None:
    """The period covering `on`, if any (periods of one kind do not overlap)."""
    return next((p for p in periods if p.covers(on)), None)


def provision_on(statuses: Iterable[SenStatus], on: date) -> str:
    """The census provision code on a date: N when no status period covers it."""
    status = period_on(statuses, on)
    return status.provision if status is not None else N


def ever_6_fsm(fsm_periods: Iterable[Period], on: date) -> bool:
    """Free school meals at any point in the six years up to `on` (FSM Ever 6, DOMAIN.md 4.1)."""
    try:
        six_years_ago = on.replace(year=on.year - 6)
    except ValueError:  # 29 February
        six_years_ago = on.replace(year=on.year - 6, day=28)
    return any(
        p.starts_on <= on and (p.ends_on is None or p.ends_on >= six_years_ago) for p in fsm_periods
    )
