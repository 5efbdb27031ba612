"""The audit log speaks words, not codes: every action any code audits has words in
`staff.audit_words`, found by reading every call that audits (so a new action cannot reach the
log as a raw code); and the log answers "who has looked at this child's record"."""

from __future__ import annotations

import ast
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from staff import calendar as school_calendar
from staff import layers
from staff.audit_words import ACTION_WORDS, action_words
from staff.models import AuditEvent, Role
from tests.factories import member
from tests.register.factories import class_of, make_pupil, put_on

ROOT = Path(__file__).resolve().parent.parent.parent
APPS = layers.APPS
CODE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
# Functions that write audit events, or hand an action on to one that does.
AUDITING = re.compile(r"audit|^_event$|^account_event$")


def _callee(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else ""


def _strings(tree: ast.AST) -> dict[str, set[str]]:
    """Every name assigned a string anywhere in `tree` (module constants, and locals such as
    `action = "provision.session.logged"`)."""
    found: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            for target in node.targets:
                if isinstance(target, ast.Name) and isinstance(node.value.value, str):
                    found.setdefault(target.id, set()).add(node.value.value)
    return found


def audited_actions() -> dict[str, str]:
    """action code -> where it is audited, for every call to audit(), audited(), audit_by(),
    pupil_audit() and their helpers in the code base; a code built at run time fails."""
    actions: dict[str, str] = {}
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            names = _strings(tree)
            for call in ast.walk(tree):
                if not isinstance(call, ast.Call) or not AUDITING.search(_callee(call)):
                    continue
                given = [*call.args, *(k.value for k in call.keywords if k.arg == "action")]
                for arg in given:
                    for node in ast.walk(arg):
                        assert not isinstance(node, ast.JoinedStr), (
                            f"{path}:{call.lineno}: an audit action must be a plain string"
                        )
                        if isinstance(node, ast.Constant) and isinstance(node.value, str):
                            values = {node.value}
                        elif isinstance(node, ast.Name):
                            values = names.get(node.id, set())
                        else:
                            continue
                        for value in values:
                            if CODE.match(value):
                                actions.setdefault(value, f"{path.relative_to(ROOT)}:{call.lineno}")
    return actions


def test_the_scan_finds_the_ways_actions_are_audited():
    found = audited_actions()
    assert len(found) > 100
    for action in (
        "register.pupil_viewed",  # @audited(...)
        "register.status_changed",  # pupil_audit(action=...)
        "provision.plan.started",  # pupil_audit(access, pupil, "...")
        "provision.session.logged",  # a local variable passed as action=action
        "auth.locked_out",  # a module constant
        "register.mis_import",  # another module's constant
        "mfa.enrolled",  # a helper, _event(request, "...")
        "pupil.viewed",  # _write_audit(request, "...")
    ):
        assert action in found, action


def test_every_audited_action_has_words():
    missing = {a: where for a, where in audited_actions().items() if a not in ACTION_WORDS}
    assert not missing, f"give these actions words in staff/audit_words.py: {missing}"


def test_words_are_plain_and_distinct():
    assert all(
        w and w[0].isupper() and "." not in w and "_" not in w for w in ACTION_WORDS.values()
    )
    assert len(set(ACTION_WORDS.values())) == len(ACTION_WORDS)
    assert action_words("provision.plan.viewed") == "Looked at a support plan"
    assert action_words("old.thing_done") == "Old: thing done"  # an old event's code, readable


@pytest.fixture
def looked_at(school, sendco, teacher, head):
    """Ada's record read by the head, her support plan by the teacher, home listing her and
    another pupil's page read by the SENDCo."""
    ada = make_pupil(school, legal_first_name="Ada", legal_last_name="Lovelace")
    ben = make_pupil(school, legal_first_name="Ben", legal_last_name="Brown")
    put_on(ada, "K", date(2025, 9, 1), "SLCN")
    for actor, role, action, pupil in [
        (head, Role.HEAD, "register.pupil_viewed", ada),
        (teacher, Role.TEACHER, "provision.plan.viewed", ada),
        (sendco, Role.SENDCO, "register.pupil_viewed", ben),
    ]:
        AuditEvent.objects.create(
            action=action,
            actor=actor,
            school=school,
            role=role,
            object_type="register.Pupil",
            object_id=str(pupil.public_id),
            object_repr=pupil.name,
            pupil_public_id=pupil.public_id,
        )
    AuditEvent.objects.create(
        action="school.home_viewed",
        actor=sendco,
        school=school,
        role=Role.SENDCO,
        detail={"pupils": [str(ada.public_id)]},
    )
    return ada, ben


def test_the_audit_log_shows_who_looked_at_one_pupil_in_words(client, school, sendco, looked_at):
    ada, ben = looked_at
    client.force_login(sendco)
    url = reverse("staff:audit", args=[school.slug])
    response = client.get(url, {"pupil": str(ada.public_id)})
    events = list(response.context["page"])
    assert {(e.action, e.actor.full_name) for e in events} == {
        ("register.pupil_viewed", "Hana Head"),
        ("provision.plan.viewed", "Tom Teacher"),
        ("school.home_viewed", "Sam Sendco"),
    }
    page = response.content.decode()
    assert "Looked at a support plan" in page
    assert "provision.plan.viewed" not in page.split("<table")[1]  # words, not the code
    assert "Showing who has looked at or changed Ada Lovelace's record" in page
    narrowed = client.get(url, {"pupil": str(ada.public_id), "person": sendco.pk})
    assert [e.action for e in narrowed.context["page"]] == ["school.home_viewed"]
    everyone = {e.action for e in client.get(url).context["page"]}
    assert "register.pupil_viewed" in everyone
    assert len(client.get(url, {"pupil": str(ben.public_id)}).context["page"]) == 1


def test_another_schools_events_about_a_pupil_stay_out(
    client, school, other_school, sendco, looked_at
):
    ada, _ = looked_at
    outsider = member(other_school, Role.SENDCO, full_name="Olive Outsider")
    AuditEvent.objects.create(
        action="register.pupil_viewed",
        actor=outsider,
        school=other_school,
        pupil_public_id=ada.public_id,
    )
    client.force_login(sendco)
    response = client.get(reverse("staff:audit", args=[school.slug]), {"pupil": ada.public_id})
    assert "Olive Outsider" not in response.content.decode()


@pytest.mark.parametrize(("role", "shown"), [("sendco", True), ("head", True), ("teacher", False)])
def test_the_pupil_page_links_to_its_audit_only_for_those_who_may_read_the_log(
    client, school, sendco, head, teacher, looked_at, role, shown
):
    ada, _ = looked_at
    user = {"sendco": sendco, "head": head, "teacher": teacher}[role]
    if role == "teacher":
        start = school_calendar.academic_year_start_for(timezone.localdate())
        year = school_calendar.create_default_year(school=school, academic_year_start=start)
        class_of(school, "3A", teachers=[teacher], pupils=[ada], year=year)
    client.force_login(user)
    page = client.get(reverse("register:pupil", args=[school.slug, ada.public_id]))
    assert page.status_code == 200
    link = f"{reverse('staff:audit', args=[school.slug])}?pupil={ada.public_id}"
    assert (link in page.content.decode()) is shown
    if shown:
        assert client.get(link).status_code == 200


# A page of the audit log's rows as the template's loop wrote them before `audit_rows` (kept
# beside this file): the tag writes the same rows, in the school's time zone.
AUDIT_ROWS_TEMPLATE = (Path(__file__).parent / "audit_rows_template.html").read_text()


def test_the_audit_rows_write_what_the_template_wrote(client, school, sendco):
    from django.template import Context, Template

    summer = datetime(2026, 7, 1, 23, 30, tzinfo=UTC)
    now = timezone.now()
    for actor, action, detail, repr_, ip, at in (
        (sendco, "staff.signed_in", {}, "Sam <Sendco>", "10.0.0.1", now),
        (
            None,
            "staff.invited",
            {"email": "new@x.test", "actor": "Kept & Co"},
            "Invite",
            "",
            summer,
        ),
        (None, "staff.role_changed", {"to": "head <b>"}, "A role", "", now),
        (None, "some.unknown_action", ["not", "a", "dict"], "Odd", "", now),
    ):
        AuditEvent.objects.create(
            school=school,
            actor=actor,
            action=action,
            detail=detail,
            object_repr=repr_,
            ip=ip or None,
            role="sendco",
            created_at=at,
        )
    client.force_login(sendco)
    response = client.get(reverse("staff:audit", args=[school.slug]))
    events = response.context["page"].events
    context = Context({"page": {"events": events}})
    old = Template(AUDIT_ROWS_TEMPLATE).render(context)
    new = Template("{% load list_rows %}{% audit_rows page.events %}").render(context)
    assert re.sub(r"\s+", " ", new).strip() == re.sub(r"\s+", " ", old).strip()
    assert re.sub(r"\s+", " ", new).strip() in re.sub(r"\s+", " ", response.content.decode())
    assert "Sam &lt;Sendco&gt;" in new
    assert "Kept &amp; Co" in new
    assert "→ head &lt;b&gt;" in new
    assert "02/07/2026 00:30" in new  # British Summer Time
