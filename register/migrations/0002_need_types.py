"""The census SEN type codes of DOMAIN.md 3.3 as editable reference data.

The code of the Down syndrome type (new from the January 2025 census) is UNCONFIRMED in our
sources: it is loaded as "DS" and can be corrected in the admin without a release.
"""

from django.db import migrations

NEED_TYPES = [
    # code, name, broad area, only with K, sort order
    ("SPLD", "Specific learning difficulty", "cl", False, 10),
    ("MLD", "Moderate learning difficulty", "cl", False, 20),
    ("SLD", "Severe learning difficulty", "cl", False, 30),
    ("PMLD", "Profound and multiple learning difficulty", "cl", False, 40),
    ("SEMH", "Social, emotional and mental health", "semh", False, 50),
    ("SLCN", "Speech, language and communication needs", "ci", False, 60),
    ("ASD", "Autistic spectrum disorder", "ci", False, 70),
    ("HI", "Hearing impairment", "sp", False, 80),
    ("VI", "Vision impairment", "sp", False, 90),
    ("MSI", "Multi-sensory impairment", "sp", False, 100),
    ("PD", "Physical disability", "sp", False, 110),
    ("DS", "Down syndrome", "", False, 120),
    ("OTH", "Other difficulty or disability", "", False, 130),
    ("NSA", "SEN support but no specialist assessment of type of need", "", True, 140),
]


def load(apps, schema_editor):
    NeedType = apps.get_model("register", "NeedType")
    for code, name, area, only_k, order in NEED_TYPES:
        NeedType.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "broad_area": area,
                "only_with_sen_support": only_k,
                "sort_order": order,
                "active": True,
            },
        )


def unload(apps, schema_editor):
    apps.get_model("register", "NeedType").objects.filter(
        code__in=[row[0] for row in NEED_TYPES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("register", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
