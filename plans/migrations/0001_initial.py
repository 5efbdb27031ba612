"""Support plans moved here from the provision app (issue 11). Their tables stay where they are
(`provision_supportplan`, `provision_cycle`, `provision_target` and its `provision_target_groups`,
`provision_contribution`, `provision_parentmeeting`; see `Meta.db_table`): this migration only
tells Django's state that the models now belong to `plans`; it changes nothing in the database.

It runs after `provision.0002_support_plans`, which made the tables, and before
`provision.0003_support_plans_moved`, which removes the models from provision's state. On a
database that had the plans already, both are no-ops; on an empty one, `provision.0002` makes
the tables and these two hand them over.
"""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("provision", "0002_support_plans"),
        ("register", "0002_need_types"),
        ("staff", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Cycle",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "public_id",
                            models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
                        ),
                        ("number", models.PositiveSmallIntegerField()),
                        (
                            "stage",
                            models.CharField(
                                choices=[
                                    ("assess", "Assess"),
                                    ("plan", "Plan"),
                                    ("do", "Do"),
                                    ("reviewed", "Reviewed"),
                                ],
                                default="assess",
                                max_length=10,
                            ),
                        ),
                        ("starts_on", models.DateField()),
                        (
                            "needs_summary",
                            models.TextField(blank=True, verbose_name="summary of needs"),
                        ),
                        (
                            "assessment",
                            models.TextField(blank=True, verbose_name="assessment evidence"),
                        ),
                        (
                            "pupil_views",
                            models.TextField(blank=True, verbose_name="the pupil's views"),
                        ),
                        (
                            "parent_views",
                            models.TextField(blank=True, verbose_name="the parents' views"),
                        ),
                        (
                            "strategies",
                            models.TextField(
                                blank=True, verbose_name="strategies for class teachers"
                            ),
                        ),
                        (
                            "agreed_on",
                            models.DateField(
                                blank=True, null=True, verbose_name="plan agreed with parents on"
                            ),
                        ),
                        (
                            "review_due",
                            models.DateField(blank=True, null=True, verbose_name="review date"),
                        ),
                        ("reviewed_on", models.DateField(blank=True, null=True)),
                        (
                            "review_summary",
                            models.TextField(blank=True, verbose_name="overall progress"),
                        ),
                        (
                            "review_pupil_views",
                            models.TextField(
                                blank=True, verbose_name="the pupil's views at review"
                            ),
                        ),
                        (
                            "review_parent_views",
                            models.TextField(
                                blank=True, verbose_name="the parents' views at review"
                            ),
                        ),
                        (
                            "participants",
                            models.TextField(blank=True, verbose_name="who took part"),
                        ),
                        ("next_steps", models.TextField(blank=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "reviewed_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "school",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="staff.school",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "provision_cycle",
                        "ordering": ["plan", "number"],
                    },
                ),
                migrations.CreateModel(
                    name="Contribution",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "stage",
                            models.CharField(
                                choices=[("assess", "Assessment"), ("review", "Review")],
                                default="review",
                                max_length=10,
                            ),
                        ),
                        ("body", models.TextField(verbose_name="contribution")),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "author",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "school",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="staff.school",
                            ),
                        ),
                        (
                            "cycle",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="contributions",
                                to="plans.cycle",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "provision_contribution",
                        "ordering": ["cycle", "created_at"],
                    },
                ),
                migrations.CreateModel(
                    name="SupportPlan",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "public_id",
                            models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("sen_support", "SEN support plan"),
                                    ("ehcp_interim", "Interim targets (EHC plan)"),
                                ],
                                default="sen_support",
                                max_length=15,
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "created_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "lead",
                            models.ForeignKey(
                                blank=True,
                                help_text="The class teacher who leads the plan day to day, and is reminded of reviews.",
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "pupil",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="support_plan",
                                to="register.pupil",
                            ),
                        ),
                        (
                            "school",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="staff.school",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "provision_supportplan",
                    },
                ),
                migrations.CreateModel(
                    name="ParentMeeting",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "public_id",
                            models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
                        ),
                        ("held_on", models.DateField()),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("planning", "Planning meeting"),
                                    ("review", "Review meeting"),
                                    ("other", "Other meeting"),
                                ],
                                default="other",
                                max_length=10,
                            ),
                        ),
                        (
                            "attended_by",
                            models.CharField(blank=True, max_length=300, verbose_name="who came"),
                        ),
                        ("notes", models.TextField(blank=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "cycle",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="meetings",
                                to="plans.cycle",
                            ),
                        ),
                        (
                            "recorded_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "school",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="staff.school",
                            ),
                        ),
                        (
                            "plan",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="meetings",
                                to="plans.supportplan",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "provision_parentmeeting",
                        "ordering": ["plan", "-held_on"],
                    },
                ),
                migrations.AddField(
                    model_name="cycle",
                    name="plan",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="cycles",
                        to="plans.supportplan",
                    ),
                ),
                migrations.CreateModel(
                    name="Target",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "public_id",
                            models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
                        ),
                        ("position", models.PositiveSmallIntegerField(default=1)),
                        (
                            "outcome_sought",
                            models.CharField(
                                blank=True,
                                help_text="What we are working towards.",
                                max_length=300,
                                verbose_name="longer-term outcome",
                            ),
                        ),
                        (
                            "description",
                            models.TextField(
                                help_text="What the pupil will be able to do.",
                                verbose_name="target",
                            ),
                        ),
                        (
                            "measure",
                            models.CharField(
                                blank=True, max_length=200, verbose_name="how it is measured"
                            ),
                        ),
                        (
                            "baseline",
                            models.CharField(
                                blank=True, max_length=200, verbose_name="starting point"
                            ),
                        ),
                        (
                            "expected",
                            models.CharField(
                                blank=True, max_length=200, verbose_name="success looks like"
                            ),
                        ),
                        (
                            "by_when",
                            models.DateField(blank=True, null=True, verbose_name="by when"),
                        ),
                        (
                            "other_provision",
                            models.CharField(
                                blank=True,
                                help_text="In-class support, equipment …",
                                max_length=300,
                                verbose_name="other provision",
                            ),
                        ),
                        (
                            "outcome",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("achieved", "Achieved"),
                                    ("partly", "Partly achieved"),
                                    ("not_achieved", "Not achieved"),
                                ],
                                max_length=15,
                            ),
                        ),
                        (
                            "evidence",
                            models.TextField(blank=True, verbose_name="evidence of progress"),
                        ),
                        ("next_step", models.TextField(blank=True, verbose_name="next step")),
                        (
                            "carried_from",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="carried_to",
                                to="plans.target",
                            ),
                        ),
                        (
                            "cycle",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="targets",
                                to="plans.cycle",
                            ),
                        ),
                        (
                            "groups",
                            models.ManyToManyField(
                                blank=True,
                                related_name="targets",
                                to="provision.group",
                                verbose_name="provision",
                            ),
                        ),
                        (
                            "need_type",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="register.needtype",
                                verbose_name="need it addresses",
                            ),
                        ),
                        (
                            "school",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="staff.school",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "provision_target",
                        "ordering": ["cycle", "position", "pk"],
                    },
                ),
                migrations.AddConstraint(
                    model_name="cycle",
                    constraint=models.UniqueConstraint(
                        fields=("plan", "number"), name="cycle_number_unique"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="cycle",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("stage", "reviewed"), _negated=True),
                        fields=("plan",),
                        name="cycle_one_open_per_plan",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="cycle",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("stage", "reviewed"), _negated=True),
                            ("reviewed_on__isnull", False),
                            _connector="OR",
                        ),
                        name="cycle_reviewed_has_date",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
