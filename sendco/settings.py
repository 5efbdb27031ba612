"""sendco settings: one module, every difference between environments an environment variable.

The defaults are safe for `make run` on a laptop (SQLite under var/, a Redis-free task queue,
emails on the console). Production sets DJANGO_ENV=production, which refuses to start with DEBUG
on or without a real SECRET_KEY. README.md lists every variable.
"""

import ipaddress
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from staff.layers import APPS as SENDCO_APPS

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DJANGO_ENV = env("DJANGO_ENV", default="development")
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env.bool("DEBUG", default=not PRODUCTION)
_DEV_SECRET = "dev-only-insecure-secret-key-change-me"  # noqa: S105 - only used outside production
SECRET_KEY = env("SECRET_KEY", default=_DEV_SECRET)
if PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off in production (DJANGO_ENV=production).")
    if SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "Set SECRET_KEY to a random string of at least 50 characters in production."
        )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "csp",
    "bootstrap",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    *SENDCO_APPS,
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so static files carry the policies too.
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "staff.middleware.SessionLifetimeMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "staff.middleware.MfaMiddleware",
    # A form sent twice (a double click) saves once: staff/once.py.
    "staff.once.FormOnceMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "staff.middleware.NoStoreMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sendco.urls"
WSGI_APPLICATION = "sendco.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "staff.context_processors.tenancy",
            ],
            # {% csrf_token %} also writes each form's one-time token (staff/once.py).
            "builtins": [
                "staff.templatetags.once",
                "sendco.templatetags.urls",
                "sendco.templatetags.dates",
                "sendco.templatetags.numbers",
            ],
        },
    },
]

# Django's form renderer with its commonest widgets written in Python (staff/form_renderer.py).
FORM_RENDERER = "staff.form_renderer.FormRenderer"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'sendco.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The demo's web server and embedded worker write at the same time: every transaction takes
    # the write lock when it begins and waits for it (a deferred one that reads, then writes,
    # fails at once with "database is locked"), and readers do not block the writer (WAL).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    # Tests on SQLite use a file too: an in-memory database shared between the browser tests'
    # server threads answers "database table is locked" at once instead of waiting (its locks
    # ignore the timeout), which is not what `make run` does.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-sendco.sqlite3")}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiler: off unless PG_JIT=on. It compiles a query whose estimated cost
    # is high, which an aggregate with subqueries over a trust's pupils always is: measured at
    # the 110-school trust, the trust's vulnerable-pupil figures took 1,449 ms, 1,252 of them
    # compiling, for 200 ms of work. sendco's queries are short; none gains from it.
    if not env.bool("PG_JIT", default=False):
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
    # Connections: a pool per process (psycopg's, Django 5.2) with DB_POOL_MAX, each thread of
    # gunicorn.conf.py borrowing one for a request; otherwise each thread keeps its own for
    # CONN_MAX_AGE seconds (checked before reuse), so a request does not pay for a new one.
    DB_POOL_MAX = env.int("DB_POOL_MAX", default=0)
    if DB_POOL_MAX:
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": env.int("DB_POOL_MIN", default=1),
            "max_size": DB_POOL_MAX,
            "timeout": env.float("DB_POOL_TIMEOUT", default=10.0),  # then an error, not a hang
        }
        DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps them; Django refuses both
    else:
        DATABASES["default"]["CONN_MAX_AGE"] = env.int(
            "CONN_MAX_AGE", default=60 if PRODUCTION else 0
        )
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "staff.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=60 * 60 * 24 * 3)

