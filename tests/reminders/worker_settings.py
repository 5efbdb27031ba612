"""Settings for the Celery worker that tests/reminders/test_worker.py runs in a subprocess: the
project's settings (database and broker from DATABASE_URL and REDIS_URL, as in production), with
emails written to files the test can count, and the broker's visibility timeout from the
environment so that a restarted worker takes back the message of a killed one quickly, and
beat's safety net for the digests every few seconds when a test asks."""

import os

from sendco.settings import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["SENDCO_TEST_MAIL_DIR"]
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("SENDCO_TEST_VISIBILITY_TIMEOUT", "3600"))
}
# The safety net's beat entry, every so many seconds instead of once a morning.
if os.environ.get("SENDCO_TEST_DIGESTS_EVERY"):
    CELERY_BEAT_SCHEDULE = {  # noqa: F405
        **CELERY_BEAT_SCHEDULE,  # noqa: F405
        "reminder-digests": {
            **CELERY_BEAT_SCHEDULE["reminder-digests"],  # noqa: F405
            "schedule": float(os.environ["SENDCO_TEST_DIGESTS_EVERY"]),
        },
    }
