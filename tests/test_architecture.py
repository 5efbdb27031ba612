"""Every rule in its room (DESIGN.md): views and templates show and route, they never decide.

A view module (`views.py`, `*_views.py` or a `views/` package) may not do date arithmetic, check
a role, query the database, write to it or audit by hand: dates come from the apps' rules and
deadlines modules, rights and row scopes from staff/capabilities.py, reads from selectors,
writes and their audit from services, and read audits from `staff.http.audited`. Nor may it
catch a service's refusal by hand: a form goes through `staff.http.save_form`, an action without
a form through `staff.http.run_action` (or `attempt`, when the page shows the refusal itself).
Each public view is at most 25 lines, from its last decorator to its end (most are 15 or fewer):
access -> form -> service -> redirect or render, with the page's context put together in a
selector or the app's `pages` module. A template may not compare a role or a number that is a
business threshold. Imports run downward only.

Each check reads the source, so a new view or template is held to the same rules at once.

Every model form is an `staff.edits.EditCheck`, so a form that edits an existing record refuses a
save someone else overtook (no silent lost edits), and a template that lays a POST form out field
by field also renders its hidden fields, so the form's fingerprint is never dropped.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from pathlib import Path

import pytest

from staff import layers

ROOT = Path(__file__).resolve().parent.parent
# Ground floor first; an app may import only the apps before it in this list (and itself).
LAYERS = layers.LAYERS  # apps of one floor stand side by side: never import each other
APPS = layers.APPS
ROLE_NAMES = {"sendco", "trust_lead", "head", "teacher", "ta", "governor"}

# Querying or writing through the ORM. `count`, `values` and `update` are left out: lists, dicts
# and strings have them too, and the chains that would use them start with one of these.
ORM_READS = {
    "objects",
    "filter",
    "exclude",
    "annotate",
    "aggregate",
    "select_related",
    "prefetch_related",
    "select_for_update",
    "order_by",
    "values_list",
    "exists",
    "first",
    "last",
    "latest",
    "earliest",
    "in_bulk",
    "raw",
    "extra",
}
ORM_WRITES = {
    "save",
    "delete",
    "create",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
    "full_clean",
}
DATE_ARITHMETIC = {"timedelta", "relativedelta"}
AUDIT_CALLS = {"audit", "pupil_audit"}
REFUSALS = {"ValidationError", "PermissionDenied"}
MAX_VIEW_LINES = 25


def _python_files(app: str) -> list[Path]:
    return sorted(
        p for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts and p.is_file()
    )


def _is_view_module(path: Path) -> bool:
    return path.name == "views.py" or path.name.endswith("_views.py") or "views" in path.parts


VIEW_MODULES = [p for app in APPS for p in _python_files(app) if _is_view_module(p)]


def _where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(ROOT)}:{node.lineno}"


def _view_violations(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.name in DATE_ARITHMETIC:
                    found.append(f"{_where(path, node)} imports {alias.name} (date arithmetic)")
                if alias.name == "Role":
                    found.append(f"{_where(path, node)} imports Role (a role check)")
        elif isinstance(node, ast.Attribute):
            if node.attr in ORM_READS:
                found.append(f"{_where(path, node)} .{node.attr} (an ORM query)")
            elif node.attr in ORM_WRITES:
                found.append(f"{_where(path, node)} .{node.attr} (a database write)")
            elif node.attr == "role" and _compared(node, tree):
                found.append(f"{_where(path, node)} compares .role (a role check)")
            elif node.attr in DATE_ARITHMETIC:
                found.append(f"{_where(path, node)} .{node.attr} (date arithmetic)")
        elif isinstance(node, ast.Name) and node.id in DATE_ARITHMETIC:
            found.append(f"{_where(path, node)} {node.id} (date arithmetic)")
        elif isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in AUDIT_CALLS:
                found.append(f"{_where(path, node)} {name}() (audit by hand: use @audited)")
        elif isinstance(node, ast.ExceptHandler) and node.type is not None:
            caught = node.type.elts if isinstance(node.type, ast.Tuple) else [node.type]
            found.extend(
                f"{_where(path, node)} catches {name} (by hand: use save_form or run_action)"
                for name in (getattr(c, "id", None) or getattr(c, "attr", None) for c in caught)
                if name in REFUSALS
            )
        elif isinstance(node, ast.Compare):
            found.extend(
                f"{_where(path, node)} compares with {value.value!r} (a role)"
                for value in [node.left, *node.comparators]
                if isinstance(value, ast.Constant) and value.value in ROLE_NAMES
            )
    return sorted(set(found))


def _compared(node: ast.Attribute, tree: ast.AST) -> bool:
    for parent in ast.walk(tree):
        if isinstance(parent, ast.Compare) and any(
            child is node for child in [parent.left, *parent.comparators]
        ):
            return True
    return False


@pytest.mark.parametrize("path", VIEW_MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_views_never_decide(path):
    """No date arithmetic, role check, query, write or hand-written audit in a view module."""
    assert _view_violations(path) == []


def _long_views(path: Path) -> list[str]:
    """Public decorated functions (the views) longer than MAX_VIEW_LINES, counted from the last
    decorator line to the function's end."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.decorator_list:
            if node.name.startswith("_"):
                continue
            length = node.end_lineno - node.decorator_list[-1].lineno
            if length > MAX_VIEW_LINES:
                found.append(f"{_where(path, node)} {node.name}: {length} lines")
    return found


