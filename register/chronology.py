"""The pupil page's chronology, open to the apps above the register: each registers a source (in
its AppConfig.ready) that gives the lines it knows about one pupil, and the page shows them with
its own (status periods, needs, concerns, passports), newest first.

A source is `source(*, pupil, access) -> list[Entry]`: the lines this person may see, in one
query (none when they may see nothing of it), so the page's queries stay one per source whatever
the pupil's history. The register never imports the apps that register: they import this.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from staff.tenancy import Access

    from .models import Pupil


class Entry(NamedTuple):
    on: date
    kind: str  # what it is, in words: "Outside agency", "Early Help"
    label: str  # the line: "Seen by Speech and language therapy"
    url: str | None = None  # the page it comes from, for those who may open it


Source = Callable[..., list[Entry]]

_SOURCES: dict[str, Source] = {}


def register(name: str, source: Source) -> None:
    """Add a source of chronology lines (again under the same name replaces it)."""
    _SOURCES[name] = source


def entries(*, pupil: Pupil, access: Access) -> list[Entry]:
    """Every registered source's lines for this pupil and person, in the order registered."""
    return [entry for source in _SOURCES.values() for entry in source(pupil=pupil, access=access)]
