"""crispy-bootstrap5's field template (bootstrap5/field.html), written in Python for the common
field: a labelled input, select or text area with its help and errors, in a form rendered with
`|crispy` or `{% crispy %}` without a horizontal layout or inline help. Every other field (a check
box, a choice list, a file, a hidden field, a fieldset, a horizontal form, a helper's extra
classes) is rendered by crispy's own template, found past this one
(templates/bootstrap5/field.html calls this tag).

The template evaluates about a hundred conditions for each field through the template language:
a SENDCo's page with three forms spent half its time there. The markup is crispy's, whitespace
between tags aside: tests/staff/test_crispy_field.py renders every kind of field both ways.
"""

from __future__ import annotations

from crispy_forms.templatetags.crispy_forms_field import CrispyFieldNode
from django import forms, template
from django.template import Context
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

NAME = "bootstrap5/field.html"
_SELECT = (forms.Select, forms.SelectMultiple)
_NOT_PLAIN = (
    forms.CheckboxInput,
    forms.CheckboxSelectMultiple,
    forms.RadioSelect,
    forms.FileInput,  # ClearableFileInput too
)
# crispy's own `{% crispy_field field 'class' '…' %}`: the same widget classes and attributes.
_WIDGET = {
    (False, False): CrispyFieldNode("field", {"'class'": "'form-control'"}),
    (False, True): CrispyFieldNode("field", {"'class'": "'form-control is-invalid'"}),
    (True, False): CrispyFieldNode("field", {"'class'": "'form-select'"}),
    (True, True): CrispyFieldNode("field", {"'class'": "'form-select is-invalid'"}),
}


def _plain(context: Context, field) -> bool:
    if not isinstance(field, forms.BoundField) or field.is_hidden or field.use_fieldset:
        return False
    widget = field.field.widget
    if isinstance(widget, _NOT_PLAIN) or hasattr(widget, "widgets") or hasattr(widget, "widget"):
        return False
    return not (
        context.get("tag")
        or context.get("label_class")
        or context.get("field_class")
        or context.get("wrapper_class")
        or "form-horizontal" in (context.get("form_class") or "")
        or not context.get("form_show_labels")
        or context.get("help_text_inline")
    )


def _crispys(context: Context):
    """crispy-bootstrap5's own field template: the next one of its name past this project's."""
    engine = context.template.engine
    _, ours = engine.find_template(NAME)
    return engine.find_template(NAME, skip=[ours])[0]


@register.simple_tag(takes_context=True)
def crispy_bootstrap5_field(context: Context) -> SafeString:
    field = context.get("field")
    if not _plain(context, field):
        return mark_safe(_crispys(context).render(context))  # noqa: S308 - crispy's own output
    required = field.field.required
    star = '<span class="asteriskField">*</span>' if required else ""
    classes = field.css_classes()
    written = [
        f'<div id="div_{conditional_escape(field.auto_id)}"'
        f' class="mb-3{" " + conditional_escape(classes) if classes else ""}">'
    ]
    if field.label:
        for_ = f'for="{conditional_escape(field.id_for_label)}" ' if field.id_for_label else ""
        written.append(
            f'<label {for_}class="form-label{" requiredField" if required else ""}">'
            f"{conditional_escape(field.label)}{star}</label>"
        )
    errors = field.errors
    written.append(_WIDGET[isinstance(field.field.widget, _SELECT), bool(errors)].render(context))
    if context.get("form_show_errors") and errors:
        written.append(
            f'<div id="{conditional_escape(errors.field_id)}_error" class="invalid-feedback">'
        )
        each = "span" if context.get("error_text_inline") else "p"  # a helper's: inline
        written.extend(
            f'<{each} id="error_{n}_{conditional_escape(field.auto_id)}">'
            f"<strong>{conditional_escape(error)}</strong></{each}>"
            for n, error in enumerate(errors, start=1)
        )
        written.append("</div>")
    if field.help_text:
        id_ = f'id="{conditional_escape(field.auto_id)}_helptext" ' if field.auto_id else ""
        written.append(f'<div {id_}class="form-text">{field.help_text}</div>')
    written.append("</div>")
    return mark_safe("".join(written))  # noqa: S308 - every text above is escaped
