"""MIS import: read a pupil list exported from the school's MIS as CSV, show a dry run, apply it.

Three steps, each a plain function so a test can call it directly, each in its own module
(``columns`` says which headers are read as what; ``staging`` keeps the file between the dry run
and Apply):

* ``parse(raw)`` (parsing) reads the bytes into rows, or raises ``MisFileError`` for a file it
  cannot read at all (wrong encoding, an Excel workbook, a missing column, too big). A row it can
  read but that is wrong (a bad date, an invalid UPN, a formula) becomes a bad row with its line
  number.
* ``plan(school=, parsed=, today=)`` (planning) compares the rows with the school's pupils,
  matched by UPN: new, changed (field by field, old -> new), unchanged, leaving, bad rows,
  problems with the file as a whole, and new classes. One query; four when the file gives
  classes.
* ``apply(school=, plan=, access=)`` (applying) writes it all, or nothing: it refuses a plan
  with any bad row or problem. Leavers get a leaving date, never deletion. One audit event, with
  counts and no names.

Lines are numbered as a spreadsheet numbers its rows: the header is line 1.

Accepted columns. Headers are matched ignoring case, spaces and punctuation, so "Date of Birth",
"date_of_birth" and "DATE OF BIRTH" are the same. Columns not listed are ignored, unread (a phone
number starting with "+" in an ignored column is not a formula risk to us). When two headers name
the same column, the one earlier in its list wins and the other is ignored with a warning.

Column (* required): headers accepted, best first -> values read

* upn*: UPN, Unique Pupil Number, Pupil UPN, Student UPN
  -> 13 characters with the right check letter (register.upn.validate_upn)
* legal_first_name*: Legal First Name, Legal Forename, Forename, First Name, Forenames,
  Given Name -> up to 100 characters
* legal_last_name*: Legal Last Name, Legal Surname, Surname, Last Name, Family Name
  -> up to 100 characters
* preferred_first_name: Preferred First Name, Preferred Forename, Known As, Chosen Forename
  -> up to 100 characters; blank = none
* preferred_last_name: Preferred Last Name, Preferred Surname, Chosen Surname
  -> up to 100 characters; blank = none
* date_of_birth*: Date of Birth, DOB, Birth Date, Birthdate
  -> dd/mm/yyyy, d/m/yyyy or yyyy-mm-dd (a midnight time after it is allowed)
* sex (see below): Sex, Gender, Legal Sex -> M, F, Male, Female
* year_group*: Year Group, Year, NC Year, NC Year Actual, Curriculum Year,
  National Curriculum Year, Year Taught In
  -> Year 5, Y5, Yr 5, 5, 05, R, Rec, Reception, N1, Nursery 1, N2, Nursery 2 (N1 to Year 14)
* admission_date: Admission Date, Date of Admission, Entry Date, Date of Entry, Start Date
  -> a date as above; blank = none
* leaving_date: Leaving Date, Date of Leaving, Leave Date -> a date as above; blank = on roll
* eal: EAL, English as an Additional Language, EAL Status, Is EAL
  -> Y, N, Yes, No, True, False, 1, 0
* eal, from the language: First Language, Main Language -> English, ENG, ENB, "Believed to be
  English" = not EAL; any other language = EAL; blank, "Not obtained", "Refused" = unknown
* fsm: FSM, FSM Eligible, Free School Meals, Eligible for FSM, FSM Eligibility, Is FSM,
  FSM Indicator, FSM Status -> Y/N as for EAL; blank = leave the pupil's free school meals alone
* fsm_basis: FSM Basis, FSM Eligibility Basis, FSM Criterion, FSM Route, FSM Type
  -> Means-tested (Means, Benefits, Legacy) or Universal Credit (UC, UC extension); blank =
  means-tested (the dry run warns when the file has no such column after September 2026)
* service_child: Service Child, Service Children, Service Child Indicator, Service Child in
  Education, Service Children in Education, Forces Child -> Y/N; blank = leave it alone
* looked_after (see Care): Looked After, In Care, Looked After Child, Child Looked After,
  Looked After Status, In Care Status, CLA, LAC -> Y/N; blank = leave it alone
* care_authority: Care Authority, Responsible Local Authority, Responsible LA, Responsible
  Authority, Looked After By, Care LA -> the local authority that looks after the child
* previously_looked_after (see Care): Previously Looked After, Previously In Care, Post Looked
  After, Adopted from Care, PLAC, Post LAC -> Y/N; blank or N = leave it alone
* attendance (see Figures): Attendance %, Attendance, % Attendance, Attendance Percentage,
  Percentage Attendance, Overall Attendance, Attendance (%), Present % -> 0 to 100, "%" allowed,
  kept to one decimal place; blank = no figure
* suspensions (see Figures): Suspensions, Number of Suspensions, Suspension Count, Fixed Term
  Exclusions, Fixed-Term Exclusions, FTE Count -> a whole number; blank = no figure
* attainment (see Figures): Attainment, Attainment Band, Overall Attainment, Working At,
  Working At Band, Attainment Grade -> Below (BLW, PKS, Emerging), Working towards (WTS),
  Expected (EXS, Secure, On track), Greater depth (GDS, Above, Exceeding); blank = no figure
* class_name (see Classes): Class, Registration Group, Reg Group, Registration Form, Form,
  Form Group, Tutor Group, Reg -> up to 60 characters; blank = leave the pupil's class alone

Sex: a pupil new to sendco needs one (the census has no other value); for a pupil already here
a blank cell keeps what sendco has.

What a pupil in the file means: the file is the MIS's truth for the columns it has. A blank
optional cell clears the field (a blank preferred name is no preferred name), except sex and EAL
(a blank cell, or a first language "Not obtained"), which keep what sendco has. A pupil in a
file without a leaving-date column is on roll: one marked as left earlier comes back, and the
dry run says so.

Leavers: every pupil of the school without a leaving date who is not in the file is marked as
left on ``today`` (or on their admission date, if that is later) with the destination
"Not in MIS export". Nobody is deleted. A pupil the file gives a leaving date is leaving too.

Classes: a class named in the file is a TeachingGroup of kind "class" in the school's academic
year containing ``today``. Names are compared ignoring case and repeated spaces, so "4a" is the
class sendco has as "4A"; a name sendco does not have yet makes a new class, with no teachers
(the dry run lists them). A pupil is in one class a year: placing them in 4B takes them out of
every other class of that year (teaching sets are never touched), and a class left empty stays,
with its teachers. A name a teaching set has this year is a bad row. If the file names a class
but the school has no academic year containing ``today``, the plan has a problem ("Add this
year's term dates first") and cannot be applied: importing the pupils without their classes
would leave teachers without them, with no sign of it once the dry run is closed. A pupil not in
the file keeps the class they were in.

Care: "Y" for a child sendco does not hold as looked after opens a looked-after period from the
import's day with the care authority (a blank authority refuses the line: the authority decides
the child's PEP timing); a different authority ends the open period and opens one; "N" ends the
open period the day before. "Y" for previously looked after opens that Pupil Premium ground from
the import's day, with no route and no evidence seen, so it is listed on the Pupil Premium page
until the school records both (the census counts it only then); "N" never ends a ground the
school recorded with its evidence.

Figures: attendance and suspensions are the MIS's figures for the year so far, attainment the
school's own teacher-assessed band. They are kept as one row per pupil and term (TermFigures),
the term being the school's term that started last (a holiday counts with the term just ended)
or, without term dates, autumn September to December, spring January to March, summer April to
August. Each import in a term replaces that term's figures in the columns the file has; a file
without a column leaves that figure as it was. They are not changes to the pupil: a pupil whose
only news is a figure is "unchanged", and the dry run counts the pupils with figures apart.

Safety: a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be run
as a formula by a spreadsheet (CSV injection, RELIABILITY.md EX-01), so its row is rejected,
even for a name or a date. Files are capped at 5 MB and 20,000 pupils.
"""

from .applying import apply
from .columns import HEADERS, MAX_BYTES, MAX_ROWS, accepted_columns
from .parsing import EXCEL_MESSAGE, MisFileError, parse
from .planning import ImportPlan, plan

__all__ = [
    "EXCEL_MESSAGE",
    "HEADERS",
    "MAX_BYTES",
    "MAX_ROWS",
    "ImportPlan",
    "MisFileError",
    "accepted_columns",
    "apply",
    "parse",
    "plan",
]
