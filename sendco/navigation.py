"""The header's menu: the school's pages in five groups (register, plans, EHC, provision, school),
each link shown only to those whose role opens it, so the header fits on one line from 992 px up.

A group with one link for this person is a plain link; a group with several is a menu button
(Bootstrap's dropdown: Enter or Space opens it, the arrow keys move, Escape closes). No query: the
person's capabilities are already on `request.access`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import HttpRequest

from exams.rules import sits_exams
from staff.capabilities import Cap
from staff.links import SchoolLinks


@dataclass(frozen=True)
class Link:
    label: str
    url_name: str
    capability: Cap
    # What marks the link as the current page: the start of a namespaced url name
    # ("provision:today", "ehcp:request" for every request page), or a whole namespace ("ehcp")
    # for the pages no other link claims.
    current: tuple[str, ...] = ()
    # Shown only in schools that enter exam candidates (exams.rules.sits_exams).
    exams_only: bool = False
    # Not shown to those who hold this capability (they reach the page another way).
    unless: Cap | None = None


@dataclass
class Entry:
    label: str
    url: str
    current: bool = False


@dataclass
class Group:
    label: str
    entries: list[Entry] = field(default_factory=list)

    @property
    def current(self) -> bool:
        return any(entry.current for entry in self.entries)

    @property
    def single(self) -> Entry | None:
        return self.entries[0] if len(self.entries) == 1 else None


MENU: list[tuple[str, list[Link]]] = [
    (
        "Register",
        [
            Link(
                "SEN register",
                "register:list",
                Cap.REGISTER_VIEW,
                ("register:list", "register:pupil", "register:status", "register:passport"),
            ),
            Link("Concerns", "register:concerns", Cap.REGISTER_MANAGE, ("register:concern",)),
            Link("Classes", "register:classes", Cap.CLASSES_VIEW, ("register:class",)),
            Link("Pupil Premium", "premium:overview", Cap.PREMIUM_VIEW, ("premium",)),
            Link("Looked-after children", "lac:children", Cap.LAC_VIEW, ("lac",)),
            Link("Early Help", "early_help:list", Cap.EARLY_HELP_VIEW, ("early_help",)),
            Link("Vulnerable pupils", "vulnerable", Cap.VULNERABLE_VIEW, (":vulnerable",)),
            Link(
                "Exam access arrangements",
                "exams:series_list",
                Cap.EXAMS_VIEW,
                ("exams", "exam_evidence:candidate", "exam_evidence:trail", "exam_evidence:ask"),
                exams_only=True,
            ),
            Link(
                "Exams office",
                "exams:office",
                Cap.EXAMS_OFFICE,
                ("exams:office",),
                exams_only=True,
                unless=Cap.EXAMS_VIEW,
            ),
            Link(
                "Exam arrangements",
                "exams:in_class",
                Cap.EXAMS_CLASS,
                ("exams:in_class",),
                exams_only=True,
                unless=Cap.EXAMS_VIEW,
            ),
            Link(
                "Referrals to agencies",
                "agencies:referrals",
                Cap.AGENCY_VIEW,
                ("agencies:referral", "agencies:pupil", "agencies:refer"),
            ),
            Link("Agencies directory", "agencies:services", Cap.AGENCY_DIRECTORY, ("agencies",)),
            Link(
                "Leavers and transfers",
                "families:leavers",
                Cap.TRANSFER_VIEW,
                ("families:leaver", "families:transfer", "families:import", "families:pack"),
            ),
            Link("School census", "census:census", Cap.CENSUS_EXPORT, ("census",)),
            Link("Import from the MIS", "mis_import:upload", Cap.MIS_IMPORT, ("mis_import",)),
        ],
    ),
    ("Plans", [Link("Support plans", "plans:list", Cap.PLAN_VIEW, ("plans",))]),
    (
        "EHC",
        [
            # Every other EHC page (a plan, its review, the pack) is reached from the tracker.
            Link("Review tracker", "ehcp:tracker", Cap.EHCP_TRACKER, ("ehcp",)),
            Link("Phase transfers", "ehcp:transfers", Cap.EHCP_TRACKER, ("ehcp:transfer",)),
            Link("Needs assessments", "ehcp:requests", Cap.EHCP_TRACKER, ("ehcp:request",)),
            Link("Consultations", "ehcp:consultations", Cap.EHCP_TRACKER, ("ehcp:consultation",)),
            Link(
                "Local authorities",
                "ehcp:authorities",
                Cap.EHCP_TRACKER,
                ("ehcp:authorit", "ehcp:contact"),
            ),
        ],
    ),
    (
        "Provision",
        [
            Link("My groups today", "provision:today", Cap.SESSION_LOG, ("provision:today",)),
            Link("Provision map", "provision_map:map", Cap.PROVISION_MAP, ("provision_map",)),
            Link("Impact", "provision_impact:impact", Cap.PROVISION_MAP, ("provision_impact",)),
            Link("Groups", "provision_manage:groups", Cap.PROVISION_MAP, ("provision_manage",)),
        ],
    ),
    (
        "School",
        [
            Link("Deadlines", "deadlines", Cap.REGISTER_VIEW, (":deadlines",)),
            Link("Term dates", "calendar:terms", Cap.CALENDAR_VIEW, ("calendar",)),
            Link("Staff", "staff:list", Cap.STAFF_VIEW, ("staff:list", "staff:member", "staff:i")),
            Link("Staff training", "training:people", Cap.TRAINING_VIEW, ("training",)),
            Link("My training", "training:mine", Cap.TRAINING_OWN, ("training:mine",)),
            Link(
                "Evidence asked of you",
                "exam_evidence:asked_of_me",
                Cap.EXAM_EVIDENCE_ANSWER,
                ("exam_evidence:asked_of_me", "exam_evidence:answer"),
                exams_only=True,
            ),
            Link("Audit log", "staff:audit", Cap.AUDIT_VIEW, ("staff:audit",)),
            Link("Looked-after children report", "lac:report", Cap.LAC_REPORT, ("lac:report",)),
            Link("Training report", "training:report", Cap.TRAINING_REPORT, ("training:report",)),
            Link("Termly SEND reports", "reports:reports", Cap.TERM_REPORT_PUBLISHED, ("reports",)),
            Link(
                "SEN information report",
                "inforeport:checklist",
                Cap.INFO_REPORT_VIEW,
                ("inforeport",),
            ),
        ],
    ),
]


def _here(request: HttpRequest) -> str:
    """ "ehcp:plan" for the page being shown: its namespace and url name."""
    match = request.resolver_match
    if match is None:
        return ""
    return f"{match.namespace}:{match.url_name}"


def _current(here: str) -> Link | None:
    """The link of the page being shown: one naming its url first, then one naming its namespace."""
    links = [link for _, group in MENU for link in group]
    for link in links:
        if any(":" in p and here.startswith(p) for p in link.current):
            return link
    namespace = here.split(":")[0]
    for link in links:
        if namespace in link.current:
            return link
    return None


# Each url name reversed once for the process, the school's slug put in its place (staff.links):
# the header's twenty-odd links on every page.
_links = SchoolLinks()


def menu_for(request: HttpRequest) -> list[Group]:
    access = getattr(request, "access", None)
    school = getattr(request, "school", None)
    if access is None or school is None:
        return []
    current = _current(_here(request))
    groups = []
    for label, links in MENU:
        group = Group(label)
        for link in links:
            if link.exams_only and not sits_exams(school.phase):
                continue
            if link.unless is not None and access.can(link.unless):
                continue
            if access.can(link.capability):
                url = _links(link.url_name, school.slug)
                group.entries.append(Entry(link.label, url, link is current))
        if group.entries:
            groups.append(group)
    return groups
