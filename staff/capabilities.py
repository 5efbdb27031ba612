"""The single map of role -> capability. Views name a capability; only this module grants it.

A new page adds its capability here; tests/permissions/test_matrix.py checks every URL against it.
"""

from __future__ import annotations

from enum import StrEnum, nonmember
from functools import cache
from typing import TYPE_CHECKING

from .models import Role

if TYPE_CHECKING:
    from .models import Membership
    from .tenancy import Access


class Cap(StrEnum):
    # Templates use `access|can:Cap.STAFF_VIEW`; without this Django calls the class (Cap()),
    # which fails, so every such check was silently false.
    do_not_call_in_templates = nonmember(True)

    SCHOOL_HOME = "school.home"
    STAFF_VIEW = "staff.view"
    STAFF_MANAGE = "staff.manage"
    MFA_RESET = "staff.mfa_reset"
    AUDIT_VIEW = "audit.view"
    CALENDAR_VIEW = "calendar.view"
    CALENDAR_MANAGE = "calendar.manage"
    TRUST_DASHBOARD = "trust.dashboard"
    REGISTER_VIEW = "register.view"
    REGISTER_MANAGE = "register.manage"
    CONCERN_RAISE = "register.concern_raise"
    PASSPORT_EDIT = "register.passport_edit"
    MIS_IMPORT = "register.import"
    CENSUS_EXPORT = "register.census"
    CLASSES_VIEW = "register.classes_view"
    CLASSES_MANAGE = "register.classes_manage"
    PROVISION_VIEW = "provision.view"
    SESSION_LOG = "provision.log"
    SESSION_LOG_ANY = "provision.log_any"
    PROVISION_MANAGE = "provision.manage"
    PROVISION_MAP = "provision.map"
    PLAN_VIEW = "plans.view"
    PLAN_FULL = "plans.full"
    PLAN_CONTRIBUTE = "plans.contribute"
    PLAN_MANAGE = "plans.manage"
    PLAN_PRINT = "plans.print"
    PLAN_EVIDENCE = "plans.evidence"
    EHCP_VIEW = "ehcp.view"
    EHCP_ADVICE = "ehcp.advice"
    EHCP_MANAGE = "ehcp.manage"
    EHCP_TRACKER = "ehcp.tracker"
    EHCP_PACK = "ehcp.pack"
    REMINDERS_RUN = "reminders.run"
    PREMIUM_VIEW = "premium.view"
    PREMIUM_MANAGE = "premium.manage"
    LAC_VIEW = "lac.view"
    LAC_MANAGE = "lac.manage"
    VULNERABLE_VIEW = "school.vulnerable"
    LAC_REPORT = "lac.report"
    TRAINING_OWN = "training.own"
    TRAINING_VIEW = "training.view"
    TRAINING_MANAGE = "training.manage"
    TRAINING_REPORT = "training.report"
    TERM_REPORT_VIEW = "reports.view"
    TERM_REPORT_MANAGE = "reports.manage"
    TERM_REPORT_REVIEW = "reports.review"
    TERM_REPORT_PUBLISHED = "reports.published"
    INFO_REPORT_VIEW = "inforeport.view"
    INFO_REPORT_MANAGE = "inforeport.manage"
    TRANSFER_VIEW = "families.transfer_view"
    TRANSFER_MANAGE = "families.transfer_manage"
    VOICE_RECORD = "families.voice_record"
    VOICE_VIEW = "families.voice_view"
    VOICE_ACCEPT = "families.voice_accept"
    FAMILY_LINKS_VIEW = "families.links_view"
    FAMILY_LINKS_SEND = "families.links_send"
    EXAMS_VIEW = "exams.view"
    EXAMS_MANAGE = "exams.manage"
    EXAMS_OFFICE = "exams.office"
    EXAMS_CLASS = "exams.class"
    EXAM_EVIDENCE_ANSWER = "exams.evidence_answer"
    AGENCY_DIRECTORY = "agencies.directory"
    AGENCY_VIEW = "agencies.view"
    AGENCY_DETAILS = "agencies.details"
    AGENCY_MANAGE = "agencies.manage"
    EARLY_HELP_VIEW = "early_help.view"
    EARLY_HELP_MANAGE = "early_help.manage"


