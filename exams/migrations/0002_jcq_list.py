"""The JCQ list of access arrangements as reference data (AARA, 1 September 2025 - 31 August 2026,
chapter 5 and its appendices). Which are delegated to the centre is how the 2025-26 rules read in
the sources seen (DOMAIN.md 6.1); JCQ revises its list each year and the count of delegated
arrangements is unconfirmed (19 or 21), so every row is editable in the admin."""

from django.db import migrations

# code, name, delegated to the centre, needs Form 8
JCQ_LIST = [
    ("extra-time-25", "25% extra time", False, True),
    ("extra-time-over-25", "Extra time over 25% (up to 50%)", False, True),
    ("reader", "Reader", False, True),
    ("computer-reader", "Computer reader", False, True),
    ("scribe", "Scribe", False, True),
    ("speech-recognition", "Speech recognition technology", False, True),
    ("language-modifier", "Oral language modifier", False, True),
    ("practical-assistant", "Practical assistant", False, False),
    ("communication-professional", "Communication professional (sign language)", False, False),
    ("modified-papers", "Modified papers (enlarged, coloured, braille)", False, False),
    ("alternative-site", "Alternative site", False, False),
    ("word-processor", "Word processor", True, False),
    ("rest-breaks", "Supervised rest breaks", True, False),
    ("separate-invigilation", "Separate invigilation", True, False),
    ("read-aloud", "Read aloud or an examination reading pen", True, False),
    ("prompter", "Prompter", True, False),
    ("coloured-overlays", "Coloured overlays", True, False),
    ("coloured-paper", "Printing the paper on coloured paper", True, False),
    ("colour-naming", "Colour naming by the invigilator", True, False),
    ("live-speaker", "Live speaker for pre-recorded components", True, False),
    ("bilingual-dictionary", "Bilingual translation dictionary", True, False),
    ("transcript", "Transcript", True, False),
    ("seating", "Seating arrangements", True, False),
    ("low-vision-aid", "Low vision aid or magnifier", True, False),
    ("amplification", "Amplification equipment or a taped recording", True, False),
]


def add_list(apps, schema_editor):
    kind = apps.get_model("exams", "ArrangementKind")
    for order, (code, name, delegated, form8) in enumerate(JCQ_LIST, start=1):
        kind.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "delegated": delegated,
                "needs_form8": form8,
                "order": order * 10,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("exams", "0001_initial")]

    operations = [migrations.RunPython(add_list, migrations.RunPython.noop)]
