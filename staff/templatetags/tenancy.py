from django import template

from ..capabilities import Cap

register = template.Library()


@register.filter
def can(access, capability: Cap) -> bool:
    """`{% if access|can:Cap.STAFF_VIEW %}`: whether the current role holds a capability."""
    return bool(access) and access.can(capability)