_EVERYONE = frozenset(Role)

CAPABILITIES: dict[Cap, frozenset[Role]] = {
    Cap.SCHOOL_HOME: _EVERYONE,
    Cap.STAFF_VIEW: frozenset({Role.SENDCO, Role.TRUST_LEAD, Role.HEAD}),
    Cap.STAFF_MANAGE: frozenset({Role.SENDCO, Role.TRUST_LEAD}),
    # Reset a colleague's two-step sign-in when their phone is lost (never one's own this way).
    Cap.MFA_RESET: frozenset({Role.SENDCO, Role.TRUST_LEAD}),
    Cap.AUDIT_VIEW: frozenset({Role.SENDCO, Role.TRUST_LEAD, Role.HEAD}),
    Cap.CALENDAR_VIEW: frozenset({Role.SENDCO, Role.TRUST_LEAD, Role.HEAD, Role.TEACHER, Role.TA}),
    Cap.CALENDAR_MANAGE: frozenset({Role.SENDCO, Role.TRUST_LEAD}),
    Cap.TRUST_DASHBOARD: frozenset({Role.TRUST_LEAD}),
    # Pupil-level pages. Which pupils a teacher or TA sees is scoped by register.selectors.
    Cap.REGISTER_VIEW: frozenset({Role.SENDCO, Role.TRUST_LEAD, Role.HEAD, Role.TEACHER, Role.TA}),
    Cap.REGISTER_MANAGE: frozenset({Role.SENDCO, Role.TRUST_LEAD}),
    Cap.CONCERN_RAISE: frozenset({Role.SENDCO, Role.TRUST_LEAD, Role.TEACHER}),
    Cap.PASSPORT_EDIT: frozenset({Role.SENDCO, Role.TRUST_LEAD}),
    Cap.MIS_IMPORT: frozenset({Role.SENDCO, Role.TRUST_LEAD}),
    Cap.CENSUS_EXPORT: frozenset({Role.SENDCO, Role.TRUST_LEAD}),
    Cap.CLASSES_VIEW: frozenset({Role.SENDCO, Role.TRUST_LEAD, Role.HEAD}),
    Cap.CLASSES_MANAGE: frozenset({Role.SENDCO, Role.TRUST_LEAD}),
    # Which groups a teacher or TA sees and logs is scoped by provision.selectors.
    Cap.PROVISION_VIEW: frozenset({Role.SENDCO, Role.TRUST_LEAD, Role.HEAD, Role.TEACHER, Role.TA}),
    Cap.SESSION_LOG: frozenset({Role.SENDCO, Role.TRUST_LEAD, Role.TEACHER, Role.TA}),
    # Log and correct any group's sessions at any time (others: the groups they run, and their
    # own logs within the correction window).
    Cap.SESSION_LOG_ANY: frozenset({Role.SENDCO, Role.TRUST_LEAD}),
    Cap.PROVISION_MANAGE: frozenset({Role.SENDCO, Role.TRUST_LEAD}),
    # The map, costs (staff hourly costs included), impact and TA deployment.
    Cap.PROVISION_MAP: frozenset({Role.SENDCO, Role.TRUST_LEAD, Role.HEAD}),
    # Support plans (APDR). Which pupils' plans a teacher or TA sees is scoped by
    # register.selectors; a TA sees only the strategies for class teachers.
    Cap.PLAN_VIEW: frozenset({Role.SENDCO, Role.TRUST_LEAD, Role.HEAD, Role.TEACHER, Role.TA}),
    # The whole plan (targets, views, reviews); without it, only the strategies for staff.
    Cap.PLAN_FULL: frozenset({Role.SENDCO, Role.TRUST_LEAD, Role.HEAD, Role.TEACHER}),
    Cap.PLAN_CONTRIBUTE: frozenset({Role.SENDCO, Role.TRUST_LEAD, Role.TEACHER}),
    Cap.PLAN_MANAGE: frozenset({Role.SENDCO, Role.TRUST_LEAD}),
    # The plan in plain English for parents, printed or as a PDF.
    Cap.PLAN_PRINT: frozenset({Role.SENDCO, Role.TRUST_LEAD, Role.HEAD, Role.TEACHER}),
    # The graduated approach evidence for a needs-assessment request.
    Cap.PLAN_EVIDENCE: frozenset({Role.SENDCO, Role.TRUST_LEAD, Role.HEAD}),
    # EHC plans: teachers see the plans of pupils in their classes and add their advice to a
    # review; the head reads everything; the SENDCo and trust lead run reviews and requests.
    Cap.EHCP_VIEW: frozenset({Role.SENDCO, Role.TRUST_LEAD, Role.HEAD, Role.TEACHER}),
    Cap.EHCP_ADVICE: frozenset({Role.SENDCO, Role.TRUST_LEAD, Role.TEACHER}),
    Cap.EHCP_MANAGE: frozenset({Role.SENDCO, Role.TRUST_LEAD}),
    # The review tracker, local authorities, needs-assessment requests and advice documents.
    Cap.EHCP_TRACKER: frozenset({Role.SENDCO, Role.TRUST_LEAD, Role.HEAD}),
    Cap.EHCP_PACK: frozenset({Role.SENDCO, Role.TRUST_LEAD, Role.HEAD}),
    # Run the school's reminder scan now, rather than waiting for the morning.
    Cap.REMINDERS_RUN: frozenset({Role.SENDCO, Role.TRUST_LEAD}),
    # Pupil Premium: the allocation, the lists of eligible pupils and each pupil's grounds.
    # Who is disadvantaged is not a class teacher's or TA's to browse, nor a governor's.
    Cap.PREMIUM_VIEW: frozenset({Role.SENDCO, Role.TRUST_LEAD, Role.HEAD}),
    Cap.PREMIUM_MANAGE: frozenset({Role.SENDCO, Role.TRUST_LEAD}),
    # Looked-after children: their PEPs, social workers and virtual schools. More sensitive
    # than SEN records: the designated teacher (a duty, below) holds both whatever their role.
    Cap.LAC_VIEW: frozenset({Role.SENDCO, Role.TRUST_LEAD, Role.HEAD}),
    Cap.LAC_MANAGE: frozenset({Role.SENDCO, Role.TRUST_LEAD}),
    # Every vulnerable pupil in one view (SEN, disadvantaged, looked after) and the gaps to act
    # on today; the designated teacher too (a duty).
    Cap.VULNERABLE_VIEW: frozenset({Role.SENDCO, Role.TRUST_LEAD, Role.HEAD}),
    # The designated teacher's annual report to governors: figures only, small numbers
    # suppressed, so governors read it too.
    Cap.LAC_REPORT: frozenset({Role.SENDCO, Role.TRUST_LEAD, Role.HEAD, Role.GOVERNOR}),
    # Staff training: every member of staff sees their own records and certificates; the
    # SENDCo, head and trust lead see everyone's in the school, the gaps against pupils' needs
    # and the report; the SENDCo and trust lead record and plan training. Governors read the
    # report's figures, no one named.
    Cap.TRAINING_OWN: frozenset({Role.SENDCO, Role.TRUST_LEAD, Role.HEAD, Role.TEACHER, Role.TA}),
    Cap.TRAINING_VIEW: frozenset({Role.SENDCO, Role.TRUST_LEAD, Role.HEAD}),
    Cap.TRAINING_MANAGE: frozenset({Role.SENDCO, Role.TRUST_LEAD}),
    Cap.TRAINING_REPORT: frozenset({Role.SENDCO, Role.TRUST_LEAD, Role.HEAD, Role.GOVERNOR}),
    # The termly SEND report: the SENDCo drafts and publishes, the head reads the draft and
    # reviews it; governors read only published reports, figures only, small numbers
    # suppressed (reports.present).
    Cap.TERM_REPORT_VIEW: frozenset({Role.SENDCO, Role.TRUST_LEAD, Role.HEAD}),
    Cap.TERM_REPORT_MANAGE: frozenset({Role.SENDCO, Role.TRUST_LEAD}),
    Cap.TERM_REPORT_REVIEW: frozenset({Role.TRUST_LEAD, Role.HEAD}),
    Cap.TERM_REPORT_PUBLISHED: frozenset({Role.SENDCO, Role.TRUST_LEAD, Role.HEAD, Role.GOVERNOR}),
    # The SEN information report (statutory, published on the school's website): the SENDCo
    # and trust lead write and publish it; the head and governors (who approve it) read the
    # draft. Its published version is public (no sign-in).
    Cap.INFO_REPORT_VIEW: frozenset({Role.SENDCO, Role.TRUST_LEAD, Role.HEAD, Role.GOVERNOR}),
    Cap.INFO_REPORT_MANAGE: frozenset({Role.SENDCO, Role.TRUST_LEAD}),
    # Moving school (families): the leavers, each pupil's transfer packs and the history a
    # portable plan brought. The head reads them and downloads a pack (reading, not changing);
    # only the SENDCo and trust lead record a leaver, make a pack or import a plan.
    Cap.TRANSFER_VIEW: frozenset({Role.SENDCO, Role.TRUST_LEAD, Role.HEAD}),
    Cap.TRANSFER_MANAGE: frozenset({Role.SENDCO, Role.TRUST_LEAD}),
    # The pupil's voice: the pupil fills in the symbol form with an adult who works with them
    # (the SENDCo, their teacher, or a TA of their class or of a group the TA runs, see
    # families.selectors); the views given by parents and the pupil are read with the whole
    # plan (the head too), and the SENDCo accepts them into the plan. Never a governor.
    Cap.VOICE_RECORD: frozenset({Role.SENDCO, Role.TRUST_LEAD, Role.TEACHER, Role.TA}),
    Cap.VOICE_VIEW: frozenset({Role.SENDCO, Role.TRUST_LEAD, Role.HEAD, Role.TEACHER}),
    Cap.VOICE_ACCEPT: frozenset({Role.SENDCO, Role.TRUST_LEAD}),
    # Parents' views by secure link: the SENDCo, trust lead and the pupil's teacher (pupils
    # scoped by register.selectors) make, print, email and stop links and add translated
    # summaries; the head reads the links and the views given. Parents themselves have no
    # account: their pages are public and guarded by the link's code and the date of birth.
    Cap.FAMILY_LINKS_VIEW: frozenset({Role.SENDCO, Role.TRUST_LEAD, Role.HEAD, Role.TEACHER}),
    Cap.FAMILY_LINKS_SEND: frozenset({Role.SENDCO, Role.TRUST_LEAD, Role.TEACHER}),
    # Exam access arrangements (JCQ; secondary, all-through, 16 plus, special and alternative
    # provision schools only, exams.rules.sits_exams): the SENDCo leads them (DOMAIN.md 6.1)
    # and, with the trust lead, records series, candidates, arrangements, assessors and
    # assessments; the head reads all of it. The assessments' results and the flags are part of
    # a pupil's SEND record, so neither class staff nor the exams officer open these pages.
    Cap.EXAMS_VIEW: frozenset({Role.SENDCO, Role.TRUST_LEAD, Role.HEAD}),
    Cap.EXAMS_MANAGE: frozenset({Role.SENDCO, Role.TRUST_LEAD}),
    # The exams office's list of candidates and their arrangements per series, and its CSV: no
    # health details (no needs, SEN status, notes or results). The SENDCo, trust lead and head,
    # and whoever holds the exams officer duty (below) whatever their role.
    Cap.EXAMS_OFFICE: frozenset({Role.SENDCO, Role.TRUST_LEAD, Role.HEAD}),
    # The arrangements in place for the pupils of one's own classes (pupils scoped by
    # register.selectors), read-only, so teachers apply them in class tests and mocks and
    # teaching assistants who read or scribe for them know; the SENDCo, trust lead and head
    # see every pupil's. Never a governor.
    Cap.EXAMS_CLASS: frozenset({Role.SENDCO, Role.TRUST_LEAD, Role.HEAD, Role.TEACHER, Role.TA}),
    # Evidence for exam access arrangements (under EXAMS_VIEW and EXAMS_MANAGE): the SENDCo and
    # trust lead ask teachers for their normal-way-of-working evidence and print Form 8 part 1;
    # the head reads the evidence trail (what a JCQ inspector asks to see) and prints part 1.
    # Anyone who teaches answers the requests sent to them (only those:
    # exams.evidence_selectors), seeing the pupil's name and the question, never the history of
    # need. Never a TA or a governor.
    Cap.EXAM_EVIDENCE_ANSWER: frozenset({Role.SENDCO, Role.TRUST_LEAD, Role.HEAD, Role.TEACHER}),
    # Outside agencies (agencies/). The directory of services (with their contacts): the
    # SENDCo and trust lead keep it, the head reads it. Referrals: the SENDCo and trust lead
    # refer, record each step, appointments and reports; the head reads everything. A teacher
    # sees the referrals of pupils in their classes (scoped by register.selectors): the service,
    # the status and its dates, the appointments' dates and with whom (a pupil out of class) and
    # that a report came, but not who consented, the question asked, appointment notes, the
    # report's summary or its document (AGENCY_DETAILS), which can hold family and health
    # matters. TAs and governors nothing.
    Cap.AGENCY_DIRECTORY: frozenset({Role.SENDCO, Role.TRUST_LEAD, Role.HEAD}),
    Cap.AGENCY_VIEW: frozenset({Role.SENDCO, Role.TRUST_LEAD, Role.HEAD, Role.TEACHER}),
    Cap.AGENCY_DETAILS: frozenset({Role.SENDCO, Role.TRUST_LEAD, Role.HEAD}),
    Cap.AGENCY_MANAGE: frozenset({Role.SENDCO, Role.TRUST_LEAD}),
    # Early Help (agencies.early_help_*): a pupil's Early Help assessment and plan, the lead
    # practitioner and the Team Around the Family reviews. It holds family information more
    # sensitive than SEN records (a family's difficulties, consent, social care), so the
    # SENDCo and trust lead keep it, the head reads it, and the designated safeguarding lead
    # holds both whatever their role (a duty, below). Never a teacher, a TA or a governor by
    # role: nothing of it reaches the register, the pupil's page or the passport.
    Cap.EARLY_HELP_VIEW: frozenset({Role.SENDCO, Role.TRUST_LEAD, Role.HEAD}),
    Cap.EARLY_HELP_MANAGE: frozenset({Role.SENDCO, Role.TRUST_LEAD}),
}


