"""Benchmark: importing a 10,000-row enterprise ledger (.xlsx) through the registry API.

`python -m bench.registry_import [--rows N]`. Prints seconds; asserts nothing.
"""

import argparse
import io
import time
import uuid

from openpyxl import Workbook

from bench.scratch import scratch_database


def ledger(rows: int, grid_code: str) -> bytes:
    from services.registry.ledger.service import ENTERPRISE_COLUMNS
    from tests.factories import credit_code

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("企业台账")
    sheet.append([c.header for c in ENTERPRISE_COLUMNS])
    for serial in range(rows):
        sheet.append(
            [f"企业{serial}", credit_code(serial + 1), "企业", "机械", f"路{serial}号", 117.5, 31.5, grid_code,
             "生产经营", "否", "法人", "负责人", "13700000000"]
        )  # fmt: skip
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    with scratch_database():
        from fastapi.testclient import TestClient

        from bench.scratch import demo_grid_id
        from services.registry.app import app
        from shared.auth import Principal, Role, issue_token

        demo_grid_id()
        content = ledger(args.rows, "B1")
        token = issue_token(Principal(user_id=uuid.uuid4(), roles={Role.zone_admin}))
        with TestClient(app) as client:
            started = time.perf_counter()
            response = client.post(
                "/ledger/enterprises/import",
                files={"file": ("ledger.xlsx", content)},
                headers={"Authorization": f"Bearer {token}"},
            )
            elapsed = time.perf_counter() - started
        print(f"ledger import: {args.rows} rows ({len(content) / 1e6:.1f} MB xlsx) in {elapsed:.1f} s "
              f"= {args.rows / elapsed:,.0f} rows/s; answer {response.status_code} {response.text[:80]}")  # fmt: skip


if __name__ == "__main__":
    main()