# Sessions: 30 minutes idle, 12 hours in all (staff.middleware.SessionLifetimeMiddleware).
# Shared classroom PCs are the norm. The idle limit is renewed by a request at most once a
# SESSION_TOUCH_SECONDS, not on every request: a page that changes nothing writes nothing.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_TOUCH_SECONDS = env.int("SESSION_TOUCH_SECONDS", default=60)
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=12 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# django-axes: lock a *username* (never the school's shared IP) after 10 failures, for a
# cool-off period; colleagues behind the same IP keep logging in.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_MINUTES", default=15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_CALLABLE = "staff.lockout.username_for_lockout"
# axes.W006 asks for the IP address among the lockout parameters. Every member of staff of a
# school shares one public IP, so locking an IP would lock out the whole staffroom; the username
# lock (with a cool-off, so it is never permanent) is the deliberate choice (RELIABILITY.md 3).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
# The lock cannot be used to keep the owner out: they are emailed (at most once a lock) a link
# that lifts it, and any password reset lifts it (staff/lockout.py). Reset emails, lock notices
# included, are limited per account and requests per IP, counted in the audit trail (the
# database), which every gunicorn worker shares.
PASSWORD_RESET_PER_ADDRESS_PER_HOUR = env.int("PASSWORD_RESET_PER_ADDRESS_PER_HOUR", default=3)
PASSWORD_RESET_PER_IP_PER_HOUR = env.int("PASSWORD_RESET_PER_IP_PER_HOUR", default=20)
# Parents' views by secure link (families/): how long a link lasts, how many wrong dates of
# birth lock it, how many failed tries (a wrong date of birth, an unknown code) one address may
# make in an hour (counted in the cache), and how long a checked link stays open in the browser.
FAMILY_LINK_DAYS = env.int("FAMILY_LINK_DAYS", default=21)
FAMILY_LINK_TRIES = env.int("FAMILY_LINK_TRIES", default=5)
FAMILY_LINK_PER_IP_PER_HOUR = env.int("FAMILY_LINK_PER_IP_PER_HOUR", default=20)
FAMILY_LINK_SESSION_SECONDS = env.int("FAMILY_LINK_SESSION_SECONDS", default=20 * 60)

# Two-step sign-in (staff/mfa/). MFA_REQUIRED makes the SENDCo, head, trust lead and anyone with
# admin access set up an authenticator app (staff.capabilities.MFA_REQUIRED_ROLES); everyone who
# has set one up is asked for a code at every sign-in whatever this says, and the Django admin
# always asks. On by default in production, where turning it off is a `check --deploy` warning;
# off for `make run`, so the demo logins sign in with their password alone.
MFA_REQUIRED = env.bool("MFA_REQUIRED", default=PRODUCTION)
# Granting or changing access, or changing one's own MFA, needs a code this recent (AU-07).
MFA_STEP_UP_SECONDS = env.int("MFA_STEP_UP_SECONDS", default=5 * 60)
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="sendco")
# A wrong code waits 1, 2, 4, 8 ... seconds (this factor times 2^(n-1)) before the next try.
OTP_TOTP_THROTTLE_FACTOR = env.int("OTP_TOTP_THROTTLE_FACTOR", default=1)

# The TLS proxies in front of the app (addresses or networks, e.g. "172.28.0.0/24"). Only from
# these is X-Forwarded-For believed; the audit and the lockout both use staff.client_ip.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
for _proxy in TRUSTED_PROXIES:  # a mistyped entry stops the start, not every request
    try:
        ipaddress.ip_network(_proxy.strip(), strict=False)
    except ValueError as error:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {error}") from error
AXES_CLIENT_IP_CALLABLE = "staff.client_ip.client_ip"

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English (UK)")]
TIME_ZONE = "Europe/London"
USE_I18N = True
# Translations of the pages marked for them (the parents' pages, families/: `{% translate %}`,
# `gettext`) go in locale/<language>/LC_MESSAGES/django.po (`manage.py makemessages -l pl`);
# a language is offered once it is added to LANGUAGES. None is shipped yet.
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

# The largest request body a form may send (files apart: see DOCUMENT_MAX_BYTES) and the most
# fields: every text field has its limit (staff/bounds.py; the largest form, an EHC plan's
# sections, is about 400 kB of plain text), so anything bigger is a script, refused with a 400.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = env.int("DATA_UPLOAD_MAX_NUMBER_FIELDS", default=1000)

