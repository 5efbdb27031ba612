"""The rules of a parent's secure link: its code, how a typed code is read, and the date of
birth check. Plain functions, so a test calls them directly."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date

# No 0/O, 1/I/L: a code copied from paper is read the same by everyone.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 12  # 31 ** 12 is about 2 ** 59: no one guesses one, least of all within the rate limit


def new_code() -> str:
    """A fresh code: the secret of one link, shown once, never stored."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(typed: str) -> str:
    """A code as typed (spaces, dashes, small letters) in the form it was made in."""
    cleaned = "".join(c for c in (typed or "").upper() if c.isalnum())
    return cleaned


def code_hash(code: str) -> str:
    """What the database keeps of a code (like a password reset token: a hash, not the code)."""
    return hashlib.sha256(normalise(code).encode()).hexdigest()


def well_formed(code: str) -> bool:
    code = normalise(code)
    return len(code) == LENGTH and all(c in ALPHABET for c in code)


def shown(code: str) -> str:
    """The code in groups of four, as printed: ABCD-EFGH-JKMN."""
    code = normalise(code)
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def born_on(*, day: int, month: int, year: int) -> date | None:
    """The date typed in three boxes, or None when there is no such date."""
    try:
        return date(year, month, day)
    except (ValueError, OverflowError):
        return None


def tries_left(*, failed: int, allowed: int) -> int:
    return max(0, allowed - failed)
