"""Recovery times of the whole system, one fault at a time: `python -m bench.recovery`.

Starts the run command on a PostgreSQL and a Redis of its own (in a temporary folder), keeps a
steady stream of hazard reports going, and breaks one thing after another as the chaos test does
(tests/test_chaos.py): an API, a worker's main process, a worker's pool process, a relay, the
scheduler, PostgreSQL, Redis with its append-only file, and Redis losing its data while a consumer
is stopped. For each it prints the time until every report accepted since is applied by every
subscriber. With the chaos test's short settings (visibility timeout 20 s, reconciler every 5 s);
`--production` keeps the production defaults (60 s, 60 s). Prints figures; asserts only what the
chaos test asserts.
"""

import argparse
import os
import tempfile
from pathlib import Path

from shared.tokens import keys_on_one_host
from tests.support import chaos


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("faults", nargs="*", help=f"some of {', '.join(chaos.FAULTS)} (default: all)")
    parser.add_argument("--production", action="store_true", help="production timeouts, not the test's")
    args = parser.parse_args()
    unknown = set(args.faults) - set(chaos.FAULTS)
    if unknown:
        parser.error(f"unknown faults: {', '.join(sorted(unknown))}")
    if args.production:
        for name in ("BROKER_VISIBILITY_TIMEOUT_SECONDS", "TASK_SOFT_TIME_LIMIT_SECONDS", "TASK_TIME_LIMIT_SECONDS",
                     "RETRY_BACKOFF_MAX_SECONDS", "SCHEDULER_LOCK_SECONDS", "RECONCILE_INTERVAL_SECONDS",
                     "RECONCILE_GRACE_SECONDS"):  # fmt: skip
            chaos.SYSTEM_SETTINGS.pop(name)
    os.environ.update(keys_on_one_host(Path(tempfile.mkdtemp(prefix="gridsafe-bench-keys-"))))
    system = chaos.ChaosSystem()
    results = []
    try:
        system.start()
        for name in args.faults or chaos.FAULTS:
            system.all_running()
            fault = chaos.FAULTS[name]
            results.append((fault.title, system.survive(fault)))
        system.all_running()
    finally:
        system.stop()
    print("\nrecovery after each fault (until every report accepted since is applied by every subscriber):")
    for title, seconds in results:
        print(f"  {title:<64} {seconds:6.1f} s")


if __name__ == "__main__":
    main()
