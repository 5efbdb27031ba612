"""The trust's schools compared (sendco/compare.py, issue 18): one row a school on one dataset,
each figure linking to the school's own page, a fixed number of queries whatever the number of
schools; and the trust board's report, the same figures with small numbers suppressed, no cell
recoverable from the totals, no pupil named (page and PDF)."""

from __future__ import annotations

import itertools
import subprocess
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from plans.models import Cycle, SupportPlan
from provision.models import CostedItem, Group, GroupPupil, Intervention, Measure
from provision.pages import YearProvision
from sendco import compare, pages
from staff import calendar as school_calendar
from staff.models import AuditEvent, School
from tests.ehcp.factories import finished_review, make_authority, make_plan
from tests.factories import SchoolFactory
from tests.register.factories import make_pupil, put_on

D = date
NOON = datetime(2026, 12, 4, 12, tzinfo=ZoneInfo("Europe/London"))
SENTINEL = "Zebedee Quillfeather"


@pytest.fixture(autouse=True)
def _on_4_december_2026():
    with time_machine.travel(NOON, tick=False):
        yield


def _cycle(plan, number, *, reviewed_on, review_due, by) -> Cycle:
    return Cycle.objects.create(
        school=plan.school,
        plan=plan,
        number=number,
        stage=Cycle.Stage.REVIEWED,
        starts_on=D(2026, 1, 5),
        agreed_on=D(2026, 1, 12),
        review_due=review_due,
        reviewed_on=reviewed_on,
        reviewed_by=by,
        review_summary=f"{SENTINEL} made progress",
    )


def _acorn(school, sendco) -> dict:
    """12 on roll: 7 on SEN support (6 ASD, 1 SEMH), 2 with EHC plans (SLCN), 3 not on the
    register. One EHC review held on time this year, one late; one support plan reviewed on
    time this year, one late, one last year."""
    school_calendar.create_default_year(school=school, academic_year_start=2026)
    first, last = SENTINEL.split()
    k = [
        make_pupil(school, legal_first_name=first if n == 0 else f"K{n}", legal_last_name=last)
        for n in range(7)
    ]
    for n, pupil in enumerate(k):
        put_on(pupil, "K", D(2025, 1, 6), "ASD" if n < 6 else "SEMH")
    e = [make_pupil(school, legal_first_name=f"E{n}") for n in range(2)]
    for pupil in e:
        put_on(pupil, "E", D(2025, 1, 6), "SLCN")
    for n in range(3):
        make_pupil(school, legal_first_name=f"N{n}")
    authority = make_authority(school)
    on_time = make_plan(e[0], authority, issued_on=D(2025, 10, 1), by=sendco)
    finished_review(on_time, held_on=D(2026, 9, 20), by=sendco)
    late = make_plan(e[1], authority, issued_on=D(2025, 6, 1), by=sendco)
    finished_review(late, held_on=D(2026, 10, 15), by=sendco)
    plan = SupportPlan.objects.create(school=school, pupil=k[0], created_by=sendco)
    _cycle(plan, 1, reviewed_on=D(2026, 6, 1), review_due=D(2026, 7, 1), by=sendco)
    _cycle(plan, 2, reviewed_on=D(2026, 11, 1), review_due=D(2026, 11, 10), by=sendco)
    other = SupportPlan.objects.create(school=school, pupil=k[1], created_by=sendco)
    _cycle(other, 1, reviewed_on=D(2026, 11, 20), review_due=D(2026, 11, 10), by=sendco)
    _provision(school, k)
    return {"k": k, "e": e}


