"""Every form is bounded (staff/bounds.py): each date field has a window, each free-text field a
length, each whole number a range, so a new field cannot forget them (issue 12, items 9 and 11).

The forms are found by importing every module of the apps, as the architecture test does, so a
new form module is checked without being listed here.
"""

from __future__ import annotations

import copy
import importlib
import pkgutil
from datetime import date

import pytest
import time_machine
from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm

from staff import layers
from staff.bounds import (
    DATE_WINDOWS,
    LONG_TEXT,
    Bounded,
    BoundedForm,
    DateWindow,
    bound_field,
    years_away,
)

APPS = layers.APPS
# Sign-in forms are Django's own; their fields have lengths already (the email's 254).
DJANGO_OWN = (AuthenticationForm, PasswordResetForm)


def _import_every_module() -> None:
    for app in APPS:
        package = importlib.import_module(app)
        for info in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" not in info.name and ".management" not in info.name:
                importlib.import_module(info.name)


def _subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_subclasses(sub)}
    return found


def sendco_forms() -> list[type[forms.BaseForm]]:
    _import_every_module()
    return sorted(
        (
            cls
            for cls in _subclasses(forms.BaseForm)
            if cls.__module__.split(".")[0] in APPS and not cls.__name__.startswith("_")
        ),
        key=lambda cls: f"{cls.__module__}.{cls.__name__}",
    )


FORMS = sendco_forms()


def _needs_bounds(field: forms.Field) -> bool:
    return isinstance(field, forms.DateField | forms.IntegerField | forms.DecimalField) or (
        isinstance(field, forms.CharField) and field.max_length is None
    )


def test_the_forms_are_found():
    names = {cls.__name__ for cls in FORMS}
    assert {"ConcernForm", "MeetingForm", "VersionForm", "CensusDateForm"} <= names


@pytest.mark.parametrize("form", FORMS, ids=lambda cls: f"{cls.__module__}.{cls.__name__}")
def test_every_form_bounds_its_dates_text_and_numbers(form):
    unbounded = [name for name, field in form.base_fields.items() if _needs_bounds(field)]
    if unbounded and not issubclass(form, DJANGO_OWN):
        assert issubclass(form, Bounded), (
            f"{form.__name__} has {unbounded}: make it a BoundedForm or BoundedModelForm"
        )
    if issubclass(form, Bounded):
        dates = [n for n, f in form.base_fields.items() if isinstance(f, forms.DateField)]
        unknown = {form.date_kinds.get(name, "event") for name in dates} - set(DATE_WINDOWS)
        assert not unknown, f"{form.__name__}: no date window called {unknown}"


@pytest.mark.parametrize("form", FORMS, ids=lambda cls: f"{cls.__module__}.{cls.__name__}")
def test_every_date_field_in_every_form_has_a_window(form):
    for name, field in form.base_fields.items():
        if isinstance(field, forms.DateField) and issubclass(form, Bounded):
            field = copy.deepcopy(field)  # the class's own field stays as it was
            bound_field(field, date_kind=form.date_kinds.get(name, "event"))
            assert any(isinstance(v, DateWindow) for v in field.validators), name


class _Example(BoundedForm):
    on = forms.DateField()
    note = forms.CharField(required=False, widget=forms.Textarea)
    count = forms.IntegerField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["added_later"] = forms.DateField(required=False)


@time_machine.travel(date(2026, 12, 4))
@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"on": "0001-01-01"}, "Give a date between 4 December 2006 and 4 December 2036"),
        ({"on": "2037-01-01"}, "Give a date between"),
        ({"on": "2026-12-04", "added_later": "9999-12-31"}, "31/12/9999 looks like a mistake"),
        ({"on": "2026-12-04", "note": "x" * (LONG_TEXT + 1)}, "Keep this to 10,000 characters"),
        ({"on": "2026-12-04", "count": str(10**20)}, "less than or equal to"),
    ],
)
def test_a_bounded_form_refuses_what_is_out_of_bounds(data, error):
    form = _Example(data)
    assert not form.is_valid()
    assert error in str(form.errors)


@time_machine.travel(date(2026, 12, 4))
def test_a_bounded_form_tells_the_browser_its_limits():
    html = str(_Example())
    assert 'min="2006-12-04"' in html
    assert 'max="2036-12-04"' in html
    assert 'maxlength="10000"' in html
    assert "Up to 10,000 characters." in html


@pytest.mark.parametrize(
    ("day", "years", "expected"),
    [
        (date(2024, 2, 29), -6, date(2018, 2, 28)),
        (date(2026, 5, 1), 10, date(2036, 5, 1)),
        (date(1, 1, 1), -6, date.min),
        (date(9999, 12, 31), 10, date.max),
    ],
)
def test_years_away_never_overflows(day, years, expected):
    assert years_away(day, years) == expected
