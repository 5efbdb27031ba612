"""The support plan models now belong to the plans app (plans/migrations/0001_initial.py): remove
them from provision's state only. The tables and their rows stay, owned by `plans`.

Their content types are renamed from `provision.*` to `plans.*`, so the permissions that point at
them keep pointing at the same models (on a fresh database there are none yet: they are made
after the migrations). Audit events name their object as a label string (`provision.SupportPlan`)
and are history: they are left as they were written.
"""

from django.db import migrations

MOVED = ["supportplan", "cycle", "target", "contribution", "parentmeeting"]


def _relabel(apps, *, old: str, new: str) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    taken = set(
        content_type.objects.filter(app_label=new, model__in=MOVED).values_list("model", flat=True)
    )
    content_type.objects.filter(app_label=old, model__in=set(MOVED) - taken).update(app_label=new)


def to_plans(apps, schema_editor) -> None:
    _relabel(apps, old="provision", new="plans")


def to_provision(apps, schema_editor) -> None:
    _relabel(apps, old="plans", new="provision")


class Migration(migrations.Migration):
    dependencies = [
        ("provision", "0002_support_plans"),
        ("plans", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="cycle",
                    name="plan",
                ),
                migrations.RemoveField(
                    model_name="cycle",
                    name="reviewed_by",
                ),
                migrations.RemoveField(
                    model_name="cycle",
                    name="school",
                ),
                migrations.RemoveField(
                    model_name="target",
                    name="cycle",
                ),
                migrations.RemoveField(
                    model_name="parentmeeting",
                    name="cycle",
                ),
                migrations.RemoveField(
                    model_name="parentmeeting",
                    name="plan",
                ),
                migrations.RemoveField(
                    model_name="parentmeeting",
                    name="recorded_by",
                ),
                migrations.RemoveField(
                    model_name="parentmeeting",
                    name="school",
                ),
                migrations.RemoveField(
                    model_name="supportplan",
                    name="created_by",
                ),
                migrations.RemoveField(
                    model_name="supportplan",
                    name="lead",
                ),
                migrations.RemoveField(
                    model_name="supportplan",
                    name="pupil",
                ),
                migrations.RemoveField(
                    model_name="supportplan",
                    name="school",
                ),
                migrations.RemoveField(
                    model_name="target",
                    name="carried_from",
                ),
                migrations.RemoveField(
                    model_name="target",
                    name="groups",
                ),
                migrations.RemoveField(
                    model_name="target",
                    name="need_type",
                ),
                migrations.RemoveField(
                    model_name="target",
                    name="school",
                ),
                migrations.DeleteModel(
                    name="Contribution",
                ),
                migrations.DeleteModel(
                    name="Cycle",
                ),
                migrations.DeleteModel(
                    name="ParentMeeting",
                ),
                migrations.DeleteModel(
                    name="SupportPlan",
                ),
                migrations.DeleteModel(
                    name="Target",
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(to_plans, to_provision),
    ]