# Uploaded documents about pupils (see STORAGES["documents"]); a volume of its own in production.
DOCUMENTS_ROOT = env.path("DOCUMENTS_ROOT", default=VAR_DIR / "documents")
# An MIS file waits here between the dry run and Apply (register/mis_import/staging.py), unless
# documents are in S3, where it waits in the bucket: give every web process the same folder.
MIS_IMPORT_DIR = env.path("MIS_IMPORT_DIR", default=VAR_DIR / "imports")
# The largest document a person may upload (the form refuses anything bigger with a message).
DOCUMENT_MAX_BYTES = env.int("DOCUMENT_MAX_BYTES", default=10 * 1024 * 1024)
# A larger file is refused as it arrives, before anything of it is written to disk
# (staff/uploads.py); the others go to memory or a temporary file as Django does by default.
FILE_UPLOAD_HANDLERS = [
    "staff.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# A PDF taking longer than this to render is stopped and the person told (staff/pdf.py); 0 renders
# in the web process with no limit.
PDF_TIME_LIMIT_SECONDS = env.float("PDF_TIME_LIMIT_SECONDS", default=20.0)
# ... and one needing more memory than this (beyond what the web process had) too; 0: no cap.
PDF_MEMORY_LIMIT_MB = env.int("PDF_MEMORY_LIMIT_MB", default=1024)

# Where the law on EHC plans can be read two ways, the reading sendco uses (README, "Statutory
# timescales"; ehcp/rules.py):
# - "beginning_with": the 15 days parents have for a draft plan or proposed amendments, and a school
#   consulted about being named, begin on the day of service (the last day is 14 days later);
#   "after": 15 full days after it.
EHCP_FIFTEEN_DAY_READING = env.str("EHCP_FIFTEEN_DAY_READING", default="beginning_with")
# - "devon": after an annual review the final amended plan is due 8 weeks from the LA's notice and
#   no later than 12 weeks from the meeting (L v Devon CC, 2022); "regulation": 8 weeks from the
#   notice only (reg. 22), however late the notice came.
EHCP_AMENDED_PLAN_READING = env.str("EHCP_AMENDED_PLAN_READING", default="devon")
# - "review": the child's age on the date the next review would fall decides whether the under-5
#   period applies (Code 9.178); "anchor": the age on the plan's issue or the last review.
EHCP_UNDER_FIVE_AGE_ON = env.str("EHCP_UNDER_FIVE_AGE_ON", default="review")

# Where those documents live: "local" (DOCUMENTS_ROOT, a volume of one machine) or "s3", an
# S3-compatible bucket that web and worker processes on many machines share (staff/storage.py).
# The keys come from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (read by boto3, or a role of the
# machine); the objects are private and have no URL, however the bucket is set up.
DOCUMENTS_STORAGE = env("DOCUMENTS_STORAGE", default="local")
if DOCUMENTS_STORAGE == "local":
    _DOCUMENTS = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(DOCUMENTS_ROOT), "base_url": None},
    }
elif DOCUMENTS_STORAGE == "s3":
    _DOCUMENTS = {
        "BACKEND": "staff.storage.DocumentsS3Storage",
        "OPTIONS": {
            "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
            "location": env("AWS_LOCATION", default="documents"),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env("AWS_S3_REGION_NAME", default=None),
            "addressing_style": env("AWS_S3_ADDRESSING_STYLE", default=None),
            # Encrypted at rest by the store ("" for a store that refuses the header).
            "object_parameters": (
                {"ServerSideEncryption": _sse}
                if (_sse := env("AWS_S3_SERVER_SIDE_ENCRYPTION", default="AES256"))
                else {}
            ),
        },
    }
else:
    raise ImproperlyConfigured('DOCUMENTS_STORAGE must be "local" or "s3".')

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Advice and other documents about pupils: outside the web root, no URL of their own; only a
    # permission-checked view reads them (ehcp/views.py, document download).
    "documents": _DOCUMENTS,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_AUTOREFRESH = DEBUG

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="sendco <no-reply@sendco.invalid>")

# Celery. With REDIS_URL (production, CI) the broker is Redis. Without it (`make run`) the broker
# is kombu's filesystem transport: a real worker and beat, no service to install, messages as
# files under var/celery/ shared by the web process and the worker on the same machine.
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = Path(env("CELERY_FS_DIR", default=str(VAR_DIR / "celery")))
    for _sub in ("queue", "processed", "control"):
        (_queue_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir / "queue"),
        "data_folder_out": str(_queue_dir / "queue"),
        "processed_folder": str(_queue_dir / "processed"),
        "control_folder": str(_queue_dir / "control"),
        "store_processed": False,
        "polling_interval": 0.5,
    }
# One beat only (docker-compose.yml runs exactly one; the lease below makes sure). Reminders live
# in the database; beat only starts the daily scan, which finds what is due, so nothing is
# scheduled weeks ahead. The scan fans out to one task per school and the last of them sends the
# digests; beat sends them again REMINDER_DIGESTS_AFTER_MINUTES later, a safety net for a scan
# task that was lost.
_REMINDER_AT = env.int("REMINDER_HOUR", default=6) * 60 + env.int("REMINDER_MINUTE", default=30)
_DIGESTS_AT = _REMINDER_AT + env.int("REMINDER_DIGESTS_AFTER_MINUTES", default=90)
if not _REMINDER_AT < _DIGESTS_AT < 24 * 60:  # the safety net sends the digests of its own day
    raise ImproperlyConfigured("The reminder digests must follow the scan on the same day.")
