"""AC-01: every URL pattern x every role x GET/POST answers exactly as this table says.

The patterns come from Django's resolver, so a new URL without a row here fails
`test_every_url_pattern_has_a_row`. Each row lists the expected status per role, in ROLES order:

    anon  sendco  lead  head  teacher  ta  governor  other_sendco  other_lead  deactivated

`other_sendco` is the SENDCo of another school of the same trust; `other_lead` leads another
trust; `deactivated` was signed in when their account was deactivated. A 302 for a signed-in role
is a successful form post (a redirect after saving), or a redirect to the person's home.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from plans.models import Cycle, SupportPlan, Target
from provision.models import (
    CostedItem,
    Group,
    GroupPupil,
    Intervention,
    Measure,
    StaffContract,
    StaffRate,
)
from register.models import Concern, Need, NeedType, Pupil, SenStatus, TeachingGroup
from staff import calendar as school_calendar
from staff.models import ClosureDay, Role, User
from tests.conftest import built_once
from tests.factories import SchoolFactory, TrustFactory, UserFactory, member
from tests.permissions.agencies_rows import AGENCIES_MATRIX, agencies_kwargs, agencies_world
from tests.permissions.early_help_rows import (
    EARLY_HELP_MATRIX,
    early_help_kwargs,
    early_help_world,
)
from tests.permissions.ehcp_rows import EHCP_MATRIX, ehcp_kwargs, ehcp_world
from tests.permissions.exam_evidence_rows import (
    EXAM_EVIDENCE_MATRIX,
    exam_evidence_kwargs,
    exam_evidence_world,
)
from tests.permissions.exams_rows import EXAMS_MATRIX, exams_kwargs, exams_world
from tests.permissions.families_rows import FAMILIES_MATRIX, families_kwargs, families_world
from tests.permissions.families_transfer_rows import (
    TRANSFER_MATRIX,
    transfer_kwargs,
    transfer_world,
)
from tests.permissions.families_voice_rows import (
    FAMILIES_VOICE_MATRIX,
    families_voice_kwargs,
    families_voice_world,
)
from tests.permissions.info_rows import INFO_MATRIX, SENTINEL, info_kwargs, info_world
from tests.permissions.lac_rows import LAC_MATRIX, lac_kwargs, lac_world
from tests.permissions.premium_rows import PREMIUM_MATRIX, premium_kwargs, premium_world
from tests.permissions.reminder_rows import REMINDER_MATRIX, reminder_kwargs, reminder_world
from tests.permissions.report_rows import REPORT_MATRIX, report_kwargs, report_world
from tests.permissions.rows import ROLES, Row, codes
from tests.permissions.training_gap_rows import (
    TRAINING_GAP_MATRIX,
    training_gap_kwargs,
    training_gap_world,
)
from tests.permissions.training_rows import TRAINING_MATRIX, training_kwargs, training_world

_INTERVENTION_POST = (
    ("kind", "group"),
    ("default_sessions_per_week", "3"),
    ("default_session_minutes", "20"),
    ("resource_cost_one_off", "0"),
    ("resource_cost_per_pupil", "0"),
)
_GROUP_POST = (
    ("intervention", lambda w: w["intervention_group"].intervention_id),
    ("starts_on", "2026-09-01"),
    ("ends_on", "2026-12-18"),
    ("sessions_per_week", "3"),
    ("session_minutes", "30"),
    ("days", ["0", "2", "4"]),
    ("staff", lambda w: [w["users"]["ta"].pk]),
    ("status", "running"),
    ("funding", "notional_sen"),
)

# Support plans: the whole plan for the SENDCo, trust lead, head and the pupil's teacher (the TA
# sees the strategies only, on the same page); changes for the SENDCo and trust lead; the teacher
# contributes and records parent meetings.
_ITEM_POST = (
    ("kind", "one_to_one"),
    ("description", "One-to-one support in literacy"),
    ("provided_by", "Tara Assistant"),
    ("cost", "4200"),
    ("basis", "annual"),
    ("starts_on", "2026-09-07"),
    ("funding", "notional_sen"),
)
_PLAN_VIEW = " 302  200  200  200  200  200  403  404  404  302"
_PLAN_MANAGE_GET = " 302  200  200  403  403  403  403  404  404  302"
_PLAN_MANAGE_POST = " 302  302  302  403  403  403  403  404  404  302"
_PLAN_CONTRIBUTE_GET = " 302  200  200  403  200  403  403  404  404  302"
_PLAN_CONTRIBUTE_POST = " 302  302  302  403  302  403  403  404  404  302"


def _today(world) -> str:
    return timezone.localdate().isoformat()


_TARGET_POST = (
    ("description", "Read 40 words a minute from a Year 2 book."),
    ("measure", "Words read correctly in a minute"),
    ("need_type", lambda w: w["slcn"].pk),
    ("groups", lambda w: [w["intervention_group"].pk]),
)

#                         anon send lead head teach ta   gov  oSen oLead deact
MATRIX: dict[str, Row] = {
    "home": Row(get=" 302  302  302  302  302  302  302  302  302  302"),
    "healthz": Row(get=" 200  200  200  200  200  200  200  200  200  200"),
    "login": Row(
        get=" 200  302  302  302  302  302  302  302  302  200",
        post=" 200  302  302  302  302  302  302  302  302  200",
        post_data=(("username", "nobody@acorn.test"), ("password", "wrong")),
    ),
    "logout": Row(post=" 302  302  302  302  302  302  302  302  302  302"),
    "password_change": Row(
        get=" 302  200  200  200  200  200  200  200  200  302",
        post=" 302  302  302  302  302  302  302  302  302  302",
        post_data=(
            ("old_password", "correct-horse-battery-staple"),
            ("new_password1", "a brand new passphrase"),
            ("new_password2", "a brand new passphrase"),
        ),
    ),
    "password_reset": Row(
        get=" 200  200  200  200  200  200  200  200  200  200",
        post=" 302  302  302  302  302  302  302  302  302  302",
        post_data=(("email", "teacher@acorn.test"),),
    ),
    "password_reset_done": Row(get=" 200  200  200  200  200  200  200  200  200  200"),
    "password_reset_confirm": Row(
        get=" 302  302  302  302  302  302  302  302  302  302",
        post=" 302  302  302  302  302  302  302  302  302  302",
    ),
    "password_reset_complete": Row(get=" 200  200  200  200  200  200  200  200  200  200"),
    "invitation_accept": Row(
        get=" 302  302  302  302  302  302  302  302  302  302",
        post=" 302  302  302  302  302  302  302  302  302  302",
    ),
    "school_home": Row(get=" 302  200  200  200  200  200  200  404  404  302"),
    "deadlines": Row(get=" 302  200  200  200  200  200  403  404  404  302"),
    "vulnerable": Row(get=" 302  200  200  200  403  403  403  404  404  302"),
    "premium_gaps": Row(get=" 302  200  200  200  403  403  403  404  404  302"),
    "trust_dashboard": Row(get=" 302  403  200  403  403  403  403  403  404  302"),
    # The trust's vulnerable pupils in figures: its SEND lead only (another trust's: 404).
    "trust_vulnerable": Row(get=" 302  403  200  403  403  403  403  403  404  302"),
    # The trust's staff training against pupils' needs, in figures: its SEND lead only.
    "trust_training": Row(get=" 302  403  200  403  403  403  403  403  404  302"),
    # The trust's schools compared, and the board's report of it (print view and PDF): its SEND
    # lead only (trustees have no role yet).
    "trust_compare": Row(get=" 302  403  200  403  403  403  403  403  404  302"),
    "trust_board": Row(get=" 302  403  200  403  403  403  403  403  404  302"),
    "trust_board_pdf": Row(get=" 302  403  200  403  403  403  403  403  404  302"),
    # Training delivered this year and its PDF: names for the SENDCo, lead and head, figures
    # only for governors.
    "training:report": Row(get=" 302  200  200  200  403  403  200  404  404  302"),
    "training:report_pdf": Row(get=" 302  200  200  200  403  403  200  404  404  302"),
    "staff:list": Row(get=" 302  200  200  200  403  403  403  404  404  302"),
    "staff:invite": Row(
        get=" 302  200  200  403  403  403  403  404  404  302",
        post=" 302  302  302  403  403  403  403  404  404  302",
        post_data=(("full_name", "New Person"), ("email", "new@acorn.test"), ("role", "ta")),
    ),
    "staff:member": Row(
        get=" 302  200  200  200  403  403  403  404  404  302",
        post=" 302  302  302  403  403  403  403  404  404  302",
        post_data=(("role", "ta"),),
    ),
    "staff:duties": Row(
        post=" 302  302  302  403  403  403  403  404  404  302",
        post_data=(("duties", "pp_lead"),),
    ),
    "staff:deactivate": Row(post=" 302  302  302  403  403  403  403  404  404  302"),
    "staff:mfa_reset": Row(post=" 302  302  302  403  403  403  403  404  404  302"),
    "mfa:account": Row(get=" 302  200  200  200  200  200  200  200  200  302"),
    "mfa:setup": Row(
        get=" 302  200  200  200  200  200  200  200  200  302",
        post=" 302  200  200  200  200  200  200  200  200  302",
        post_data=(("code", "000000"),),
    ),
    "mfa:verify": Row(
        get=" 302  302  302  302  302  302  302  302  302  302",
        post=" 302  302  302  302  302  302  302  302  302  302",
        post_data=(("code", "000000"),),
    ),
    "mfa:backup_codes": Row(post=" 302  302  302  302  302  302  302  302  302  302"),
    "mfa:remove": Row(post=" 302  302  302  302  302  302  302  302  302  302"),
    "staff:audit": Row(get=" 302  200  200  200  403  403  403  404  404  302"),
    "calendar:terms": Row(get=" 302  200  200  200  200  200  403  404  404  302"),
    "calendar:year_create": Row(
        post=" 302  302  302  403  403  403  403  404  404  302",
        post_data=(("academic_year_start", "2030"),),
    ),
    "calendar:term_edit": Row(
        get=" 302  200  200  403  403  403  403  404  404  302",
        post=" 302  302  302  403  403  403  403  404  404  302",
        post_data=(("starts_on", "2026-09-03"), ("ends_on", "2026-10-23")),
    ),
    "calendar:closure_add": Row(
        post=" 302  302  302  403  403  403  403  404  404  302",
        post_data=(("on", "2026-11-27"), ("reason", "INSET day")),
    ),
    "calendar:closure_delete": Row(post=" 302  302  302  403  403  403  403  404  404  302"),
    # The census check; the export without ?on= is the page asking for a date (200).
    "census:census": Row(get=" 302  200  200  403  403  403  403  404  404  302"),
    "census:export": Row(get=" 302  200  200  403  403  403  403  404  404  302"),
    # MIS import: a POST without a file re-renders the form with its error (200); apply without
    # a dry run's token goes back to the upload page with a message (302).
    "mis_import:upload": Row(
        get=" 302  200  200  403  403  403  403  404  404  302",
        post=" 302  200  200  403  403  403  403  404  404  302",
    ),
    "mis_import:apply": Row(post=" 302  302  302  403  403  403  403  404  404  302"),
    # The register: the teacher and the TA have the pupil in their class.
    "register:list": Row(
        get=" 302  200  200  200  200  200  403  404  404  302",
        post=" 302  200  200  200  200  200  403  404  404  302",
        post_data=(("q", "Ada"),),
    ),
    "register:pupil": Row(get=" 302  200  200  200  200  200  403  404  404  302"),
    "register:status_change": Row(
        get=" 302  200  200  403  403  403  403  404  404  302",
        post=" 302  302  302  403  403  403  403  404  404  302",
        post_data=(
            ("category", "K"),
            ("starts_on", "2026-11-20"),
            ("reason", "Assessed"),
            ("parents_informed_on", "2026-11-20"),
            ("primary_need", "SLCN"),
        ),
    ),
    "register:layer": Row(
        get=" 302  200  200  403  403  403  403  404  404  302",
        post=" 302  302  302  403  403  403  403  404  404  302",
        post_data=(("layer", "targeted"), ("starts_on", "2026-11-20")),
    ),
    "register:passport": Row(get=" 302  200  200  200  200  200  403  404  404  302"),
    "register:passport_edit": Row(
        get=" 302  200  200  403  403  403  403  404  404  302",
        post=" 302  302  302  403  403  403  403  404  404  302",
        post_data=(("about_me", "I like trains."),),
    ),
    "register:concern_raise": Row(
        get=" 302  200  200  403  200  403  403  404  404  302",
        post=" 302  302  302  403  302  403  403  404  404  302",
        post_data=(("description", "Finds reading hard."),),
    ),
    "register:concern_new": Row(
        get=" 302  200  200  403  200  403  403  404  404  302",
        post=" 302  302  302  403  302  403  403  404  404  302",
        post_data=(
            ("pupil", lambda w: str(w["pupil"].public_id)),
            ("description", "Finds reading hard."),
        ),
    ),
    "register:classes": Row(get=" 302  200  200  200  403  403  403  404  404  302"),
    "register:class_create": Row(
        post=" 302  302  302  403  403  403  403  404  404  302",
        post_data=(("name", "4Z"),),
    ),
    "register:class_edit": Row(
        get=" 302  200  200  403  403  403  403  404  404  302",
        post=" 302  302  302  403  403  403  403  404  404  302",
    ),
    # Provision: the TA runs the group; it holds a pupil of the teacher's class.
    "provision:today": Row(get=" 302  200  200  403  200  200  403  404  404  302"),
    "provision:group": Row(get=" 302  200  200  200  200  200  403  404  404  302"),
    "provision:session_log": Row(
        # GET is refused with 405 once the role may log sessions at all; whether this person
        # runs this group is checked on the POST.
        get=" 302  405  405  403  405  405  403  404  404  302",
        post=" 302  302  302  403  403  302  403  404  404  302",
        post_data=(("present", lambda w: [w["pupil"].pk]),),  # everyone came
    ),
    # Impact, "what works here" and TA deployment: the SENDCo, trust lead and head (staff costs).
    "provision_impact:impact": Row(get=" 302  200  200  200  403  403  403  404  404  302"),
    "provision_impact:group_impact": Row(get=" 302  200  200  200  403  403  403  404  404  302"),
    "provision_impact:deployment": Row(get=" 302  200  200  200  403  403  403  404  404  302"),
    # The provision map (names pupils and shows costs), its print view and PDF, and one pupil's
    # costed provision: the SENDCo, trust lead and head.
    "provision_map:map": Row(get=" 302  200  200  200  403  403  403  404  404  302"),
    "provision_map:map_print": Row(get=" 302  200  200  200  403  403  403  404  404  302"),
    "provision_map:map_pdf": Row(get=" 302  200  200  200  403  403  403  404  404  302"),
    "provision_map:pupil_provision": Row(get=" 302  200  200  200  403  403  403  404  404  302"),
    # A pupil's costed provision besides groups (one-to-one support, equipment, specialists):
    # added, changed and removed by the SENDCo and trust lead.
    "provision_map:item_new": Row(
        get=" 302  200  200  403  403  403  403  404  404  302",
        post=" 302  302  302  403  403  403  403  404  404  302",
        post_data=_ITEM_POST,
    ),
    "provision_map:item_edit": Row(
        get=" 302  200  200  403  403  403  403  404  404  302",
        post=" 302  302  302  403  403  403  403  404  404  302",
        post_data=_ITEM_POST,
    ),
    # The SENDCo's provision pages: lists with costs for the SENDCo, trust lead and head; every
    # change for the SENDCo and trust lead only.
    "provision_manage:catalogue": Row(get=" 302  200  200  200  403  403  403  404  404  302"),
    "provision_manage:intervention_new": Row(
        get=" 302  200  200  403  403  403  403  404  404  302",
        post=" 302  302  302  403  403  403  403  404  404  302",
        post_data=_INTERVENTION_POST + (("name", "Precision Teaching"),),
    ),
    "provision_manage:intervention_edit": Row(
        get=" 302  200  200  403  403  403  403  404  404  302",
        post=" 302  302  302  403  403  403  403  404  404  302",
        post_data=_INTERVENTION_POST + (("name", "Talk Boost"),),
    ),
    "provision_manage:costs": Row(get=" 302  200  200  200  403  403  403  404  404  302"),
    "provision_manage:rate_new": Row(
        get=" 302  200  200  403  403  403  403  404  404  302",
        post=" 302  302  302  403  403  403  403  404  404  302",
        post_data=(("name", "TA level 3"), ("hourly_cost", "18.50")),
    ),
    "provision_manage:rate_edit": Row(
        get=" 302  200  200  403  403  403  403  404  404  302",
        post=" 302  302  302  403  403  403  403  404  404  302",
        post_data=(("name", "TA level 2"), ("hourly_cost", "17.25")),
    ),
    "provision_manage:contract_new": Row(
        get=" 302  200  200  403  403  403  403  404  404  302",
        post=" 302  302  302  403  403  403  403  404  404  302",
        post_data=(
            ("user", lambda w: w["users"]["ta"].pk),
            ("rate", lambda w: w["rate"].pk),
            ("hours_per_week", "32.5"),
        ),
    ),
    "provision_manage:contract_edit": Row(
        get=" 302  200  200  403  403  403  403  404  404  302",
        post=" 302  302  302  403  403  403  403  404  404  302",
        post_data=(("rate", lambda w: w["rate"].pk), ("hours_per_week", "30")),
    ),
    "provision_manage:measures": Row(get=" 302  200  200  200  403  403  403  404  404  302"),
    "provision_manage:measure_new": Row(
        get=" 302  200  200  403  403  403  403  404  404  302",
        post=" 302  302  302  403  403  403  403  404  404  302",
        post_data=(("name", "Reading age"), ("kind", "reading_age"), ("higher_is_better", "on")),
    ),
    "provision_manage:measure_edit": Row(
        get=" 302  200  200  403  403  403  403  404  404  302",
        post=" 302  302  302  403  403  403  403  404  404  302",
        post_data=(("name", "Boxall profile"), ("kind", "boxall"), ("higher_is_better", "on")),
    ),
    "provision_manage:groups": Row(get=" 302  200  200  200  403  403  403  404  404  302"),
    "provision_manage:group_new": Row(
        get=" 302  200  200  403  403  403  403  404  404  302",
        post=" 302  302  302  403  403  403  403  404  404  302",
        post_data=_GROUP_POST + (("name", "Talk Boost Y4"),),
    ),
    "provision_manage:group_edit": Row(
        get=" 302  200  200  403  403  403  403  404  404  302",
        post=" 302  302  302  403  403  403  403  404  404  302",
        post_data=_GROUP_POST + (("name", "Talk Boost Y3"),),
    ),
    "provision_manage:group_pupils": Row(
        get=" 302  200  200  403  403  403  403  404  404  302",
        post=" 302  302  302  403  403  403  403  404  404  302",
        post_data=(("pupil", lambda w: w["second_pupil"].pk), ("joined_on", "2026-11-23")),
    ),
    "provision_manage:place_edit": Row(
        get=" 302  200  200  403  403  403  403  404  404  302",
        post=" 302  302  302  403  403  403  403  404  404  302",
        post_data=(("joined_on", "2026-09-01"), ("entry_score", "85"), ("target_score", "92")),
    ),
    "provision_manage:budget": Row(
        get=" 302  200  200  403  403  403  403  404  404  302",
        post=" 302  302  302  403  403  403  403  404  404  302",
        post_data=(("amount", "84000"),),
    ),
    "plans:list": Row(get=_PLAN_VIEW),
    "plans:plan": Row(get=_PLAN_VIEW),
    "plans:start": Row(post=_PLAN_MANAGE_POST),
    "plans:lead": Row(
        get=_PLAN_MANAGE_GET,
        post=_PLAN_MANAGE_POST,
        post_data=(("lead", lambda w: w["users"]["teacher"].pk),),
    ),
    "plans:next": Row(post=_PLAN_MANAGE_POST),
    "plans:meeting_new": Row(
        get=_PLAN_CONTRIBUTE_GET,
        post=_PLAN_CONTRIBUTE_POST,
        post_data=(("held_on", _today), ("kind", "other"), ("attended_by", "Mum")),
    ),
    "plans:assess": Row(
        get=_PLAN_MANAGE_GET,
        post=_PLAN_MANAGE_POST,
        post_data=(("needs_summary", "Speech and language."), ("pupil_views", "I like maths.")),
    ),
    "plans:plan_section": Row(
        get=_PLAN_MANAGE_GET,
        post=_PLAN_MANAGE_POST,
        post_data=(
            ("strategies", "Instructions one step at a time."),
            ("agreed_on", lambda w: w["term"].starts_on.isoformat()),
            ("review_due", lambda w: w["term"].academic_year.ends_on.isoformat()),
        ),
    ),
    "plans:advance": Row(post=_PLAN_MANAGE_POST),
    "plans:target_new": Row(get=_PLAN_MANAGE_GET, post=_PLAN_MANAGE_POST, post_data=_TARGET_POST),
    "plans:target_edit": Row(get=_PLAN_MANAGE_GET, post=_PLAN_MANAGE_POST, post_data=_TARGET_POST),
    "plans:target_remove": Row(post=_PLAN_MANAGE_POST),
    # An outside agency's report (agencies_rows' world) into the cycle's assessment evidence.
    "plans:evidence_from_report": Row(post=_PLAN_MANAGE_POST),
    "plans:contribute": Row(
        get=_PLAN_CONTRIBUTE_GET,
        post=_PLAN_CONTRIBUTE_POST,
        post_data=(("body", "Reads CVC words confidently now."),),
    ),
    "plans:review": Row(
        get=_PLAN_MANAGE_GET,
        post=_PLAN_MANAGE_POST,
        post_data=(
            ("reviewed_on", _today),
            (lambda w: f"outcome_{w['plan_target'].pk}", "partly"),
            (lambda w: f"evidence_{w['plan_target'].pk}", "32 words a minute."),
            ("review_summary", "Good progress."),
        ),
    ),
    # The plan for parents (print and PDF): not for the TA; the graduated approach evidence for
    # a needs-assessment request: the SENDCo, trust lead and head.
    "plans:print": Row(get=" 302  200  200  200  200  403  403  404  404  302"),
    "plans:pdf": Row(get=" 302  200  200  200  200  403  403  404  404  302"),
    "plans:evidence": Row(get=" 302  200  200  200  403  403  403  404  404  302"),
    "plans:evidence_pdf": Row(get=" 302  200  200  200  403  403  403  404  404  302"),
    "register:concerns": Row(get=" 302  200  200  403  403  403  403  404  404  302"),
    "register:concern_decide": Row(
        get=" 302  200  200  403  403  403  403  404  404  302",
        post=" 302  302  302  403  403  403  403  404  404  302",
        post_data=(("decision", "closed"),),
    ),
}


MATRIX.update(EHCP_MATRIX)
MATRIX.update(REMINDER_MATRIX)
MATRIX.update(PREMIUM_MATRIX)
MATRIX.update(LAC_MATRIX)
MATRIX.update(EARLY_HELP_MATRIX)
MATRIX.update(TRAINING_MATRIX)
MATRIX.update(TRAINING_GAP_MATRIX)
MATRIX.update(REPORT_MATRIX)
MATRIX.update(INFO_MATRIX)
MATRIX.update(TRANSFER_MATRIX)
MATRIX.update(EXAM_EVIDENCE_MATRIX)
MATRIX.update(FAMILIES_VOICE_MATRIX)
MATRIX.update(FAMILIES_MATRIX)
MATRIX.update(EXAMS_MATRIX)
MATRIX.update(AGENCIES_MATRIX)


def _walk(patterns, prefix="", namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{namespace}{p.name}", prefix + str(p.pattern)


ALL_PATTERNS = sorted(set(_walk(get_resolver().url_patterns)))
APP_PATTERNS = sorted({name for name, _ in ALL_PATTERNS if not name.startswith("admin:")})


def test_every_url_pattern_has_a_row():
    missing = [name for name in APP_PATTERNS if name not in MATRIX]
    assert missing == [], f"add these URL names to MATRIX: {missing}"
    stale = [name for name in MATRIX if name not in APP_PATTERNS]
    assert stale == [], f"MATRIX names URLs that no longer exist: {stale}"


@pytest.fixture(scope="module")
def module_world(django_db_setup, django_db_blocker):
    """The world is built once per module (and per xdist worker) inside a transaction that is
    rolled back at the end; each case runs in a savepoint of it (pytest-django's `db`), so
    what a case changes is undone before the next."""
    with built_once(django_db_blocker) as build:
        yield build(_build_world)


@pytest.fixture
def world(module_world, db):
    return module_world


def _build_world() -> dict:
    oak = TrustFactory(name="Oak Trust", slug="oak")
    acorn = SchoolFactory(trust=oak, name="Acorn Primary", slug="acorn", urn="123456")
    beech = SchoolFactory(trust=oak, name="Beech Secondary", slug="beech", urn="123457")
    elm = SchoolFactory(
        trust=TrustFactory(name="Elm Trust", slug="elm"), slug="elm-academy", urn="223456"
    )
    school_calendar.create_default_year(school=acorn, academic_year_start=2026)
    users = {
        "anon": None,
        "sendco": member(acorn, Role.SENDCO, email="sendco@acorn.test"),
        # The trust lead's own membership is at Beech: Acorn is reached through the trust.
        "lead": member(beech, Role.TRUST_LEAD, email="lead@oak.test"),
        "head": member(acorn, Role.HEAD, email="head@acorn.test"),
        "teacher": member(acorn, Role.TEACHER, email="teacher@acorn.test"),
        "ta": member(acorn, Role.TA, email="ta@acorn.test"),
        "governor": member(acorn, Role.GOVERNOR, email="governor@acorn.test"),
        "other_sendco": member(beech, Role.SENDCO, email="sendco@beech.test"),
        "other_lead": member(elm, Role.TRUST_LEAD, email="lead@elm.test"),
        "deactivated": member(acorn, Role.TEACHER, email="gone@acorn.test"),
    }
    # The object the staff URLs act on: a teaching assistant of Acorn, and an invited person.
    target = member(acorn, Role.TEACHER, email="target@acorn.test").memberships.get()
    invited = UserFactory(email="invited@acorn.test", password=None)
    invited.set_unusable_password()
    invited.save()
    closure = ClosureDay.objects.create(school=acorn, on="2026-10-02", reason="INSET day")
    term = acorn.terms.order_by("starts_on").first()
    pupil = Pupil.objects.create(
        school=acorn,
        upn="B801200005001",
        legal_first_name="Ada",
        legal_last_name="Sentinel",
        date_of_birth="2018-03-01",
        sex="F",
        year_group="3",
    )
    group = TeachingGroup.objects.create(school=acorn, academic_year=term.academic_year, name="3B")
    group.teachers.add(users["teacher"])
    group.assistants.add(users["ta"])
    group.pupils.add(pupil)
    concern = Concern.objects.create(
        school=acorn,
        pupil=pupil,
        raised_by=users["teacher"],
        raised_on="2026-11-02",
        description="Struggles with phonics.",
    )
    intervention = Intervention.objects.create(school=acorn, name="Talk Boost")
    intervention_group = Group.objects.create(
        school=acorn,
        intervention=intervention,
        name="Talk Boost Y3",
        status="running",
        starts_on=term.academic_year.starts_on,
        ends_on=term.academic_year.ends_on,
        sessions_per_week=3,
        session_minutes=30,
    )
    intervention_group.staff.add(users["ta"])
    place = GroupPupil.objects.create(
        school=acorn, group=intervention_group, pupil=pupil, joined_on=term.academic_year.starts_on
    )
    second_pupil = Pupil.objects.create(
        school=acorn,
        upn="A801200005002",
        legal_first_name="Ben",
        legal_last_name="Sentinel",
        date_of_birth="2018-04-01",
        sex="M",
        year_group="3",
    )
    rate = StaffRate.objects.create(school=acorn, name="TA level 2", hourly_cost="17.00")
    contract = StaffContract.objects.create(
        school=acorn, user=users["teacher"], rate=rate, hours_per_week="32.5"
    )
    measure = Measure.objects.create(school=acorn, name="Boxall", kind="boxall")
    costed_item = CostedItem.objects.create(
        school=acorn,
        pupil=pupil,
        kind="equipment",
        description="Writing slope",
        cost="35.00",
        basis="one_off",
        starts_on=term.academic_year.starts_on,
    )
    plans = _support_plans(acorn, term, group, intervention_group, users)
    found = {
        **plans,
        "users": users,
        "acorn": acorn,
        "target": target,
        "term": term,
        "closure": closure,
        "invited": invited,
        "pupil": pupil,
        "concern": concern,
        "group": group,
        "intervention_group": intervention_group,
        "place": place,
        "second_pupil": second_pupil,
        "rate": rate,
        "contract": contract,
        "measure": measure,
        "costed_item": costed_item,
    }
    ehcp_world(found)
    found = training_world(lac_world(premium_world(reminder_world(found))))
    found = early_help_world(found)
    found = families_world(
        families_voice_world(transfer_world(report_world(info_world(training_gap_world(found)))))
    )
    return agencies_world(exam_evidence_world(exams_world(found)))


def _support_plans(acorn, term, group, intervention_group, users) -> dict:
    """Four pupils on SEN support: Cara (in the teacher's and TA's class) has a plan under way
    (Do) with a target delivered by the Talk Boost group; Dan's first cycle is at Assess, so it
    can move on; Eve's only cycle is reviewed, so the next can start; Finn has no plan yet."""
    year = term.academic_year
    slcn = NeedType.objects.get(code="SLCN")

    def on_support(first: str, upn: str) -> Pupil:
        pupil = Pupil.objects.create(
            school=acorn,
            upn=upn,
            legal_first_name=first,
            legal_last_name="Sentinel",
            date_of_birth="2018-05-01",
            sex="F",
            year_group="3",
        )
        SenStatus.objects.create(
            school=acorn, pupil=pupil, category="K", starts_on=year.starts_on, reason="Assessed"
        )
        Need.objects.create(
            school=acorn, pupil=pupil, rank=1, starts_on=year.starts_on, need_type=slcn
        )
        return pupil

    def plan_for(pupil: Pupil, **cycle_fields) -> Cycle:
        plan = SupportPlan.objects.create(
            school=acorn, pupil=pupil, lead=users["teacher"], created_by=users["sendco"]
        )
        return Cycle.objects.create(
            school=acorn, plan=plan, number=1, starts_on=year.starts_on, **cycle_fields
        )

    cara = on_support("Cara", "C801200005003")
    group.pupils.add(cara)
    cara_cycle = plan_for(
        cara,
        stage="do",
        strategies="Instructions one step at a time.",
        agreed_on=term.starts_on,
        review_due=year.ends_on,
    )
    plan_target = Target.objects.create(
        school=acorn,
        cycle=cara_cycle,
        description="Read 30 words a minute.",
        measure="Words read correctly in a minute",
        need_type=slcn,
    )
    plan_target.groups.add(intervention_group)
    dan_cycle = plan_for(on_support("Dan", "D801200005004"))
    eve = on_support("Eve", "E801200005005")
    eve_cycle = plan_for(eve, stage="reviewed", reviewed_on=term.starts_on)
    Target.objects.create(
        school=acorn, cycle=eve_cycle, description="Count to 20.", outcome="partly"
    )
    return {
        "slcn": slcn,
        "plan_pupil": cara,
        "plan_cycle": cara_cycle,
        "plan_target": plan_target,
        "assess_cycle": dan_cycle,
        "reviewed_pupil": eve,
        "no_plan_pupil": on_support("Finn", "F801200005006"),
    }


def _kwargs(name: str, world) -> dict:
    acorn = world["acorn"]
    token_user: User = world["invited"]
    return {
        "school_home": {"school_slug": acorn.slug},
        "deadlines": {"school_slug": acorn.slug},
        "vulnerable": {"school_slug": acorn.slug},
        "premium_gaps": {"school_slug": acorn.slug},
        "trust_dashboard": {"trust_slug": "oak"},
        "trust_vulnerable": {"trust_slug": "oak"},
        "trust_training": {"trust_slug": "oak"},
        "trust_compare": {"trust_slug": "oak"},
        "trust_board": {"trust_slug": "oak"},
        "trust_board_pdf": {"trust_slug": "oak"},
        "training:report": {"school_slug": acorn.slug},
        "training:report_pdf": {"school_slug": acorn.slug},
        "staff:list": {"school_slug": acorn.slug},
        "staff:invite": {"school_slug": acorn.slug},
        "staff:member": {"school_slug": acorn.slug, "public_id": world["target"].public_id},
        "staff:deactivate": {"school_slug": acorn.slug, "public_id": world["target"].public_id},
        "staff:duties": {"school_slug": acorn.slug, "public_id": world["target"].public_id},
        "staff:audit": {"school_slug": acorn.slug},
        "staff:mfa_reset": {"school_slug": acorn.slug, "public_id": world["target"].public_id},
        "calendar:terms": {"school_slug": acorn.slug},
        "calendar:year_create": {"school_slug": acorn.slug},
        "calendar:term_edit": {"school_slug": acorn.slug, "term_id": world["term"].pk},
        "calendar:closure_add": {"school_slug": acorn.slug},
        "calendar:closure_delete": {"school_slug": acorn.slug, "closure_id": world["closure"].pk},
        "census:census": {"school_slug": acorn.slug},
        "census:export": {"school_slug": acorn.slug},
        "mis_import:upload": {"school_slug": acorn.slug},
        "mis_import:apply": {"school_slug": acorn.slug},
        **{
            name: {"school_slug": acorn.slug, "public_id": world["pupil"].public_id}
            for name in (
                "register:pupil",
                "register:status_change",
                "register:layer",
                "register:passport",
                "register:passport_edit",
                "register:concern_raise",
            )
        },
        "register:list": {"school_slug": acorn.slug},
        "register:concerns": {"school_slug": acorn.slug},
        "register:concern_new": {"school_slug": acorn.slug},
        "register:classes": {"school_slug": acorn.slug},
        "provision:today": {"school_slug": acorn.slug},
        "provision:group": {
            "school_slug": acorn.slug,
            "public_id": world["intervention_group"].public_id,
        },
        "provision:session_log": {
            "school_slug": acorn.slug,
            "public_id": world["intervention_group"].public_id,
        },
        "provision_impact:impact": {"school_slug": acorn.slug},
        "provision_impact:group_impact": {
            "school_slug": acorn.slug,
            "public_id": world["intervention_group"].public_id,
        },
        "provision_impact:deployment": {"school_slug": acorn.slug},
        "provision_map:map": {"school_slug": acorn.slug},
        "provision_map:map_print": {"school_slug": acorn.slug},
        "provision_map:map_pdf": {"school_slug": acorn.slug},
        "provision_map:pupil_provision": {
            "school_slug": acorn.slug,
            "public_id": world["pupil"].public_id,
        },
        "provision_map:item_new": {
            "school_slug": acorn.slug,
            "public_id": world["pupil"].public_id,
        },
        "provision_map:item_edit": {
            "school_slug": acorn.slug,
            "public_id": world["pupil"].public_id,
            "item_id": world["costed_item"].public_id,
        },
        "provision_manage:intervention_edit": {
            "school_slug": acorn.slug,
            "intervention_id": world["intervention_group"].intervention_id,
        },
        "provision_manage:rate_edit": {"school_slug": acorn.slug, "rate_id": world["rate"].pk},
        "provision_manage:contract_edit": {
            "school_slug": acorn.slug,
            "contract_id": world["contract"].pk,
        },
        "provision_manage:measure_edit": {
            "school_slug": acorn.slug,
            "measure_id": world["measure"].pk,
        },
        **{
            f"provision_manage:{name}": {"school_slug": acorn.slug}
            for name in (
                "catalogue",
                "intervention_new",
                "costs",
                "rate_new",
                "contract_new",
                "measures",
                "measure_new",
                "groups",
                "group_new",
                "budget",
            )
        },
        **{
            f"provision_manage:{name}": {
                "school_slug": acorn.slug,
                "public_id": world["intervention_group"].public_id,
            }
            for name in ("group_edit", "group_pupils")
        },
        "provision_manage:place_edit": {
            "school_slug": acorn.slug,
            "public_id": world["intervention_group"].public_id,
            "place_id": world["place"].pk,
        },
        "plans:list": {"school_slug": acorn.slug},
        **{
            f"plans:{name}": {"school_slug": acorn.slug, "public_id": world["plan_pupil"].public_id}
            for name in ("plan", "lead", "meeting_new", "print", "pdf", "evidence", "evidence_pdf")
        },
        "plans:start": {"school_slug": acorn.slug, "public_id": world["no_plan_pupil"].public_id},
        "plans:next": {"school_slug": acorn.slug, "public_id": world["reviewed_pupil"].public_id},
        **{
            f"plans:{name}": {"school_slug": acorn.slug, "public_id": world["plan_cycle"].public_id}
            for name in ("assess", "plan_section", "target_new", "contribute", "review")
        },
        "plans:advance": {"school_slug": acorn.slug, "public_id": world["assess_cycle"].public_id},
        "plans:evidence_from_report": {
            "school_slug": acorn.slug,
            "public_id": world["plan_cycle"].public_id,
            "report_id": world["agency_report"].public_id,
        },
        **{
            f"plans:{name}": {
                "school_slug": acorn.slug,
                "public_id": world["plan_target"].public_id,
            }
            for name in ("target_edit", "target_remove")
        },
        "register:class_create": {"school_slug": acorn.slug},
        "register:class_edit": {"school_slug": acorn.slug, "group_id": world["group"].pk},
        "register:concern_decide": {
            "school_slug": acorn.slug,
            "public_id": world["concern"].public_id,
        },
        "password_reset_confirm": {
            "uidb64": urlsafe_base64_encode(force_bytes(token_user.pk)),
            "token": default_token_generator.make_token(token_user),
        },
        "invitation_accept": {
            "uidb64": urlsafe_base64_encode(force_bytes(token_user.pk)),
            "token": default_token_generator.make_token(token_user),
        },
        **ehcp_kwargs(world),
        **reminder_kwargs(world),
        **premium_kwargs(world),
        **lac_kwargs(world),
        **early_help_kwargs(world),
        **training_kwargs(world),
        **training_gap_kwargs(world),
        **report_kwargs(world),
        **info_kwargs(world),
        **transfer_kwargs(world),
        **families_voice_kwargs(world),
        **families_kwargs(world),
        **exams_kwargs(world),
        **exam_evidence_kwargs(world),
        **agencies_kwargs(world),
    }.get(name, {})


def _client_for(client, world, role: str):
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    if role == "deactivated":
        user.is_active = False
        user.save(update_fields=["is_active"])
    return client


def _method_refused(name: str, url: str, row: Row, role: str) -> int:
    """What a method the view does not accept answers: the sign-in wall and the tenancy check
    come first (302, 404, 403), and only a person who may use the page is told 405."""
    public = getattr(resolve(url).func, "login_required", True) is False
    if public:
        return 405
    other = codes(row.post if row.get is None else row.get)[role]
    return 405 if other in (200, 302) and role not in ("anon", "deactivated") else other


CASES = [
    pytest.param(name, method, role, id=f"{name}-{method}-{role}")
    for name in sorted(MATRIX)
    for method in ("GET", "POST")
    for role in ROLES
]


@pytest.mark.parametrize(("name", "method", "role"), CASES)
def test_matrix(client, world, name, method, role):
    row = MATRIX[name]
    spec = row.get if method == "GET" else row.post
    url = reverse(name, kwargs=_kwargs(name, world))
    client = _client_for(client, world, role)
    data = {
        key(world) if callable(key) else key: value(world) if callable(value) else value
        for key, value in row.post_data
    }
    response = client.get(url) if method == "GET" else client.post(url, data)
    expected = codes(spec)[role] if spec is not None else _method_refused(name, url, row, role)
    assert response.status_code == expected, (
        f"{method} {url} as {role}: got {response.status_code}, expected {expected}"
    )
    if (
        response.status_code == 302
        and role in ("anon", "deactivated")
        and expected == 302
        and (
            name
            not in (
                "logout",
                "password_reset",
                "password_reset_confirm",
                "invitation_accept",
                "home",
            )
        )
        # A public page (a parent's link) redirects within itself, never to the sign-in.
        and getattr(resolve(url).func, "login_required", True) is not False
    ):
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ["sendco", "lead", "head", "teacher", "governor"])
def test_admin_is_closed_to_every_school_role(client, world, role):
    client.force_login(world["users"][role])
    for name, route in ALL_PATTERNS:
        if (
            name.startswith("admin:")
            and "<" not in route
            and name not in ("admin:login", "admin:logout")
        ):
            response = client.get(reverse(name))
            assert response.status_code == 302, name
            assert response["Location"].startswith(reverse("admin:login")), name


