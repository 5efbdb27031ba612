"""What each member of staff is trained in, for the pages that deploy them: the form that sets a
class's teachers and assistants, the form that sets who runs a group, the class page.

Training records live in the `training` app, a floor above `register` and `provision`, which may
not import it. So the ground floor holds the shape and a hook, and `training` fills the hook in at
start-up (training/apps.py), the way a signal receiver connects: the lower apps ask
`of_users(...)` and get everyone's skills in one query, or nothing when no source is connected.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from .models import School


@dataclass(frozen=True)
class Skills:
    """A person's current training on a day: the need areas (census SEN type codes) their
    certificates cover, and whether they hold general whole-school SEND training."""

    codes: frozenset[str] = frozenset()
    whole_school: bool = False

    def covers(self, code: str) -> bool:
        return code in self.codes

    @property
    def label(self) -> str:
        """ "trained: ASD, SEMH", "general SEND training only", or "" for nothing current."""
        if self.codes:
            return "trained: " + ", ".join(sorted(self.codes))
        return "general SEND training only" if self.whole_school else ""


NOTHING = Skills()

# source(school=, on=, user_ids=) -> {user_id: Skills}; None: every member of staff with a login.
Source = Callable[..., dict[int, Skills]]
_source: list[Source] = []


def provide(source: Source) -> None:
    """Connect the one source of skills (training does, in its AppConfig.ready)."""
    _source[:] = [source]


def available() -> bool:
    return bool(_source)


def of_users(
    *, school: School, on: date, user_ids: Iterable[int] | None = None
) -> dict[int, Skills]:
    """Each user's skills at this school on `on`, by user id (one query); a user with nothing
    current is absent. Empty when no source is connected."""
    if not _source:
        return {}
    return _source[0](school=school, on=on, user_ids=user_ids)


def with_skills(label: str, skills: Skills | None) -> str:
    """A choice's label with what the person is trained in: "Ana Lee (TA) — trained: ASD"."""
    said = skills.label if skills else ""
    return f"{label} — {said}" if said else label


def trained_count(adults: Iterable[int], skills: dict[int, Skills], code: str) -> int:
    """How many of these adults (user ids) are trained for the need `code`."""
    return sum(1 for user_id in adults if skills.get(user_id, NOTHING).covers(code))
