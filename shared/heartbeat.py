"""Heartbeats of the processes that serve no HTTP (outbox relays, the scheduler).

Each touches `HEARTBEAT_DIR/<name>` while its loop runs, waiting for its servers included; a
process stuck anywhere stops touching it. `python -m shared.heartbeat NAME --max-age 60` exits 0
if the file is fresh and 1 if not: docker compose's health check of those containers.
"""

import argparse
import sys
import time
from pathlib import Path

from shared.settings import get_settings


def heartbeat_file(name: str) -> Path:
    return get_settings().heartbeat_dir / name


def beat(name: str) -> None:
    path = heartbeat_file(name)
    try:
        path.touch()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()


def age_seconds(name: str) -> float | None:
    """Seconds since the last heartbeat; None if there was none."""
    try:
        return time.time() - heartbeat_file(name).stat().st_mtime
    except FileNotFoundError:
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description="Exit 0 if the named process's heartbeat is fresh.")
    parser.add_argument("name", help="relay-<service> or scheduler")
    parser.add_argument("--max-age", type=float, default=60.0, help="seconds")
    args = parser.parse_args()
    age = age_seconds(args.name)
    if age is None or age > args.max_age:
        print(f"{args.name}: no heartbeat for {'ever' if age is None else f'{age:.0f} s'}", file=sys.stderr)
        sys.exit(1)
    print(f"{args.name}: alive ({age:.0f} s ago)")


if __name__ == "__main__":
    main()
