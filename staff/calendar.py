"""The school calendar: academic years, terms, bank holidays, school and working days, census days.

Plain functions so that every rule can be tested with a table of cases. See DOMAIN.md for the time
units: "school days" are days the school is open; "working days" are Monday to Friday less bank
holidays, whether or not it is term time.

No function here reads the clock: `today` and every other date are passed in.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Exists, OuterRef

from .models import AcademicYear, ClosureDay, School, Term

ONE_DAY = timedelta(days=1)
MONDAY, THURSDAY, FRIDAY, SATURDAY = 0, 3, 4, 5

# --------------------------------------------------------------------------------------------------
# Existing look-ups (other code calls these; keep their signatures)
# --------------------------------------------------------------------------------------------------


def term_containing(*, school: School, on: date) -> Term | None:
    """The half-term that `on` falls in, or None in a holiday."""
    return (
        Term.objects.filter(school=school, starts_on__lte=on, ends_on__gte=on)
        .select_related("academic_year")
        .first()
    )


def term_or_next(*, school: School, on: date) -> tuple[Term | None, Term | None]:
    """In one query: the half-term `on` falls in and None, or, in a holiday, None and the
    first half-term that starts after `on` (both None when no later term is set)."""
    first = (
        Term.objects.filter(school=school, ends_on__gte=on)
        .select_related("academic_year")
        .order_by("starts_on")
        .first()
    )
    if first is not None and first.starts_on <= on:
        return first, None
    return None, first


def next_term(*, school: School, on: date) -> Term | None:
    """The first half-term that starts after `on`."""
    return (
        Term.objects.filter(school=school, starts_on__gt=on)
        .select_related("academic_year")
        .order_by("starts_on")
        .first()
    )


@dataclass(frozen=True)
class SeasonTerm:
    """A whole term: both halves of a season (autumn, spring, summer) of an academic year."""

    season: str
    label: str
    starts_on: date
    ends_on: date


def season_terms(*, school: School, start: date, end: date) -> list[SeasonTerm]:
    """The school's whole terms overlapping `start`..`end`, across academic years, in order.
    A term only one half of which overlaps still comes whole (both halves' dates). One query."""
    overlapping = Term.objects.filter(
        school=school,
        academic_year=OuterRef("academic_year"),
        season=OuterRef("season"),
        ends_on__gte=start,
        starts_on__lte=end,
    )
    halves = Term.objects.filter(Exists(overlapping), school=school)
    seasons: dict[tuple[int, str], list[tuple[date, date]]] = {}
    for year_id, season, starts_on, ends_on in halves.values_list(
        "academic_year_id", "season", "starts_on", "ends_on"
    ):
        seasons.setdefault((year_id, season), []).append((starts_on, ends_on))
    terms = [
        SeasonTerm(
            season=season,
            label=Term.Season(season).label,
            starts_on=min(s for s, _ in rows),
            ends_on=max(e for _, e in rows),
        )
        for (_, season), rows in seasons.items()
    ]
    return sorted(terms, key=lambda t: t.starts_on)


# --------------------------------------------------------------------------------------------------
# Academic years
# --------------------------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it has no such day
    (29 February 2024 + 12 months = 28 February 2025; 31 August + 6 months = 28/29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def academic_year_start_for(on: date) -> int:
    """The year whose 1 September starts the academic year containing `on`.

    31 August 2026 is in 2025/26 (→ 2025); 1 September 2026 starts 2026/27 (→ 2026).
    """
    return on.year if on.month >= 9 else on.year - 1


def next_year_to_add(*, year_starts: list[int], today: date) -> int:
    """The academic year the Term dates page offers to add: the one after the last the school
    has from this year on, or this year when it has none."""
    return max(year_starts) + 1 if year_starts else academic_year_start_for(today)


def school_year_name(start: int) -> str:
    """The display name of the academic year starting in September of `start`: 2026 → "2026/27".

    The same form as `AcademicYear.name`.
    """
    return f"{start}/{(start + 1) % 100:02d}"


# --------------------------------------------------------------------------------------------------
# Bank holidays of England and Wales
# --------------------------------------------------------------------------------------------------

# One-off changes announced by proclamation, since 2010. A regular bank holiday that was moved:
# rule date -> (new date, name). The rule date is dropped and the new date added.
BANK_HOLIDAY_MOVES: dict[date, tuple[date, str]] = {
    date(2012, 5, 28): (date(2012, 6, 4), "Spring bank holiday"),
    date(2020, 5, 4): (date(2020, 5, 8), "Early May bank holiday (VE day)"),
    date(2022, 5, 30): (date(2022, 6, 2), "Spring bank holiday"),
}
# Extra one-off bank holidays.
BANK_HOLIDAY_EXTRAS: dict[date, str] = {
    date(2011, 4, 29): "Royal wedding",
    date(2012, 6, 5): "Queen's Diamond Jubilee",
    date(2022, 6, 3): "Platinum Jubilee bank holiday",
    date(2022, 9, 19): "Bank Holiday for the State Funeral of Queen Elizabeth II",
    date(2023, 5, 8): "Bank holiday for the coronation of King Charles III",
}


def easter_sunday(year: int) -> date:
    """Easter Sunday in the Gregorian calendar (the anonymous "Meeus/Jones/Butcher" algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday_shift = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * weekday_shift) // 451
    month, day = divmod(h + weekday_shift - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The `n`th `weekday` (0 = Monday) of a month; n = 1 for the first."""
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def _last_weekday(year: int, month: int, weekday: int) -> date:
    """The last `weekday` (0 = Monday) of a month."""
    next_month = date(year + month // 12, month % 12 + 1, 1)
    last = next_month - ONE_DAY
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _with_substitutes(days: list[tuple[date, str]]) -> dict[date, str]:
    """Place fixed-date holidays, moving any that fall at a weekend to the next free weekday.

    Holidays already on a weekday keep their day first; the weekend ones then take, in order, the
    next weekday not already taken. So Christmas on a Sunday gives Boxing Day on Monday 26 and
    Christmas Day (substitute day) on Tuesday 27 December, as GOV.UK lists them.
    """
    placed = {day: name for day, name in days if day.weekday() < SATURDAY}
    for day, name in days:
        if day.weekday() < SATURDAY:
            continue
        substitute = day
        while substitute.weekday() >= SATURDAY or substitute in placed:
            substitute += ONE_DAY
        placed[substitute] = f"{name} (substitute day)"
    return placed


@lru_cache(maxsize=256)
def _bank_holidays_by_rule(year: int) -> dict[date, str]:
    """The bank holidays of `year` from the rules and the one-off table (not settings)."""
    easter = easter_sunday(year)
    holidays = {
        easter - timedelta(days=2): "Good Friday",
        easter + ONE_DAY: "Easter Monday",
        _nth_weekday(year, 5, MONDAY, 1): "Early May bank holiday",
        _last_weekday(year, 5, MONDAY): "Spring bank holiday",
        _last_weekday(year, 8, MONDAY): "Summer bank holiday",
    }
    holidays.update(_with_substitutes([(date(year, 1, 1), "New Year's Day")]))
    holidays.update(
        _with_substitutes(
            [(date(year, 12, 25), "Christmas Day"), (date(year, 12, 26), "Boxing Day")]
        )
    )
    for old, (new, name) in BANK_HOLIDAY_MOVES.items():
        if old.year == year:
            del holidays[old]
            holidays[new] = name
    holidays.update({day: name for day, name in BANK_HOLIDAY_EXTRAS.items() if day.year == year})
    return holidays


def _bank_holidays_from_settings(year: int) -> dict[date, str]:
    """`settings.EXTRA_BANK_HOLIDAYS` ({"2026-07-13": "name"}) for `year`."""
    extra: dict[str, str] = getattr(settings, "EXTRA_BANK_HOLIDAYS", {}) or {}
    holidays = {}
    for iso, name in extra.items():
        try:
            day = date.fromisoformat(iso)
        except (TypeError, ValueError) as exc:
            raise ImproperlyConfigured(
                f"EXTRA_BANK_HOLIDAYS key {iso!r} is not a date in the form YYYY-MM-DD."
            ) from exc
        if day.year == year:
            holidays[day] = name
    return holidays


def england_bank_holidays(year: int) -> dict[date, str]:
    """Bank holidays of England and Wales in `year`, date -> name, in date order.

    By rule: New Year's Day, Good Friday, Easter Monday, the early May (first Monday of May),
    spring (last Monday of May) and summer (last Monday of August) bank holidays, Christmas Day and
    Boxing Day, with substitute weekdays for those that fall at a weekend. Then the one-off changes
    in `BANK_HOLIDAY_MOVES` and `BANK_HOLIDAY_EXTRAS`, then `settings.EXTRA_BANK_HOLIDAYS`, so a
    newly announced bank holiday is configuration, not code.
    """
    holidays = {**_bank_holidays_by_rule(year), **_bank_holidays_from_settings(year)}
    return dict(sorted(holidays.items()))


@lru_cache(maxsize=256)
def _bank_holiday_dates(year: int, extra: tuple[tuple[str, str], ...]) -> frozenset[date]:
    return frozenset(england_bank_holidays(year))


def is_bank_holiday(on: date) -> bool:
    """Whether `on` is a bank holiday in England and Wales (asked for thousands of dates when a
    school's deadlines are worked out: the year's holidays are kept, keyed by the setting)."""
    extra = getattr(settings, "EXTRA_BANK_HOLIDAYS", {}) or {}
    return on in _bank_holiday_dates(on.year, tuple(sorted(extra.items())))


# --------------------------------------------------------------------------------------------------
# Working days: Monday to Friday less bank holidays, term time or not
# --------------------------------------------------------------------------------------------------


def is_working_day(on: date) -> bool:
    """Whether `on` is Monday to Friday and not a bank holiday."""
    return on.weekday() < SATURDAY and not is_bank_holiday(on)


def add_working_days(*, start: date, days: int) -> date:
    """The date `days` working days after `start`; `start` itself is not counted.

    `days` = 0 returns `start` unchanged, even when `start` is not a working day.
    """
    if days < 0:
        raise ValueError(f"days must be 0 or more, not {days}.")
    on = start
    while days:
        on += ONE_DAY
        if is_working_day(on):
            days -= 1
    return on


def working_days_between(*, start: date, end: date) -> int:
    """Working days after `start` up to and including `end`.

    Negative when `end` is before `start` (minus the count from `end` to `start`), so that a
    deadline already passed reads as "-3 working days".
    """
    if end < start:
        return -working_days_between(start=end, end=start)
    return sum(
        1 for offset in range(1, (end - start).days + 1) if is_working_day(start + offset * ONE_DAY)
    )


# --------------------------------------------------------------------------------------------------
# School days: days the school is open to pupils
# --------------------------------------------------------------------------------------------------


def _open_days(*, school: School, start: date, end: date | None) -> list[date]:
    """The school's open days from `start` to `end` (both inclusive; `end` None: no limit), sorted.

    A school day is a weekday inside one of the school's terms that is neither a bank holiday nor
    one of its closure days. Two queries whatever the range: the terms overlapping it and the
    closure days inside it.
    """
    terms = Term.objects.filter(school=school, ends_on__gte=start)
    closures = ClosureDay.objects.filter(school=school, on__gte=start)
    if end is not None:
        terms = terms.filter(starts_on__lte=end)
        closures = closures.filter(on__lte=end)
    closed = set(closures.values_list("on", flat=True))
    open_days: set[date] = set()  # a set, in case two term rows overlap
    for starts_on, ends_on in terms.values_list("starts_on", "ends_on"):
        day = max(starts_on, start)
        last = ends_on if end is None else min(ends_on, end)
        while day <= last:
            if day not in closed and is_working_day(day):
                open_days.add(day)
            day += ONE_DAY
    return sorted(open_days)


def school_days(*, school: School, start: date, end: date) -> list[date]:
    """The days from `start` to `end` (both inclusive) that the school is open to pupils."""
    if end < start:
        return []
    return _open_days(school=school, start=start, end=end)


def school_days_between(*, school: School, start: date, end: date) -> int:
    """School days after `start` up to and including `end`.

    Negative when `end` is before `start`, as in `working_days_between`.
    """
    if end < start:
        return -school_days_between(school=school, start=end, end=start)
    return len(school_days(school=school, start=start + ONE_DAY, end=end))


def add_school_days(*, school: School, start: date, days: int) -> date:
    """The date `days` school days after `start`; `start` itself is not counted.

    For example the 15 school days to pass on a pupil's file. `days` = 0 returns `start`. Loads all
    the school's terms ending after `start` in one go, so it needs two queries however far it goes.
    Raises ValueError when the school's calendar ends before the count is reached: add the next
    academic year's terms first.
    """
    if days < 0:
        raise ValueError(f"days must be 0 or more, not {days}.")
    if days == 0:
        return start
    open_days = _open_days(school=school, start=start + ONE_DAY, end=None)
    if len(open_days) >= days:
        return open_days[days - 1]
    reached = f"its last school day is {open_days[-1]:%d/%m/%Y}" if open_days else "it has no terms"
    raise ValueError(
        f"The school calendar of {school} runs out {days - len(open_days)} school day(s) short of "
        f"{days} school days after {start:%d/%m/%Y} ({reached}). Add the next academic year's "
        "term dates."
    )


# --------------------------------------------------------------------------------------------------
# Dates on school days: a school's calendar loaded once, for any number of dates
# --------------------------------------------------------------------------------------------------


def _long(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


@dataclass(frozen=True)
class SchoolCalendar:
    """A school's terms and closure days, loaded once (`load`, two queries) so that any number of
    dates can then be checked without a query.

    The school's calendar is known in the academic years it has terms for. There a school day is
    a weekday inside a term that is neither a bank holiday nor a closure day, and "outside term
    time" is anything else but a weekend inside a term. In a year with no terms entered nothing is
    known of its holidays: a school day is then a working day (Monday to Friday less bank
    holidays), and no date is said to be in a holiday.
    """

    terms: tuple[tuple[date, date], ...] = ()  # (starts_on, ends_on), sorted
    years: tuple[tuple[date, date], ...] = ()  # the academic years with terms
    closed: frozenset[date] = frozenset()
    # Whether each date asked about is a school day: a school's deadlines ask about the same
    # few hundred dates thousands of times.
    _school_day: dict[date, bool] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )

    @classmethod
    def load(cls, *, school: School) -> SchoolCalendar:
        """All the school's terms and closure days. A school has six half-terms and a few closure
        days a year, so there is no window to get wrong: an overdue date from long ago, or a date
        that moves back from beyond a reader's horizon, is checked like any other."""
        terms = Term.objects.filter(school=school)
        closures = ClosureDay.objects.filter(school=school)
        rows = list(
            terms.values_list(
                "starts_on", "ends_on", "academic_year__starts_on", "academic_year__ends_on"
            )
        )
        return cls(
            terms=tuple(sorted((s, e) for s, e, _, _ in rows)),
            years=tuple(sorted({(ys, ye) for _, _, ys, ye in rows})),
            closed=frozenset(closures.values_list("on", flat=True)),
        )

    def known(self, day: date) -> bool:
        """Whether the school's terms are entered for the academic year of `day`."""
        return any(starts_on <= day <= ends_on for starts_on, ends_on in self.years)

    def in_term(self, day: date) -> bool:
        return any(starts_on <= day <= ends_on for starts_on, ends_on in self.terms)

    def is_school_day(self, day: date) -> bool:
        found = self._school_day.get(day)
        if found is None:
            found = self._school_day[day] = self._is_school_day(day)
        return found

    def _is_school_day(self, day: date) -> bool:
        if not is_working_day(day):
            return False
        if not self.known(day):
            return True
        return day not in self.closed and self.in_term(day)

    def in_holiday(self, day: date) -> bool:
        """Outside term time: a day of a known year not inside a term, or a weekday inside one
        that the school is closed (a bank holiday or a closure day). A weekend inside a term is
        not a holiday."""
        if not self.known(day):
            return False
        if not self.in_term(day):
            return True
        return day.weekday() < SATURDAY and not self.is_school_day(day)

    def open_days(self, *, start: date, end: date) -> list[date]:
        """The days from `start` to `end` (both inclusive) that the school is open, exactly as
        `school_days` reads them from the database (inside a term only: no guess for a year
        with no terms), without a query."""
        open_days: set[date] = set()
        for starts_on, ends_on in self.terms:
            day, last = max(starts_on, start), min(ends_on, end)
            while day <= last:
                if day not in self.closed and is_working_day(day):
                    open_days.add(day)
                day += ONE_DAY
        return sorted(open_days)

    def school_day_before(self, day: date) -> date | None:
        """The last school day strictly before `day` (None only if there is none in a year)."""
        on = day - ONE_DAY
        for _ in range(366):  # a holiday is weeks long; a year with no terms counts working days
            if self.is_school_day(on):
                return on
            on -= ONE_DAY
        return None

    def school_day_after(self, day: date) -> date | None:
        """The first school day strictly after `day`; None when there is none within a year."""
        on = day + ONE_DAY
        for _ in range(366):
            if self.is_school_day(on):
                return on
            on += ONE_DAY
        return None

    def on_or_before(self, day: date) -> date:
        """The date a deadline the school sets for itself falls on: `day` when it is a school day,
        otherwise the last school day before it (DOMAIN.md: dates the school sets fall on school
        days). Unchanged when the calendar has no school day before it."""
        if self.is_school_day(day):
            return day
        return self.school_day_before(day) or day

    def last_school_day_if_holiday(self, day: date) -> date | None:
        """For a statutory date, which keeps its legal date: the last school day before it when
        it falls outside term time, else None."""
        return self.school_day_before(day) if self.in_holiday(day) else None

    def school_day_problem(self, day: date) -> str | None:
        """Why `day` cannot be chosen for a date the school sets for itself (a review, a meeting),
        naming the nearest school days; None when it is a school day."""
        if self.is_school_day(day):
            return None
        if day.weekday() >= SATURDAY:
            why = "a weekend"
        elif is_bank_holiday(day):
            why = f"a bank holiday ({england_bank_holidays(day.year)[day]})"
        elif day in self.closed:
            why = "a day the school is closed"
        else:
            why = "in the school holidays"
        before, after = self.school_day_before(day), self.school_day_after(day)
        nearest = " or ".join(_long(d) for d in (before, after) if d is not None)
        text = f"{_long(day)} is not a school day: it is {why}."
        if nearest:
            text += f" Choose a school day, such as {nearest}."
        return text


def school_day_problem(*, school: School, on: date) -> str | None:
    """Why `on` cannot be chosen for a date the school sets for itself (a monitoring review, a
    support plan review), naming the nearest school days; None when it is a school day. For a
    form's clean method; two queries."""
    return SchoolCalendar.load(school=school).school_day_problem(on)


# --------------------------------------------------------------------------------------------------
# Census days
# --------------------------------------------------------------------------------------------------

CENSUS_SEASONS = ("autumn", "spring", "summer")


def census_dates(*, academic_year_start: int) -> dict[str, date]:
    """The DfE school census days of an academic year: keys "autumn", "spring", "summer".

    By rule (DOMAIN.md 3.1): autumn is the first Thursday of October, spring the third Thursday of
    January and summer the third Thursday of May. `settings.CENSUS_DATE_OVERRIDES` replaces any of
    them, keyed by year as "2025-26": {"2025-26": {"summer": "2026-05-21"}} (DOMAIN.md 9.3 lists the
    summer 2026 date as conflicting, so the date is configuration, not code).
    """
    following = academic_year_start + 1
    dates = {
        "autumn": _nth_weekday(academic_year_start, 10, THURSDAY, 1),
        "spring": _nth_weekday(following, 1, THURSDAY, 3),
        "summer": _nth_weekday(following, 5, THURSDAY, 3),
    }
    key = f"{academic_year_start}-{following % 100:02d}"
    overrides = (getattr(settings, "CENSUS_DATE_OVERRIDES", {}) or {}).get(key, {})
    for season, value in overrides.items():
        if season not in dates:
            raise ImproperlyConfigured(
                f"CENSUS_DATE_OVERRIDES[{key!r}] has {season!r}; use one of {CENSUS_SEASONS}."
            )
        try:
            dates[season] = value if isinstance(value, date) else date.fromisoformat(value)
        except (TypeError, ValueError) as exc:
            raise ImproperlyConfigured(
                f"CENSUS_DATE_OVERRIDES[{key!r}][{season!r}] = {value!r} is not YYYY-MM-DD."
            ) from exc
    return dates


# --------------------------------------------------------------------------------------------------
# A default pattern of term dates
# --------------------------------------------------------------------------------------------------


def _monday_on_or_before(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _monday_on_or_after(day: date) -> date:
    return day + timedelta(days=(MONDAY - day.weekday()) % 7)


def _term_start(day: date) -> date:
    """`day`, or the Monday after when `day` is a Friday or at a weekend; then past bank holidays.

    So no term starts for a single day before a weekend, nor on a bank holiday.
    """
    if day.weekday() >= FRIDAY:
        day = _monday_on_or_after(day)
    while not is_working_day(day):
        day += ONE_DAY
    return day


def _term_end(day: date) -> date:
    """The last working day on or before `day`."""
    while not is_working_day(day):
        day -= ONE_DAY
    return day


def default_term_pattern(*, academic_year_start: int) -> list[tuple[str, int, date, date]]:
    """Six half-terms (season, half, starts_on, ends_on) in the usual English pattern.

    Term dates are set by each local authority (or academy trust), so this is only a starting point
    that the SENDCo checks and edits. Every half-term starts and ends on a working day. The rules,
    for the year starting in September of Y:

    - autumn 1 starts on 2 September Y (INSET days included; the SENDCo adds them as closure days),
      or the Monday after if 2 September is a Friday or at a weekend; it ends on the Friday before
      October half-term, which is the last full Monday-to-Friday week of October;
    - autumn 2 starts the Monday after that half-term and ends on the Friday before the week
      (Monday to Sunday) that holds Christmas Day;
    - spring 1 starts on 3 January Y+1, or the Monday after if that is a Friday or at a weekend, or
      the next working day after a bank holiday (never on 1 January); it ends on the Friday before
      February half-term, the week starting on the first Monday on or after 12 February;
    - spring 2 starts the Monday after February half-term and ends on the Friday before the Easter
      holiday, which is two weeks starting the Monday before Good Friday (so the week of Easter
      Monday is the second week);
    - summer 1 starts the Monday after the Easter holiday (the next working day if that is the early
      May bank holiday) and ends the Friday before May half-term, the week of the last Monday of May
      (the usual spring bank holiday, by rule even in years it was moved);
    - summer 2 starts the Monday after May half-term and ends on the last weekday on or before
      22 July.
    """
    year, following = academic_year_start, academic_year_start + 1

    october_half_term = _monday_on_or_before(date(year, 10, 27))  # its Friday is 31 Oct at latest
    christmas_week = _monday_on_or_before(date(year, 12, 25))
    february_half_term = _monday_on_or_after(date(following, 2, 12))
    easter_holiday = _monday_on_or_before(easter_sunday(following) - timedelta(days=2))
    may_half_term = _last_weekday(following, 5, MONDAY)
    before = timedelta(days=3)  # Monday -> the Friday before
    week, fortnight = timedelta(weeks=1), timedelta(weeks=2)

    return [
        ("autumn", 1, _term_start(date(year, 9, 2)), _term_end(october_half_term - before)),
        ("autumn", 2, _term_start(october_half_term + week), _term_end(christmas_week - before)),
        ("spring", 1, _term_start(date(following, 1, 3)), _term_end(february_half_term - before)),
        ("spring", 2, _term_start(february_half_term + week), _term_end(easter_holiday - before)),
        ("summer", 1, _term_start(easter_holiday + fortnight), _term_end(may_half_term - before)),
        ("summer", 2, _term_start(may_half_term + week), _term_end(date(following, 7, 22))),
    ]


@transaction.atomic
def create_default_year(*, school: School, academic_year_start: int) -> AcademicYear:
    """Get or create the academic year (1 September to 31 August) and its six half-terms.

    Idempotent: a rerun creates only what is missing (a half-term that was deleted comes back from
    the pattern) and never changes a year or a half-term that exists, so dates the SENDCo has edited
    stay as they are. The caller audits.
    """
    year, _ = AcademicYear.objects.get_or_create(
        school=school,
        starts_on=date(academic_year_start, 9, 1),
        defaults={"ends_on": date(academic_year_start + 1, 8, 31)},
    )
    for season, half, starts_on, ends_on in default_term_pattern(
        academic_year_start=academic_year_start
    ):
        Term.objects.get_or_create(
            academic_year=year,
            season=season,
            half=half,
            defaults={"school": school, "starts_on": starts_on, "ends_on": ends_on},
        )
    return year
