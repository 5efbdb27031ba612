"""Settings for the Celery worker that tests/reminders/test_worker.py runs in a subprocess: the
project's settings (database and broker from DATABASE_URL and REDIS_URL, as in production), with
emails written to files the test can count, and the broker's visibility timeout from the
environment so that a restarted worker takes back the message of a killed one quickly."""

import os

from sendco.settings import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["SENDCO_TEST_MAIL_DIR"]
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("SENDCO_TEST_VISIBILITY_TIMEOUT", "3600"))
}
