"""The ground floor: trusts, schools, people and roles, the audit trail, the school calendar."""

from __future__ import annotations

import json
import logging
import unicodedata
import uuid

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone


class Trust(models.Model):
    """A multi-academy trust: one legal data controller for all its schools."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# A year group as the register writes it (register.models.YearGroup: N1, N2, R, 1 to 14); the
# register depends on staff, so the choices are the forms' (ehcp.forms.TransferSettingsForm).
year_group_code = RegexValidator(r"^(N1|N2|R|[1-9]|1[0-4])$", "Choose a year group.")


class School(models.Model):
    class Phase(models.TextChoices):
        NURSERY = "nursery", "Nursery"
        PRIMARY = "primary", "Primary"
        MIDDLE = "middle", "Middle"
        SECONDARY = "secondary", "Secondary"
        ALL_THROUGH = "all_through", "All-through"
        SPECIAL = "special", "Special"
        ALTERNATIVE = "alternative", "Alternative provision"
        POST_16 = "post_16", "16 plus"

    trust = models.ForeignKey(
        Trust,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="schools",
        help_text="Empty for a maintained or stand-alone school.",
    )
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    urn = models.CharField(
        "URN",
        max_length=6,
        unique=True,
        validators=[RegexValidator(r"^\d{6}$", "A URN is six digits.")],
        help_text="The school's unique reference number (Get Information About Schools).",
    )
    phase = models.CharField(max_length=20, choices=Phase.choices)
    # The age range as year groups decides which year groups move to another phase (ehcp.rules
    # `phase_transfer`): set on the phase-transfer settings page, or from the year groups on roll
    # by the MIS import until someone sets it; empty, the usual range of the phase.
    lowest_year = models.CharField(
        "youngest year group", max_length=2, blank=True, validators=[year_group_code]
    )
    highest_year = models.CharField(
        "oldest year group", max_length=2, blank=True, validators=[year_group_code]
    )
    age_range_source = models.CharField(
        max_length=10,
        blank=True,
        choices=[("mis", "the MIS import"), ("settings", "the school's settings")],
    )
    year_11_transfer = models.BooleanField(
        "Year 11 reviews are phase transfers",
        default=True,
        help_text="The amended plan naming the post-16 setting by 31 March (reg. 18). Turn off "
        "only if your LA does not treat Year 11 pupils staying in your sixth form as a transfer.",
    )
    local_authority = models.CharField(max_length=100)
    # Looked-after status is more sensitive than SEN: class teachers and teaching assistants see
    # that a pupil is looked after only when the school chooses so (never the PEP).
    class_staff_see_looked_after = models.BooleanField(
        "class teachers and teaching assistants see that a pupil is looked after",
        default=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def canonical_email(value: object) -> str:
    """The one spelling of an email address that sendco stores, signs in with, locks out and
    sends resets and invitations to: Unicode NFKC (a full-width `＠` or `ｇ` is the plain
    character), no surrounding spaces, lower case. Everything that looks a person up by address
    goes through here, so a spelling that signs in as an account always counts against its lock.
    """
    folded = unicodedata.normalize("NFKC", str(value)).strip().lower()
    return unicodedata.normalize("NFKC", folded)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    @classmethod
    def normalize_email(cls, email: str | None) -> str:
        return canonical_email(email or "")

    def get_by_natural_key(self, username: str) -> User:
        """Sign-in (ModelBackend, the admin too) finds the account by its canonical address. An
        account saved before addresses were canonical (capitals typed in the admin) is found
        whatever its case, and only when that is unambiguous; every spelling that reaches it
        still folds to one lockout key."""
        email = canonical_email(username)
        try:
            return self.get(email=email)
        except self.model.DoesNotExist:
            older = list(self.filter(email__iexact=email)[:2])
            if len(older) != 1:
                raise
            return older[0]

    def _create(self, email: str, password: str | None, **fields) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=canonical_email(email), **fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        fields.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with their email address. What they may do lives in Membership."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150)
    is_active = models.BooleanField(
        default=True, help_text="Off when the person has left: they can no longer sign in."
    )
    is_staff = models.BooleanField(default=False, help_text="Can open the Django admin.")
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self) -> None:
        """An address typed in the admin is stored as sign-in finds it: canonical."""
        super().clean()
        self.email = canonical_email(self.email)

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Role(models.TextChoices):
    SENDCO = "sendco", "SENDCo"
    TRUST_LEAD = "trust_lead", "Trust SEND lead"
    HEAD = "head", "Headteacher"
    TEACHER = "teacher", "Class teacher"
    TA = "ta", "Teaching assistant"
    GOVERNOR = "governor", "Governor"


class MembershipQuerySet(models.QuerySet):
    def active(self) -> MembershipQuerySet:
        return self.filter(ended_at__isnull=True, user__is_active=True)

    def for_school(self, school: School) -> MembershipQuerySet:
        return self.filter(school=school)


class Membership(models.Model):
    """A person's role in one school; a trust lead's membership reaches all the trust's schools."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="memberships")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    invited_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    # Named duties beyond the role (`capabilities.Duty`): the Pupil Premium lead, the designated
    # teacher for looked-after children. Each grants the capabilities the map gives it.
    duties = models.JSONField(default=list, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["school__name", "user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "school"], name="membership_one_per_school"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.school})"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None and self.user.is_active


# Every audit event is also written here as one JSON line, for a store outside the database
# (settings.LOGGING routes it; README "Security: audit").
shipped = logging.getLogger("sendco.audit")


class AuditQuerySet(models.QuerySet):
    """Audit rows are written once and never changed or removed through the application."""

    def update(self, **kwargs):
        raise PermissionError("Audit events cannot be changed.")

    def delete(self):
        raise PermissionError("Audit events cannot be deleted.")

    def for_school(self, school: School) -> AuditQuerySet:
        """The school's own events, and a person's events that belong to no school (sign-ins,
        password changes) only from when they joined the school until their access ended: a
        school must not read where its staff were before they came, nor after they left."""
        return self.filter(Q(school=school) | Q(school__isnull=True) & _while_on_staff(school))

    def schoolless_of_staff(self, school: School) -> AuditQuerySet:
        """The second half of `for_school` alone: events of no school by the school's staff while
        they were on it. Read apart from the school's own so each half walks its own index."""
        return self.filter(school__isnull=True).filter(_while_on_staff(school))


def _while_on_staff(school: School) -> Exists:
    return Exists(
        Membership.objects.filter(
            school=school,
            user_id=OuterRef("actor_id"),
            created_at__lte=OuterRef("created_at"),
        ).filter(Q(ended_at__isnull=True) | Q(ended_at__gte=OuterRef("created_at")))
    )


class AuditEvent(models.Model):
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    role = models.CharField(max_length=20, blank=True)
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    pupil_public_id = models.UUIDField(null=True, blank=True, db_index=True)
    detail = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        # One index per way the log is read (staff/selectors.py `audit_page`): the school first,
        # then the filter, then the log's order, so a page is a short walk down one index.
        # Events of no school (sign-ins) are read per person of the school, so theirs are
        # partial. The pupils a list showed (`detail["pupils"]`) have a GIN index on PostgreSQL
        # (migration 0006).
        indexes = [
            models.Index(fields=["school", "-created_at", "-id"], name="audit_school_time"),
            models.Index(
                fields=["school", "action", "-created_at", "-id"], name="audit_school_action"
            ),
            models.Index(
                fields=["school", "pupil_public_id", "-created_at", "-id"],
                name="audit_school_pupil",
            ),
            models.Index(
                fields=["school", "actor", "-created_at", "-id"], name="audit_school_actor"
            ),
            models.Index(
                fields=["-created_at", "-id"],
                name="audit_schoolless_time",
                condition=Q(school__isnull=True),
            ),
            models.Index(
                fields=["action", "-created_at", "-id"],
                name="audit_schoolless_action",
                condition=Q(school__isnull=True),
            ),
            models.Index(
                fields=["actor", "-created_at", "-id"],
                name="audit_schoolless_actor",
                condition=Q(school__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise PermissionError("Audit events cannot be changed.")
        super().save(*args, **kwargs)
        shipped.info(self.as_json_line())

    def as_json_line(self) -> str:
        """The event as the separate store receives it: the row's fields but `object_repr`, which
        may name a person."""
        return json.dumps(
            {
                "id": self.pk,
                "created_at": self.created_at.isoformat(),
                "school": self.school_id,
                "actor": self.actor_id,
                "role": self.role,
                "action": self.action,
                "object_type": self.object_type,
                "object_id": self.object_id,
                "pupil_public_id": str(self.pupil_public_id) if self.pupil_public_id else None,
                "detail": self.detail,
                "ip": self.ip,
                "request_id": self.request_id,
            },
            default=str,
            separators=(",", ":"),
        )

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit events cannot be deleted.")


class AcademicYear(models.Model):
    """A school's academic year, 1 September to 31 August by default."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="academic_years")
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta:
        ordering = ["school", "starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["school", "starts_on"], name="academic_year_unique"),
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")), name="academic_year_dates_in_order"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return f"{self.starts_on.year}/{str(self.starts_on.year + 1)[-2:]}"


class Term(models.Model):
    """One half-term of a school's year: autumn 1, autumn 2, spring 1 … summer 2."""

    class Season(models.TextChoices):
        AUTUMN = "autumn", "Autumn"
        SPRING = "spring", "Spring"
        SUMMER = "summer", "Summer"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="terms")
    academic_year = models.ForeignKey(AcademicYear, on_delete=models.CASCADE, related_name="terms")
    season = models.CharField(max_length=10, choices=Season.choices)
    half = models.PositiveSmallIntegerField(choices=[(1, "first half"), (2, "second half")])
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta:
        ordering = ["school", "starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["academic_year", "season", "half"], name="term_one_per_half"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="term_dates_in_order"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return f"{self.get_season_display()} {self.half}"


class ClosureDay(models.Model):
    """A day inside term when the school is closed to pupils (an INSET day, a polling day)."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="closure_days")
    on = models.DateField()
    reason = models.CharField(max_length=120, default="INSET day")

    class Meta:
        ordering = ["school", "on"]
        constraints = [models.UniqueConstraint(fields=["school", "on"], name="closure_day_unique")]

    def __str__(self) -> str:
        return f"{self.on:%d/%m/%Y} {self.reason}"


class UnstampedWrite(models.Model):
    """A write whose school did not get a new stamp in the cache (`staff.deadline_cache`: the
    cache was out of reach), recorded in the writer's own transaction. What the cache kept for
    the school may be stale once the cache answers again, until `deadline_cache.restamp_unstamped`
    (beat, every minute) gives the school a new stamp and deletes the row. Not a foreign key: a
    school deleted in the same transaction would fail its own deletion."""

    school_id = models.IntegerField(null=True, blank=True)  # None: every school
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"unstamped write at school {self.school_id or 'any'}"


class SubmittedForm(models.Model):
    """A form sent once: its one-time token, claimed by the first POST that carries it, and where
    that POST went. A second POST of the same form (a double click, a resend after Back) is sent
    where the first went instead of creating again (staff/once.py). Kept a day."""

    user = models.ForeignKey("User", on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64)
    went_to = models.CharField(max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "token"], name="submitted_form_once")
        ]

    def __str__(self) -> str:
        return f"form {self.token[:8]}"


# Backup codes for two-step sign-in live with the rest of MFA; imported so Django finds them.
from .mfa.models import BackupCode, BackupCodeDevice  # noqa: E402, F401
