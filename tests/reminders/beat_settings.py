"""Settings for the beats that tests/reminders/test_beat_lease.py starts: the project's (broker
from REDIS_URL), with an entry due every half second, a queue and a lease of the test's own and
a short lease, so that a takeover is seen in seconds."""

import os

from sendco.settings import *  # noqa: F403

CELERY_BEAT_SCHEDULE = {
    "often": {"task": "sendco.tasks.daily_reminders", "schedule": 0.5},
}
CELERY_TASK_DEFAULT_QUEUE = os.environ["SENDCO_TEST_QUEUE"]
BEAT_LEASE_KEY = os.environ["SENDCO_TEST_LEASE_KEY"]
BEAT_LEASE_SECONDS = int(os.environ.get("BEAT_LEASE_SECONDS", "3"))
