"""crispy-bootstrap5's field template (bootstrap5/field.html), written in Python for the fields
our forms have: a labelled input, select or text area; a single check box; a list of check boxes or
radio buttons in a fieldset; each with its help and errors, in a form rendered with `|crispy` or
`{% crispy %}` without a horizontal layout, inline help or a layout object's extra classes. Every
other field (a file, a hidden field, a multi-widget, a horizontal form, a helper's label or field
classes, inline check boxes) is rendered by crispy's own template, found past this one
(templates/bootstrap5/field.html calls this tag).

The template evaluates about a hundred conditions for each field through the template language,
and includes two more templates for every check box of a list: a SENDCo's page with three forms
spent half its time there, and the training sessions page (173 check boxes) two thirds. The markup
is crispy's, whitespace between tags aside: tests/staff/test_crispy_field.py renders every kind
of field both ways."""

from __future__ import annotations

from crispy_forms.templatetags.crispy_forms_field import CrispyFieldNode
from crispy_forms.templatetags.crispy_forms_filters import optgroups
from django import forms, template
from django.template import Context
from django.utils import formats
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from staff.form_renderer import attrs_html

register = template.Library()

NAME = "bootstrap5/field.html"
_SELECT = (forms.Select, forms.SelectMultiple)
_CHOICES = (forms.CheckboxSelectMultiple, forms.RadioSelect)
# crispy's own `{% crispy_field field 'class' '…' %}`: the same widget classes and attributes.
_WIDGET = {
    (False, False): CrispyFieldNode("field", {"'class'": "'form-control'"}),
    (False, True): CrispyFieldNode("field", {"'class'": "'form-control is-invalid'"}),
    (True, False): CrispyFieldNode("field", {"'class'": "'form-select'"}),
    (True, True): CrispyFieldNode("field", {"'class'": "'form-select is-invalid'"}),
}
_CHECK = {
    False: CrispyFieldNode("field", {"'class'": "'form-check-input'"}),
    True: CrispyFieldNode("field", {"'class'": "'form-check-input is-invalid'"}),
}


def _kind(context: Context, field) -> str | None:
    """Which of the fields written here this is ("field", "check", "choices"), or None for one
    left to crispy's template."""
    if not isinstance(field, forms.BoundField) or field.is_hidden:
        return None
    if (
        context.get("tag")
        or context.get("label_class")
        or context.get("field_class")
        or context.get("wrapper_class")
        or context.get("flat_attrs")
        or context.get("inline_class")
        or "form-horizontal" in (context.get("form_class") or "")
        or not context.get("form_show_labels")
        or context.get("help_text_inline")
    ):
        return None
    widget = field.field.widget
    if isinstance(widget, _CHOICES):
        return "choices"
    if isinstance(widget, forms.CheckboxInput):
        return "check"
    if (
        field.use_fieldset
        or isinstance(widget, forms.FileInput)  # ClearableFileInput too
        or hasattr(widget, "widgets")
        or hasattr(widget, "widget")
    ):
        return None
    return "field"


def _crispys(context: Context):
    """crispy-bootstrap5's own field template: the next one of its name past this project's."""
    engine = context.template.engine
    _, ours = engine.find_template(NAME)
    return engine.find_template(NAME, skip=[ours])[0]


def _errors(context: Context, field, errors, *, inline: bool = True) -> str:
    """help_text_and_errors.html's errors: under the field, inline ones in a helper's form
    (but for a list of choices)."""
    if not (context.get("form_show_errors") and errors):
        return ""
    each = "span" if inline and context.get("error_text_inline") else "p"
    return (
        f'<div id="{conditional_escape(errors.field_id)}_error" class="invalid-feedback">'
        + "".join(
            f'<{each} id="error_{n}_{conditional_escape(field.auto_id)}">'
            f"<strong>{conditional_escape(error)}</strong></{each}>"
            for n, error in enumerate(errors, start=1)
        )
        + "</div>"
    )


