"""Run by tests/sqlite/test_demo_pages.py in its own process, on a SQLite file (the database
`make run` uses): the demo school seeded, then every page its SENDCo reaches from the home page
in two clicks, and the record of every pupil with Early Help, opened once. Prints each page that
did not answer 200 (a redirect to a form's own page aside) and exits 1 if any answered 500."""

from __future__ import annotations

import os
import re
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sendco.settings")
import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from agencies.early_help_models import EarlyHelp  # noqa: E402
from staff.models import User  # noqa: E402

LINK = re.compile(r'href="(/s/[^"?#]+)"')
PAGES = 1000  # a bound on the pages opened


def main() -> None:
    assert connection.vendor == "sqlite", connection.vendor
    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get(email="sendco@meadow-lane.example.org"))
    home = client.get("/", follow=True)
    assert home.status_code == 200, home.status_code
    slug = home.request["PATH_INFO"].split("/")[2]
    pupils = EarlyHelp.objects.values_list("pupil__public_id", flat=True)
    queue = [home.request["PATH_INFO"], *(f"/s/{slug}/pupils/{p}/" for p in pupils)]
    seen, failed, depth, opened = set(queue), [], {url: 0 for url in queue}, 0
    while queue and opened < PAGES:
        url = queue.pop(0)
        opened += 1
        response = client.get(url)
        if response.status_code >= 500:
            failed.append(url)
        if response.status_code != 200 or depth[url] >= 2:
            continue
        for link in LINK.findall(response.content.decode()):
            if link not in seen and "/pdf" not in link and "download" not in link:
                seen.add(link)
                depth[link] = depth[url] + 1
                queue.append(link)
    print(f"{opened} pages opened, {len(failed)} answered 500")
    for url in failed:
        print("500:", url)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
