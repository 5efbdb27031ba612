"""templates/bootstrap5/field.html writes the common field in Python (staff/templatetags/
bootstrap5_field.py) and hands every other to crispy-bootstrap5's own template: every kind of
field, blank, filled and in error, with `|crispy` and with `{% crispy %}` and a helper, renders
as crispy alone renders it, whitespace next to tags aside."""

from __future__ import annotations

import copy
import re

from crispy_forms.helper import FormHelper
from crispy_forms.templatetags.crispy_forms_filters import uni_form_template
from crispy_forms.templatetags.crispy_forms_tags import whole_uni_form_template
from crispy_forms.utils import default_field_template, render_crispy_form
from django import forms
from django.conf import settings
from django.template import engines
from django.test import override_settings
from django.utils.safestring import mark_safe


class Everything(forms.Form):
    required_css_class = "needed"
    error_css_class = "wrong"

    name = forms.CharField(label="Name & title", help_text="As on the <em>register</em>.")
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    email = forms.EmailField(required=False, label=mark_safe("<b>Email</b>"))
    on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    hours = forms.DecimalField(max_digits=4, decimal_places=1, required=False)
    count = forms.IntegerField(label="", required=False, help_text="No label")
    kind = forms.ChoiceField(choices=[("a", "A & B"), ("b", "B")])
    tags = forms.MultipleChoiceField(choices=[("x", "X"), ("y", "Y")], required=False)
    styled = forms.CharField(required=False, widget=forms.TextInput(attrs={"class": "wide"}))
    agree = forms.BooleanField(required=False, help_text="Tick <i>once</i>.")
    consent = forms.BooleanField(label="Parent's consent & date")
    pick = forms.ChoiceField(
        choices=[("1", "One & only"), ("2", "Two")],
        widget=forms.RadioSelect,
        help_text="Pick one.",
    )
    many = forms.MultipleChoiceField(
        choices=[("1", "One")], widget=forms.CheckboxSelectMultiple, required=False
    )
    grouped = forms.MultipleChoiceField(
        choices=[("Reading", [("r1", "Phonics"), ("r2", "Fluency")]), ("Maths", [(3, "Number")])],
        widget=forms.CheckboxSelectMultiple(attrs={"data-x": "y<"}),
    )
    ratio = forms.TypedChoiceField(
        choices=[(0.5, "Half"), (1.25, "More")], coerce=float, widget=forms.RadioSelect
    )
    unlabelled = forms.MultipleChoiceField(
        label="", choices=[("a", "A")], widget=forms.CheckboxSelectMultiple, required=False
    )
    # Handed to crispy's own template:
    upload = forms.FileField(required=False)
    secret = forms.CharField(required=False, widget=forms.HiddenInput)
    when = forms.SplitDateTimeField(required=False)


def _with_helper(form) -> forms.Form:
    form.helper = FormHelper()
    form.helper.form_tag = False
    return form


def _horizontal(form) -> forms.Form:
    form.helper = FormHelper()
    form.helper.form_class = "form-horizontal"
    form.helper.label_class = "col-3"
    form.helper.field_class = "col-9"
    return form


def _forms() -> list[forms.Form]:
    bad = {"name": "", "on": "not a date", "kind": "zzz", "hours": "12345", "email": "x"}
    bad |= {"pick": "9", "grouped": ["r9"], "many": ["7"]}
    good = {"name": "Ann", "on": "2026-12-07", "kind": "b", "tags": ["y"], "agree": "on"}
    good |= {"consent": "on", "pick": "2", "grouped": ["r2", "3"], "ratio": "1.25"}
    return [
        Everything(),
        Everything(data=bad),
        Everything(data=good),
        Everything(auto_id=False),
        Everything(prefix="p", initial={"name": "<script>", "note": "a & b"}),
        _with_helper(Everything(data=bad)),  # {% crispy %}: the helper's inline errors
        _with_helper(Everything()),
        _horizontal(Everything(data=bad)),
    ]


def _render(form) -> str:
    if getattr(form, "helper", None) is not None:
        return render_crispy_form(form, helper=form.helper)  # as {% crispy form %}
    return (
        engines["django"]
        .from_string("{% load crispy_forms_tags %}{{ form|crispy }}")
        .render({"form": form})
    )


def _forget_crispy_templates() -> None:
    """crispy keeps its templates (and so the engine that loaded them) in lru caches."""
    for cached in (default_field_template, uni_form_template, whole_uni_form_template):
        cached.cache_clear()


def _normalised(html: str) -> str:
    html = re.sub(r"\s+", " ", html)
    html = re.sub(r">\s+", ">", html)
    html = re.sub(r"\s+>", ">", html)  # crispy's `<div >`
    return re.sub(r"\s+<", "<", html).strip()


def test_every_kind_of_field_renders_as_crispy_renders_it():
    ours = [_render(form) for form in _forms()]
    crispy_only = copy.deepcopy(settings.TEMPLATES)
    crispy_only[0]["DIRS"] = []  # crispy-bootstrap5's templates, not the project's
    with override_settings(TEMPLATES=crispy_only):
        assert not engines["django"].engine.dirs
        _forget_crispy_templates()
        theirs = [_render(form) for form in _forms()]
    _forget_crispy_templates()
    for mine, crispys in zip(ours, theirs, strict=True):
        assert _normalised(mine) == _normalised(crispys)
    blank, in_error = ours[0], ours[1]
    assert "Name &amp; title" in blank
    assert "<b>Email</b>" in blank  # a label already safe is not escaped twice
    assert "As on the <em>register</em>." in blank  # help text is the form's own markup
    assert 'class="select form-select"' in blank
    assert '<label for="id_name" class="form-label requiredField">' in blank  # ours wrote it
    assert "is-invalid" in in_error
    assert "Enter a valid date." in in_error
    assert 'value="&lt;script&gt;"' in ours[4]
    assert '<legend class="form-label requiredField fs-6">Pick' in blank  # a fieldset: ours
    assert "One &amp; only" in blank
    assert 'data-x="y&lt;"' in blank
    assert "<strong>Reading</strong>" in blank
    assert 'aria-describedby="id_pick_helptext id_pick_error"' in in_error
    assert 'value="r2" data-x="y&lt;" id="id_grouped_0_1" checked>' in ours[2]
    assert "Parent&#x27;s consent &amp; date" in blank