def _help(field) -> str:
    if not field.help_text:
        return ""
    id_ = f'id="{conditional_escape(field.auto_id)}_helptext" ' if field.auto_id else ""
    return f'<div {id_}class="form-text">{field.help_text}</div>'  # the form's own markup


def _label(field, required: bool) -> str:
    star = '<span class="asteriskField">*</span>' if required else ""
    for_ = f'for="{conditional_escape(field.id_for_label)}" ' if field.id_for_label else ""
    tag, fs = ("legend", " fs-6") if field.use_fieldset else ("label", "")
    required_class = " requiredField" if required else ""
    return (
        f'<{tag} {for_}class="form-label{required_class}{fs}">'
        f"{conditional_escape(field.label)}{star}</{tag}>"
    )


def _opening(field, css: str) -> str:
    classes = field.css_classes()
    return (
        f'<div id="div_{conditional_escape(field.auto_id)}"'
        f' class="{css}{" " + conditional_escape(classes) if classes else ""}">'
    )


def _field(context: Context, field) -> str:
    required, errors = field.field.required, field.errors
    return "".join(
        (
            _opening(field, "mb-3"),
            _label(field, required) if field.label else "",
            _WIDGET[isinstance(field.field.widget, _SELECT), bool(errors)].render(context),
            _errors(context, field, errors),
            _help(field),
            "</div>",
        )
    )


def _check(context: Context, field) -> str:
    """A single check box: the box, then its label."""
    required, errors = field.field.required, field.errors
    star = '<span class="asteriskField">*</span>' if required else ""
    return "".join(
        (
            '<div class="mb-3">',
            _opening(field, "form-check"),
            _CHECK[bool(errors)].render(context),
            f'<label for="{conditional_escape(field.id_for_label)}"'
            f' class="form-check-label{" requiredField" if required else ""}">'
            f"{conditional_escape(field.label)}{star}</label>",
            _errors(context, field, errors),
            _help(field),
            "</div></div>",
        )
    )


def _unlocalize(value) -> str:
    return conditional_escape(str(formats.localize(value, use_l10n=False)))


def _choices(context: Context, field) -> str:
    """Check boxes or radio buttons, one per choice, in a fieldset with the field's legend
    (bootstrap5/layout/radio_checkbox_select.html)."""
    required, errors = field.field.required, field.errors
    fieldset = field.use_fieldset and field.label
    written = [_opening(field, "mb-3")]
    if field.label:
        if field.use_fieldset:
            described = field.aria_describedby
            written.append(
                f'<fieldset aria-describedby="{conditional_escape(described)}">'
                if described
                else "<fieldset>"
            )
        written.append(_label(field, required))
    written.append("<div>")
    invalid = " is-invalid" if errors else ""
    name = conditional_escape(field.html_name)
    groups = optgroups(field)
    for number, (group, options, _index) in enumerate(groups, start=1):
        if group:
            written.append(f"<strong>{conditional_escape(group)}</strong>")
        for option in options:
            written.append(
                f'<div class="form-check"><input type="{conditional_escape(option["type"])}"'
                f' class="form-check-input{invalid}" name="{name}"'
                f' value="{_unlocalize(option["value"])}"{attrs_html(option["attrs"])}>'
                f'<label for="{conditional_escape(option["attrs"].get("id", ""))}"'
                f' class="form-check-label">{_unlocalize(option["label"])}</label>'
            )
            if errors and option is options[-1] and number == len(groups):
                written.append(_errors(context, field, errors, inline=False))
            written.append("</div>")
    written.append("</div>")
    written.append(_help(field))
    if fieldset:
        written.append("</fieldset>")
    written.append("</div>")
    return "".join(written)


_WRITERS = {"field": _field, "check": _check, "choices": _choices}


@register.simple_tag(takes_context=True)
def crispy_bootstrap5_field(context: Context) -> SafeString:
    field = context.get("field")
    kind = _kind(context, field)
    if kind is None:
        return mark_safe(_crispys(context).render(context))  # noqa: S308 - crispy's own output
    return mark_safe(_WRITERS[kind](context, field))  # noqa: S308 - every text is escaped