class Duty(StrEnum):
    """A job a school gives one named person beyond their role, with the capabilities it needs
    (a deputy head who leads the Pupil Premium holds the head's role and this duty)."""

    PP_LEAD = "pp_lead"
    DESIGNATED_TEACHER = "designated_teacher"
    EXAMS_OFFICER = "exams_officer"
    DSL = "dsl"

    @property
    def label(self) -> str:
        return DUTY_LABELS[self]


DUTY_LABELS = {
    Duty.PP_LEAD: "Pupil Premium lead",
    Duty.DESIGNATED_TEACHER: "Designated teacher for looked-after children",
    Duty.EXAMS_OFFICER: "Exams officer",
    Duty.DSL: "Designated safeguarding lead",
}

# What each duty grants, whatever the role.
DUTY_CAPABILITIES: dict[Duty, frozenset[Cap]] = {
    Duty.PP_LEAD: frozenset({Cap.PREMIUM_VIEW, Cap.PREMIUM_MANAGE}),
    Duty.DESIGNATED_TEACHER: frozenset(
        {Cap.LAC_VIEW, Cap.LAC_MANAGE, Cap.VULNERABLE_VIEW, Cap.LAC_REPORT}
    ),
    # The exams office's list and CSV only: no pupil's SEND record.
    Duty.EXAMS_OFFICER: frozenset({Cap.EXAMS_OFFICE}),
    # The designated safeguarding lead keeps the pupils' Early Help and is the named contact on
    # its pages (a worry about a child's safety goes to them and the school's safeguarding
    # records, not into sendco).
    Duty.DSL: frozenset({Cap.EARLY_HELP_VIEW, Cap.EARLY_HELP_MANAGE}),
}

