"""Links without the cost of `reverse()` on every one: `SchoolLinks` for the same page of many
schools (the trust's pages that list every school, the header's menu), and `fast_reverse` for
every `{% url %}` of every template (sendco/templatetags/urls.py).

`reverse()` costs about 35 microseconds; the trust's comparison of 110 schools asked it 1,500
times a view. `SchoolLinks` reverses each url name once, with a marker for the school's slug,
and puts each school's slug in its place (a slug needs no quoting in a path).
"""

from __future__ import annotations

import functools
import re
import uuid

from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.urls.converters import (
    IntConverter,
    PathConverter,
    SlugConverter,
    StringConverter,
    UUIDConverter,
    get_converters,
)

MARK = "0-slug-0"


class SchoolLinks:
    """`links(name, slug)` is `reverse(name, args=[slug])` for url names whose only argument is
    the school's slug."""

    def __init__(self) -> None:
        self._patterns: dict[str, str] = {}

    def __call__(self, name: str, slug: str) -> str:
        pattern = self._patterns.get(name)
        if pattern is None:
            pattern = self._patterns[name] = reverse(name, args=[MARK])
        return pattern.replace(MARK, slug)


# Every `{% url %}` of every page (sendco.templatetags.urls): a list of 50 pupils, each with two
# or three links, asked `reverse()` 100 to 150 times a page, 3 to 4 ms of it. `reverse()` tries
# each argument against the pattern's converter and quotes what it puts in; the answer for a name
# is the same text around the arguments whenever the arguments are of the same kind. So the text
# is worked out once per name and kind of arguments, with markers, and each argument put in its
# place. Only for arguments that need no quoting, each of one of three kinds that every one of
# Django's own converters either always takes or never takes (digits; a UUID as Django writes
# it; other letters, digits, "-" and "_"); anything else, or a converter of our own, is reversed
# as before. The first use of a shape is checked against `reverse()` itself.
_DIGITS = re.compile(r"[0-9]+")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_PLAIN = re.compile(r"[-A-Za-z0-9_]+")
_MARKERS = {
    "digits": lambda n: f"97531{n:04d}86420",
    "uuid": lambda n: f"fedcba98-7654-4321-8fed-{n:012x}",
    "plain": lambda n: f"zq-mark-{n}-qz",
}
_BUILTIN_CONVERTERS = {IntConverter, StringConverter, SlugConverter, UUIDConverter, PathConverter}
_shapes: dict[tuple, list[str | int] | None] = {}


def _kind(value) -> str | None:
    if isinstance(value, bool) or not isinstance(value, str | int | uuid.UUID):
        return None
    text = str(value)
    for kind, form in (("digits", _DIGITS), ("uuid", _UUID), ("plain", _PLAIN)):
        if form.fullmatch(text):
            return kind
    return None


@functools.cache
def _only_django_converters() -> bool:
    return all(type(c) in _BUILTIN_CONVERTERS for c in get_converters().values())


def fast_reverse(view_name: str, args: list, current_app: str | None = None) -> str:
    """`reverse(view_name, args=args, current_app=current_app)`, the same text, faster."""
    kinds = tuple(_kind(arg) for arg in args)
    if None in kinds or not isinstance(view_name, str) or not _only_django_converters():
        return reverse(view_name, args=args, current_app=current_app)
    key = (view_name, kinds, current_app, get_script_prefix(), get_urlconf())
    shape = _shapes.get(key, False)
    if shape is False:
        url = reverse(view_name, args=args, current_app=current_app)
        shape = _shapes[key] = _shape_of(view_name, kinds, current_app, args, url)
        return url
    if shape is None:
        return reverse(view_name, args=args, current_app=current_app)
    return "".join(part if isinstance(part, str) else str(args[part]) for part in shape)


def _shape_of(view_name, kinds, current_app, args, url) -> list[str | int] | None:
    """The url's text split around its arguments, or None when markers do not show it plainly
    (then every use of this shape is reversed as before)."""
    markers = [_MARKERS[kind](n) for n, kind in enumerate(kinds)]
    try:
        marked = reverse(view_name, args=markers, current_app=current_app)
    except NoReverseMatch:
        return None
    shape: list[str | int] = []
    rest = marked
    for n, marker in enumerate(markers):
        before, found, rest = rest.partition(marker)
        if not found or marker in rest:
            return None
        shape.extend([before, n])
    shape.append(rest)
    if "".join(p if isinstance(p, str) else str(args[p]) for p in shape) != url:
        return None
    return shape
