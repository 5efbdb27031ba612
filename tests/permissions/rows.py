"""The vocabulary of the permission matrix: the roles in column order, one row's expected codes.

The rows themselves live in test_matrix.py (the core apps) and in one module per later app
(ehcp_rows.py, reminder_rows.py), which all import from here, so nothing imports test_matrix.
"""

from __future__ import annotations

from dataclasses import dataclass

ROLES = [
    "anon",
    "sendco",
    "lead",
    "head",
    "teacher",
    "ta",
    "governor",
    "other_sendco",
    "other_lead",
    "deactivated",
]


def codes(spec: str) -> dict[str, int]:
    values = [int(v) for v in spec.split()]
    assert len(values) == len(ROLES), spec
    return dict(zip(ROLES, values, strict=True))


@dataclass(frozen=True)
class Row:
    get: str | None = None  # codes per role, or None when GET is not accepted (405 for all)
    post: str | None = None  # codes per role for a valid POST, or None when POST is refused
    post_data: tuple = ()  # (name, value) pairs; a name or value may be a callable of the `world`