def _provision(school, k, scores=((80, 90, 95), (80, 90, 92), (80, 90, 85), (80, 90, None))):
    """This year's provision: a reading group costing £900 (resources, no staff rate) whose
    pupils' (entry, target, exit) scores leave 3 measured, 2 meeting their target, and one not
    measured yet; and one-to-one support costing £90 once. £990 over 9 SEN pupils: £110."""
    measure = Measure.objects.create(school=school, name="Reading age", kind="standardised")
    reading = Intervention.objects.create(
        school=school, name="Reading", measure=measure, resource_cost_one_off=Decimal(900)
    )
    group = Group.objects.create(
        school=school,
        intervention=reading,
        name="Reading 1",
        status="running",
        starts_on=D(2026, 9, 7),
        ends_on=D(2027, 3, 26),
        sessions_per_week=3,
        session_minutes=30,
    )
    for pupil, marks in zip(k, scores, strict=False):
        entry, target, exit_ = (None if v is None else Decimal(v) for v in marks)
        GroupPupil.objects.create(
            school=school,
            group=group,
            pupil=pupil,
            joined_on=D(2026, 9, 7),
            entry_score=entry,
            target_score=target,
            exit_score=exit_,
        )
    CostedItem.objects.create(
        school=school,
        pupil=k[4],
        kind="one_to_one",
        description=f"{SENTINEL}'s one-to-one reading",
        cost=Decimal(90),
        basis="one_off",
        starts_on=D(2026, 10, 1),
        funding="notional_sen",
    )


def _beech(school, *, k: int = 3, others: int = 5) -> list:
    """`k` on SEN support with ASD, no EHC plan, `others` not on the register."""
    school_calendar.create_default_year(school=school, academic_year_start=2026)
    pupils = []
    for n in range(k):
        pupils.append(make_pupil(school, legal_first_name=f"B{n}"))
        put_on(pupils[-1], "K", D(2025, 1, 6), "ASD")
    pupils.extend(make_pupil(school, legal_first_name=f"O{n}") for n in range(others))
    return pupils


@pytest.fixture
def world(school, other_school, foreign_school, trust_lead, sendco):
    acorn = _acorn(school, sendco)
    _beech(other_school)
    put_on(make_pupil(foreign_school, legal_first_name="Elmo"), "K", D(2025, 1, 6), "SLCN")
    return acorn


def _page(client, name="trust_compare", slug="oak"):
    return client.get(reverse(name, args=[slug]))


def _figures(response) -> dict:
    return {school.slug: f for school, f in response.context["rows"]}


def test_each_school_has_its_figures(client, trust_lead, world):
    client.force_login(trust_lead)
    response = _page(client)
    assert response.status_code == 200
    rows = _figures(response)
    assert set(rows) == {"acorn", "beech"}  # never Elm Academy, another trust's
    acorn, beech = rows["acorn"], rows["beech"]
    assert (acorn.roll, acorn.k, acorn.e) == (12, 7, 2)
    assert acorn.needs == {"ASD": 6, "SEMH": 1, "SLCN": 2, "SPLD": 0, "MLD": 0, "other": 0}
    assert (acorn.reviews_held, acorn.reviews_on_time) == (2, 1)
    assert (acorn.plans_reviewed, acorn.plans_on_time) == (2, 1)  # not last year's
    assert acorn.training_gaps == 3  # ASD, SEMH and SLCN pupils, no one trained
    assert (beech.roll, beech.k, beech.e, beech.needs["ASD"]) == (8, 3, 0, 3)
    assert (beech.reviews_held, beech.plans_reviewed, beech.training_gaps) == (0, 0, 1)
    assert acorn.overdue is None  # no page of Acorn opened today: not worked out yet
    assert acorn.provision is None  # nor its provision's cost and impact
    total = response.context["total"]
    assert (total.roll, total.k, total.e) == (20, 10, 2)
    body = response.content.decode()
    assert "not worked out yet" in body
    assert "Cost per SEN pupil" in body
    assert "<caption" in body
    assert 'scope="row"' in body


def test_overdue_items_are_each_school_s_kept_deadlines(client, trust_lead, world, school):
    pages.warm(school=school, today=NOON.date())
    client.force_login(trust_lead)
    rows = _figures(_page(client))
    assert rows["acorn"].overdue is not None
    assert rows["beech"].overdue is None


