"""Every `{% url %}` goes through `staff.links.fast_reverse`: it must give exactly the text
`reverse()` gives, for every url name of the project, and fall back to it for anything else."""

from __future__ import annotations

import uuid

import pytest
from django.template import engines
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, SlugConverter, StringConverter, UUIDConverter

from staff import links
from staff.links import fast_reverse

EXAMPLES = {
    IntConverter: [7, "42"],
    SlugConverter: ["hillcrest", "st-mary_s"],
    StringConverter: ["draft", "x1"],
    UUIDConverter: [uuid.UUID("6af24bca-fc33-413f-833d-ecf1366d6397"), str(uuid.uuid4())],
}


def _named_patterns(resolver=None, prefix="", converters=()):
    """(name, the converters of its arguments in order) for every named url of the project."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        found = tuple(getattr(entry.pattern, "converters", {}).values())
        if isinstance(entry, URLResolver):
            space = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from _named_patterns(entry, space, converters + found)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{prefix}{entry.name}", converters + found


NAMES = sorted(
    {
        (name, tuple(type(c) for c in kinds))
        for name, kinds in _named_patterns()
        if all(type(c) in EXAMPLES for c in kinds)
    }
)


def test_the_project_has_named_urls_of_every_kind_to_check():
    kinds = {kind for _, shape in NAMES for kind in shape}
    assert {IntConverter, SlugConverter, UUIDConverter} <= kinds
    assert len(NAMES) > 200


@pytest.mark.parametrize("example", [0, 1])
def test_every_url_name_gives_the_text_reverse_gives(example):
    links._shapes.clear()
    for name, shape in NAMES:
        args = [EXAMPLES[kind][example] for kind in shape]
        try:
            expected = reverse(name, args=args)
        except NoReverseMatch:
            continue  # a name shared by two patterns: the other one's arguments
        # The first use works the shape out; the second puts the arguments in it.
        assert fast_reverse(name, args) == expected, name
        assert fast_reverse(name, args) == expected, name
    assert links._shapes, "no shape was kept: every url fell back to reverse()"


def test_arguments_that_need_quoting_or_match_no_pattern_are_reversed_as_before():
    assert fast_reverse("school_home", ["hillcrest"]) == "/s/hillcrest/"
    # Not a slug: reverse() refuses it, whatever was kept for slugs.
    with pytest.raises(NoReverseMatch):
        fast_reverse("school_home", ["hill crest"])
    with pytest.raises(NoReverseMatch):
        fast_reverse("register:pupil", ["hillcrest", "not-a-uuid"])
    with pytest.raises(NoReverseMatch):
        fast_reverse("register:pupil", ["hillcrest", 12])


def test_the_url_tag_escapes_stores_and_refuses_as_django_s_does():
    engine = engines["django"]
    page = engine.from_string(
        '{% url "school_home" slug %}|{% url "school_home" slug as there %}[{{ there }}]'
        '|{% url "nowhere" as missing %}[{{ missing }}]'
    ).render({"slug": "hillcrest"})
    assert page == "/s/hillcrest/|[/s/hillcrest/]|[]"
    with pytest.raises(NoReverseMatch):
        engine.from_string('{% url "school_home" slug %}').render({"slug": "not a slug"})