CELERY_BEAT_SCHEDULE: dict = {
    "daily-reminders": {
        "task": "sendco.tasks.daily_reminders",
        "schedule": crontab(hour=_REMINDER_AT // 60, minute=_REMINDER_AT % 60),
    },
    "reminder-digests": {
        "task": "sendco.tasks.send_digests",
        "schedule": crontab(hour=_DIGESTS_AT // 60, minute=_DIGESTS_AT % 60),
    },
    # New stamps for the schools written to while the cache was out of reach (staff/tasks.py):
    # what was kept for them before the outage goes a minute after the cache is back at most.
    "restamp-unstamped": {
        "task": "staff.tasks.restamp_unstamped",
        "schedule": crontab(minute="*"),
    },
    # The audit log's monthly partitions, created months ahead (PostgreSQL; staff/tasks.py).
    "audit-partitions-ahead": {
        "task": "staff.tasks.audit_partitions_ahead",
        "schedule": crontab(day_of_month=1, hour=2, minute=15),
    },
}

# Exactly one beat sends, however many run (sendco/beat.py): a lease in the broker's Redis, taken
# over by another beat this many seconds after its holder dies (at once when it stops cleanly).
CELERY_BEAT_SCHEDULER = "sendco.beat:LeaderScheduler"
BEAT_LEASE_SECONDS = env.int("BEAT_LEASE_SECONDS", default=60)
BEAT_LEASE_KEY = env("BEAT_LEASE_KEY", default="sendco:beat:lease")

# Reminders (sendco/reminders.py): days before a deadline at which its owner is told, per kind of
# deadline or "default" (8, 4 and 2 weeks before, on the day, and -1 once overdue), e.g.
# REMINDER_THRESHOLDS='{"register.monitoring_review": [14, 0, -1]}'; still overdue this many days
# later, the head is told too.
REMINDER_THRESHOLDS = env.json("REMINDER_THRESHOLDS", default={})
REMINDER_ESCALATE_AFTER_DAYS = env.int("REMINDER_ESCALATE_AFTER_DAYS", default=7)
# Delivery below plan (staff/deadlines.py): section F hours, or a support plan's sessions, attended
# under this percentage of those planned so far is flagged "below plan" and becomes an alert for
# the SENDCo on home and in reminders, once at least this many sessions have been planned.
UNDER_DELIVERY_PERCENT = env.int("UNDER_DELIVERY_PERCENT", default=80)
# Pupil Premium: a pupil in two categories is counted once, at the first (premium.rules). The
# national rule for such a pupil is unconfirmed (DOMAIN.md 4): off counts every category.
PUPIL_PREMIUM_ONE_RATE_PER_PUPIL = env.bool("PUPIL_PREMIUM_ONE_RATE_PER_PUPIL", default=True)
# Governors' outputs show a count below this as "fewer than N" (RELIABILITY.md AC-08; the
# threshold is our proposal, so a setting).
SMALL_NUMBER_THRESHOLD = env.int("SMALL_NUMBER_THRESHOLD", default=5)
UNDER_DELIVERY_MIN_SESSIONS = env.int("UNDER_DELIVERY_MIN_SESSIONS", default=6)
# Training (training/deadlines.py): the SENCO's qualification, a duty of years, is on their
# deadlines from this many months before it is due, beyond the pages' eight weeks.
TRAINING_SENCO_QUALIFICATION_NOTICE_MONTHS = env.int(
    "TRAINING_SENCO_QUALIFICATION_NOTICE_MONTHS", default=12
)
# Exam access arrangements (exams/): the application deadline for online applications before
# the June series, as month-day. UNCONFIRMED for 2026 (DOMAIN.md 6.1 and 9.4): historically 21
# February (31 March in 2021; one source gives 31 January for modified papers). A new series'
# form starts from this date before its first exam; the SENDCo can change it per series.
EXAMS_APPLICATION_DEADLINE = env("EXAMS_APPLICATION_DEADLINE", default="02-21")
# Arrangements in place are reviewed this many weeks before a series' first exam (our proposal,
# so a setting): a deadline in the engine (exams/deadlines.py).
EXAMS_REVIEW_WEEKS_BEFORE = env.int("EXAMS_REVIEW_WEEKS_BEFORE", default=4)

# Exam access arrangements (exams/evidence_rules.py): a teacher's normal-way-of-working evidence
# unanswered after this many days is to be chased (the school's own rule, not JCQ's).
EXAMS_EVIDENCE_CHASE_DAYS = env.int("EXAMS_EVIDENCE_CHASE_DAYS", default=10)

# Outside agencies (agencies/deadlines.py): a referral with no answer after this many weeks is to
# be chased by whoever made it; a report not received this many weeks after the pupil was seen
# (when the referral gives no date of its own) too. Our proposals, no statutory source: settings.
AGENCY_CHASE_WEEKS = env.int("AGENCY_CHASE_WEEKS", default=6)
AGENCY_REPORT_WEEKS = env.int("AGENCY_REPORT_WEEKS", default=6)

# Security headers. HTTPS settings are on in production only; `make run` serves plain HTTP.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts and styles only from our own static files, nothing
# inline, no eval, so an injected script tag or event handler never runs and nothing third-party
# loads.
# htmx is told not to add its inline style or eval anything (the htmx-config meta tag in
# base.html). `data:` images are Bootstrap's icons, written as SVG inside its CSS.
# tests/staff/test_headers.py checks every kind of response; the browser tests fail on any
# violation.
_SELF, _NONE = "'self'", "'none'"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [_SELF],
        "script-src": [_SELF],
        "style-src": [_SELF],
        "img-src": [_SELF, "data:"],
        "font-src": [_SELF],
        "connect-src": [_SELF],
        "object-src": [_NONE],
        "base-uri": [_NONE],
        "frame-ancestors": [_NONE],
        "form-action": [_SELF],
    },
}
# Permissions-Policy (django-permissions-policy): switch off every powerful browser feature
# sendco never uses, so no script on a page could reach a camera, a microphone or a location.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "interest-cohort",
        "local-fonts",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}