def test_views_are_short():
    """Every view is access -> form -> service -> redirect or render, in at most 25 lines: the
    page's context belongs in a selector or `pages`, a decision in rules or a service."""
    long = [line for path in VIEW_MODULES for line in _long_views(path)]
    assert long == [], (
        f"{len(long)} view(s) longer than {MAX_VIEW_LINES} lines (from the last decorator to "
        "the end); move the context into a selector or pages helper and the decisions into "
        "rules or services:\n  " + "\n  ".join(long)
    )


TEMPLATES = sorted((ROOT / "templates").rglob("*.html")) + sorted(
    (ROOT / "templates").rglob("*.txt")
)
TAG = re.compile(r"{%-?\s*(?:if|elif)\b(.*?)-?%}", re.S)
NUMBER_COMPARED = re.compile(
    r"(?:[<>]=?|[!=]=)\s*(-?\d+(?:\.\d+)?)\b|\b(-?\d+(?:\.\d+)?)\s*(?:[<>]=?|[!=]=)"
)
ROLE_COMPARED = re.compile(
    r"\baccess\.role\b|\brole\s*(?:==|!=|\bin\b)|[\"'](?:sendco|trust_lead|head|teacher|ta|governor)[\"']"
)


def _template_violations(path: Path) -> list[str]:
    found = []
    text = path.read_text()
    for match in TAG.finditer(text):
        condition = match.group(1)
        line = text.count("\n", 0, match.start()) + 1
        where = f"{path.relative_to(ROOT)}:{line}"
        if ROLE_COMPARED.search(condition):
            found.append(f"{where} checks a role: {{% if{condition}%}}")
        for number in NUMBER_COMPARED.findall(condition):
            value = next(n for n in number if n)
            # 0 and 1 are signs and counts ("any", "more than one"), not thresholds; where a
            # loop puts "and" before the last item is grammar.
            if value not in ("0", "1") and "forloop." not in condition:
                found.append(f"{where} compares with {value}: {{% if{condition}%}}")
    return found


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_templates_never_decide(path):
    """No role string and no numeric threshold in a template's conditions."""
    assert _template_violations(path) == []


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("app", [app for app in APPS if (ROOT / app).is_dir()])
def test_imports_run_downward(app):
    """An app imports only the floors below it; plans and ehcp never import each other."""
    floor = next(i for i, apps in enumerate(LAYERS) if app in apps)
    allowed = {a for f in LAYERS[:floor] for a in f} | {app}
    upward = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in _python_files(app)
        for name in sorted(_imports(path) & set(APPS))
        if name not in allowed
    ]
    assert upward == []


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


