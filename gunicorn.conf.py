"""gunicorn for sendco's web process (Dockerfile, docker-compose.yml, deploy/k8s/).

gthread workers, one process per core (the GIL lets one thread of a process run Python at a
time), 4 threads each: 2 x 4 answer 8 requests at once on a 2-core machine. Measured on this
machine (December 2026, the demo trust, 8 signed-in clients for 20-30 s, other jobs running):
sync 2 and gthread 2 x 4 served the same 22-32 pages a second, p95 560-730 ms; the pages are
CPU-bound here, so threads add no throughput. They are chosen because a slow request (a PDF
takes 1-20 s) then holds one thread, not a whole process and everyone queued behind it. On
Kubernetes set WEB_WORKERS to the pod's CPU limit (a container sees the node's cores).

Each thread holds its own database connection: with DB_POOL_MAX, give each process a pool of at
least WEB_THREADS, and keep replicas x WEB_WORKERS x DB_POOL_MAX (plus the Celery workers) under
PostgreSQL's max_connections.
"""

import gc
import itertools
import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


bind = os.environ.get("WEB_BIND", "0.0.0.0:8000")  # noqa: S104 - inside the container or pod
worker_class = "gthread"
workers = _int("WEB_WORKERS", len(os.sched_getaffinity(0)))
threads = _int("WEB_THREADS", 4)
# Longer than the longest request we allow: a PDF is stopped at PDF_TIME_LIMIT_SECONDS (20).
timeout = _int("WEB_TIMEOUT", 60)
graceful_timeout = _int("WEB_GRACEFUL_TIMEOUT", 30)  # a rollout lets requests finish
keepalive = 5  # behind a proxy or load balancer that reuses connections
# A worker is replaced after this many requests (with jitter, so not all at once): WeasyPrint
# and large pages leave memory fragmented, and a fresh process gives it back.
max_requests = _int("WEB_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10
# The heartbeat file in memory, not on the container's overlay disk, which can stall a worker.
_SHM = "/dev/shm"  # noqa: S108 - gunicorn's heartbeat files only, created securely by it
worker_tmp_dir = _SHM if os.path.isdir(_SHM) else None
accesslog = "-"
# No query strings in the access log: a search may carry a pupil's name.
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'


# Once a worker has served its first requests (the application loaded, its templates compiled
# and its caches filled), the objects it holds then are set aside from the garbage collector
# (`gc.freeze`): they live as long as the process, and a full collection walked every one of
# them (about 180,000) in the middle of whichever request tipped it. Measured at the 110-school
# trust (make bench, BENCHMARKS.md): full collections of 105-145 ms made one request in five of
# the impact page a 150-200 ms one; frozen, they take 12-17 ms. Frozen at the worker's start
# instead, before its first request, it was worse: the objects created by the first requests
# stayed in view, and a full collection fell on the same page of every round.
FREEZE_AFTER_REQUESTS = 100
_served = itertools.count(1)  # next() is atomic: the worker's threads share it


def post_request(worker, req, environ, resp) -> None:
    if next(_served) == FREEZE_AFTER_REQUESTS:
        gc.freeze()  # no collection first: it would stall the next request by 150 ms
