"""Each school's deadlines, kept between the writes that move them (staff/deadline_cache.py).

The whole suite runs with the cache on (tests/conftest.py), so every test that writes and then
reads a page checks that the write was seen. These tests name the rules: a write to any record the
engine reads drops its school's answer, and only its school's; a write the signals cannot see
(a bulk insert) says so itself; the answer is dropped again when the write commits; without a
shared cache nothing is kept.
"""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.apps import apps
from django.test.utils import override_settings
from django.urls import reverse

from ehcp.models import PlanVersion
from register.models import Concern
from sendco.apps import FEEDING_APPS, NOT_FEEDING, SCHOOL_VIA, _school_of
from sendco.tasks import scan_school as scan_school_task
from sendco.tasks import warm_deadlines
from staff import calendar as school_calendar
from staff import deadline_cache
from staff.models import UnstampedWrite
from staff.tasks import restamp_unstamped
from tests.ehcp.factories import make_authority, make_plan
from tests.factories import SchoolFactory
from tests.register.factories import make_pupil

TODAY = date(2026, 11, 25)


def _count_calls():
    calls = []

    def work_out():
        calls.append(1)
        return [len(calls)]

    return calls, work_out


def _concern(school, sendco, name="Mina"):
    return Concern.objects.create(
        school=school,
        pupil=make_pupil(school, legal_first_name=name),
        raised_by=sendco,
        raised_on=date(2026, 10, 1),
        status="monitoring",
        review_on=date(2026, 11, 20),
        decided_by=sendco,
        description="x",
    )


def test_an_answer_is_kept_until_its_school_changes(db, school, other_school):
    calls, work_out = _count_calls()

    def read(school_id=school.pk):
        return deadline_cache.kept(school_id=school_id, today=TODAY, weeks=8, work_out=work_out)

    assert read() == [1]
    assert read() == [1]  # kept
    deadline_cache.changed(other_school.pk)
    assert read() == [1]  # another school's write leaves it
    deadline_cache.changed(school.pk)
    assert read() == [2]  # worked out again
    deadline_cache.changed(None)  # a write whose school is not known drops every answer
    assert read() == [3]
    # Another day or another horizon is another answer.
    tomorrow = date(2026, 11, 26)
    assert (
        deadline_cache.kept(school_id=school.pk, today=tomorrow, weeks=8, work_out=work_out)[0] == 4
    )
    assert deadline_cache.kept(school_id=school.pk, today=TODAY, weeks=2, work_out=work_out)[0] == 5


def test_each_of_many_schools_is_kept_under_its_own_stamp(db, school, other_school):
    """`kept_each`: the schools not kept are worked out together, and a write at one school has
    only that school worked out again."""
    asked = []

    def work_out(missing):
        asked.append(sorted(missing))
        return {s: len(asked) for s in missing}

    def read():
        return deadline_cache.kept_each(
            school_ids=[school.pk, other_school.pk], today=TODAY, work_out=work_out, name="t"
        )

    assert read() == {school.pk: 1, other_school.pk: 1}
    assert read() == {school.pk: 1, other_school.pk: 1}  # kept
    deadline_cache.changed(other_school.pk)
    assert read() == {school.pk: 1, other_school.pk: 2}
    assert asked == [sorted([school.pk, other_school.pk]), [other_school.pk]]
    deadline_cache.changed(None)  # a write whose school is not known drops every answer
    assert read() == {school.pk: 3, other_school.pk: 3}


def test_the_answer_is_dropped_again_when_the_write_commits(
    db, school, django_capture_on_commit_callbacks
):
    """A reader in another process may work the answer out between the write and its commit,
    from the rows as they were: the commit drops that too."""
    calls, work_out = _count_calls()
    with django_capture_on_commit_callbacks() as callbacks:
        deadline_cache.changed(school.pk)
        # Meanwhile another process keeps what it read before the commit.
        deadline_cache.kept(school_id=school.pk, today=TODAY, weeks=8, work_out=work_out)
    assert len(callbacks) == 1
    callbacks[0]()  # the commit
    deadline_cache.kept(school_id=school.pk, today=TODAY, weeks=8, work_out=work_out)
    assert len(calls) == 2


