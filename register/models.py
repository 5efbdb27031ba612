"""Who the pupils are and what they need: pupils, classes, dated SEN status and needs, concerns,
passports, and the dated characteristics (Pupil Premium, looked after) other floors rely on.

Everything whose history matters is a period (starts_on, ends_on) so that the register on any
past date, and the census, can be reproduced. An open period has no end date.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from staff.calendar import school_year_name
from staff.models import AcademicYear, School

from .upn import validate_upn


class YearGroup(models.TextChoices):
    N1 = "N1", "Nursery 1"
    N2 = "N2", "Nursery 2"
    R = "R", "Reception"
    Y1 = "1", "Year 1"
    Y2 = "2", "Year 2"
    Y3 = "3", "Year 3"
    Y4 = "4", "Year 4"
    Y5 = "5", "Year 5"
    Y6 = "6", "Year 6"
    Y7 = "7", "Year 7"
    Y8 = "8", "Year 8"
    Y9 = "9", "Year 9"
    Y10 = "10", "Year 10"
    Y11 = "11", "Year 11"
    Y12 = "12", "Year 12"
    Y13 = "13", "Year 13"
    Y14 = "14", "Year 14"


YEAR_ORDER = {value: index for index, value in enumerate(YearGroup.values)}


def name_shown(preferred: str, legal: str) -> str:
    """The name a pupil is known by: the preferred one where given (`Pupil.first_name` and
    `last_name`, and the lists that read names as values, not as pupils)."""
    return preferred or legal


class PupilQuerySet(models.QuerySet):
    def for_school(self, school: School) -> PupilQuerySet:
        return self.filter(school=school)

    def on_roll(self, on: date) -> PupilQuerySet:
        return self.filter(Q(admission_date__isnull=True) | Q(admission_date__lte=on)).filter(
            Q(leaving_date__isnull=True) | Q(leaving_date__gte=on)
        )


class Pupil(models.Model):
    class Sex(models.TextChoices):
        FEMALE = "F", "Female"
        MALE = "M", "Male"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="pupils")
    upn = models.CharField("UPN", max_length=13, validators=[validate_upn])
    legal_first_name = models.CharField("legal first name", max_length=100)
    legal_last_name = models.CharField("legal surname", max_length=100)
    preferred_first_name = models.CharField(max_length=100, blank=True)
    preferred_last_name = models.CharField("preferred surname", max_length=100, blank=True)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=1, choices=Sex.choices)
    year_group = models.CharField("year group", max_length=2, choices=YearGroup.choices)
    admission_date = models.DateField(null=True, blank=True)
    leaving_date = models.DateField(null=True, blank=True)
    leaving_destination = models.CharField(max_length=200, blank=True)
    eal = models.BooleanField("English as an additional language", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PupilQuerySet.as_manager()

    class Meta:
        ordering = ["legal_last_name", "legal_first_name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "upn"], name="pupil_upn_unique_in_school"),
            models.CheckConstraint(
                condition=Q(leaving_date__isnull=True)
                | Q(admission_date__isnull=True)
                | Q(leaving_date__gte=F("admission_date")),
                name="pupil_leaves_after_admission",
            ),
        ]
        indexes = [models.Index(fields=["school", "year_group"], name="pupil_school_year")]

    def __str__(self) -> str:
        return self.name

    @property
    def first_name(self) -> str:
        return name_shown(self.preferred_first_name, self.legal_first_name)

    @property
    def last_name(self) -> str:
        return name_shown(self.preferred_last_name, self.legal_last_name)

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def year_order(self) -> int:
        return YEAR_ORDER.get(self.year_group, 99)


class Contact(models.Model):
    """A parent or carer."""

    class Preferred(models.TextChoices):
        EMAIL = "email", "Email"
        PHONE = "phone", "Phone"
        LETTER = "letter", "Letter"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    relationship = models.CharField(max_length=60)
    parental_responsibility = models.BooleanField(default=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    preferred_contact = models.CharField(max_length=10, choices=Preferred.choices, blank=True)
    priority = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["pupil", "priority", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.relationship})"


class TeachingGroup(models.Model):
    """A class or teaching set of an academic year, with its teachers and teaching assistants."""

    class Kind(models.TextChoices):
        CLASS = "class", "Class"
        SET = "set", "Teaching set"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="teaching_groups")
    academic_year = models.ForeignKey(AcademicYear, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=60)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CLASS)
    teachers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    assistants = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    pupils = models.ManyToManyField(Pupil, blank=True, related_name="teaching_groups")

    class Meta:
        ordering = ["academic_year", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "academic_year", "name"], name="teaching_group_name_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Period(models.Model):
    """A dated fact about a pupil. `ends_on` is the last day it held; empty while it holds."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)

    class Meta:
        abstract = True

    def covers(self, on: date) -> bool:
        return self.starts_on <= on and (self.ends_on is None or on <= self.ends_on)