# Who may hold each duty: never a governor (no pupil's record); the designated teacher is a
# qualified teacher at the school or the head (DOMAIN.md 5.1); the designated safeguarding lead
# is a member of the senior leadership team (a head, the SENDCo, the trust lead, or a deputy or
# assistant head, who holds a teacher's role here), never a TA by this duty.
DUTY_ROLES: dict[Duty, frozenset[Role]] = {
    Duty.PP_LEAD: frozenset({Role.SENDCO, Role.TRUST_LEAD, Role.HEAD, Role.TEACHER, Role.TA}),
    Duty.DESIGNATED_TEACHER: frozenset({Role.SENDCO, Role.TRUST_LEAD, Role.HEAD, Role.TEACHER}),
    # The exams officer is often support staff: any staff role, never a governor.
    Duty.EXAMS_OFFICER: frozenset({Role.SENDCO, Role.TRUST_LEAD, Role.HEAD, Role.TEACHER, Role.TA}),
    Duty.DSL: frozenset({Role.SENDCO, Role.TRUST_LEAD, Role.HEAD, Role.TEACHER}),
}


def duties_can(duties, capability: Cap) -> bool:
    """Whether any of these duties (names, as stored on a membership) grants `capability`."""
    return _duties_can(tuple(duties or ()), capability)


