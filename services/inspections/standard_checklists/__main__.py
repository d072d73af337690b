"""`python -m services.inspections.standard_checklists load [--dir FOLDER]`: publish the standard
checklists (or a zone's own folder of checklist files) that are new or changed; a second run
publishes nothing. A bad file is reported with its location and nothing is written (exit code 2)."""

import argparse
import sys
from pathlib import Path

from services.inspections.runtime import runtime
from services.inspections.standard_checklists import DATA, ChecklistFileError, publish, read_folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m services.inspections.standard_checklists",
        description="标准检查表 / standard checklists",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    loading = commands.add_parser("load", help="publish new or changed checklists (idempotent)")
    loading.add_argument("--dir", type=Path, default=DATA, help="a folder of checklist *.json files")
    args = parser.parse_args(argv)
    try:
        checklists = read_folder(args.dir)
    except ChecklistFileError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    with runtime.transaction() as session:
        loaded = publish(session, checklists)
        for entry in loaded:
            if entry.published is None:
                print(f"unchanged  {entry.code:28} {entry.name}")
            else:
                print(f"published  {entry.code:28} v{entry.published.version} {entry.name}")
    changed = sum(entry.published is not None for entry in loaded)
    print(f"{changed} of {len(loaded)} checklists published")
    return 0


if __name__ == "__main__":
    sys.exit(main())
