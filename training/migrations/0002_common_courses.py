"""Every school's catalogue starts with the common SEND courses (training/catalogue.py)."""

from django.db import migrations


def load(apps, schema_editor):
    from training.catalogue import seed

    School = apps.get_model("staff", "School")
    Course = apps.get_model("training", "Course")
    for school_id in School.objects.values_list("pk", flat=True):
        seed(course_model=Course, school_id=school_id)


def people(apps, schema_editor):
    """Everyone with a membership of a school is one of its staff members."""
    Membership = apps.get_model("staff", "Membership")
    StaffMember = apps.get_model("training", "StaffMember")
    seen = set()
    for school_id, user_id, name, ended_at in Membership.objects.exclude(
        role="governor"
    ).values_list("school_id", "user_id", "user__full_name", "ended_at"):
        if (school_id, user_id) in seen:
            continue
        seen.add((school_id, user_id))
        StaffMember.objects.create(
            school_id=school_id,
            user_id=user_id,
            name=name,
            left_on=ended_at.date() if ended_at else None,
        )


class Migration(migrations.Migration):
    dependencies = [("training", "0001_initial")]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
        migrations.RunPython(people, migrations.RunPython.noop),
    ]
