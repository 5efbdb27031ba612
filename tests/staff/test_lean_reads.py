"""The two helpers that make a read lighter without changing what it finds: `unique_row` (the one
row of a unique condition, without the ORDER BY that `.first()` adds) and `only_name` (a person
joined for their name alone, not their password hash or email)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from staff.models import Membership, School
from staff.selectors import only_name, unique_row
from tests.factories import SchoolFactory, member


def test_unique_row_finds_the_row_or_none_without_sorting(db):
    school = SchoolFactory(slug="oak", name="Oak")
    SchoolFactory(slug="elm", name="Elm")
    with CaptureQueriesContext(connection) as queries:
        assert unique_row(School.objects.filter(slug="oak")) == school
        assert unique_row(School.objects.filter(slug="nowhere")) is None
    assert len(queries) == 2
    assert all("ORDER BY" not in q["sql"] for q in queries.captured_queries)
    assert all("LIMIT 1" in q["sql"] for q in queries.captured_queries)


def test_only_name_reads_the_name_and_not_the_password(db, django_assert_num_queries):
    school = SchoolFactory()
    member(school, "teacher", full_name="Priya Shah")
    with CaptureQueriesContext(connection) as queries:
        membership = (
            Membership.objects.filter(school=school)
            .select_related("user")
            .defer(*only_name("user"))
            .get()
        )
    sql = queries.captured_queries[0]["sql"]
    assert '"staff_user"."full_name"' in sql
    assert '"staff_user"."password"' not in sql
    assert '"staff_user"."email"' not in sql
    with django_assert_num_queries(0):
        assert membership.user.full_name == "Priya Shah"