# Sessions read from Redis, written through to the database (cached_db), where Redis is shared by
# every web process (production): a sign-out in one process is then seen by all. Without a shared
# cache (make run, tests) they stay in the database. SESSION_CACHE=false turns it off.
if REDIS_URL and env.bool("SESSION_CACHE", default=PRODUCTION):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env("CACHE_URL", default=REDIS_URL),
            "KEY_PREFIX": "sendco",
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Each school's deadlines are kept between the writes that move them (staff/deadline_cache.py),
# for at most this many seconds (3 hours: a morning or an afternoon; a write made while the cache
# was out of reach is caught up by beat's restamp-unstamped, so this is not the bound on a stale
# answer); only in a cache every process shares (above), since with one cache per process a
# write in one would leave another showing stale deadlines. 0 is off.
_SHARED_CACHE = "CACHES" in globals()
DEADLINE_CACHE_SECONDS = env.int(
    "DEADLINE_CACHE_SECONDS", default=3 * 60 * 60 if _SHARED_CACHE else 0
)
# After a write commits, a worker works the school's deadlines out again (sendco/deadlines.py,
# warm_soon), so the next page finds them kept: where a worker runs beside a shared cache.
DEADLINE_WARM = env.bool("DEADLINE_WARM", default=PRODUCTION and DEADLINE_CACHE_SECONDS > 0)
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Every audit event is also one JSON line on the `sendco.audit` logger, for a store the
# application cannot rewrite (RELIABILITY AL-02): by default the web container's stdout, where
# Docker's logging driver ships it; AUDIT_LOG_FILE=/path writes a file for a log shipper instead.
AUDIT_LOG_FILE = env("AUDIT_LOG_FILE", default="")
# The audit table on PostgreSQL is partitioned by month (staff/audit_partitions.py): beat and
# `migrate` keep AUDIT_PARTITIONS_AHEAD months created ahead. `manage.py audit_retention` writes
# each month older than AUDIT_RETENTION_MONTHS to AUDIT_EXPORT_DIR as JSON lines, then drops it.
# No statute fixes how long a school keeps a log of who read a record, so it is a setting: the
# default, 6 years, is the Limitation Act 1980's period for most claims in England and Wales, so
# the log outlives a complaint or claim about how a record was handled; a trust's own retention
# schedule may ask for longer (0 keeps everything).
AUDIT_PARTITIONS_AHEAD = env.int("AUDIT_PARTITIONS_AHEAD", default=3)
AUDIT_RETENTION_MONTHS = env.int("AUDIT_RETENTION_MONTHS", default=72)
AUDIT_EXPORT_DIR = env.path("AUDIT_EXPORT_DIR", default=VAR_DIR / "audit-export")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"line": {"format": "%(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "audit_store": (
            {"class": "logging.handlers.WatchedFileHandler", "filename": AUDIT_LOG_FILE}
            if AUDIT_LOG_FILE
            else {"class": "logging.StreamHandler", "stream": "ext://sys.stdout"}
        )
        | {"formatter": "line"},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # weasyprint.progress logs every step of every PDF at INFO.
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING"},
        "sendco.audit": {"handlers": ["audit_store"], "level": "INFO", "propagate": False},
    },
}