def test_cost_per_sen_pupil_and_impact_once_the_school_is_warmed(client, trust_lead, world, school):
    """The year's provision (£990) over Acorn's 9 SEN pupils, and its pupils measured against a
    target and meeting it, each a link to Acorn's own page; Beech, not warmed, not yet."""
    pages.warm(school=school, today=NOON.date())
    client.force_login(trust_lead)
    response = _page(client)
    rows = _figures(response)
    acorn = rows["acorn"]
    assert acorn.provision == YearProvision(cost=Decimal("990.00"), measured=3, met=2)
    assert acorn.cost_per_sen == Decimal(110)
    assert rows["beech"].provision is None
    table = response.context["tables"][3]
    cells = {school.slug: [(c.text, c.url) for c in row] for school, row in table.rows}
    costs, impact = (
        reverse(n, args=["acorn"]) for n in ("provision_map:map", "provision_impact:impact")
    )
    assert cells["acorn"] == [("£110", costs), ("3", impact), ("2 (67%)", impact)]
    assert [c for c, _ in cells["beech"]] == ["not worked out yet"] * 3
    assert [c.text for c in table.total] == ["not worked out yet at 1 school"] * 3
    body = response.content.decode()
    assert f'<a href="{costs}">£110</a>' in body
    assert f'<a href="{impact}">2 (67%)</a>' in body


def test_without_a_shared_cache_every_school_is_worked_out_in_the_request(
    client, trust_lead, world, settings
):
    """`make run`'s demo keeps nothing between requests: the page works each school's overdue
    items, cost and impact out itself instead of "not worked out yet" at every school."""
    settings.DEADLINE_CACHE_SECONDS = 0
    client.force_login(trust_lead)
    response = _page(client)
    rows = _figures(response)
    assert rows["acorn"].provision == YearProvision(cost=Decimal("990.00"), measured=3, met=2)
    assert all(f.overdue is not None and f.provision is not None for f in rows.values())
    cells = [c.text for t in response.context["tables"] for _, row in t.rows for c in row]
    assert cells
    assert not [c for c in cells if "not worked out" in c]


def test_each_figure_links_to_the_school_s_own_page(client, trust_lead, world):
    client.force_login(trust_lead)
    body = _page(client).content.decode()
    for slug in ("acorn", "beech"):
        register = reverse("register:list", args=[slug])
        for href in (
            f"{register}?status=all",
            f"{register}?status=K",
            f"{register}?status=E",
            f"{register}?need=ASD",
            reverse("ehcp:tracker", args=[slug]),
            reverse("plans:list", args=[slug]),
            reverse("training:gaps", args=[slug]),
            reverse("deadlines", args=[slug]),
            reverse("provision_map:map", args=[slug]),
            reverse("provision_impact:impact", args=[slug]),
            reverse("school_home", args=[slug]),
        ):
            assert f'href="{href}' in body, href
    for url in (f"{reverse('register:list', args=['acorn'])}?status=K",):
        assert client.get(url).status_code == 200


def test_the_view_is_audited_and_the_dashboard_links_to_it(client, trust_lead, world):
    client.force_login(trust_lead)
    dashboard = client.get(reverse("trust_dashboard", args=["oak"])).content.decode()
    assert f'href="{reverse("trust_compare", args=["oak"])}"' in dashboard
    _page(client)
    _page(client, "trust_board")
    for action in ("trust.compare_viewed", "trust.board_report_viewed"):
        event = AuditEvent.objects.get(action=action)
        assert (event.actor, event.object_type, event.detail) == (
            trust_lead,
            "staff.Trust",
            {"schools": 2},
        )