@override_settings(DEADLINE_CACHE_SECONDS=0)
def test_without_a_shared_cache_nothing_is_kept(db, school):
    calls, work_out = _count_calls()
    for _ in range(3):
        deadline_cache.kept(school_id=school.pk, today=TODAY, weeks=8, work_out=work_out)
    assert len(calls) == 3


def test_saving_a_record_drops_its_schools_answer_and_only_its(client, school, sendco, trust):
    """A concern closed is gone from the SENDCo's deadlines at once; another school's kept
    answer stays."""
    beech = SchoolFactory(trust=trust, name="Beech", slug="beech-2", urn="999001")
    with time_machine.travel(TODAY):
        concern = _concern(school, sendco)
        beech_calls, beech_work_out = _count_calls()
        deadline_cache.kept(school_id=beech.pk, today=TODAY, weeks=8, work_out=beech_work_out)
        url = reverse("school_home", args=[school.slug])
        client.force_login(sendco)
        assert "Mina" in client.get(url).content.decode()
        concern.status = "closed"
        concern.save()
        assert "Mina" not in client.get(url).content.decode()
        deadline_cache.kept(school_id=beech.pk, today=TODAY, weeks=8, work_out=beech_work_out)
        assert len(beech_calls) == 1


def test_a_record_without_a_school_of_its_own_is_traced_to_it(db, school, sendco):
    """A new version of an EHC plan drops its school's answer, not every school's."""
    plan = make_plan(make_pupil(school), make_authority(school), issued_on=TODAY, by=sendco)
    version = PlanVersion.objects.get(plan=plan)
    assert _school_of(PlanVersion.objects.get(pk=version.pk)) == school.pk


@pytest.mark.parametrize(
    "model",
    [m for label in FEEDING_APPS for m in apps.get_app_config(label).get_models()],
    ids=lambda m: m._meta.label_lower,
)
def test_every_record_the_engine_reads_names_its_school(model):
    """A new model in an app that feeds the engine has a school, or a way to one in
    SCHOOL_VIA, or is named as not feeding it: otherwise its writes would drop every school's
    answer."""
    label = model._meta.label_lower
    fields = {f.name for f in model._meta.get_fields()}
    assert "school" in fields or label in SCHOOL_VIA or label in NOT_FEEDING


class _Unreachable:
    """A cache whose server does not answer."""

    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("Connection refused")

        return fail


def test_with_the_cache_out_of_reach_pages_work_and_writes_save(
    client, school, sendco, monkeypatch, caplog
):
    """Redis down: the SENDCo's home is worked out (slower, not broken), and a record saved
    still saves; the failure is logged."""
    monkeypatch.setattr(deadline_cache, "cache", _Unreachable())
    with time_machine.travel(TODAY):
        pupil = _concern(school, sendco).pupil
        client.force_login(sendco)
        page = client.get(reverse("school_home", args=[school.slug]))
    assert page.status_code == 200
    assert "Mina" in page.content.decode()
    assert Concern.objects.filter(pupil=pupil).exists()
    assert "The cache is out of reach" in caplog.text
    # The write is recorded for beat's sweep, in the writer's own transaction.
    assert UnstampedWrite.objects.filter(school_id=school.pk).exists()