@cache
def _duties_can(duties: tuple[str, ...], capability: Cap) -> bool:
    # Asked for each of a school's deadlines (hundreds a page): a handful of answers, kept.
    return any(
        capability in DUTY_CAPABILITIES.get(Duty(name), frozenset())
        for name in duties
        if name in Duty._value2member_map_
    )


def duties_for_role(role: str) -> list[Duty]:
    """The duties a person in this role may be given."""
    return [duty for duty, roles in DUTY_ROLES.items() if role in roles]


# Which roles a person holding a role may give to others (invite or change role).
ASSIGNABLE_ROLES: dict[Role, tuple[Role, ...]] = {
    Role.TRUST_LEAD: (
        Role.SENDCO,
        Role.HEAD,
        Role.TEACHER,
        Role.TA,
        Role.GOVERNOR,
        Role.TRUST_LEAD,
    ),
    Role.SENDCO: (Role.SENDCO, Role.HEAD, Role.TEACHER, Role.TA, Role.GOVERNOR),
}


# Two-step sign-in (MFA): who must set it up when settings.MFA_REQUIRED is on. Anyone with
# access to the Django admin must too, and the admin always asks for a code (staff/mfa/).
MFA_REQUIRED_ROLES: frozenset[Role] = frozenset({Role.SENDCO, Role.HEAD, Role.TRUST_LEAD})


