"""The single map of role -> capability. Views name a capability; only this module grants it.

A new page adds its capability here; tests/permissions/test_matrix.py checks every URL against it.
"""

from __future__ import annotations

from enum import StrEnum

from .models import Role


class Cap(StrEnum):
    SCHOOL_HOME = "school.home"
    STAFF_VIEW = "staff.view"
    STAFF_MANAGE = "staff.manage"
    AUDIT_VIEW = "audit.view"
    CALENDAR_VIEW = "calendar.view"
    CALENDAR_MANAGE = "calendar.manage"
    TRUST_DASHBOARD = "trust.dashboard"


_EVERYONE = frozenset(Role)

CAPABILITIES: dict[Cap, frozenset[Role]] = {
    Cap.SCHOOL_HOME: _EVERYONE,
    Cap.STAFF_VIEW: frozenset({Role.SENDCO, Role.TRUST_LEAD, Role.HEAD}),
    Cap.STAFF_MANAGE: frozenset({Role.SENDCO, Role.TRUST_LEAD}),
    Cap.AUDIT_VIEW: frozenset({Role.SENDCO, Role.TRUST_LEAD, Role.HEAD}),
    Cap.CALENDAR_VIEW: frozenset({Role.SENDCO, Role.TRUST_LEAD, Role.HEAD, Role.TEACHER, Role.TA}),
    Cap.CALENDAR_MANAGE: frozenset({Role.SENDCO, Role.TRUST_LEAD}),
    Cap.TRUST_DASHBOARD: frozenset({Role.TRUST_LEAD}),
}

# Which roles a person holding a role may give to others (invite or change role).
ASSIGNABLE_ROLES: dict[Role, tuple[Role, ...]] = {
    Role.TRUST_LEAD: (
        Role.SENDCO,
        Role.HEAD,
        Role.TEACHER,
        Role.TA,
        Role.GOVERNOR,
        Role.TRUST_LEAD,
    ),
    Role.SENDCO: (Role.SENDCO, Role.HEAD, Role.TEACHER, Role.TA, Role.GOVERNOR),
}


def role_can(role: str, capability: Cap) -> bool:
    return role in CAPABILITIES[capability]


def assignable_roles(role: str) -> tuple[Role, ...]:
    return ASSIGNABLE_ROLES.get(Role(role), ())
