"""Unique pupil numbers (UPN): 13 characters, a check letter then 12 characters.

The DfE's check letter: multiply the characters in positions 2 to 13 by their position (2 to 13),
add the products, divide by 23; the remainder 0-22 is the letter at that place in
ABCDEFGHJKLMNPQRTUVWXYZ (I, O and S are never used). Positions 2-12 are digits; position 13 is a
digit, or a letter in a temporary UPN, where the letter counts as its place in the same alphabet.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
_SHAPE = re.compile(r"^[A-Z]\d{11}[0-9A-Z]$")


def check_letter(rest: str) -> str:
    """The check letter for the 12 characters after it."""
    total = 0
    for position, char in enumerate(rest, start=2):
        if char.isdigit():
            value = int(char)
        elif char in CHECK_LETTERS and position == 13:
            value = CHECK_LETTERS.index(char)
        else:
            raise ValueError(f"{char!r} cannot stand at position {position} of a UPN")
        total += value * position
    return CHECK_LETTERS[total % 23]


def normalise_upn(value: str) -> str:
    return "".join(str(value).split()).upper()


def is_temporary(upn: str) -> bool:
    return upn[-1:].isalpha()


def validate_upn(value: str) -> None:
    upn = normalise_upn(value)
    if len(upn) != 13:
        raise ValidationError(
            f"A UPN has 13 characters; {value!r} has {len(upn)}.", code="upn_length"
        )
    if not _SHAPE.match(upn) or (upn[-1].isalpha() and upn[-1] not in CHECK_LETTERS):
        raise ValidationError(
            f"{upn} is not a UPN: it must be a letter, 11 digits, then a digit or a letter.",
            code="upn_shape",
        )
    expected = check_letter(upn[1:])
    if upn[0] != expected:
        raise ValidationError(
            f"{upn} has the wrong check letter: it should start with {expected}. "
            "Check the number against the MIS.",
            code="upn_check_letter",
        )
