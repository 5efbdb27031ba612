"""Run by tests/sqlite/test_concurrent_requests.py in its own process, on a SQLite file (the
database `make run` uses): many requests at once, each writing (an audit event, the session),
while another thread writes as the embedded worker does. Prints the status codes it saw."""

from __future__ import annotations

import os
import sys
import threading
from collections import Counter

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sendco.settings")
import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from sendco.models import Notification  # noqa: E402
from staff.models import Role  # noqa: E402
from tests.factories import SchoolFactory, member  # noqa: E402

THREADS, REQUESTS = 6, 20


def main() -> None:
    assert connection.vendor == "sqlite", connection.vendor
    call_command("migrate", verbosity=0)
    school = SchoolFactory(slug="acorn")
    sendco = member(school, Role.SENDCO, email="sendco@acorn.test")
    teacher = member(school, Role.TEACHER, email="teacher@acorn.test")
    urls = [reverse("school_home", args=[school.slug]), reverse("notifications_count")]
    seen: Counter = Counter()
    lock = threading.Lock()

    def browse(user) -> None:
        client = Client(raise_request_exception=False)
        client.force_login(user)
        for n in range(REQUESTS):
            status = client.get(urls[n % 2]).status_code
            with lock:
                seen[status] += 1
        connection.close()

    def worker() -> None:  # the embedded worker's writes, as a reminder scan makes them
        for n in range(REQUESTS * 2):
            with transaction.atomic():
                Notification.objects.filter(user=sendco).count()
                Notification.objects.create(
                    school=school,
                    user=sendco,
                    kind="register.monitoring_review",
                    subject_id=f"x{n}",
                    due=timezone.localdate(),
                    threshold=n,
                    title="Monitoring review",
                    url="/",
                )
        connection.close()

    threads = [threading.Thread(target=browse, args=(teacher,)) for _ in range(THREADS)]
    threads.append(threading.Thread(target=worker))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(dict(seen))
    sys.exit(0 if set(seen) == {200} else 1)


if __name__ == "__main__":
    main()