@pytest.mark.parametrize("name", ["trust_compare", "trust_board", "trust_board_pdf"])
def test_only_the_trusts_own_lead_opens_it(client, trust_lead, sendco, world, name):
    client.force_login(sendco)
    assert _page(client, name).status_code == 403
    client.force_login(trust_lead)
    assert _page(client, name, "elm").status_code == 404
    assert _page(client, name, "no-such-trust").status_code == 404


# --------------------------------------------------------------------------------------------------
# The board's report
# --------------------------------------------------------------------------------------------------


def _cells(table):
    """Each column's cells (one a school) and its total."""
    columns = list(zip(*[cells for _, cells in table.rows], strict=True))
    return list(zip(columns, table.total, strict=True))


def _possible(hidden: list[tuple[int, int]], left: int) -> list[set[int]]:
    """By brute force: each hidden cell's values that some assignment of them all, within what a
    reader knows of each, gives the sum `left`."""
    found: list[set[int]] = [set() for _ in hidden]
    ranges = [range(low, min(high, max(left, 0)) + 1) for low, high in hidden]
    for values in itertools.product(*ranges):
        if sum(values) == left:
            for n, value in enumerate(values):
                found[n].add(value)
    return found


def _assert_nothing_recoverable(table) -> int:
    """No cell hidden from trustees can be worked out from its column's total (where shown):
    returns how many columns had a hidden cell beside a shown total."""
    tested = 0
    for column, total in _cells(table):
        if total.known is None or total.known[0] != total.known[1]:
            continue  # no total shown: nothing to subtract from
        hidden = [c for c in column if c.known is not None and c.known[0] != c.known[1]]
        if not hidden:
            continue
        tested += 1
        shown_sum = sum(c.known[0] for c in column if c.known and c.known[0] == c.known[1])
        for cell, values in zip(
            hidden, _possible([c.known for c in hidden], total.known[0] - shown_sum), strict=True
        ):
            assert len(values) > 1, (table.key, cell, values)
    return tested


def test_the_board_report_suppresses_small_numbers(client, trust_lead, world):
    client.force_login(trust_lead)
    response = _page(client, "trust_board")
    assert response.status_code == 200
    register, needs, work, _ = response.context["tables"]
    rows = {school.slug: cells for school, cells in register.rows}
    assert [c.text for c in rows["acorn"]] == ["12", "7", "58%", "fewer than 5", "–"]
    assert [c.text for c in rows["beech"]] == ["8", "fewer than 5", "–", "0", "0%"]
    # The trust's K (10) less Acorn's 7 would give Beech's 3; its E (2) less Beech's 0 Acorn's.
    assert [c.text for c in register.total] == ["20", "not shown", "–", "not shown", "–"]
    # The needs add up to K + E, one of which is suppressed in each school: every part hidden.
    assert all(c.text == "not shown" for _, cells in needs.rows for c in cells)
    body = response.content.decode()
    assert "fewer than 5" in body
    assert "Trustees have no sign-in" in body
    assert "<a href" not in body.split("</nav>", 1)[1]  # the report links nowhere


