"""The rates DOMAIN.md 4.2 confirms: financial years 2024-25 and 2025-26. Later years are entered
by an administrator when the DfE publishes them, never guessed."""

from decimal import Decimal

from django.db import migrations

SOURCE = "Pupil premium: allocations and conditions of grant (DfE), DOMAIN.md 4.2"
RATES = {
    2024: {
        "fsm_primary": "1480",
        "fsm_secondary": "1050",
        "plac": "2570",
        "lac": "2570",
        "service": "340",
    },
    2025: {
        "fsm_primary": "1515",
        "fsm_secondary": "1075",
        "plac": "2630",
        "lac": "2630",
        "service": "350",
    },
}


def add_rates(apps, schema_editor):
    rate = apps.get_model("premium", "FundingRate")
    for year, amounts in RATES.items():
        for category, amount in amounts.items():
            rate.objects.update_or_create(
                financial_year=year,
                category=category,
                defaults={"amount": Decimal(amount), "source": SOURCE},
            )


def remove_rates(apps, schema_editor):
    apps.get_model("premium", "FundingRate").objects.filter(financial_year__in=RATES).delete()


class Migration(migrations.Migration):
    dependencies = [("premium", "0001_initial")]

    operations = [migrations.RunPython(add_rates, remove_rates)]