FORM_MODULES = [
    p for app in APPS for p in _python_files(app) if "form" in p.name or _is_view_module(p)
]


def _model_forms() -> list[type]:
    from django import forms

    found = []
    for path in FORM_MODULES:
        module = importlib.import_module(_module_name(path))
        found += [
            cls
            for cls in vars(module).values()
            if inspect.isclass(cls)
            and issubclass(cls, forms.BaseModelForm)
            and cls.__module__ == module.__name__
        ]
    return found


def test_every_model_form_refuses_a_stale_save():
    """A model form bound to an existing record carries its fingerprint (`EditCheck`), so two
    people editing the same record never lose an edit without a word. A plain form that edits a
    record mixes in `EditCheck` too and names the record with `edits=`."""
    from staff.edits import EditCheck

    forms_found = _model_forms()
    assert len(forms_found) > 10  # the check sees the forms
    assert [
        f"{f.__module__}.{f.__name__}" for f in forms_found if not issubclass(f, EditCheck)
    ] == []


POST_FORM = re.compile(r"<form\b[^>]*method=\"post\".*?</form>", re.S | re.I)


def _hidden_fields_dropped(path: Path) -> list[str]:
    text = path.read_text()
    return [
        f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, m.start()) + 1}"
        for m in POST_FORM.finditer(text)
        if "as_crispy_field" in m.group(0) and "hidden_fields" not in m.group(0)
    ]


def test_forms_laid_out_by_hand_keep_their_hidden_fields():
    """`{{ form|crispy }}` renders the hidden fingerprint; a POST form laid out field by field
    must render `form.hidden_fields` itself."""
    assert [where for path in TEMPLATES for where in _hidden_fields_dropped(path)] == []


def test_the_checks_catch_what_they_forbid(tmp_path):
    """The checks themselves: a view that decides, a view too long and a template that decides
    are caught."""
    view = tmp_path / "views.py"
    view.write_text(
        "from datetime import timedelta\n"
        "from staff.models import Role\n"
        "def v(request, pupil):\n"
        "    if request.access.role == 'teacher':\n"
        "        pupil.due = pupil.on + timedelta(weeks=6)\n"
        "        pupil.save()\n"
        "    audit(action='x')\n"
        "    try:\n"
        "        pupil.full_clean()\n"
        "    except ValidationError:\n"
        "        pass\n"
        "    return Pupil.objects.filter(school=request.school).first()\n"
    )
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        problems = " ".join(_view_violations(view))
        long_view = tmp_path / "long_views.py"
        body = "".join(f"    x{i} = {i}\n" for i in range(MAX_VIEW_LINES))
        long_view.write_text(f"@require_safe\ndef v(request):\n{body}\ndef _helper():\n{body}")
        long_problems = _long_views(long_view)
        template = tmp_path / "t.html"
        template.write_text(
            '{% if access.role == "trust_lead" %}x{% endif %}'
            "{% if d.percent < 80 %}low{% endif %}{% if rows|length > 1 %}s{% endif %}"
        )
        template_problems = " ".join(_template_violations(template))
        by_hand = tmp_path / "by_hand.html"
        by_hand.write_text(
            '<form method="post">{{ form.a|as_crispy_field }}</form>\n'
            '<form method="post">{% for h in form.hidden_fields %}{{ h }}{% endfor %}'
            "{{ form.a|as_crispy_field }}</form>"
        )
        dropped = _hidden_fields_dropped(by_hand)
    finally:
        ROOT = saved
    for expected in ("timedelta", "Role", ".role", ".save", "audit()", ".objects", ".filter"):
        assert expected in problems, expected
    assert "catches ValidationError" in problems
    assert long_problems == [f"long_views.py:2 v: {MAX_VIEW_LINES + 1} lines"]
    assert "checks a role" in template_problems
    assert "compares with 80" in template_problems
    assert "compares with 1" not in template_problems
    assert dropped == ["by_hand.html:1"]