# The school calendar (staff/calendar.py). Census days follow the DfE pattern; DOMAIN.md marks the
# summer 2026 date as conflicting, so any census day can be overridden, e.g.
# CENSUS_DATE_OVERRIDES='{"2025-26": {"summer": "2026-05-21"}}'. A newly announced bank holiday:
# EXTRA_BANK_HOLIDAYS='{"2027-06-07": "Special bank holiday"}'.
CENSUS_DATE_OVERRIDES = env.json("CENSUS_DATE_OVERRIDES", default={})
EXTRA_BANK_HOLIDAYS = env.json("EXTRA_BANK_HOLIDAYS", default={})

# The notional SEN budget pays the first £6,000 of additional support for a pupil; the local
# authority's top-up pays above it (DOMAIN.md 6.2). Confirmed for 2024-25; the 2025-26 value is
# unconfirmed, so it is a setting (provision.rules.notional_sen_threshold reads it).
NOTIONAL_SEN_THRESHOLD = env.int("NOTIONAL_SEN_THRESHOLD", default=6000)
# The "what works here" impact ranking ranks an intervention only when at least this many of its
# pupils have a target and an exit measure; the others are listed below it, unranked, saying why
# (provision.rules.impact_min_pupils reads it).
IMPACT_MIN_PUPILS = env.int("IMPACT_MIN_PUPILS", default=5)

# Support plans (plans/rules.py). National guidance sets no review frequency; LA guidance
# commonly says at least termly (DOMAIN.md 1.3, 6). By default a plan's review falls at the end of
# the term, or of the next one when fewer than APDR_MIN_WEEKS weeks are left; APDR_REVIEW_WEEKS=12
# reviews every 12 weeks instead. Parent meetings: at least APDR_PARENT_MEETINGS a year (6.65).
APDR_REVIEW_WEEKS = env.int("APDR_REVIEW_WEEKS", default=0)
APDR_MIN_WEEKS = env.int("APDR_MIN_WEEKS", default=6)
APDR_PARENT_MEETINGS = env.int("APDR_PARENT_MEETINGS", default=3)
# A plan still being assessed or written this many days after its cycle began is flagged.
APDR_AGREE_WITHIN_DAYS = env.int("APDR_AGREE_WITHIN_DAYS", default=28)
# Each support plan reviewed as a whole (with the parents, needs, outcomes and the layer of support)
# at least every SUPPORT_PLAN_ANNUAL_REVIEW_MONTHS months, beside the termly APDR reviews: the
# Schools White Paper's proposal for the Individual Support Plan (DOMAIN.md 0). 0 turns it off.
SUPPORT_PLAN_ANNUAL_REVIEW_MONTHS = env.int("SUPPORT_PLAN_ANNUAL_REVIEW_MONTHS", default=12)
# Early Help (agencies/early_help_rules.py): the Team Around the Family reviews a pupil's Early
# Help plan every 6 to 12 weeks, as its local authority says (DOMAIN.md 6, practice; one LA uses
# 12). A school's own interval is set on its Early Help settings page; this is the default for a
# school that has not set one (6 to 12).
EARLY_HELP_REVIEW_WEEKS = env.int("EARLY_HELP_REVIEW_WEEKS", default=12)

# Demo data refuses to load with DEBUG off unless forced (see seed_demo --force).
DEMO_PASSWORD = env("DEMO_PASSWORD", default="sendco-demo-2026")
