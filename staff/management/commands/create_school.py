"""Create a real school (and its trust) with its first SENDCo, who is emailed an invitation."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from staff import calendar as school_calendar
from staff.models import Role, School, Trust
from staff.services import staff_invite


class Command(BaseCommand):
    help = (
        "Create a school and invite its first SENDCo (or trust SEND lead). Example:\n"
        "  manage.py create_school --name 'St Mary's C of E Primary' --urn 123456 "
        "--phase primary --local-authority Kent --sendco-email s.jones@stmarys.sch.uk "
        "--sendco-name 'Sam Jones' [--trust 'Oak Trust'] [--trust-lead]"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--name", required=True)
        parser.add_argument("--urn", required=True, help="Six-digit URN from GIAS.")
        parser.add_argument("--phase", required=True, choices=[p.value for p in School.Phase])
        parser.add_argument("--local-authority", required=True)
        parser.add_argument("--slug", help="Short name for URLs; made from --name if left out.")
        parser.add_argument("--trust", help="Name of the trust (created if new).")
        parser.add_argument("--sendco-email", required=True)
        parser.add_argument("--sendco-name", required=True)
        parser.add_argument(
            "--trust-lead",
            action="store_true",
            help="Make the person the trust's SEND lead instead of SENDCo.",
        )

    @transaction.atomic
    def handle(self, *args, **opts) -> None:
        trust = None
        if opts["trust"]:
            trust, _ = Trust.objects.get_or_create(
                slug=slugify(opts["trust"])[:60], defaults={"name": opts["trust"]}
            )
        elif opts["trust_lead"]:
            raise CommandError("--trust-lead needs --trust.")
        school = School(
            trust=trust,
            name=opts["name"],
            urn=opts["urn"],
            phase=opts["phase"],
            local_authority=opts["local_authority"],
            slug=opts["slug"] or slugify(opts["name"])[:60],
        )
        try:
            school.full_clean()
        except ValidationError as error:
            raise CommandError(
                "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
            ) from error
        school.save()
        start = school_calendar.academic_year_start_for(timezone.localdate())
        school_calendar.create_default_year(school=school, academic_year_start=start)
        role = Role.TRUST_LEAD if opts["trust_lead"] else Role.SENDCO
        membership = staff_invite(
            school=school,
            email=opts["sendco_email"],
            full_name=opts["sendco_name"],
            role=role,
            by=None,
            by_role=Role.TRUST_LEAD,
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {school.name} at /s/{school.slug}/ and invited {membership.user.email} "
                f"as {membership.get_role_display()}. Term dates for this year follow the usual "
                "pattern: ask them to check the 'Term dates' page."
            )
        )