def test_no_suppressed_cell_is_recoverable_from_the_board_s_totals(
    client, trust, trust_lead, world
):
    """More schools with small counts: wherever a total is shown beside a column with hidden
    cells, every hidden cell still has more than one possible value. Every school warmed, so
    the provision's pupils measured and meeting their target are tried too."""
    more = []
    for n, (k, others) in enumerate([(2, 9), (4, 9), (6, 1), (1, 8)]):
        school = SchoolFactory(trust=trust, name=f"More {n}", slug=f"more-{n}")
        more.append((school, _beech(school, k=k, others=others)))
    _provision(more[1][0], more[1][1])  # 3 measured, 2 met, as Acorn
    _provision(more[2][0], more[2][1], [(80, 90, 95)] * 3 + [(80, 90, 85)] * 3)  # 6, 3
    for school in School.objects.filter(trust=trust):
        pages.warm(school=school, today=NOON.date())
    client.force_login(trust_lead)
    tables = _page(client, "trust_board").context["tables"]
    tested = [_assert_nothing_recoverable(table) for table in tables]
    assert tested[0] >= 1  # a register total shown beside hidden cells was tried
    assert tested[3] == 2  # and both of the provision's: 12 measured, 7 meeting their target
    provision = {school.slug: [c.text for c in cells] for school, cells in tables[3].rows}
    assert provision["acorn"] == ["not shown", "fewer than 5", "not shown"]  # E is 2
    assert provision["more-2"] == ["£165", "6", "fewer than 5"]  # £990 over 6, K and E shown
    assert [c.text for c in tables[3].total] == ["not shown", "12", "7 (58%)"]
    # And the rows of needs shown add up to K + E only where no hidden part could be found.
    register, needs, _, _ = tables
    for (_, reg), (_, mix) in zip(register.rows, needs.rows, strict=True):
        hidden = [c for c in mix if c.known is not None and c.known[0] != c.known[1]]
        if hidden and all(c.text != "not shown" for c in mix):
            k, e = reg[1].known, reg[3].known
            assert k[0] == k[1]
            assert e[0] == e[1]
            left = k[0] + e[0] - sum(c.count for c in mix if c not in hidden)
            for values in _possible([c.known for c in hidden], left):
                assert len(values) > 1


def test_recoverable_knows_one_part_alone_and_the_edges():
    from staff.suppression import recoverable

    assert recoverable([(1, 4)], (3, 3))  # one hidden part: the total gives it
    assert not recoverable([(1, 4), (1, 4)], (5, 5))
    assert recoverable([(1, 4), (1, 4)], (2, 2))  # both must be 1
    assert recoverable([(1, 4), (1, 4)], (8, 8))  # both must be 4
    assert not recoverable([(1, 4), (0, 4)], (3, 3))


def test_what_a_reader_knows_of_each_count():
    """The ranges the board's secondary suppression reasons with (`Shown.known`, read by
    `staff.suppression.recoverable`): the one rule for every report."""
    from staff.suppression import Shown, shown_within

    assert Shown(7).known == (7, 7)
    assert Shown(0).known == (0, 0)  # 0 is shown: nobody is described by it
    assert Shown(3).known == (1, 4)  # "fewer than 5"
    assert shown_within(0, 3).known == (0, 4)  # hidden within a group of fewer than 5


def test_no_pupil_is_named_in_any_output(client, trust_lead, world, school):
    pages.warm(school=school, today=NOON.date())
    client.force_login(trust_lead)
    first, last = SENTINEL.split()
    for name in ("trust_compare", "trust_board"):
        body = _page(client, name).content.decode()
        assert first not in body, name
        assert last not in body, name
    response = _page(client, "trust_board_pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = subprocess.run(
        ["pdftotext", "-", "-"],  # noqa: S607
        input=response.content,
        capture_output=True,
        check=True,
    ).stdout.decode()
    assert "SEND across the trust" in text
    assert "Acorn" in text
    assert first not in text
    assert last not in text


# --------------------------------------------------------------------------------------------------
# The same number of queries at any size
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("more_schools", [0, 4])
def test_the_page_reads_the_same_number_of_queries_at_any_size(
    client, trust, trust_lead, world, sendco, more_schools, django_assert_num_queries
):
    for n in range(more_schools):
        _beech(SchoolFactory(trust=trust, name=f"More {n}", slug=f"more-{n}"), k=3 + n)
    client.force_login(trust_lead)
    client.get(reverse("trust_dashboard", args=["oak"]))  # the first request renews the session
    _page(client)
    with django_assert_num_queries(KEPT):  # every school's row kept since its last write
        _page(client)
    cache.clear()
    with django_assert_num_queries(WORKED_OUT):  # every school's row counted afresh
        response = _page(client)
    assert len(response.context["rows"]) == 2 + more_schools
    with django_assert_num_queries(BOARD_KEPT):  # the board's report reads the same kept rows
        _page(client, "trust_board")


