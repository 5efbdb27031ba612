"""The load of `make bench` (scripts/bench runs it with locust, headless): every page of the
measured school, as each role that may open it, a fixed number of rounds.

Reads the plan `manage.py bench_prepare` wrote (BENCH_PLAN): a signed-in session per role and
the pages. Every request is one job from a shared list, so the count is bounded whatever the
number of users; the run ends when the list is empty. A response other than 200 is a failure
(a redirect would be the sign-in wall or the two-step page: not the page measured). Each
request's time is written to BENCH_OUT (JSON) for scripts/bench_report.py.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict, deque

import gevent
from locust import HttpUser, constant, events, task

PLAN = json.loads(open(os.environ["BENCH_PLAN"]).read())  # noqa: SIM115, PTH123
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
PDF_ROUNDS = int(os.environ.get("BENCH_PDF_ROUNDS", "0"))
OUT = os.environ["BENCH_OUT"]

# Untimed requests for the floor first, one or two per server thread: each thread's first request
# opens its database and Redis connections (scripts/bench sets it for the concurrent pass, whose
# threads the sequential pass left unused). Pages are never warmed: a cold page is measured.
WARMUP = int(os.environ.get("BENCH_WARMUP", "0"))
WARMUP_NAME = "warm-up"

JOBS: deque = deque()
floor = next(p for p in PLAN["pages"] if not p["pdf"])
JOBS.extend((WARMUP_NAME, floor["roles"][0], floor["path"]) for _ in range(WARMUP))
for _ in range(ROUNDS):
    for page in PLAN["pages"]:
        if page["pdf"]:
            continue
        JOBS.extend((page["name"], role, page["path"]) for role in page["roles"])
for _ in range(PDF_ROUNDS):
    JOBS.extend((p["name"], "sendco", p["path"]) for p in PLAN["pages"] if p["pdf"])

TIMES: dict[str, list[float]] = defaultdict(list)
FAILURES: list[str] = []


@events.request.add_listener
def _record(name, response_time, exception, response, **kwargs) -> None:
    if exception is None and not name.startswith(WARMUP_NAME):
        TIMES[name].append(response_time)


@events.test_stop.add_listener
def _write(environment, **kwargs) -> None:
    with open(OUT, "w") as out:  # noqa: PTH123
        json.dump({"times": TIMES, "failures": FAILURES, "left": len(JOBS)}, out)


class Person(HttpUser):
    wait_time = constant(0)

    @task
    def next_page(self) -> None:
        if not JOBS:
            # From its own greenlet: quitting here would kill this user half way through quit().
            gevent.spawn(self.environment.runner.quit)
            gevent.sleep(60)
            return
        page, role, path = JOBS.popleft()
        headers = {
            "Cookie": f"{PLAN['cookie']}={PLAN['sessions'][role]}",
            # As behind the TLS proxy of production (SECURE_PROXY_SSL_HEADER).
            "X-Forwarded-Proto": "https",
        }
        name = f"{page} | {role}"
        with self.client.get(
            path, headers=headers, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                where = response.headers.get("Location", "")
                FAILURES.append(f"{name}: {path} answered {response.status_code} {where}")
                response.failure(f"status {response.status_code}")
