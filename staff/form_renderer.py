"""The form renderer (settings.FORM_RENDERER): Django's own, with its commonest widget templates
written in Python: the input (text, number, date, email, hidden, check box…), the text area and
the select with its options. Every other template (a form, a fieldset, a choice list, a file
input, a multi-widget) is rendered from Django's templates as before.

Django renders each widget through the template language: an input is three templates (its own,
input.html and attrs.html) and a select two more for every option, about 30 µs each. A form page
renders dozens and a select of staff or courses hundreds. The output is Django's, byte for byte:
tests/staff/test_form_renderer.py renders every widget both ways.
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe

_PLAIN = Context()  # autoescape on, localised as a template localises


def _string(value) -> str:
    """`{{ value|stringformat:'s' }}`: the value as text, escaped unless already safe."""
    try:
        text = "%s" % value  # noqa: UP031 - the filter's own formatting
    except (ValueError, TypeError):
        return ""
    return text if isinstance(value, SafeData) else conditional_escape(text)


def attrs_html(attrs: dict) -> str:
    """django/forms/widgets/attrs.html (crispy-bootstrap5's layout/attrs.html is the same):
    ` name="value"`, a bare name for True, nothing for False."""
    return "".join(
        f" {conditional_escape(name)}" + ("" if value is True else f'="{_string(value)}"')
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: dict) -> str:
    value = widget["value"]
    return (
        f'<input type="{render_value_in_context(widget["type"], _PLAIN)}"'
        f' name="{render_value_in_context(widget["name"], _PLAIN)}"'
        + (f' value="{_string(value)}"' if value is not None else "")
        + f"{attrs_html(widget['attrs'])}>"
    )


def _textarea(widget: dict) -> str:
    value = widget["value"]
    return (
        f'<textarea name="{render_value_in_context(widget["name"], _PLAIN)}"'
        f"{attrs_html(widget['attrs'])}>\n"
        + (render_value_in_context(value, _PLAIN) if value else "")
        + "</textarea>"
    )


_OPTION = "django/forms/widgets/select_option.html"


def _select(widget: dict) -> str | None:
    written = [
        f'<select name="{render_value_in_context(widget["name"], _PLAIN)}"'
        f"{attrs_html(widget['attrs'])}>"
    ]
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            written.append(f'\n  <optgroup label="{render_value_in_context(group_name, _PLAIN)}">')
        for option in options:
            if option["template_name"] != _OPTION:
                return None  # a widget of its own: Django's templates
            written.append(
                f'\n  <option value="{_string(option["value"])}"{attrs_html(option["attrs"])}>'
                f"{render_value_in_context(option['label'], _PLAIN)}</option>\n"
            )
        if group_name:
            written.append("\n  </optgroup>")
    written.append("\n</select>")
    return "".join(written)


_INPUTS = (
    "checkbox",
    "color",
    "date",
    "datetime",
    "email",
    "file",
    "hidden",
    "number",
    "password",
    "search",
    "tel",
    "text",
    "time",
    "url",
)
WRITTEN = {f"django/forms/widgets/{name}.html": _input for name in _INPUTS} | {
    "django/forms/widgets/textarea.html": _textarea,
    "django/forms/widgets/select.html": _select,
}


class FormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        writer = WRITTEN.get(template_name)
        if writer is not None and "widget" in context:
            written = writer(context["widget"])
            if written is not None:
                return mark_safe(written)  # noqa: S308 - every value above is escaped
        return super().render(template_name, context, request=request)