@pytest.mark.parametrize("more_schools", [0, 4])
def test_after_the_morning_s_warming_the_page_works_nothing_out(
    client, trust, trust_lead, world, more_schools, django_assert_num_queries
):
    """The morning's scan warms each school (`pages.warm`): the trust lead's first view of the
    day then reads every row kept, with every school's overdue items, cost and impact."""
    for n in range(more_schools):
        _beech(SchoolFactory(trust=trust, name=f"More {n}", slug=f"more-{n}"), k=3 + n)
    client.force_login(trust_lead)
    client.get(reverse("trust_dashboard", args=["oak"]))  # the first request renews the session
    for school in School.objects.filter(trust=trust):
        pages.warm(school=school, today=NOON.date())
    with django_assert_num_queries(KEPT):
        response = _page(client)
    rows = response.context["rows"]
    assert len(rows) == 2 + more_schools
    assert all(f.overdue is not None and f.provision is not None for _, f in rows)
    cells = [c.text for table in response.context["tables"] for _, row in table.rows for c in row]
    assert not [c for c in cells if "not worked out" in c]


# Signed in (2), the trust and the person's roles in it (2), its schools, the audit event and its
# savepoint (3); the menu's schools are kept between changes (staff/switcher_cache.py). Counted
# afresh, with the cache cleared, 10 more: 4 for the counts here (the pupils' aggregate, the EHC
# reviews held and their versions, the support plans) and 6 for the training figures
# (`training.trust`); and the menu's schools worked out again (1). Overdue items, cost and
# impact are read from the cache only (`found_each`): never a query, warmed or not.
KEPT = 8
WORKED_OUT = 19
BOARD_KEPT = KEPT  # a print view: no menu of schools, which the page above reads kept


def test_the_comparison_module_names_no_pupil_field():
    """The figures are counts: no pupil's name, date of birth or free text is read into them."""
    source = Path(compare.__file__).read_text()
    for field in ("legal_first_name", "legal_last_name", "preferred", "pupil_views", "notes"):
        assert field not in source


def test_a_row_of_figures_escapes_its_text_and_links():
    """The trust's tables write their cells in Python for speed (sendco_tables.figure_cells):
    a text or url is escaped there as the template would."""
    from sendco.compare import Cell
    from sendco.templatetags.sendco_tables import figure_cells

    cells = [Cell("<b>1</b>", '/s/a/?x="y"&z'), Cell("2 & 3"), Cell("4", "/s/b/")]
    assert figure_cells(cells, True) == (
        '<td class="text-end"><a href="/s/a/?x=&quot;y&quot;&amp;z">&lt;b&gt;1&lt;/b&gt;</a></td>'
        '<td class="text-end">2 &amp; 3</td>'
        '<td class="text-end"><a href="/s/b/">4</a></td>'
    )
    assert figure_cells(cells, False).count("<a ") == 0


def test_a_school_s_row_escapes_its_name_and_links_to_it_only_when_asked():
    """Each school's row is written in Python too (sendco_tables.school_rows)."""
    from types import SimpleNamespace

    from sendco.compare import Cell
    from sendco.templatetags.sendco_tables import school_rows

    oak = SimpleNamespace(name="Oak <Primary> & Nursery", slug="oak")
    rows = [(oak, [Cell("4", "/s/oak/x/")])]
    assert school_rows(rows, True) == (
        f'<tr><th scope="row"><a href="{reverse("school_home", args=["oak"])}">'
        "Oak &lt;Primary&gt; &amp; Nursery</a></th>"
        '<td class="text-end"><a href="/s/oak/x/">4</a></td></tr>'
    )
    assert school_rows(rows, False) == (
        '<tr><th scope="row">Oak &lt;Primary&gt; &amp; Nursery</th><td class="text-end">4</td></tr>'
    )
