"""staff/form_renderer.py writes Django's commonest widget templates in Python: every widget,
blank, filled and in error, renders byte for byte as Django's own templates render it, and the
project's settings use it."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.utils.safestring import mark_safe

from staff.form_renderer import FormRenderer


class Everything(forms.Form):
    name = forms.CharField(max_length=20, help_text="As on the register.")
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    email = forms.EmailField(required=False)
    on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    at = forms.DateTimeField(required=False)
    time = forms.TimeField(required=False)
    hours = forms.DecimalField(max_digits=6, decimal_places=2, required=False)
    count = forms.IntegerField(required=False, min_value=0)
    secret = forms.CharField(required=False, widget=forms.HiddenInput)
    password = forms.CharField(required=False, widget=forms.PasswordInput(render_value=True))
    link = forms.URLField(required=False, assume_scheme="https")
    agree = forms.BooleanField(required=False)
    kind = forms.ChoiceField(choices=[("", "---------"), ("a", "A & B"), (1000, 1000)])
    grouped = forms.ChoiceField(
        required=False,
        choices=[("Reading", [("r1", "Phonics"), ("r2", "Fluency")]), ("", "None")],
    )
    tags = forms.MultipleChoiceField(choices=[("x", "X<"), ("y", "Y")], required=False)
    styled = forms.CharField(
        required=False,
        widget=forms.TextInput(attrs={"class": "wide", "data-on": True, "data-off": False}),
    )
    marked = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"placeholder": mark_safe("a &amp; b")})
    )
    yes_no = forms.NullBooleanField(required=False)
    upload = forms.FileField(required=False)
    # Django's templates still: a choice list, a multi-widget.
    pick = forms.ChoiceField(choices=[("1", "One")], widget=forms.RadioSelect, required=False)
    when = forms.SplitDateTimeField(required=False)


def _forms() -> list[forms.Form]:
    bad = {"name": "x" * 30, "on": "not a date", "kind": "zzz", "hours": "1.234", "count": "-1"}
    good = {
        "name": 'Ann "the" <b>',
        "note": "Line one\nline <two> & three",
        "on": "2026-12-07",
        "at": "2026-12-07 09:30",
        "hours": "12.50",
        "count": "3",
        "secret": "s&t",
        "password": "pw<",
        "agree": "on",
        "kind": "1000",
        "grouped": "r2",
        "tags": ["x", "y"],
        "yes_no": "true",
    }
    initial = {
        "name": "<script>",
        "note": "",
        "on": datetime.date(2026, 9, 1),
        "hours": Decimal("1.5"),
        "count": 0,
        "kind": "a",
    }
    return [
        Everything(),
        Everything(data=bad),
        Everything(data=good),
        Everything(auto_id=False),
        Everything(prefix="p", initial=initial),
    ]


@pytest.mark.parametrize("number", range(5))
def test_every_widget_renders_as_djangos_templates_render_it(number):
    ours, djangos = _forms()[number], _forms()[number]
    ours.renderer, djangos.renderer = FormRenderer(), DjangoTemplates()
    for field in ours:
        assert str(field) == str(djangos[field.name]), field.name


def test_the_settings_use_it_and_it_escapes():
    assert isinstance(get_default_renderer(), FormRenderer)
    form = _forms()[2]
    assert 'value="Ann &quot;the&quot; &lt;b&gt;"' in str(form["name"])
    assert "line &lt;two&gt; &amp; three</textarea>" in str(form["note"])
    assert '<option value="r2" selected>Fluency</option>' in str(form["grouped"])
    assert '\n  <optgroup label="Reading">' in str(form["grouped"])
    assert 'placeholder="a &amp; b"' in str(_forms()[0]["marked"])  # safe: not escaped twice
    styled = str(_forms()[0]["styled"])
    assert ' data-on id="id_styled"' in styled
    assert "data-off" not in styled
