"""The list pages' filter selects (templates/_filter_field.html): their options written by
`sendco_tables.select_options`, the chosen one selected and every value and label escaped."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.template.loader import render_to_string

from staff.models import User


class Filters(forms.Form):
    kind = forms.ChoiceField(
        required=False,
        choices=[
            ("", "Any kind"),
            ("a&b", "Tom & Jerry <script>"),
            ("Groups", [("g1", "First of a group"), ("g2", 'A "quoted" one')]),
            (3, "Three"),
        ],
    )
    person = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, empty_label="Anyone"
    )


def _select(form: forms.Form, name: str) -> str:
    return render_to_string("_filter_field.html", {"field": form[name]})


def test_the_chosen_option_is_selected_and_every_text_escaped():
    page = _select(Filters({"kind": "a&b"}), "kind")
    assert re.findall(r"<option[^>]*selected[^>]*>([^<]*)<", page) == [
        "Tom &amp; Jerry &lt;script&gt;"
    ]
    assert '<option value="a&amp;b" selected>' in page
    assert "<script>" not in page
    assert '<optgroup label="Groups"><option value="g1">First of a group</option>' in page
    assert "A &quot;quoted&quot; one" in page
    assert '<label for="id_kind" class="form-label">Kind</label>' in page


def test_a_number_matches_its_text_and_without_a_choice_the_empty_one_is_selected():
    assert '<option value="3" selected>Three</option>' in _select(Filters({"kind": "3"}), "kind")
    page = _select(Filters({}), "kind")
    assert re.findall(r"<option[^>]*selected[^>]*>([^<]*)<", page) == ["Any kind"]


@pytest.mark.django_db
def test_people_are_chosen_by_their_id(django_user_model):
    ada = django_user_model.objects.create_user(email="ada@acorn.test", full_name="Ada Byron")
    form = Filters({"person": str(ada.pk)})
    form.fields["person"].queryset = User.objects.all()
    page = _select(form, "person")
    assert f'<option value="{ada.pk}" selected>{ada}</option>' in page
    assert '<option value="">Anyone</option>' in page
