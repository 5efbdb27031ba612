"""The common SEND courses every school's catalogue starts with (the school edits its own copy):
what each covers in census SEN type codes (register's NeedType), how long its certificate lasts,
and whether it needs supervision (DOMAIN.md 6.3)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class CommonCourse:
    name: str
    description: str
    covers: tuple[str, ...] = ()
    whole_school: bool = False
    expires_after_months: int | None = None
    supervision: str = ""
    qualification: str = ""
    usual_hours: Decimal | None = None


COMMON_COURSES: tuple[CommonCourse, ...] = (
    CommonCourse(
        "SEND awareness (INSET)",
        "The graduated approach, the register and the school's SEND policy, for every adult.",
        whole_school=True,
        usual_hours=Decimal("1.5"),
    ),
    CommonCourse(
        "Autism awareness",
        "Understanding autism and adapting the classroom.",
        covers=("ASD",),
        usual_hours=Decimal("3"),
    ),
    CommonCourse(
        "Autism Education Trust: Making Sense of Autism",
        "AET level 1, for every adult in school.",
        covers=("ASD",),
        usual_hours=Decimal("1.5"),
    ),
    CommonCourse(
        "Autism Education Trust: Good Autism Practice",
        "AET level 2, for staff working directly with autistic pupils.",
        covers=("ASD",),
        usual_hours=Decimal("6"),
    ),
    CommonCourse(
        "ELSA (Emotional Literacy Support Assistant)",
        "Five to six days with the educational psychology service; supervised half-termly.",
        covers=("SEMH",),
        supervision="half_termly",
        usual_hours=Decimal("33"),
    ),
    CommonCourse(
        "Youth Mental Health First Aid",
        "MHFA England, for adults supporting 8 to 18 year olds; refresher every 3 years.",
        covers=("SEMH",),
        expires_after_months=36,
        usual_hours=Decimal("14"),
    ),
    CommonCourse(
        "Team Teach (positive handling)",
        "De-escalation and positive handling; refresher every year.",
        covers=("SEMH",),
        expires_after_months=12,
        usual_hours=Decimal("6"),
    ),
    CommonCourse(
        "Makaton",
        "Signs and symbols for communication (foundation workshop).",
        covers=("SLCN", "SLD", "PMLD", "DS"),
        usual_hours=Decimal("6"),
    ),
    CommonCourse(
        "NELI (Nuffield Early Language Intervention)",
        "Oral language programme for Reception.",
        covers=("SLCN",),
        usual_hours=Decimal("6"),
    ),
    CommonCourse(
        "ELKLAN speech and language support",
        "Accredited speech, language and communication course for TAs and teachers.",
        covers=("SLCN",),
        usual_hours=Decimal("20"),
    ),
    CommonCourse(
        "Dyslexia and specific learning difficulties",
        "Recognising and supporting dyslexia, dyscalculia and dyspraxia.",
        covers=("SPLD",),
        usual_hours=Decimal("3"),
    ),
    CommonCourse(
        "Epilepsy awareness and rescue medication",
        "Recognising seizures and giving buccal midazolam; refresher every year.",
        covers=("PD",),
        expires_after_months=12,
        usual_hours=Decimal("3"),
    ),
    CommonCourse(
        "Medical needs: diabetes, allergies and anaphylaxis",
        "From the school nursing team; refresher every year.",
        covers=("PD",),
        expires_after_months=12,
        usual_hours=Decimal("2"),
    ),
    CommonCourse(
        "Supporting pupils with hearing or vision impairment",
        "From the LA's sensory support service.",
        covers=("HI", "VI", "MSI"),
        usual_hours=Decimal("3"),
    ),
    CommonCourse(
        "Precision teaching and overlearning",
        "Short daily teaching for pupils with learning difficulties.",
        covers=("MLD", "SPLD"),
        usual_hours=Decimal("2"),
    ),
    CommonCourse(
        "NPQ for SENCOs",
        "The mandatory SENCO qualification since September 2024 (18 to 22 months).",
        qualification="npq",
    ),
    CommonCourse(
        "National Award for SEN Coordination (NASENCO)",
        "The SENCO qualification before the NPQ: counts if started before 1 September 2024 "
        "and completed before 1 September 2027.",
        qualification="nasenco",
    ),
)


def seed(*, course_model, school_id: int) -> int:
    """Add the common courses the school does not have yet (by name); how many were added.
    `course_model` is the Course model (the historical one in a migration)."""
    have = set(course_model.objects.filter(school_id=school_id).values_list("name", flat=True))
    new = [
        course_model(
            school_id=school_id,
            name=c.name,
            description=c.description,
            covers=list(c.covers),
            whole_school=c.whole_school,
            expires_after_months=c.expires_after_months,
            supervision=c.supervision,
            qualification=c.qualification,
            usual_hours=c.usual_hours,
        )
        for c in COMMON_COURSES
        if c.name not in have
    ]
    course_model.objects.bulk_create(new)
    return len(new)