def _dates_in_order(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")), name=name
    )


class SenStatus(Period):
    """The pupil's SEN category over a period: N, K (SEN support) or E (EHC plan). The census calls
    the field "SEN provision" (register/census.py keeps that header)."""

    class Category(models.TextChoices):
        NONE = "N", "No special educational need"
        SEN_SUPPORT = "K", "SEN support"
        EHC_PLAN = "E", "Education, health and care plan"

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="sen_statuses")
    category = models.CharField(max_length=1, choices=Category.choices)
    reason = models.TextField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    parents_informed_on = models.DateField(null=True, blank=True)
    parents_informed_how = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pupil", "starts_on"]
        verbose_name_plural = "SEN statuses"
        constraints = [
            _dates_in_order("sen_status_dates_in_order"),
            models.UniqueConstraint(
                fields=["pupil"], condition=Q(ends_on__isnull=True), name="sen_status_one_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category} from {self.starts_on:%d/%m/%Y}"


class BroadArea(models.TextChoices):
    COMMUNICATION = "ci", "Communication and interaction"
    COGNITION = "cl", "Cognition and learning"
    SEMH = "semh", "Social, emotional and mental health"
    SENSORY = "sp", "Sensory and/or physical"
    NONE = "", "No broad area"


class NeedType(models.Model):
    """The census SEN type codes (CS071), kept as editable reference data (DOMAIN.md 3.3)."""

    code = models.CharField(max_length=8, unique=True)
    name = models.CharField(max_length=120)
    broad_area = models.CharField(max_length=5, choices=BroadArea.choices, blank=True)
    only_with_sen_support = models.BooleanField(
        default=False, help_text="Valid only with SEN category K (the census rule for NSA)."
    )
    active = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return f"{self.code}: {self.name}"


class Need(Period):
    """A pupil's need, ranked 1 (primary), 2 (secondary) … over a period."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="needs")
    need_type = models.ForeignKey(NeedType, on_delete=models.PROTECT, related_name="+")
    rank = models.PositiveSmallIntegerField(default=1)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pupil", "rank", "starts_on"]
        constraints = [
            _dates_in_order("need_dates_in_order"),
            models.CheckConstraint(condition=Q(rank__gte=1), name="need_rank_positive"),
            models.UniqueConstraint(
                fields=["pupil", "rank"],
                condition=Q(ends_on__isnull=True),
                name="need_one_open_per_rank",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.need_type.code}"


class PupilPremiumPeriod(Period):
    """A dated ground of eligibility for free school meals or the Pupil Premium (DOMAIN.md 4.1).

    Which criterion made the pupil eligible is recorded, because they differ: from September
    2026 every Universal Credit household gets free school meals, but a pupil eligible only
    through that extension (`FSM_UC`) attracts no Pupil Premium. The rules that turn periods
    into eligibility on a census day are in `register.rules` and `premium.rules`."""

    class Kind(models.TextChoices):
        FSM = "fsm", "Free school meals (means-tested)"
        FSM_UC = "fsm_uc", "Free school meals (Universal Credit extension only)"
        SERVICE = "service", "Service child"
        SERVICE_PENSION = "service_pension", "Parent died in service (AFCS or WPS pension)"
        PLAC = "plac", "Previously looked after"

    class Route(models.TextChoices):
        ADOPTION = "adoption", "Adopted from care"
        SGO = "sgo", "Special guardianship order"
        CAO = "cao", "Child arrangements order"
        ABROAD = "abroad", "Adopted from state care outside England and Wales"

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="pp_periods")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    evidence = models.CharField(max_length=200, blank=True)
    # Previously looked-after children: how they left care, and the day the school saw the
    # evidence (the parent declares it; the school must see it before the census counts it).
    route = models.CharField(max_length=10, choices=Route.choices, blank=True)
    evidence_seen_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True, null=True)

    class Meta:
        ordering = ["pupil", "starts_on"]
        # A previously looked-after period needs its route: checked by the service, not the
        # database, because periods recorded before the route was asked for have none.
        constraints = [_dates_in_order("pp_period_dates_in_order")]
        indexes = [models.Index(fields=["school", "kind", "starts_on"], name="pp_school_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.starts_on:%d/%m/%Y}"


class LookedAfterPeriod(Period):
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="lac_periods")
    responsible_la = models.CharField("responsible local authority", max_length=100)

    class Meta:
        ordering = ["pupil", "starts_on"]
        constraints = [_dates_in_order("lac_period_dates_in_order")]

    def __str__(self) -> str:
        return f"Looked after by {self.responsible_la} from {self.starts_on:%d/%m/%Y}"


class Concern(models.Model):
    """A cause for concern raised by a teacher; the SENDCo decides what happens next."""

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for the SENDCo"
        MONITORING = "monitoring", "Monitoring"
        ADDED = "added", "Added to the SEN register"
        CLOSED = "closed", "Closed"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="concerns")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_on = models.DateField()
    description = models.TextField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_on = models.DateField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    review_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_on"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="monitoring") | Q(review_on__isnull=False),
                name="concern_monitoring_has_review_date",
            )
        ]

    def __str__(self) -> str:
        return f"Concern raised {self.raised_on:%d/%m/%Y}"


class PassportVersion(models.Model):
    """One version of a pupil's one-page profile. The newest version is the passport."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="passports")
    version = models.PositiveIntegerField()
    about_me = models.TextField("about me", blank=True)
    important_to_me = models.TextField("what is important to me", blank=True)
    strengths = models.TextField("my strengths", blank=True)
    what_helps = models.TextField("what helps me", blank=True)
    what_does_not_help = models.TextField("what does not help me", blank=True)
    communication = models.TextField("how I communicate", blank=True)
    strategies = models.TextField("strategies for staff", blank=True)
    pupil_words = models.TextField("in my own words", blank=True)
    parent_words = models.TextField("what my parents or carers say", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pupil", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["pupil", "version"], name="passport_version_unique")
        ]

    def __str__(self) -> str:
        return f"Passport v{self.version}"


class TermFigures(models.Model):
    """A pupil's attendance, suspensions and attainment for one term, as the MIS import gave
    them. The MIS stays their source: sendco keeps one row per pupil and term, replaced by each
    import in that term, so the gap analysis and the head's report can compare groups of
    pupils. Attendance and suspensions are the year so far; attainment is the school's own
    teacher-assessed band."""

    class Season(models.TextChoices):
        AUTUMN = "autumn", "Autumn"
        SPRING = "spring", "Spring"
        SUMMER = "summer", "Summer"

    class Attainment(models.TextChoices):
        BELOW = "below", "Below the expected standard"
        TOWARDS = "towards", "Working towards the expected standard"
        EXPECTED = "expected", "At the expected standard"
        ABOVE = "above", "Above the expected standard (greater depth)"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="term_figures")
    academic_year_start = models.PositiveSmallIntegerField()  # 2026 for 2026/27
    season = models.CharField(max_length=6, choices=Season.choices)
    recorded_on = models.DateField()  # the day of the import that last wrote the row
    attendance = models.DecimalField(
        "attendance this year (%)", max_digits=4, decimal_places=1, null=True, blank=True
    )
    suspensions = models.PositiveSmallIntegerField("suspensions this year", null=True, blank=True)
    attainment = models.CharField(max_length=8, choices=Attainment.choices, blank=True)

    class Meta:
        ordering = ["pupil", "academic_year_start", "recorded_on"]
        verbose_name_plural = "term figures"
        constraints = [
            models.UniqueConstraint(
                fields=["pupil", "academic_year_start", "season"], name="term_figures_one_a_term"
            ),
            models.CheckConstraint(
                condition=Q(attendance__isnull=True)
                | (Q(attendance__gte=0) & Q(attendance__lte=100)),
                name="term_figures_attendance_percent",
            ),
        ]
        indexes = [
            models.Index(
                fields=["school", "academic_year_start", "season"], name="term_figures_school"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_season_display()} {self.year_name}: {self.attendance}%"

    @property
    def year_name(self) -> str:
        """ "2026/27" """
        return school_year_name(self.academic_year_start)

    @property
    def summary(self) -> str:
        """ "attendance 91.5%, 1 suspension this year; attainment working towards the expected
        standard", leaving out the figures the MIS did not give."""
        counts = []
        if self.attendance is not None:
            counts.append(f"attendance {self.attendance}%")
        if self.suspensions is not None:
            plural = "" if self.suspensions == 1 else "s"
            counts.append(f"{self.suspensions} suspension{plural} this year")
        parts = [", ".join(counts)] if counts else []
        if self.attainment:
            parts.append(f"attainment {self.get_attainment_display().lower()}")
        return "; ".join(parts)


class SupportLayer(Period):
    """The layer of support a pupil receives over a period, as the Schools White Paper of February
    2026 names them for the Individual Support Plan (DOMAIN.md 0). Not law yet: recorded on the
    pupil's support plan or EHC plan so the school is ready, and reported on the register and in
    the head's report. One layer at a time; a change closes the period before it."""

    class Layer(models.TextChoices):
        UNIVERSAL = "universal", "Universal"
        TARGETED = "targeted", "Targeted"
        TARGETED_PLUS = "targeted_plus", "Targeted Plus"
        SPECIALIST = "specialist", "Specialist"

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="support_layers")
    layer = models.CharField(max_length=15, choices=Layer.choices)
    note = models.CharField("why", max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pupil", "starts_on"]
        constraints = [
            _dates_in_order("support_layer_dates_in_order"),
            models.UniqueConstraint(
                fields=["pupil"], condition=Q(ends_on__isnull=True), name="support_layer_one_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_layer_display()} from {self.starts_on:%d/%m/%Y}"


class ViewsGiven(models.Model):
    """What a parent, or the pupil, said for a plan or a review, as it was given: by secure link,
    on the pupil voice form with an adult, on paper or at a meeting. The plan and review pages show
    them as "views of parents" or "the pupil's views"; the SENDCo may accept them into the plan
    (the words are copied there, this record stays as given)."""

    class Whose(models.TextChoices):
        PARENT = "parent", "Views of parents"
        PUPIL = "pupil", "The pupil's views"

    class How(models.TextChoices):
        LINK = "link", "Online, by secure link"
        SYMBOL_FORM = "symbol_form", "On the pupil voice form, with an adult"
        PAPER = "paper", "On paper"
        MEETING = "meeting", "At a meeting"

    class Purpose(models.TextChoices):
        PLAN_REVIEW = "plan_review", "Before a support plan review"
        ANNUAL_REVIEW = "annual_review", "Before an EHC plan annual review"
        PLAN = "plan", "For the plan"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="views_given")
    whose = models.CharField(max_length=10, choices=Whose.choices)
    how = models.CharField(max_length=15, choices=How.choices)
    purpose = models.CharField(max_length=15, choices=Purpose.choices)
    given_on = models.DateField()
    given_by = models.CharField(
        "given by", max_length=120, blank=True, help_text="For example: Mum; Sam with Mrs Patel."
    )
    # [{"question": "...", "answer": "..."}, ...] as asked and answered, in order.
    answers = models.JSONField(default=list)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    accepted_on = models.DateField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pupil", "-given_on", "-created_at"]
        verbose_name_plural = "views given"
        indexes = [models.Index(fields=["school", "pupil", "-given_on"], name="views_given_pupil")]

    def __str__(self) -> str:
        return f"{self.get_whose_display()} given {self.given_on:%d/%m/%Y}"
