"""The header's school switcher: someone in two schools switches between them from any page; a
trust lead of a large trust sees the first few and a link to them all, not a hundred links on
every page (and the query and the rendering they cost)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from staff import switcher_cache
from staff.models import Role
from staff.tenancy import SWITCHER_AT_MOST
from tests.factories import SchoolFactory, member

pytestmark = pytest.mark.django_db

# The staff list for a trust lead, the switcher's one query included (whatever the number of
# schools).
STAFF_PAGE_QUERIES = 8


def _schools(trust, count: int) -> list:
    return [
        SchoolFactory(trust=trust, name=f"School {n:03d}", slug=f"school-{n:03d}", urn=f"9{n:05d}")
        for n in range(count)
    ]


def test_someone_in_two_schools_switches_from_the_header(client, trust, school):
    other = SchoolFactory(trust=trust, name="Beech Secondary", slug="beech", urn="123457")
    person = member(school, Role.SENDCO)
    person.memberships.create(school=other, role=Role.TEACHER)
    client.force_login(person)
    page = client.get(reverse("school_home", args=[school.slug])).content.decode()
    assert "Switch school" in page
    assert f'href="/?school={other.slug}"' in page
    assert "All your schools" not in page
    chosen = client.get("/", {"school": other.slug})
    assert chosen.url == reverse("school_home", args=[other.slug])


def test_a_trust_lead_of_many_schools_sees_the_first_and_a_link_to_all(client, trust, school):
    _schools(trust, SWITCHER_AT_MOST + 3)
    lead = member(school, Role.TRUST_LEAD)
    client.force_login(lead)
    page = client.get(reverse("school_home", args=[school.slug])).content.decode()
    header = page.split("Switch school")[1].split("dropdown-divider")[0]
    assert header.count("?school=") == SWITCHER_AT_MOST
    assert "School 000" in header
    assert "School 010" not in header
    assert 'href="/?all=1">All your schools' in header
    # Without ?all the trust lead goes to the trust's dashboard; with it, every school is listed.
    assert client.get("/").url == reverse("trust_dashboard", args=[trust.slug])
    everything = client.get("/", {"all": "1"}).content.decode()
    assert everything.count('href="/s/school-') == SWITCHER_AT_MOST + 3


@pytest.mark.parametrize("extra", [SWITCHER_AT_MOST, SWITCHER_AT_MOST + 20])
def test_the_switcher_costs_one_query_whatever_the_trust(
    client, trust, school, django_assert_num_queries, extra
):
    _schools(trust, extra)
    lead = member(school, Role.TRUST_LEAD)
    client.force_login(lead)
    address = reverse("staff:list", args=[school.slug])
    client.get(address)  # the first request after signing in renews the session
    switcher_cache.changed()  # worked out afresh
    with django_assert_num_queries(STAFF_PAGE_QUERIES):
        assert client.get(address).status_code == 200
    # Then kept for the person until a school or membership changes: no query at all.
    with django_assert_num_queries(STAFF_PAGE_QUERIES - 1):
        assert client.get(address).status_code == 200


def _switcher(client, school) -> str:
    page = client.get(reverse("school_home", args=[school.slug])).content.decode()
    return (
        page.split("Switch school")[1].split("dropdown-divider")[0]
        if "Switch school" in page
        else ""
    )


def test_a_new_membership_a_renamed_school_and_an_ended_one_show_on_the_next_page(
    client, trust, school
):
    """The switcher is kept between changes: each change to a membership or a school shows on
    the next page (the kept answer goes when a `School` or `Membership` is saved)."""
    other = SchoolFactory(trust=trust, name="Beech Secondary", slug="beech", urn="123457")
    person = member(school, Role.SENDCO)
    client.force_login(person)
    assert _switcher(client, school) == ""  # one school: no switcher
    membership = person.memberships.create(school=other, role=Role.TEACHER)
    assert "Beech Secondary" in _switcher(client, school)
    other.name = "Beech Academy"
    other.save()
    assert "Beech Academy" in _switcher(client, school)
    membership.ended_at = timezone.now()
    membership.save()
    assert _switcher(client, school) == ""


def test_one_persons_kept_switcher_is_never_anothers(client, trust, school):
    other = SchoolFactory(trust=trust, name="Beech Secondary", slug="beech", urn="123457")
    in_two = member(school, Role.SENDCO)
    in_two.memberships.create(school=other, role=Role.TEACHER)
    in_one = member(school, Role.TEACHER)
    client.force_login(in_two)
    assert "Beech Secondary" in _switcher(client, school)
    client.force_login(in_one)
    assert _switcher(client, school) == ""


def test_with_the_cache_out_of_reach_the_switcher_is_worked_out(client, trust, school, monkeypatch):
    other = SchoolFactory(trust=trust, name="Beech Secondary", slug="beech", urn="123457")
    person = member(school, Role.SENDCO)
    person.memberships.create(school=other, role=Role.TEACHER)
    client.force_login(person)
    monkeypatch.setattr(switcher_cache, "cache", _Unreachable())
    # The module's own logger, recorded (caplog depends on how earlier tests left logging).
    warned = []
    monkeypatch.setattr(switcher_cache.logger, "warning", lambda *a, **k: warned.append(a[0]))
    assert "Beech Secondary" in _switcher(client, school)
    assert any("the school switcher worked out" in said for said in warned)


class _Unreachable:
    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("Redis is down")

        return fail
