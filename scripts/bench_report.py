"""The table of `make bench`: p50, p95 and p50 as a multiple of the floor, per page and role,
for the sequential pass and the concurrent one, then the slow jobs. Markdown on stdout.

Usage: bench_report.py SEQUENTIAL.json CONCURRENT.json TIMINGS.json USERS HEADER
"""

from __future__ import annotations

import json
import statistics
import sys

FLOOR = "floor (unread count)"


def pct(values: list[float], q: int) -> float:
    """The q-th percentile (nearest rank), in ms."""
    ordered = sorted(values)
    rank = max(1, -(-q * len(ordered) // 100))
    return ordered[rank - 1]


def load(path: str) -> dict:
    with open(path) as source:  # noqa: PTH123
        return json.load(source)


def main(seq_path: str, conc_path: str, timings_path: str, users: str, header: str) -> int:
    seq, conc, timings = load(seq_path), load(conc_path), load(timings_path)
    floor_times = [t for name, ts in seq["times"].items() if name.startswith(FLOOR) for t in ts]
    floor = statistics.median(floor_times) if floor_times else 0.0
    print(header)
    print()
    print(f"Floor: p50 {floor:.1f} ms (a signed-in request for the unread notifications count).")
    print()
    loaded = f"{users} users"
    print(f"| page | role | n | p50 ms | p95 ms | × floor | {loaded} p50 | {loaded} p95 |")
    print("|---|---|---|---|---|---|---|---|")
    for name in sorted(seq["times"], key=lambda n: (n.startswith("PDF"), n)):
        times = seq["times"][name]
        page, role = name.split(" | ")
        other = conc["times"].get(name) or []
        loaded = f"{pct(other, 50):.0f} | {pct(other, 95):.0f}" if other else "– | –"
        ratio = pct(times, 50) / floor if floor else 0
        print(
            f"| {page} | {role} | {len(times)} | {pct(times, 50):.0f} | {pct(times, 95):.0f} | "
            f"{ratio:.1f} | {loaded} |"
        )
    print()
    print("| job | seconds |")
    print("|---|---|")
    for label, value in timings.items():
        shown = f"{value:,.2f}" if isinstance(value, float) else f"{value:,}"
        print(f"| {label} | {shown} |")
    failures = seq["failures"] + conc["failures"]
    if failures or seq.get("left") or conc.get("left"):
        print()
        print(
            f"**{len(failures)} failed requests** (and {seq.get('left', 0)} + "
            f"{conc.get('left', 0)} not made before the time limit):"
        )
        for line in sorted(set(failures))[:50]:
            print(f"- {line}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:6]))
