"""Every limit on what a person may type, in one place: how long free text may be, which dates
make sense, how large a number may be.

Every form of sendco is a `BoundedForm` or `BoundedModelForm` (`tests/test_bounds.py` checks
it), so a new field is bounded without anyone remembering to: a text box without its own
`max_length` gets `LONG_TEXT`, a date the window of its kind (`DATE_WINDOWS`, "event" unless the
form says otherwise in `date_kinds`), a whole number the range a database integer holds. The
browser is told too (`maxlength`, `min` and `max`), and the help text says the limit.

Why limits at all: 1 MB typed into a concern made pages and PDFs slow for everyone, and a
meeting dated 01/01/0001 is a typing mistake that would sit in a child's record unnoticed.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import (
    DecimalValidator,
    MaxLengthValidator,
    MaxValueValidator,
    MinValueValidator,
)
from django.db import models
from django.utils import timezone
from django.utils.deconstruct import deconstructible

from . import layers
from .parsing import LARGEST_ID, whole_number

# The one date widget: the browser's date picker, given the value as it expects it (ISO), whatever
# the locale (a value rendered 21/07/2027 leaves a date input empty).
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# A date typed without the picker (an older browser, a test) as the form sends it or as a person
# writes it.
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


def date_field(
    label: str,
    *,
    required: bool = True,
    help_text: str = "",
    missing: str = "",
    example: str = "20/11/2026",
) -> forms.DateField:
    """The one date field: the picker, both formats, and messages that say what to do (`missing`
    when it is left empty, else "Enter the <label>.")."""
    return forms.DateField(
        label=label,
        required=required,
        widget=DATE_INPUT,
        input_formats=DATE_FORMATS,
        help_text=help_text,
        error_messages={
            "invalid": f"Enter a real date, for example {example}.",
            "required": missing or f"Enter the {label.lower()}.",
        },
    )


# Free text, in characters. A note, a concern, a passport section, a contribution: 10,000
# characters is about four pages of A4, more than any of them needs. A section of an EHC plan
# is copied from the local authority's plan, which can run to many pages.
LONG_TEXT = 10_000
PLAN_SECTION_TEXT = 30_000

# What the database accepts, whatever wrote it (a service, an import, the Django admin): the
# longest text a form allows for that model, so nothing that skipped a form stores more.
MODEL_TEXT_LIMITS = {"ehcp.planversion": PLAN_SECTION_TEXT}

# The largest amount of money or hours a form accepts where the field sets no limit itself.
LARGEST_DECIMAL_DIGITS = 12


@dataclass(frozen=True)
class Window:
    """Dates from `years_back` years before today to `years_ahead` years after it (or between
    fixed dates, `earliest` and `latest`, when given), for one kind of date; `message` says
    why, with `%(start)s` and `%(end)s`."""

    years_back: int = 0
    years_ahead: int = 0
    earliest: date | None = None
    latest: date | None = None
    message: str = "Give a date between %(start)s and %(end)s: %(day)s looks like a mistake."

    def bounds(self, today: date) -> tuple[date, date]:
        start = self.earliest or years_away(today, -self.years_back)
        return start, self.latest or years_away(today, self.years_ahead)


DATE_WINDOWS: dict[str, Window] = {
    # A meeting, a review, a status change, a term, a plan's dates: what a school records
    # happened in the last 20 years or is planned for the next 10.
    "event": Window(years_back=20, years_ahead=10),
    # A pupil's date of birth: a pupil (up to 25 with an EHC plan, and older records) born
    # from 1990 on, and not in the future.
    "birth": Window(earliest=date(1990, 1, 1)),
    # A census day: from when SEN support (K) began to as far ahead as the census rules go.
    "census": Window(
        earliest=date(2014, 9, 1),
        latest=date(2099, 12, 31),
        message="Enter a census date between %(start)s (when SEN support, K, began) and %(end)s.",
    ),
}


def years_away(day: date, years: int) -> date:
    """The same day `years` years later (earlier when negative; 28 February for 29 February),
    held to the first and last days the calendar has, so no date arithmetic can overflow."""
    year = day.year + years
    if year < date.min.year:
        return date.min
    if year > date.max.year:
        return date.max
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February
        return day.replace(year=year, day=28)


def long_date(day: date) -> str:
    """5 March 2026."""
    return f"{day.day} {day:%B} {day.year}"


def short_date(day: date) -> str:
    """05/03/2026, and 01/01/0001 (strftime drops the zeros of a year before 1000)."""
    return f"{day.day:02}/{day.month:02}/{day.year:04}"


@deconstructible
class DateWindow:
    """A validator refusing a date outside the window of its kind, worked out from today."""

    def __init__(self, kind: str = "event") -> None:
        self.kind = kind
        self.window = DATE_WINDOWS[kind]

    def bounds(self) -> tuple[date, date]:
        return self.window.bounds(timezone.localdate())

    def __call__(self, value: date) -> None:
        start, end = self.bounds()
        if not start <= value <= end:
            raise ValidationError(
                self.window.message,
                code="date_window",
                params={
                    "start": long_date(start),
                    "end": long_date(end),
                    "day": short_date(value),
                },
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DateWindow) and other.kind == self.kind


def text_limit_message(limit: int) -> str:
    return f"Keep this to {limit:,} characters (it has %(show_value)s)."


def bound_field(field: forms.Field, *, date_kind: str = "event", text_limit: int = LONG_TEXT):
    """Give one form field the limits of its kind, unless it has its own."""
    if isinstance(field, forms.DateField):
        _bound_date(field, date_kind)
    elif isinstance(field, forms.CharField) and field.max_length is None:
        field.max_length = text_limit
        field.validators.append(
            MaxLengthValidator(text_limit, message=text_limit_message(text_limit))
        )
        field.widget.attrs["maxlength"] = str(text_limit)
        limit = f"Up to {text_limit:,} characters."
        field.help_text = f"{field.help_text} {limit}".strip()
    elif isinstance(field, forms.IntegerField):
        if field.max_value is None:
            field.max_value = LARGEST_ID
            field.validators.append(MaxValueValidator(LARGEST_ID))
        if field.min_value is None:
            field.min_value = -LARGEST_ID
            field.validators.append(MinValueValidator(-LARGEST_ID))
    elif isinstance(field, forms.ModelMultipleChoiceField):
        field.__class__ = _checking_ids_first(type(field))
    elif isinstance(field, forms.DecimalField) and field.max_digits is None:
        field.max_digits = LARGEST_DECIMAL_DIGITS
        field.validators.append(DecimalValidator(LARGEST_DECIMAL_DIGITS, field.decimal_places))


def _bound_date(field: forms.DateField, kind: str) -> None:
    window = next((v for v in field.validators if isinstance(v, DateWindow)), None)
    if window is None:
        window = DateWindow(kind)
        field.validators.append(window)
    start, end = window.bounds()
    field.widget.attrs.setdefault("min", start.isoformat())
    field.widget.attrs.setdefault("max", end.isoformat())


class _IdsCheckedFirst:
    """Mixed into a form's choice of several rows: a number that cannot be an id (too large
    for a database integer, or signed) is refused like any unknown id, before the database
    sees it. (Django asks the database `pk IN (...)` with it, and SQLite and PostgreSQL fail on
    an integer that large: a 500.)"""

    def _check_values(self, value):
        for chosen in value or ():
            number = chosen.strip() if isinstance(chosen, str) else ""
            if number.lstrip("+-").isdecimal() and whole_number(number) is None:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": chosen[:20]},
                )
        return super()._check_values(value)


@functools.cache
def _checking_ids_first(field_class: type) -> type:
    if issubclass(field_class, _IdsCheckedFirst):
        return field_class
    return type(field_class.__name__, (_IdsCheckedFirst, field_class), {})


class Bounded:
    """Mixed into every form: bounds every field (see the module's docstring) the first time
    the form is validated or shown, so fields a form adds in its own `__init__` are bounded
    too. `date_kinds` names the window of a date field that is not an "event"; `text_limits`
    gives a text field a limit other than `LONG_TEXT`."""

    date_kinds: dict[str, str] = {}
    text_limits: dict[str, int] = {}

    def bound_fields(self) -> None:
        done = self.__dict__.setdefault("_bounded", set())
        for name, field in self.fields.items():
            if name not in done:
                bound_field(
                    field,
                    date_kind=self.date_kinds.get(name, "event"),
                    text_limit=self.text_limits.get(name, LONG_TEXT),
                )
                done.add(name)

    def full_clean(self) -> None:
        self.bound_fields()
        super().full_clean()

    def __getitem__(self, name: str):
        self.bound_fields()
        return super().__getitem__(name)

    def __iter__(self):
        self.bound_fields()
        return super().__iter__()


class BoundedForm(Bounded, forms.Form):
    """A form whose every field is bounded (see `Bounded`)."""


class BoundedModelForm(Bounded, forms.ModelForm):
    """A model form whose every field is bounded (see `Bounded`)."""


def free_text(value: str, *, field: str, limit: int = LONG_TEXT) -> str:
    """Text typed into a request that no form cleans (a note on a session card), stripped;
    refused when longer than `limit` or holding a NUL character (which no database column
    can store)."""
    value = value.strip()
    if len(value) > limit:
        raise ValidationError({field: text_limit_message(limit) % {"show_value": len(value)}})
    if "\x00" in value:
        raise ValidationError({field: "Remove the invisible (NUL) character from this text."})
    return value


def refuse_overlong_text(sender, instance, raw=False, **kwargs) -> None:
    """A `pre_save` receiver for every model of sendco: no text column is saved longer than
    its form allows, even by code that did not go through the form."""
    if raw or sender._meta.app_label not in SENDCO_APPS:
        return
    limit = MODEL_TEXT_LIMITS.get(sender._meta.label_lower, LONG_TEXT)
    for field in sender._meta.concrete_fields:
        if isinstance(field, models.TextField):
            value = getattr(instance, field.attname)
            if isinstance(value, str) and len(value) > limit:
                raise ValidationError(
                    {field.name: text_limit_message(limit) % {"show_value": len(value)}}
                )


SENDCO_APPS = frozenset(layers.APPS)