def must_use_mfa(roles, *, admin: bool) -> bool:
    """Whether a person holding these roles (or admin access) must use two-step sign-in."""
    return admin or any(role in MFA_REQUIRED_ROLES for role in roles)


class Reach(StrEnum):
    """Which rows of a kind a role sees inside its school. The selectors turn a reach into a
    query; which reach each role has is decided here and nowhere else."""

    SCHOOL = "school"  # every row of the school
    CLASSES_TAUGHT = "classes_taught"  # pupils of the classes they teach
    CLASSES_SUPPORTED = "classes_supported"  # pupils of the classes they support
    RUN_OR_PUPILS = "run_or_pupils"  # groups they run, or that hold a pupil they see
    RUN = "run"  # groups they run
    NOTHING = "nothing"


# Pupils (the register, pupil pages, passports, plans): whole school for the SENDCo, trust lead
# and head; a teacher's or TA's own classes; nobody for a governor.
PUPIL_REACH: dict[Role, Reach] = {
    Role.SENDCO: Reach.SCHOOL,
    Role.TRUST_LEAD: Reach.SCHOOL,
    Role.HEAD: Reach.SCHOOL,
    Role.TEACHER: Reach.CLASSES_TAUGHT,
    Role.TA: Reach.CLASSES_SUPPORTED,
    Role.GOVERNOR: Reach.NOTHING,
}

