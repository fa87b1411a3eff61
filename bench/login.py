"""Benchmark of one login's password check (issue 14): time and memory per check, before and after.

Compares Django's default Argon2 parameters (100 MiB, t=2, p=8: "before") with the project's hasher
(cases/audit/hashers.py, OWASP's minimum: 19 MiB, t=2, p=1: "after"). Each hasher is measured in a fresh
interpreter: the median and p95 wall time of `check_password` over RUNS checks, the peak resident memory
one check adds to the process, and the peak of 8 checks at once in 8 threads (a gunicorn worker with
threads taking 8 logins together; argon2-cffi releases the GIL while hashing).

    .venv/bin/python bench/login.py [--runs N]
"""

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HASHERS = {
    "before: Django's Argon2 (100 MiB, t=2, p=8)": "django.contrib.auth.hashers.Argon2PasswordHasher",
    "after: OWASP minimum (19 MiB, t=2, p=1)": "cases.audit.hashers.OwaspArgon2PasswordHasher",
}

# Run in a fresh interpreter per hasher, so one's peak memory does not hide the other's.
MEASURE = """
import json, os, resource, statistics, sys, threading, time
sys.path.insert(0, {root!r})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sinen_mdt.settings")
import django
django.setup()
from django.contrib.auth.hashers import check_password, make_password
from django.utils.module_loading import import_string

hasher = import_string({hasher!r})()

def peak_kib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

base = peak_kib()
encoded = make_password("correct-horse-battery-staple", hasher=hasher)
one = peak_kib() - base
times = []
for _ in range({runs}):
    start = time.perf_counter()
    assert check_password("correct-horse-battery-staple", encoded, preferred=hasher)
    times.append((time.perf_counter() - start) * 1e3)
check = {{"target": check_password, "args": ("x", encoded), "kwargs": {{"preferred": hasher}}}}
threads = [threading.Thread(**check) for _ in range(8)]
start = time.perf_counter()
for t in threads: t.start()
for t in threads: t.join()
eight_ms = (time.perf_counter() - start) * 1e3
print(json.dumps({{"times": times, "one_kib": one, "eight_kib": peak_kib() - base, "eight_ms": eight_ms}}))
"""


def measure(hasher: str, runs: int) -> dict:
    code = MEASURE.format(root=str(ROOT), hasher=hasher, runs=runs)
    done = subprocess.run(  # noqa: S603 (our own interpreter)
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True, timeout=600
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="checks per hasher (default 30, at least 10)")
    runs = max(parser.parse_args().runs, 10)
    print(f"{runs} checks per hasher; memory is the peak resident size a check adds to a fresh process")
    for label, hasher in HASHERS.items():
        result = measure(hasher, runs)
        times = result["times"]
        p95 = statistics.quantiles(times, n=20)[-1]
        print(
            f"{label:<46} median {statistics.median(times):6.1f} ms   p95 {p95:6.1f} ms   "
            f"one check +{result['one_kib'] / 1024:5.1f} MiB   8 at once +{result['eight_kib'] / 1024:6.1f} MiB "
            f"in {result['eight_ms']:6.0f} ms"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
