"""`{% load audit %}`: an audit action code in plain words (`{{ event.action|action_words }}`)."""

from django import template

from ..audit_words import action_words as words

register = template.Library()


@register.filter
def action_words(action: str) -> str:
    return words(action)
