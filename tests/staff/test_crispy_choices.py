"""Check-box and radio lists are written in Python (staff/templatetags/bootstrap5_field.py, for
speed: a list of 240 staff to invite took 2,450 template includes): they must render what
crispy-bootstrap5's own templates render, whitespace next to tags aside."""

from __future__ import annotations

import copy

from crispy_forms.templatetags.crispy_forms_filters import uni_form_template
from crispy_forms.templatetags.crispy_forms_tags import whole_uni_form_template
from crispy_forms.utils import default_field_template, render_crispy_form
from django import forms
from django.conf import settings
from django.template import engines
from django.test import override_settings
from django.utils.safestring import mark_safe

from tests.staff.test_crispy_field import _normalised


class Invite(forms.Form):
    people = forms.MultipleChoiceField(
        choices=[("1", "Ann <Able>"), ("2", "Bo & Co"), ("3", "Cy")],
        widget=forms.CheckboxSelectMultiple,
        help_text="Who is to attend",
    )
    kind = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    # Groups of options, numbers as values, a label already safe and one with quotes.
    rooms = forms.MultipleChoiceField(
        choices=[
            ("Upstairs", [(1200, mark_safe("<em>Room 1</em>")), (2, 'The "quiet" room')]),
            ("Downstairs", [(3, "Hall & stage")]),
        ],
        widget=forms.CheckboxSelectMultiple(attrs={"data-note": "a < b"}),
        required=False,
    )


def _render(form) -> str:
    return render_crispy_form(form)


def _forget_crispy_templates() -> None:
    """crispy keeps its form templates (and so the engine that loaded them) in lru caches."""
    for cached in (default_field_template, uni_form_template, whole_uni_form_template):
        cached.cache_clear()


def test_the_choice_lists_render_as_crispy_renders_them():
    shown = [
        Invite(initial={"people": ["2"], "kind": "b", "rooms": [1200]}),
        Invite(data={"kind": "x"}),
        Invite(data={"people": ["1"], "kind": "a", "rooms": ["3"]}),
    ]
    ours = [_render(form) for form in shown]
    crispy_only = copy.deepcopy(settings.TEMPLATES)
    crispy_only[0]["DIRS"] = []  # crispy-bootstrap5's templates, not the project's
    with override_settings(TEMPLATES=crispy_only):  # Django resets the template engines
        assert not engines["django"].engine.dirs
        _forget_crispy_templates()
        theirs = [_render(form) for form in shown]
    _forget_crispy_templates()
    assert [_normalised(html) for html in ours] == [_normalised(html) for html in theirs]
    assert 'value="2" id="id_people_1" checked>' in ours[0]
    assert "Ann &lt;Able&gt;" in ours[0]
    assert "is-invalid" in ours[1]
    assert "<em>Room 1</em>" in ours[0]
    assert 'value="1200"' in ours[0]
    assert 'data-note="a &lt; b"' in ours[2]
