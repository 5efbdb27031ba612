"""Reading numbers and ids out of a request, safely.

`str.isdigit()` is true for `²` and other digits `int()` refuses, and `int()` accepts any size,
so a hand-written `int(value) if value.isdigit()` turns a typed `?version=²` into a 500 and a
30-digit id into a database overflow. Every number read from a query string, a form key or a
value the form classes do not clean goes through here: ASCII digits only, within a range, and
None for anything else, which the caller treats as "not given".
"""

from __future__ import annotations

import re

# The largest value of a PostgreSQL integer column: every id and number we store fits in it.
LARGEST_ID = 2**31 - 1

_WHOLE_NUMBER = re.compile(r"[0-9]{1,10}")


def whole_number(value: object, *, least: int = 0, most: int = LARGEST_ID) -> int | None:
    """`value` as a whole number from `least` to `most`, or None when it is anything else
    (missing, empty, a list, a sign, a space, a non-ASCII digit, too large)."""
    if not isinstance(value, str) or not _WHOLE_NUMBER.fullmatch(value):
        return None
    number = int(value)
    return number if least <= number <= most else None


def suffix_id(key: str, prefix: str) -> int | None:
    """The id at the end of a form key such as `reason_42` (prefix `reason_`), or None when
    the key has another prefix or its end is not an id."""
    return whole_number(key.removeprefix(prefix), least=1) if key.startswith(prefix) else None


def ids(values: list[str]) -> set[int]:
    """The ids among `values` (a `getlist`), ignoring anything that is not one."""
    return ids_between(values, least=1, most=LARGEST_ID)


def ids_between(values: list[str], *, least: int, most: int) -> set[int]:
    """The whole numbers from `least` to `most` among `values` (spaces around each allowed),
    ignoring anything else."""
    found = (whole_number(value.strip(), least=least, most=most) for value in values)
    return {number for number in found if number is not None}
