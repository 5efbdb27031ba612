"""The register's rules as plain functions, tested with tables of cases (DOMAIN.md 1 and 3)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from staff.bounds import years_away

from .models import Period, PupilPremiumPeriod, SenStatus

K = SenStatus.Category.SEN_SUPPORT
E = SenStatus.Category.EHC_PLAN
N = SenStatus.Category.NONE


def need_problems(*, category: str, need_codes: Iterable[str]) -> list[str]:
    """What is wrong with these ranked need codes for this SEN category (census rules 2170 and
    2175): a type is required with K and E, and NSA is valid only with K."""
    codes = list(need_codes)
    problems = []
    if category in (K, E) and not codes:
        label = "SEN support" if category == K else "an EHC plan"
        problems.append(f"A pupil on {label} needs a primary type of need.")
    if "NSA" in codes and category != K:
        problems.append(
            "NSA (no specialist assessment) can only be recorded for a pupil on SEN support (K)."
        )
    if category == N and codes:
        problems.append("A pupil with no special educational need (N) has no type of need.")
    if len(codes) != len(set(codes)):
        problems.append("The same type of need is recorded twice.")
    return problems


def period_on(periods: Iterable[Period], on: date) -> Period | None:
    """The period covering `on`, if any (periods of one kind do not overlap)."""
    return next((p for p in periods if p.covers(on)), None)


def category_on(statuses: Iterable[SenStatus], on: date) -> str:
    """The SEN category (N, K or E) on a date: N when no status period covers it."""
    status = period_on(statuses, on)
    return status.category if status is not None else N


# The grounds of a "disadvantaged" pupil that the register's Pupil Premium flag shows on a day
# (DOMAIN.md 4.1): means-tested free school meals in the last six years, or previously looked
# after. Free school meals through the Universal Credit extension alone (from September 2026)
# attract no Pupil Premium; service children are counted apart (`premium.rules`).
FSM = PupilPremiumPeriod.Kind.FSM
FSM_UC = PupilPremiumPeriod.Kind.FSM_UC
SERVICE = PupilPremiumPeriod.Kind.SERVICE
PLAC = PupilPremiumPeriod.Kind.PLAC

# From the 2026/27 school year every child in a household on Universal Credit gets free school
# meals; a pupil eligible only through that extension attracts no Pupil Premium.
UC_EXTENSION_STARTS = date(2026, 9, 1)


def ever_6_fsm(fsm_periods: Iterable[Period], on: date) -> bool:
    """Free school meals at any point in the six years up to `on` (FSM Ever 6, DOMAIN.md 4.1)."""
    six_years_ago = years_away(on, -6)
    return any(
        p.starts_on <= on and (p.ends_on is None or p.ends_on >= six_years_ago) for p in fsm_periods
    )


# Attendance this low is persistent absence: missing 10% or more of possible sessions (DfE).
PERSISTENT_ABSENCE_BELOW = 90


def season_by_month(on: date) -> tuple[int, str]:
    """(academic year start, season) of the term `on` falls in or has just ended, when the
    school has no term dates: autumn September to December, spring January to March, summer
    April to August. The MIS import uses the school's own terms when it has them."""
    if on.month >= 9:
        return on.year, "autumn"
    return on.year - 1, "spring" if on.month <= 3 else "summer"


# --------------------------------------------------------------------------------------------------
# The pupil page
# --------------------------------------------------------------------------------------------------


def chronology(record: dict, entries=()) -> list[tuple[date, str, object]]:
    """The pupil page's history, latest first: status periods, needs, concerns and passport
    versions by the date each began, and the lines other apps give (`register.chronology`:
    referrals to outside agencies, say) as "entry"."""
    return sorted(
        [(s.starts_on, "status", s) for s in record["statuses"]]
        + [(n.starts_on, "need", n) for n in record["needs"]]
        + [(c.raised_on, "concern", c) for c in record["concerns"]]
        + [(p.created_at.date(), "passport", p) for p in record["passports"]]
        + [(e.on, "entry", e) for e in entries],
        key=lambda item: item[0],
        reverse=True,
    )


# --------------------------------------------------------------------------------------------------
# Views given by parents and the pupil (issue 19)
# --------------------------------------------------------------------------------------------------

VIEWS_HOW_WORDS = {
    "link": "Given online by secure link",
    "symbol_form": "Given on the pupil voice form, with an adult,",
    "paper": "Given on paper",
    "meeting": "Given at a meeting",
}


def long_day(day: date) -> str:
    """5 March 2026."""
    return f"{day.day} {day:%B %Y}"


def views_given_line(*, how: str, given_on: date, given_by: str) -> str:
    """'Given online by secure link on 3 December 2026 by Mum': how, when and by whom views
    were given, the same words on every page that shows them and in the plan they are copied to."""
    line = f"{VIEWS_HOW_WORDS.get(how, 'Given')} on {long_day(given_on)}"
    return f"{line} by {given_by}" if given_by else line


def views_given_text(*, how: str, given_on: date, given_by: str, answers: list) -> str:
    """The words of views given as they are copied into a plan: the line saying how they were
    given, then each question and its answer."""
    lines = [f"{views_given_line(how=how, given_on=given_on, given_by=given_by)}:"]
    for item in answers or []:
        question = str(item.get("question", "")).strip() if isinstance(item, dict) else ""
        answer = str(item.get("answer", "")).strip() if isinstance(item, dict) else str(item)
        if answer:
            # "What helps me: Breaks"; "How do you feel about school? 4, happy".
            sep = " " if question.endswith(("?", ":")) else ": "
            lines.append(f"{question}{sep}{answer}" if question else answer)
    return "\n".join(lines)
