"""MIS import of free school meals (and on which ground) and service children: the file is the
MIS's truth today, so a "Y" opens a period from the import's day, an "N" ends the open one the
day before, a blank cell leaves it alone; the Universal Credit extension is its own ground (free
meals, no Pupil Premium), refused before 1 September 2026."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest

from register import mis_import
from register.mis_import import parse, plan
from register.models import LookedAfterPeriod, Pupil, PupilPremiumPeriod
from staff.tenancy import access_for
from tests.register.factories import make_pupil, valid_upn

TODAY = date(2026, 11, 20)
HEADER = ["UPN", "Forename", "Surname", "DOB", "Gender", "Year", "FSM Eligible", "FSM Basis"]
HEADER += ["Service Child"]


def upn(n: int) -> str:
    return valid_upn(7000 + n)


def line(n: int, fsm: str = "", basis: str = "", service: str = "") -> list[str]:
    return [upn(n), f"First{n}", f"Last{n}", "05/03/2017", "F", "Year 4", fsm, basis, service]


def csv_bytes(rows, header=HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


@pytest.fixture
def pupils(school):
    """Ann (no grounds), Ben (free meals, means-tested), Cat (free meals, means-tested), Dan
    (a service child), Eve (free meals, means-tested)."""
    found = {}
    for n, name in enumerate(["Ann", "Ben", "Cat", "Dan", "Eve"]):
        found[name] = make_pupil(
            school,
            upn=upn(n),
            legal_first_name=f"First{n}",
            legal_last_name=f"Last{n}",
            date_of_birth=date(2017, 3, 5),
            year_group="4",
        )
    for name in ("Ben", "Cat", "Eve"):
        PupilPremiumPeriod.objects.create(
            school=school, pupil=found[name], kind="fsm", starts_on=date(2024, 9, 2)
        )
    PupilPremiumPeriod.objects.create(
        school=school, pupil=found["Dan"], kind="service", starts_on=date(2023, 1, 9)
    )
    return found


def _open(pupil) -> list[str]:
    return sorted(pupil.pp_periods.filter(ends_on__isnull=True).values_list("kind", flat=True))


def test_the_file_opens_ends_and_changes_grounds(school, sendco, pupils):
    raw = csv_bytes(
        [
            line(0, fsm="Y", basis="Means-tested"),  # Ann: free meals from today
            line(1, fsm="N"),  # Ben: no longer
            line(2, fsm="Yes", basis="Universal Credit"),  # Cat: now the extension only
            line(3, service="N"),  # Dan: no longer a service child
            line(4),  # Eve: blank cells leave her as she is
            line(5, fsm="Y", basis="UC", service="Y"),  # a new pupil
        ]
    )
    result = plan(school=school, parsed=parse(raw), today=TODAY)
    changes = {
        item.upn: [(c.label, c.old_display, c.new_display) for c in item.changes]
        for item in result.changed
    }
    assert changes[upn(2)] == [
        ("free school meals", "yes, means-tested", "yes, Universal Credit extension only")
    ]
    assert changes[upn(3)] == [("service child", "yes", "no")]
    assert [item.upn for item in result.unchanged] == [upn(4)]
    summary = mis_import.apply(school=school, plan=result, access=access_for(sendco, school))
    assert summary.grounds == 7  # Ann +1; Ben -1; Cat -1 +1; Dan -1; new pupil +2
    for pupil in pupils.values():
        pupil.refresh_from_db()
    assert _open(pupils["Ann"]) == ["fsm"]
    assert pupils["Ann"].pp_periods.get().starts_on == TODAY
    assert _open(pupils["Ben"]) == []
    assert pupils["Ben"].pp_periods.get().ends_on == TODAY - timedelta(days=1)
    assert _open(pupils["Cat"]) == ["fsm_uc"]
    assert _open(pupils["Dan"]) == []
    assert _open(pupils["Eve"]) == ["fsm"]
    new = Pupil.objects.get(school=school, upn=upn(5))
    assert _open(new) == ["fsm_uc", "service"]
    # Importing the same file again changes nothing.
    again = plan(school=school, parsed=parse(raw), today=TODAY)
    assert again.counts["changed"] == 0
    assert (
        mis_import.apply(school=school, plan=again, access=access_for(sendco, school)).grounds == 0
    )


def test_the_extension_before_september_2026_is_a_bad_row(school, pupils):
    raw = csv_bytes([line(0, fsm="Y", basis="Universal Credit")])
    result = plan(school=school, parsed=parse(raw), today=date(2026, 7, 1))
    assert [bad.reasons for bad in result.bad_rows] == [
        (
            "Free school meals through the Universal Credit extension start on 1 September "
            "2026; before then they are means-tested.",
        )
    ]


@pytest.mark.parametrize(
    ("cells", "words"),
    [
        ({"fsm": "Maybe"}, 'FSM "Maybe" is not Y or N.'),
        ({"fsm": "Y", "basis": "Sometimes"}, 'is not "Means-tested" or "Universal Credit"'),
        ({"service": "perhaps"}, 'Service child "perhaps" is not Y or N.'),
    ],
)
def test_a_wrong_cell_is_a_bad_row_with_its_reason(cells, words):
    parsed = parse(csv_bytes([line(0, **cells)]))
    assert words in " ".join(parsed.bad_rows[0].reasons)


def test_no_ground_column_after_september_2026_is_a_warning(school, pupils):
    header = HEADER[:7]
    raw = csv_bytes([line(0, fsm="Y")[:7]], header=header)
    result = plan(school=school, parsed=parse(raw), today=TODAY)
    assert any("not on which ground" in w for w in result.warnings)
    # ... and the pupil is recorded as means-tested.
    item = next(i for i in result.changed if i.upn == upn(0))
    assert [(g.kind, g.opens) for g in item.grounds] == [("fsm", True)]


def test_a_period_ended_since_the_dry_run_stops_the_import(school, sendco, pupils):
    result = plan(school=school, parsed=parse(csv_bytes([line(1, fsm="N")])), today=TODAY)
    pupils["Ben"].pp_periods.update(ends_on=date(2026, 10, 1))
    with pytest.raises(Exception, match="changed"):
        mis_import.apply(school=school, plan=result, access=access_for(sendco, school))
    assert Pupil.objects.filter(school=school).count() == 5  # nothing half-imported


@pytest.mark.parametrize("size", [4, 40])
def test_the_plan_reads_two_queries_whatever_the_size(school, size, django_assert_num_queries):
    for n in range(size):
        pupil = make_pupil(school, upn=upn(100 + n), date_of_birth=date(2017, 3, 5))
        PupilPremiumPeriod.objects.create(
            school=school, pupil=pupil, kind="fsm", starts_on=date(2024, 9, 2)
        )
    parsed = parse(csv_bytes([line(100 + n, fsm="N") for n in range(size)]))
    with django_assert_num_queries(2):  # the pupils, the open periods
        result = plan(school=school, parsed=parsed, today=TODAY)
    assert result.counts["changed"] == size


CARE = ["UPN", "Forename", "Surname", "DOB", "Gender", "Year", "In Care", "Care Authority"]
CARE += ["PLAC"]


def care_line(n: int, in_care: str = "", authority: str = "", plac: str = "") -> list[str]:
    return [upn(n), f"First{n}", f"Last{n}", "05/03/2017", "F", "Year 4", in_care, authority, plac]


def _care(pupil) -> list[tuple]:
    return list(
        pupil.lac_periods.order_by("starts_on", "pk").values_list(
            "responsible_la", "starts_on", "ends_on"
        )
    )


def test_looked_after_and_previously_looked_after_from_the_file(school, sendco, pupils):
    """Ann comes into care; Ben, in Kent's care, leaves it; Cat moves from Kent's care to
    Leeds's; Dan is in care with the authority cell blank (kept as he is); Eve is previously
    looked after (a ground to complete with its evidence); "N" never ends that ground."""
    for name in ("Ben", "Cat", "Dan"):
        LookedAfterPeriod.objects.create(
            school=school, pupil=pupils[name], responsible_la="Kent", starts_on=date(2025, 5, 1)
        )
    PupilPremiumPeriod.objects.create(
        school=school, pupil=pupils["Ben"], kind="plac", route="sgo", starts_on=date(2020, 1, 6)
    )
    raw = csv_bytes(
        [
            care_line(0, "Y", "Surrey County Council"),
            care_line(1, "N", plac="N"),
            care_line(2, "Yes", "Leeds"),
            care_line(3, "Y"),
            care_line(4, "N", plac="Y"),
        ],
        header=CARE,
    )
    result = plan(school=school, parsed=parse(raw), today=TODAY)
    shown = {
        item.upn: [(c.label, c.old_display, c.new_display) for c in item.changes]
        for item in result.changed
    }
    assert shown == {
        upn(0): [("looked after", "no", "yes, by Surrey County Council")],
        upn(1): [("looked after", "yes, by Kent", "no")],
        upn(2): [("looked after", "yes, by Kent", "yes, by Leeds")],
        upn(4): [("previously looked after", "no", "yes, evidence to record")],
    }
    summary = mis_import.apply(school=school, plan=result, access=access_for(sendco, school))
    assert summary.grounds == 5  # Ann +1; Ben -1; Cat -1 +1; Eve +1
    day_before = TODAY - timedelta(days=1)
    assert _care(pupils["Ann"]) == [("Surrey County Council", TODAY, None)]
    assert _care(pupils["Ben"]) == [("Kent", date(2025, 5, 1), day_before)]
    assert _care(pupils["Cat"]) == [("Kent", date(2025, 5, 1), day_before), ("Leeds", TODAY, None)]
    assert _care(pupils["Dan"]) == [("Kent", date(2025, 5, 1), None)]
    assert _open(pupils["Ben"]) == ["fsm", "plac"]  # "N" leaves a recorded ground alone
    plac = pupils["Eve"].pp_periods.get(kind="plac")
    assert (plac.starts_on, plac.route, plac.evidence_seen_on) == (TODAY, "", None)


def test_a_child_coming_into_care_without_an_authority_is_a_bad_row(school, pupils):
    raw = csv_bytes([care_line(0, "Y")], header=CARE)
    result = plan(school=school, parsed=parse(raw), today=TODAY)
    assert [bad.reasons for bad in result.bad_rows] == [
        (
            "A child looked after needs the local authority that looks after them: add the "
            'MIS\'s "Care Authority" column to the export, or fill it in for this child.',
        )
    ]
    assert not LookedAfterPeriod.objects.filter(school=school).exists()