# Intervention groups: whole school for the SENDCo, trust lead and head; a teacher the groups
# they run or that hold a pupil of their classes; a TA the groups they run.
GROUP_REACH: dict[Role, Reach] = {
    Role.SENDCO: Reach.SCHOOL,
    Role.TRUST_LEAD: Reach.SCHOOL,
    Role.HEAD: Reach.SCHOOL,
    Role.TEACHER: Reach.RUN_OR_PUPILS,
    Role.TA: Reach.RUN,
    Role.GOVERNOR: Reach.NOTHING,
}


# The reaches limited to a person's own classes (a teacher's or TA's view of the register).
CLASS_REACHES = frozenset({Reach.CLASSES_TAUGHT, Reach.CLASSES_SUPPORTED})

# Reminders (sendco/reminders.py). A deadline whose owner cannot act on it (gone, or unable to
# see the pupil) is told to the first of these roles the school has: its SENDCos, else the
# trust leads of its trust. One still overdue after the escalation days is told to the heads
# as well (and to those SENDCos).
DEADLINE_FALLBACK_ROLES: tuple[Role, ...] = (Role.SENDCO, Role.TRUST_LEAD)
DEADLINE_ESCALATION_ROLES: frozenset[Role] = frozenset({Role.HEAD})


def deadline_fallback(members: dict[int, str]) -> list[int]:
    """Of the school's people ({user id: role}), who answers for a deadline its owner cannot
    act on: the holders of the first role in DEADLINE_FALLBACK_ROLES that anyone holds."""
    for role in DEADLINE_FALLBACK_ROLES:
        found = [user_id for user_id, held in members.items() if held == role]
        if found:
            return found
    return []


def deadline_escalation(members: dict[int, str]) -> list[int]:
    """Of the school's people ({user id: role}), who hears of a deadline long overdue."""
    return [user_id for user_id, role in members.items() if role in DEADLINE_ESCALATION_ROLES]


def pupil_reach(role: str) -> Reach:
    return PUPIL_REACH.get(Role(role), Reach.NOTHING)


def group_reach(role: str) -> Reach:
    return GROUP_REACH.get(Role(role), Reach.NOTHING)


# Who may be chosen for a job in the school's records (not what the person choosing may do):
# who can run a group or hold a contract (everyone on the staff but governors), teach or support
# a class, and lead a pupil's support plan.
STAFF_ROLES: tuple[Role, ...] = (Role.SENDCO, Role.TRUST_LEAD, Role.HEAD, Role.TEACHER, Role.TA)
CLASS_TEACHER_ROLES: tuple[Role, ...] = (Role.TEACHER, Role.SENDCO)
CLASS_ASSISTANT_ROLES: tuple[Role, ...] = (Role.TA,)
PLAN_LEAD_ROLES: tuple[Role, ...] = (Role.TEACHER,)


def role_can(role: str, capability: Cap) -> bool:
    return role in CAPABILITIES[capability]


def assignable_roles(role: str) -> tuple[Role, ...]:
    return ASSIGNABLE_ROLES.get(Role(role), ())


def may_change_member(access: Access, membership: Membership) -> bool:
    """Whether this person may change another's role or end their access: they manage staff,
    it is not themselves, and the other holds a role they could give (services check it too)."""
    return (
        access.can(Cap.STAFF_MANAGE)
        and membership.user_id != access.user.pk
        and membership.role in assignable_roles(access.role)
    )


def sees_looked_after(access: Access) -> bool:
    """Whether this person is shown that a pupil is looked after (on the register and the
    pupil's page): those who hold the looked-after pages, and class staff where the school
    chose so. Nobody else, and never the PEP."""
    if access.can(Cap.LAC_VIEW):
        return True
    return pupil_reach(access.role) in CLASS_REACHES and access.school.class_staff_see_looked_after


def sees_own_classes_only(role: str) -> bool:
    """Whether a role sees only the pupils of its own classes (a page then says "in your
    classes"), from the pupil reach above."""
    return pupil_reach(role) in (Reach.CLASSES_TAUGHT, Reach.CLASSES_SUPPORTED)
