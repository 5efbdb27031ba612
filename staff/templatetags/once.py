"""`{% csrf_token %}` with the form's one-time token (staff/once.py) beside the CSRF token.

Loaded as a template builtin (settings.TEMPLATES), after Django's own, so this `csrf_token`
replaces Django's in every template: each POST form already has the tag, so each carries the
token, a new form included. Nothing else about the CSRF field changes.
"""

from __future__ import annotations

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.utils.html import format_html

from staff.once import FIELD, new_token

register = template.Library()


class CsrfAndOnceNode(CsrfTokenNode):
    def render(self, context) -> str:
        csrf = super().render(context)
        if not csrf:
            return csrf
        return csrf + format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_token())


@register.tag
def csrf_token(parser, token) -> CsrfAndOnceNode:
    return CsrfAndOnceNode()
