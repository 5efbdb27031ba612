"""SenStatus.provision becomes SenStatus.category (issue 11): "provision" alone is the provision
map, and section F of an EHC plan is special educational provision. A rename: the data stays
(the column is renamed). The census file keeps its "SEN provision" header (register/census.py)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("register", "0002_need_types"),
    ]

    operations = [
        migrations.RenameField(
            model_name="senstatus",
            old_name="provision",
            new_name="category",
        ),
        migrations.AlterField(
            model_name="needtype",
            name="only_with_sen_support",
            field=models.BooleanField(
                default=False, help_text="Valid only with SEN category K (the census rule for NSA)."
            ),
        ),
    ]