def test_what_was_kept_before_an_outage_goes_at_the_sweep_after_it(db, school, monkeypatch):
    """A write while the cache is out of reach cannot give its school a new stamp: what was
    kept before would outlive the outage. Beat's sweep gives the stamp once the cache answers;
    while it still does not, the sweep fails and the record stays for the next minute."""
    calls, work_out = _count_calls()

    def read():
        return deadline_cache.kept(school_id=school.pk, today=TODAY, weeks=8, work_out=work_out)

    assert read() == [1]
    shared = deadline_cache.cache
    monkeypatch.setattr(deadline_cache, "cache", _Unreachable())
    deadline_cache.changed(school.pk)  # the write, during the outage
    with pytest.raises(ConnectionError):
        restamp_unstamped()  # the cache still out of reach: nothing is lost
    assert UnstampedWrite.objects.filter(school_id=school.pk).exists()
    monkeypatch.setattr(deadline_cache, "cache", shared)  # the cache is back
    assert read() == [1]  # stale until the sweep
    assert restamp_unstamped() >= 1
    assert read() == [2]
    assert not UnstampedWrite.objects.exists()
    assert restamp_unstamped() == 0


def test_beat_sweeps_every_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["restamp-unstamped"]
    assert entry["task"] == "staff.tasks.restamp_unstamped"
    assert entry["schedule"].minute == set(range(60))


def _must_not_work_out():
    raise AssertionError("worked out again: the answer was not kept")


def test_warming_keeps_what_the_pages_read(db, school, sendco):
    """The worker's task leaves the school's deadlines (the pages' eight weeks), the tracker's
    order and this term's delivery kept, so the next page does not work them out."""
    with time_machine.travel(TODAY):
        school_calendar.create_default_year(school=school, academic_year_start=2026)
        _concern(school, sendco)
        assert warm_deadlines(school.pk) == 1  # Mina's overdue monitoring review
        kept = deadline_cache.kept(
            school_id=school.pk, today=TODAY, weeks=8, work_out=_must_not_work_out
        )
        assert [d.subject.split()[0] for d in kept] == ["Mina"]
        deadline_cache.kept(
            school_id=school.pk,
            today=TODAY,
            weeks=0,
            name="ehcp-tracker",
            work_out=_must_not_work_out,
        )
        (term,) = school_calendar.season_terms(school=school, start=TODAY, end=TODAY)
        deadline_cache.kept(
            school_id=school.pk,
            today=TODAY,
            weeks=0,
            name=f"term-delivery-{term.starts_on.isoformat()}",
            work_out=_must_not_work_out,
        )
    assert warm_deadlines(10**9) == 0  # a school gone since


@override_settings(DEADLINE_WARM=True)
def test_a_burst_of_committed_writes_is_warmed_once(
    db, school, sendco, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(warm_deadlines, "delay", lambda *args: sent.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        _concern(school, sendco, "Mina")
        _concern(school, sendco, "Otto")
    assert sent == [(school.pk,)]


def test_without_a_worker_to_warm_nothing_is_sent(
    db, school, sendco, monkeypatch, django_capture_on_commit_callbacks
):
    """DEADLINE_WARM is off outside production (tests, `make run`): the next reader works the
    answer out."""
    sent = []
    monkeypatch.setattr(warm_deadlines, "delay", lambda *args: sent.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        _concern(school, sendco)
    assert sent == []


@pytest.mark.parametrize("warm", [True, False])
def test_the_morning_scan_leaves_the_days_deadlines_kept(db, school, sendco, settings, warm):
    """With a worker warming after writes (DEADLINE_WARM, production), each school's scan task
    also leaves its pages' answers kept, so the first home page of the day does not work them
    out; without it (tests, `make run`) nothing more is done."""
    settings.DEADLINE_WARM = warm
    with time_machine.travel(TODAY):
        school_calendar.create_default_year(school=school, academic_year_start=2026)
        _concern(school, sendco)
        deadline_cache.changed(school.pk)  # nothing kept from the writes above
        scan_school_task(school.pk, TODAY.isoformat())
        calls, work_out = _count_calls()
        deadline_cache.kept(school_id=school.pk, today=TODAY, weeks=8, work_out=work_out)
    assert len(calls) == (0 if warm else 1)