POST_FORM = re.compile(r"<form\b[^>]*method=\"post\"[^>]*>.*?</form>", re.IGNORECASE | re.DOTALL)


def test_every_form_the_sendco_sees_is_sent_once(client, world):
    """Every POST form on every page the SENDCo opens (each create form among them) carries a
    one-time token, so a double click cannot save twice (staff/once.py)."""
    client = _client_for(client, world, "sendco")
    forms, missing = 0, []
    for name in sorted(MATRIX):
        row = MATRIX[name]
        if row.get is None or codes(row.get)["sendco"] != 200:
            continue
        url = reverse(name, kwargs=_kwargs(name, world))
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for form in POST_FORM.findall(response.content.decode()):
            forms += 1
            if 'name="form_token"' not in form:
                missing.append(f"{url}: {form[:120]}")
    assert forms > 30
    assert missing == []


def test_the_public_report_names_no_pupil(client, world):
    """The published SEN information report, drafted from this world's records with every
    suggestion accepted, names none of its pupils (a distinctive one planted on the register)."""
    url = reverse("inforeport_public:report", kwargs={"school_slug": world["acorn"].slug})
    page = client.get(url).content.decode()
    assert "words: Our accessibility plan." in page  # the school's words
    assert "Its Local Offer" in page  # and sendco's, accepted
    names = Pupil.objects.values_list("legal_first_name", "legal_last_name")
    for name in {part for pair in names for part in pair}:
        assert not re.search(rf"\b{re.escape(name)}\b", page), name
    assert SENTINEL[0] not in page
    assert SENTINEL[1] not in page
