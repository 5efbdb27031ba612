"""MIS import: parsing (header aliases, every bad file and bad row), the dry run, all-or-nothing
apply, re-import, leavers, school scoping, audit, the pages, classes, and a constant number of
queries."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files import uploadhandler
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from register import mis_import
from register.mis_import import MisFileError, parse, plan
from register.models import Pupil, TeachingGroup
from staff.models import AcademicYear, AuditEvent
from staff.tenancy import access_for
from tests.register.factories import class_of, make_pupil, valid_upn

TODAY = date(2026, 11, 20)
KNOWN = "B801200005001"  # a real-shaped UPN with the right check letter

HEADER = ["UPN", "Legal Forename", "Legal Surname", "Preferred Forename", "DOB", "Gender", "Year"]


def upn(n: int) -> str:
    return valid_upn(9000 + n)


def row(n: int, **cells) -> list[str]:
    base = {
        "UPN": upn(n),
        "Legal Forename": f"First{n}",
        "Legal Surname": f"Last{n}",
        "Preferred Forename": "",
        "DOB": "05/03/2017",
        "Gender": "F",
        "Year": "Year 4",
    }
    base.update(cells)
    return [base[h] for h in HEADER]


def csv_bytes(rows, header=HEADER, delimiter=",", encoding="utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def messages_of(raw: bytes) -> str:
    with pytest.raises(MisFileError) as caught:
        parse(raw)
    return " ".join(caught.value.messages)


# --- header aliases ----------------------------------------------------------------------------

ARBOR = (
    "UPN,Legal First Name,Legal Last Name,Preferred First Name,Date of Birth,Gender,Year Group,"
    "Admission Date,EAL\r\n"
    f"{KNOWN},Zoë,Ward,Zo,2016-03-05,Female,Year 5,2020-09-03,Yes\r\n"
).encode()
SIMS = (
    "Surname;Forename;Preferred Surname;Preferred Forename;UPN;DOB;Gender;NC Year Actual;"
    "Date of Admission;First Language\r\n"
    f"Ward;Zoë;;Zo;{KNOWN};05/03/2016;F;5;03/09/2020;Polish\r\n"
).encode("cp1252")
BROMCOM = (
    "\ufefflegal last name\tLEGAL FIRST NAME\tpreferred_first_name\tUpn\tDate Of Birth\tgender\t"
    "Curriculum Year\tEntry Date\tEnglish as an Additional Language\r\n"
    f"Ward\tZoë\tZo\t{KNOWN.lower()}\t5/3/2016\tf\tY5\t3/9/2020\tY\r\n"
).encode()


@pytest.mark.parametrize(
    ("raw", "delimiter", "encoding"),
    [
        pytest.param(ARBOR, "comma", "UTF-8", id="arbor"),
        pytest.param(SIMS, "semicolon", "Windows-1252", id="sims"),
        pytest.param(BROMCOM, "tab", "UTF-8", id="bromcom"),
    ],
)
def test_mis_header_styles_read_the_same_pupil(raw, delimiter, encoding):
    parsed = parse(raw)
    assert parsed.bad_rows == []
    assert (parsed.delimiter, parsed.encoding) == (delimiter, encoding)
    [only] = parsed.rows
    assert only.line == 2
    assert only.upn == KNOWN
    assert only.values == {
        "legal_first_name": "Zoë",
        "legal_last_name": "Ward",
        "preferred_first_name": "Zo",
        **({"preferred_last_name": ""} if raw is SIMS else {}),
        "date_of_birth": date(2016, 3, 5),
        "sex": "F",
        "year_group": "5",
        "admission_date": date(2020, 9, 3),
        "leaving_date": None,
        "eal": True,
    }


def test_windows_1252_is_read_with_a_warning_and_utf8_without():
    assert any("Windows-1252" in w for w in parse(SIMS).warnings)
    assert not any("Windows-1252" in w for w in parse(ARBOR).warnings)


def test_unknown_columns_are_ignored_and_named():
    raw = csv_bytes([[*row(1), "+44 7700 900123"]], header=[*HEADER, "Mobile"])
    parsed = parse(raw)
    assert parsed.bad_rows == []  # a "+" in a column sendco does not read is no risk
    assert parsed.ignored_headers == ["Mobile"]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("Year 5", "5"),
        ("Y5", "5"),
        ("yr 5", "5"),
        ("5", "5"),
        ("05", "5"),
        ("Year 14", "14"),
        ("R", "R"),
        ("Reception", "R"),
        ("YR", "R"),
        ("N1", "N1"),
        ("Nursery 1", "N1"),
        ("Nursery 2", "N2"),
    ],
)
def test_year_groups(cell, expected):
    [only] = parse(csv_bytes([row(1, Year=cell)])).rows
    assert only.values["year_group"] == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("05/03/2017", date(2017, 3, 5)),
        ("5/3/2017", date(2017, 3, 5)),
        ("2017-03-05", date(2017, 3, 5)),
        ("05/03/2017 00:00", date(2017, 3, 5)),
        ("29/02/2016", date(2016, 2, 29)),
    ],
)
def test_dates(cell, expected):
    [only] = parse(csv_bytes([row(1, DOB=cell)])).rows
    assert only.values["date_of_birth"] == expected


@pytest.mark.parametrize(
    ("language", "eal"),
    [("English", False), ("ENG", False), ("Polish", True), ("OTB", True), ("Not obtained", None)],
)
def test_first_language_sets_eal(language, eal):
    raw = csv_bytes([[*row(1), language]], header=[*HEADER, "First Language"])
    [only] = parse(raw).rows
    assert only.values.get("eal") == eal


# --- bad files ---------------------------------------------------------------------------------


def _too_many_rows() -> bytes:
    return csv_bytes([row(n) for n in range(mis_import.MAX_ROWS + 1)])


@pytest.mark.parametrize(
    ("make", "message"),
    [
        pytest.param(
            lambda: "UPN,Surname\r\nA,B\r\n".encode("utf-16"), "Unicode (UTF-16)", id="utf16"
        ),
        pytest.param(
            lambda: b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 40,
            "This looks like an Excel file: save it as CSV (comma-delimited) first.",
            id="xlsx",
        ),
        pytest.param(
            lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 40, "Excel file", id="xls"
        ),
        pytest.param(lambda: b"", "The file is empty.", id="empty"),
        pytest.param(lambda: b"\r\n \r\n", "The file is empty.", id="blank-lines"),
        pytest.param(lambda: csv_bytes([]), "a header but no pupils", id="header-only"),
        pytest.param(
            lambda: csv_bytes([[upn(1), "A", "B"]], header=["UPN", "Forename", "Surname"]),
            'no column for the date of birth (a column headed "Date of Birth", "DOB"',
            id="missing-columns",
        ),
        pytest.param(
            lambda: b"Name,Age\r\nAmy,9\r\n",
            'no column for the UPN (a column headed "UPN", "Unique Pupil Number"',
            id="not-a-pupil-list",
        ),
        pytest.param(
            lambda: b"\x81\x8d\x8f\x90\x9d,x\r\n", "neither UTF-8 nor Windows-1252", id="encoding"
        ),
        pytest.param(
            lambda: b"UPN,x\r\n\x01\x02\x03\r\n", "Line 2 contains a control character", id="bin"
        ),
        pytest.param(
            lambda: b"x" * (mis_import.MAX_BYTES + 1), "the most sendco takes is 5 MB", id="big"
        ),
        pytest.param(_too_many_rows, "more than 20,000 pupils", id="too-many-rows"),
    ],
)
def test_bad_files_get_a_clear_message(make, message):
    assert message in messages_of(make())


# --- bad rows ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ({"DOB": "31/02/2026"}, 'The date of birth "31/02/2026" is not a real date'),
        ({"DOB": "2017-13-01"}, "is not a real date"),
        ({"DOB": "5 March 2017"}, 'The date of birth "5 March 2017" is not a date'),
        ({"DOB": "05/03/17"}, "is ambiguous: write the year in full"),
        ({"DOB": ""}, "The date of birth is missing."),
        ({"DOB": "-05/03/2017"}, '"DOB" cell starts with "-"'),
        ({"Legal Forename": '=HYPERLINK("http://x","y")'}, '"Legal Forename" cell starts with "="'),
        ({"Legal Surname": "+SUM(A1)"}, '"Legal Surname" cell starts with "+"'),
        ({"Legal Surname": "@SUM(A1)"}, 'starts with "@"'),
        ({"Legal Surname": "\tcmd"}, "starts with a tab"),
        ({"Legal Surname": " =1+1"}, 'starts with "="'),
        ({"UPN": "A" + KNOWN[1:]}, "has the wrong check letter: it should start with B"),
        ({"UPN": "12345"}, "A UPN has 13 characters"),
        ({"UPN": ""}, "The UPN is missing."),
        ({"Legal Forename": ""}, "The legal first name is missing."),
        ({"Gender": "X"}, 'Sex "X" is not M, F, Male or Female.'),
        ({"Year": "Year 15"}, 'The year group "Year 15" is not one sendco knows'),
        ({"Year": "Nursery"}, "is not one sendco knows"),
        ({"Legal Surname": "x" * 101}, "longer than 100 characters"),
    ],
)
def test_bad_rows_say_which_line_and_why(cells, message):
    parsed = parse(csv_bytes([row(1), row(2, **cells), row(3)]))
    assert [r.line for r in parsed.rows] == [2, 4]
    [bad] = parsed.bad_rows
    assert bad.line == 3
    assert message in " ".join(bad.reasons)


def test_every_row_of_a_duplicate_upn_is_bad():
    parsed = parse(csv_bytes([row(1), row(2), row(1, **{"Legal Forename": "Twin"}), row(3)]))
    assert [r.line for r in parsed.rows] == [3, 5]
    assert [(b.line, b.upn) for b in parsed.bad_rows] == [(2, upn(1)), (4, upn(1))]
    assert "also on line 4" in parsed.bad_rows[0].reasons[0]
    assert "also on line 2" in parsed.bad_rows[1].reasons[0]


def test_an_unquoted_comma_in_a_name_is_caught():
    raw = csv_bytes([row(1)]) + f"{upn(2)},Amy,Smith, Jones,,05/03/2017,F,4\r\n".encode()
    [bad] = parse(raw).bad_rows
    assert bad.line == 3
    assert "comma inside a name" in bad.reasons[0]


def test_line_numbers_count_blank_lines_and_cells_over_two_lines():
    raw = (
        csv_bytes([row(1, **{"Preferred Forename": "Mary\nAnne"})])
        + b"\r\n"
        + csv_bytes([row(2, DOB="bad")], header=[])[2:]
    )
    # header 1, a row over lines 2-3, a blank line 4, the bad row 5
    bad_name, bad_date = parse(raw).bad_rows
    assert (bad_name.line, bad_date.line) == (2, 5)
    assert "line break" in bad_name.reasons[0]


# --- the dry run -------------------------------------------------------------------------------


@pytest.fixture
def access(school, sendco):
    return access_for(sendco, school)


def _pupil(school, n, **fields):
    base = {
        "upn": upn(n),
        "legal_first_name": f"First{n}",
        "legal_last_name": f"Last{n}",
        "preferred_first_name": "",
        "date_of_birth": date(2017, 3, 5),
        "sex": "F",
        "year_group": "4",
        "admission_date": date(2021, 9, 1),
    }
    return make_pupil(school, **{**base, **fields})


def test_dry_run_classifies_new_changed_unchanged_and_leaving(school):
    _pupil(school, 1)  # unchanged
    _pupil(school, 2, year_group="3")  # moves up a year
    gone = _pupil(school, 3)  # not in the file: leaving
    _pupil(school, 4, leaving_date=date(2025, 7, 18))  # already left, not in the file
    parsed = parse(csv_bytes([row(1), row(2), row(5, Gender="M")]))
    result = plan(school=school, parsed=parsed, today=TODAY)

    assert [p.upn for p in result.unchanged] == [upn(1)]
    [changed] = result.changed
    assert changed.upn == upn(2)
    assert [(c.field, c.old_display, c.new_display) for c in changed.changes] == [
        ("year_group", "Year 3", "Year 4")
    ]
    [new] = result.new
    assert (new.upn, new.values["sex"], new.name) == (upn(5), "M", "First5 Last5")
    [leaving] = result.leaving
    assert (leaving.upn, leaving.pupil_id, leaving.leaving_date) == (upn(3), gone.pk, TODAY)
    assert leaving.values["leaving_destination"] == "Not in MIS export"
    assert result.bad_rows == []
    assert result.counts == {"new": 1, "changed": 1, "unchanged": 1, "leaving": 1, "bad": 0}


def test_a_leaving_date_in_the_file_is_used(school):
    _pupil(school, 1)
    header = [*HEADER, "Date of Leaving"]
    parsed = parse(csv_bytes([[*row(1), "22/07/2026"]], header=header))
    [leaving] = plan(school=school, parsed=parsed, today=TODAY).leaving
    assert leaving.leaving_date == date(2026, 7, 22)
    assert leaving.line == 2


def test_a_pupil_back_in_the_file_comes_back_on_roll(school):
    _pupil(school, 1, leaving_date=date(2026, 1, 1), leaving_destination="Not in MIS export")
    [changed] = plan(school=school, parsed=parse(csv_bytes([row(1)])), today=TODAY).changed
    assert {c.field: c.new for c in changed.changes} == {
        "leaving_date": None,
        "leaving_destination": "",
    }


def test_blank_sex_keeps_an_existing_pupils_but_a_new_pupil_needs_one(school):
    _pupil(school, 1, sex="M")
    result = plan(
        school=school, parsed=parse(csv_bytes([row(1, Gender=""), row(2, Gender="")])), today=TODAY
    )
    assert [p.upn for p in result.unchanged] == [upn(1)]
    [bad] = result.bad_rows
    assert (bad.line, bad.upn) == (3, upn(2))
    assert "a pupil new to sendco needs M or F" in bad.reasons[0]


def test_a_future_date_of_birth_is_a_bad_row(school):
    result = plan(school=school, parsed=parse(csv_bytes([row(1, DOB="01/01/2027")])), today=TODAY)
    assert "is in the future" in result.bad_rows[0].reasons[0]


@pytest.mark.parametrize("dob", ["01/01/0001", "0001-01-01", "31/12/1989"])
def test_a_date_of_birth_before_1990_is_a_bad_row(school, dob):
    result = plan(school=school, parsed=parse(csv_bytes([row(1, DOB=dob)])), today=TODAY)
    assert "is before 1 January 1990" in result.bad_rows[0].reasons[0]


def test_a_file_missing_most_of_the_school_is_warned_about(school):
    for n in range(12):
        _pupil(school, n)
    result = plan(school=school, parsed=parse(csv_bytes([row(0)])), today=TODAY)
    assert any("mark 11 of the 12 pupils on roll as left" in w for w in result.warnings)


# --- apply -------------------------------------------------------------------------------------


def _snapshot(school):
    return list(Pupil.objects.filter(school=school).order_by("upn").values())


def test_apply_writes_everything_and_a_reimport_changes_nothing(school, access):
    _pupil(school, 1)
    _pupil(school, 2, year_group="3")
    gone = _pupil(school, 3)
    raw = csv_bytes([row(1), row(2), row(5)])

    summary = mis_import.apply(
        school=school, plan=plan(school=school, parsed=parse(raw), today=TODAY), access=access
    )
    assert (summary.new, summary.changed, summary.unchanged, summary.leaving) == (1, 1, 1, 1)
    assert Pupil.objects.get(school=school, upn=upn(2)).year_group == "4"
    created = Pupil.objects.get(school=school, upn=upn(5))
    assert (created.legal_first_name, created.date_of_birth) == ("First5", date(2017, 3, 5))
    gone.refresh_from_db()  # marked as left, never deleted
    assert (gone.leaving_date, gone.leaving_destination) == (TODAY, "Not in MIS export")

    before = _snapshot(school)
    again = plan(school=school, parsed=parse(raw), today=TODAY + timedelta(days=7))
    assert again.counts == {"new": 0, "changed": 0, "unchanged": 3, "leaving": 0, "bad": 0}
    summary = mis_import.apply(school=school, plan=again, access=access)
    assert (summary.new, summary.changed, summary.leaving) == (0, 0, 0)
    assert _snapshot(school) == before


def test_apply_is_all_or_nothing(school, access):
    _pupil(school, 1, year_group="3")
    _pupil(school, 2)
    before = _snapshot(school)
    result = plan(
        school=school,
        parsed=parse(csv_bytes([row(1), row(3), row(4, DOB="31/02/2026")])),
        today=TODAY,
    )
    assert result.counts["bad"] == 1
    assert not result.can_apply
    with pytest.raises(ValidationError, match="Nothing was imported: 1 line of the file has"):
        mis_import.apply(school=school, plan=result, access=access)
    assert _snapshot(school) == before
    assert not AuditEvent.objects.filter(action="register.mis_import").exists()


def test_apply_refuses_a_plan_made_stale_by_another_change(school, access):
    pupil = _pupil(school, 1, year_group="3")
    result = plan(school=school, parsed=parse(csv_bytes([row(1), row(2)])), today=TODAY)
    Pupil.objects.filter(pk=pupil.pk).update(
        legal_first_name="Edited", updated_at=timezone.now() + timedelta(seconds=1)
    )
    with pytest.raises(ValidationError, match="changed after the dry run"):
        mis_import.apply(school=school, plan=result, access=access)
    assert not Pupil.objects.filter(upn=upn(2)).exists()


def test_another_schools_pupil_with_the_same_upn_is_untouched(school, other_school, access):
    theirs = _pupil(other_school, 1, year_group="9", legal_first_name="Theirs")
    _pupil(other_school, 7)  # not in the file, but not our pupil: never marked as left
    result = plan(school=school, parsed=parse(csv_bytes([row(1)])), today=TODAY)
    assert [p.upn for p in result.new] == [upn(1)]
    assert result.leaving == []
    mis_import.apply(school=school, plan=result, access=access)

    theirs.refresh_from_db()
    assert (theirs.legal_first_name, theirs.year_group, theirs.leaving_date) == (
        "Theirs",
        "9",
        None,
    )
    assert Pupil.objects.get(school=other_school, upn=upn(7)).leaving_date is None
    assert Pupil.objects.get(school=school, upn=upn(1)).legal_first_name == "First1"


def test_apply_refuses_another_schools_plan(school, other_school, access):
    result = plan(school=other_school, parsed=parse(csv_bytes([row(1)])), today=TODAY)
    with pytest.raises(ValidationError, match="another school"):
        mis_import.apply(school=school, plan=result, access=access)


def test_the_import_is_audited_once_with_counts_and_no_names(school, access, sendco):
    _pupil(school, 1)
    result = plan(school=school, parsed=parse(csv_bytes([row(1), row(2)])), today=TODAY)
    mis_import.apply(school=school, plan=result, access=access)
    [event] = AuditEvent.objects.filter(action="register.mis_import")
    assert (event.school, event.actor, event.role) == (school, sendco, "sendco")
    assert event.detail == {
        "new": 1,
        "changed": 0,
        "unchanged": 1,
        "leaving": 0,
        "new_classes": 0,
        "grounds": 0,
        "figures": 0,
        "sha256": result.sha256,
    }
    assert "First" not in str(event.detail)
    assert upn(2) not in str(event.detail)


# --- the pages ---------------------------------------------------------------------------------


@pytest.fixture
def import_dir(settings, tmp_path):
    settings.MIS_IMPORT_DIR = tmp_path / "imports"
    return settings.MIS_IMPORT_DIR


def _upload(client, school, raw, name="pupils.csv"):
    return client.post(
        reverse("mis_import:upload", kwargs={"school_slug": school.slug}),
        {"file": SimpleUploadedFile(name, raw, content_type="text/csv")},
    )


def _apply(client, school, token):
    return client.post(
        reverse("mis_import:apply", kwargs={"school_slug": school.slug}), {"token": token}
    )


def _messages(response) -> str:
    return " ".join(str(m) for m in response.wsgi_request._messages)


def test_upload_dry_run_and_apply(client, school, sendco, import_dir):
    _pupil(school, 1, year_group="3")
    _pupil(school, 2)
    client.force_login(sendco)
    page = client.get(reverse("mis_import:upload", kwargs={"school_slug": school.slug}))
    assert page.status_code == 200
    assert b'enctype="multipart/form-data"' in page.content
    assert b"Accepted column headers" in page.content

    preview = _upload(client, school, csv_bytes([row(1), row(3, **{"Legal Forename": "Ada"})]))
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "Apply the import" in html
    assert "Year 3 → Year 4" in html
    assert "Ada Last3" in html
    assert "Pupils to be marked as left (1)" in html
    token = preview.context["token"]
    assert list(import_dir.iterdir()) == [import_dir / f"{token}.csv"]
    # The session holds the token, the file's hash and the dry run's fingerprint: no pupil data.
    assert set(client.session["mis_import"]) == {
        "token",
        "sha256",
        "fingerprint",
        "school",
        "stored_at",
    }
    assert not Pupil.objects.filter(upn=upn(3)).exists()  # a dry run writes nothing

    done = _apply(client, school, token)
    assert done.status_code == 302
    assert done["Location"] == reverse("mis_import:upload", kwargs={"school_slug": school.slug})
    assert "1 new, 1 changed, 0 unchanged, 1 marked as left" in _messages(done)
    assert Pupil.objects.get(upn=upn(3)).legal_first_name == "Ada"
    assert Pupil.objects.get(upn=upn(2)).leaving_date == timezone.localdate()
    assert list(import_dir.iterdir()) == []  # the file is deleted after apply
    assert AuditEvent.objects.filter(action="register.mis_import").count() == 1

    again = _apply(client, school, token)  # a second click applies nothing
    assert again.status_code == 302
    assert "Upload the file again" in _messages(again)
    assert AuditEvent.objects.filter(action="register.mis_import").count() == 1


def test_a_file_with_bad_rows_has_no_apply_button(client, school, sendco, import_dir):
    client.force_login(sendco)
    response = _upload(client, school, csv_bytes([row(1), row(2, DOB="31/02/2026")]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Apply the import" not in html
    assert "Nothing can be imported yet" in html
    assert "31/02/2026" in html
    assert '<th scope="row">3</th>' in html
    assert not import_dir.exists() or list(import_dir.iterdir()) == []
    assert "mis_import" not in client.session


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (None, "Choose the CSV file exported from your MIS."),
        ((b"", "pupils.csv"), "The submitted file is empty."),
        ((b"PK\x03\x04" + b"\x00" * 30, "pupils.xlsx"), "This looks like an Excel file"),
        ((b"PK\x03\x04" + b"\x00" * 30, "pupils.csv"), "This looks like an Excel file"),
        ((b"%PDF-1.4", "pupils.pdf"), "Choose a CSV file"),
        (("UPN\r\n1\r\n".encode("utf-16"), "pupils.csv"), "Unicode (UTF-16)"),
        ((b"UPN,Forename\r\nx,y\r\n", "pupils.csv"), "The file has no column for"),
    ],
)
def test_bad_uploads_re_render_the_form_with_a_message(client, school, sendco, data, message):
    client.force_login(sendco)
    url = reverse("mis_import:upload", kwargs={"school_slug": school.slug})
    if data is None:
        response = client.post(url, {})
    else:
        raw, name = data
        response = client.post(url, {"file": SimpleUploadedFile(name, raw)})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "There is a problem" in response.content.decode()


def test_a_teacher_cannot_import(client, school, teacher, import_dir):
    client.force_login(teacher)
    assert _upload(client, school, csv_bytes([row(1)])).status_code == 403
    assert _apply(client, school, "x" * 43).status_code == 403
    assert not Pupil.objects.exists()


@pytest.mark.parametrize("tamper", ["other", "../../etc/passwd", "", "é" * 43])
def test_a_tampered_or_unknown_token_is_refused(client, school, sendco, import_dir, tamper):
    client.force_login(sendco)
    token = _upload(client, school, csv_bytes([row(1)])).context["token"]
    forged = {"other": token[:-1] + ("A" if token[-1] != "A" else "B")}.get(tamper, tamper)
    response = _apply(client, school, forged)
    assert response.status_code == 302
    assert "Upload the file again to see a fresh dry run" in _messages(response)
    assert not Pupil.objects.exists()


def test_an_expired_dry_run_is_refused_and_its_file_deleted(client, school, sendco, import_dir):
    client.force_login(sendco)
    token = _upload(client, school, csv_bytes([row(1)])).context["token"]
    session = client.session
    session["mis_import"] = {**session["mis_import"]}
    session["mis_import"]["stored_at"] -= 61 * 60  # made an hour and a minute ago
    session.save()
    response = _apply(client, school, token)
    assert response.status_code == 302
    assert "That dry run has expired (they last an hour)" in _messages(response)
    assert not Pupil.objects.exists()
    assert list(import_dir.iterdir()) == []


def test_a_register_changed_since_the_dry_run_shows_a_new_one(client, school, sendco, import_dir):
    client.force_login(sendco)
    token = _upload(client, school, csv_bytes([row(1), row(2)])).context["token"]
    _pupil(school, 9)  # added meanwhile: the file would now mark this pupil as left
    response = _apply(client, school, token)
    assert response.status_code == 200
    assert "has changed since your dry run" in _messages(response)
    assert "Pupils to be marked as left (1)" in response.content.decode()
    assert not Pupil.objects.filter(upn=upn(1)).exists()
    done = _apply(client, school, response.context["token"])  # now the person has seen it
    assert done.status_code == 302
    assert Pupil.objects.get(upn=upn(9)).leaving_date == timezone.localdate()


# --- queries -----------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [10, 300])
def test_plan_queries_do_not_grow_with_the_school(school, django_assert_num_queries, size):
    Pupil.objects.bulk_create(
        Pupil(
            school=school,
            upn=upn(n),
            legal_first_name=f"First{n}",
            legal_last_name=f"Last{n}",
            date_of_birth=date(2017, 3, 5),
            sex="F",
            year_group="3",
        )
        for n in range(size)
    )
    parsed = parse(csv_bytes([row(n) for n in range(0, size, 2)] + [row(size + 1)]))
    with django_assert_num_queries(1):
        result = plan(school=school, parsed=parsed, today=TODAY)
    assert result.counts["changed"] == (size + 1) // 2
    assert result.counts["leaving"] == size // 2
    assert result.counts["new"] == 1


# --- classes -----------------------------------------------------------------------------------

CLASS_HEADER = [*HEADER, "Reg Group"]


def crow(n: int, class_name: str, **cells) -> list[str]:
    return [*row(n, **cells), class_name]


def class_csv(rows) -> bytes:
    return csv_bytes(rows, header=CLASS_HEADER)


@pytest.fixture
def year(school):
    """The academic year containing TODAY."""
    return AcademicYear.objects.create(
        school=school, starts_on=date(2026, 9, 1), ends_on=date(2027, 8, 31)
    )


def classes_of(school, year) -> dict[str, set[str]]:
    """Class name -> UPNs of its pupils, for the classes of kind "class" in `year`."""
    return {
        group.name: {p.upn for p in group.pupils.all()}
        for group in TeachingGroup.objects.filter(school=school, academic_year=year, kind="class")
    }


@pytest.mark.parametrize(
    "header",
    [
        "Class",
        "Reg Group",
        "Registration Group",
        "Form",
        "Form Group",
        "Tutor Group",
        "Reg",
        "reg_group",
        "FORM-GROUP",
        "registration form",
    ],
)
def test_class_header_aliases(header):
    parsed = parse(csv_bytes([[*row(1), "  4A "]], header=[*HEADER, header]))
    [only] = parsed.rows
    assert only.values["class_name"] == "4A"
    assert parsed.columns["class_name"] == header
    assert ("class", False, mis_import.HEADERS["class_name"]) in mis_import.accepted_columns()


def test_class_cells_are_checked_like_the_others():
    parsed = parse(
        class_csv(
            [
                crow(1, "x" * 61),
                crow(2, "=HYPERLINK(1)"),
                crow(3, ""),
                crow(4, "Year  4\nOak"),
                crow(5, "y" * 60),
            ]
        )
    )
    too_long, formula = parsed.bad_rows
    assert too_long.line == 2
    assert "is 61 characters long: a class name has at most 60." in too_long.reasons[0]
    assert formula.line == 3
    assert '"Reg Group" cell starts with "="' in formula.reasons[0]
    blank, spaced, longest = parsed.rows
    assert "class_name" not in blank.values  # blank: leave the pupil's class alone
    assert spaced.values["class_name"] == "Year 4 Oak"
    assert longest.values["class_name"] == "y" * 60


def test_pupils_are_placed_in_their_classes_and_new_classes_created(school, year, access):
    _pupil(school, 1)
    _pupil(school, 2)
    raw = class_csv([crow(1, "4A"), crow(2, "10A"), crow(3, "4A"), crow(4, "4c"), crow(5, "4C")])
    result = plan(school=school, parsed=parse(raw), today=TODAY)

    assert result.can_apply
    assert result.new_classes == ["4A", "4c", "10A"]  # as first spelt, 4 before 10
    assert result.academic_year_id == year.pk
    assert [(p.upn, p.class_name) for p in result.new] == [
        (upn(3), "4A"),
        (upn(4), "4c"),
        (upn(5), "4c"),  # "4C" is the class just named "4c"
    ]
    assert [
        [(c.label, c.old_display, c.new_display) for c in p.changes] for p in result.changed
    ] == [[("class", "(none)", "4A")], [("class", "(none)", "10A")]]

    summary = mis_import.apply(school=school, plan=result, access=access)
    assert summary.new_classes == 3
    assert "3 new classes" in str(summary)
    assert classes_of(school, year) == {
        "4A": {upn(1), upn(3)},
        "4c": {upn(4), upn(5)},
        "10A": {upn(2)},
    }
    new_class = TeachingGroup.objects.get(school=school, academic_year=year, name="10A")
    assert (new_class.kind, new_class.teachers.count(), new_class.assistants.count()) == (
        "class",
        0,
        0,
    )
    [event] = AuditEvent.objects.filter(action="register.mis_import")
    assert event.detail["new_classes"] == 3
    assert "10A" not in str(event.detail)


def test_a_pupil_moved_to_another_class_leaves_the_old_one(school, year, access, teacher):
    moving = _pupil(school, 1)
    staying = _pupil(school, 2)
    old = class_of(school, "4A", teachers=[teacher], pupils=[moving, staying], year=year)
    class_of(school, "4B", year=year)
    maths = class_of(school, "Maths 1", pupils=[moving], year=year)
    TeachingGroup.objects.filter(pk=maths.pk).update(kind="set")
    last_year = AcademicYear.objects.create(
        school=school, starts_on=date(2025, 9, 1), ends_on=date(2026, 8, 31)
    )
    class_of(school, "3A", pupils=[moving], year=last_year)

    result = plan(school=school, parsed=parse(class_csv([crow(1, "4B"), crow(2, "")])), today=TODAY)
    [changed] = result.changed
    assert changed.upn == upn(1)
    assert [(c.label, c.old_display, c.new_display) for c in changed.changes] == [
        ("class", "4A", "4B")
    ]
    assert [p.upn for p in result.unchanged] == [upn(2)]  # a blank cell keeps 4A
    assert result.new_classes == []
    before = moving.updated_at

    mis_import.apply(school=school, plan=result, access=access)
    assert classes_of(school, year) == {"4A": {upn(2)}, "4B": {upn(1)}}
    assert list(maths.pupils.all()) == [moving]  # sets are not touched
    assert TeachingGroup.objects.get(name="3A").pupils.get() == moving  # nor last year
    assert list(old.teachers.all()) == [teacher]
    moving.refresh_from_db()
    assert moving.updated_at == before  # the class is not a field of the pupil


def test_a_class_left_empty_stays_with_its_teachers(school, year, access, teacher, ta):
    pupil = _pupil(school, 1)
    emptied = class_of(school, "4A", teachers=[teacher], assistants=[ta], pupils=[pupil], year=year)
    mis_import.apply(
        school=school,
        plan=plan(school=school, parsed=parse(class_csv([crow(1, "4B")])), today=TODAY),
        access=access,
    )
    emptied.refresh_from_db()
    assert emptied.pupils.count() == 0
    assert (list(emptied.teachers.all()), list(emptied.assistants.all())) == ([teacher], [ta])


def test_a_pupil_in_two_classes_ends_up_in_one(school, year, access):
    pupil = _pupil(school, 1)
    class_of(school, "4A", pupils=[pupil], year=year)
    class_of(school, "4B", pupils=[pupil], year=year)
    result = plan(school=school, parsed=parse(class_csv([crow(1, "4B")])), today=TODAY)
    [change] = result.changed[0].changes
    assert (change.old_display, change.new_display) == ("4A, 4B", "4B")
    mis_import.apply(school=school, plan=result, access=access)
    assert classes_of(school, year) == {"4A": set(), "4B": {upn(1)}}


def test_reimporting_the_same_classes_changes_nothing_and_keeps_teachers(
    school, year, access, teacher, ta
):
    _pupil(school, 1)
    taught = class_of(school, "4A", teachers=[teacher], assistants=[ta], year=year)
    raw = class_csv([crow(1, "4a"), crow(2, "4A"), crow(3, "4B")])  # "4a" is sendco's "4A"
    first = plan(school=school, parsed=parse(raw), today=TODAY)
    assert first.new_classes == ["4B"]
    mis_import.apply(school=school, plan=first, access=access)
    assert classes_of(school, year) == {"4A": {upn(1), upn(2)}, "4B": {upn(3)}}

    groups = list(TeachingGroup.objects.order_by("pk").values("pk", "name", "kind"))
    memberships = list(TeachingGroup.pupils.through.objects.order_by("pk").values())
    again = plan(school=school, parsed=parse(raw), today=TODAY + timedelta(days=7))
    assert again.counts == {"new": 0, "changed": 0, "unchanged": 3, "leaving": 0, "bad": 0}
    assert again.new_classes == []
    summary = mis_import.apply(school=school, plan=again, access=access)
    assert (summary.changed, summary.new_classes) == (0, 0)
    assert list(TeachingGroup.objects.order_by("pk").values("pk", "name", "kind")) == groups
    assert list(TeachingGroup.pupils.through.objects.order_by("pk").values()) == memberships
    assert (list(taught.teachers.all()), list(taught.assistants.all())) == ([teacher], [ta])


def test_a_class_named_like_a_teaching_set_is_a_bad_row(school, year):
    group = class_of(school, "Maths 1", year=year)
    TeachingGroup.objects.filter(pk=group.pk).update(kind="set")
    result = plan(
        school=school, parsed=parse(class_csv([crow(1, "maths 1"), crow(2, "4A")])), today=TODAY
    )
    [bad] = result.bad_rows
    assert bad.line == 2
    assert '"maths 1" is the name of a teaching set this year' in bad.reasons[0]
    assert result.new_classes == ["4A"]


def test_classes_without_this_years_term_dates_stop_the_import(school, access):
    AcademicYear.objects.create(
        school=school, starts_on=date(2025, 9, 1), ends_on=date(2026, 8, 31)
    )
    _pupil(school, 1, year_group="3")
    result = plan(
        school=school, parsed=parse(class_csv([crow(1, "4A"), crow(2, "4B")])), today=TODAY
    )

    [problem] = result.problems
    assert problem.code == "no_academic_year"
    assert "Add this year's term dates first (Term dates page)" in problem.message
    assert '"Reg Group" column' in problem.message
    assert "20/11/2026" in problem.message
    assert not result.can_apply
    assert result.bad_rows == []  # the rows themselves are fine, and still shown
    assert result.counts == {"new": 1, "changed": 1, "unchanged": 0, "leaving": 0, "bad": 0}
    assert [c.field for c in result.changed[0].changes] == ["year_group"]

    before = _snapshot(school)
    with pytest.raises(ValidationError) as refused:
        mis_import.apply(school=school, plan=result, access=access)
    [message] = refused.value.messages
    assert message.startswith("Nothing was imported. The file gives classes")
    assert "Add this year's term dates first" in message
    assert _snapshot(school) == before
    assert not TeachingGroup.objects.exists()
    assert not AuditEvent.objects.filter(action="register.mis_import").exists()


def test_a_blank_class_column_needs_no_term_dates(school):
    result = plan(school=school, parsed=parse(class_csv([crow(1, ""), crow(2, " ")])), today=TODAY)
    assert result.problems == []
    assert result.can_apply
    assert not result.reads_classes


def test_the_dry_run_page_shows_class_changes_and_new_classes(client, school, sendco, import_dir):
    today = timezone.localdate()
    year = AcademicYear.objects.create(
        school=school, starts_on=today - timedelta(days=30), ends_on=today + timedelta(days=300)
    )
    pupil = _pupil(school, 1)
    class_of(school, "4A", pupils=[pupil], year=year)
    client.force_login(sendco)
    preview = _upload(client, school, class_csv([crow(1, "4B"), crow(2, "5C"), crow(3, "4C")]))
    html = preview.content.decode()
    assert "Class: 4A → 4B" in html
    assert "3 new classes:</strong> 4B, 4C, 5C." in html
    assert reverse("register:classes", kwargs={"school_slug": school.slug}) in html
    assert "Apply the import" in html

    done = _apply(client, school, preview.context["token"])
    assert "3 new classes" in _messages(done)
    assert classes_of(school, year) == {"4A": set(), "4B": {upn(1)}, "4C": {upn(3)}, "5C": {upn(2)}}


def test_the_dry_run_page_asks_for_term_dates(client, school, sendco, import_dir):
    client.force_login(sendco)
    response = _upload(client, school, class_csv([crow(1, "4A")]))
    html = response.content.decode()
    assert "Nothing can be imported yet" in html
    assert "Add this year&#x27;s term dates first" in html
    assert reverse("calendar:terms", kwargs={"school_slug": school.slug}) in html
    assert "Apply the import" not in html
    assert "mis_import" not in client.session
    assert not import_dir.exists() or list(import_dir.iterdir()) == []


def _school_with_classes(school, year, size):
    Pupil.objects.bulk_create(
        Pupil(
            school=school,
            upn=upn(n),
            legal_first_name=f"First{n}",
            legal_last_name=f"Last{n}",
            date_of_birth=date(2017, 3, 5),
            sex="F",
            year_group="4",
        )
        for n in range(size)
    )
    pupils = list(Pupil.objects.filter(school=school).order_by("pk"))  # pupils[n] has upn(n)
    class_of(school, "4A", pupils=pupils[::2], year=year)
    class_of(school, "4B", pupils=pupils[1::2], year=year)
    # everyone to 4A, and a new class for a few
    return class_csv([crow(n, "4A" if n % 5 else "4Z") for n in range(size)])


@pytest.mark.parametrize("size", [10, 300])
def test_plan_queries_with_classes_do_not_grow(school, year, django_assert_num_queries, size):
    parsed = parse(_school_with_classes(school, year, size))
    # pupils, the academic year, its classes, their pupils
    with django_assert_num_queries(4):
        result = plan(school=school, parsed=parsed, today=TODAY)
    assert result.new_classes == ["4Z"]
    unchanged = [n for n in range(size) if n % 2 == 0 and n % 5]  # in 4A and staying there
    assert result.counts == {
        "new": 0,
        "changed": size - len(unchanged),
        "unchanged": len(unchanged),
        "leaving": 0,
        "bad": 0,
    }


def test_apply_with_classes_is_in_bulk(school, year, access):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for size in (10, 200):
        TeachingGroup.objects.all().delete()
        Pupil.objects.all().delete()
        result = plan(
            school=school, parsed=parse(_school_with_classes(school, year, size)), today=TODAY
        )
        with CaptureQueriesContext(connection) as queries:
            mis_import.apply(school=school, plan=result, access=access)
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert classes_of(school, year)["4Z"] == {upn(n) for n in range(0, 200, 5)}


def test_a_file_over_the_upload_limit_is_refused_before_it_is_written(
    client, school, sendco, import_dir, monkeypatch
):
    """Over DOCUMENT_MAX_BYTES the file is dropped as it arrives (staff/uploads.py): no
    temporary file, and the page still says how big a file may be."""
    opened = []

    class Recorded(uploadhandler.TemporaryUploadedFile):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            opened.append(self.temporary_file_path())

    monkeypatch.setattr(uploadhandler, "TemporaryUploadedFile", Recorded)
    client.force_login(sendco)
    response = _upload(client, school, b"UPN,Surname\r\n" + b"x" * (11 * 1024 * 1024))
    assert "The file is 11.0 MB; the most sendco takes is 5 MB." in response.content.decode()
    assert opened == []


def test_class_names_with_any_unicode_digit_sort_without_error(school, year):
    """`²` is a digit to `str.isdigit()` but not to `int()`; `٣` (Arabic-Indic three) is a
    decimal digit: both are plain class names, sorted naturally, and the dry run shows them."""
    raw = class_csv([crow(1, "²"), crow(2, "10A"), crow(3, "4A"), crow(4, "٣B"), crow(5, "x²")])
    result = plan(school=school, parsed=parse(raw), today=TODAY)

    assert result.can_apply
    assert result.new_classes == ["٣B", "4A", "10A", "x²", "²"]
