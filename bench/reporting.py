"""Benchmark of reporting: zone statistics over 1M hazards, and a 100k-row Excel hazard ledger
with every column of the ledger, set up to print (shared/spreadsheets.py).

`python -m bench.reporting` (`--ledger-only` for the export alone). Generates the hazards straight into reporting's read model (as the
events would leave it), then times the service functions the API calls. Prints figures; asserts
nothing.
"""

import argparse
import statistics
import time
import uuid
from datetime import date
from io import BytesIO

from bench.scratch import scratch_database


def generate(rows: int, grids: int = 50, units: int = 2000) -> None:
    from sqlalchemy import text

    from services.reporting.runtime import runtime

    grid_ids = [uuid.uuid4() for _ in range(grids)]
    with runtime.engine.begin() as conn:
        conn.execute(text("INSERT INTO reporting.reporting_grid (id, zone_id, code, name, source_time) "
                          "SELECT g, gen_random_uuid(), 'G' || n, '网格' || n, now() FROM unnest(CAST(:grids AS uuid[])) WITH ORDINALITY AS t(g, n)"),
                     {"grids": grid_ids})  # fmt: skip
        conn.execute(text("INSERT INTO reporting.reporting_unit (id, name, kind, production_status, grid_id, source_time) "
                          "SELECT gen_random_uuid(), '单位' || n, 'enterprise', 'operating', (CAST(:grids AS uuid[]))[1 + n % :g], now() "
                          "FROM generate_series(1, :u) n"), {"grids": grid_ids, "g": grids, "u": units})  # fmt: skip
        started = time.perf_counter()
        conn.execute(text(f"""
            INSERT INTO reporting.hazard_fact (hazard_id, unit_id, grid_id, grade, category, source, state, deadline,
                reported_on, reporter_id, fixed_on_spot, deadline_ordered, ever_overdue, escalated, closed_on,
                closed_on_time, source_time, location, description, found_by, measures, responsible_person,
                rectified_on, verified_by, verified_on)
            SELECT gen_random_uuid(), u.id, u.grid_id,
                CASE WHEN n % 50 = 0 THEN 'major' ELSE 'general' END,
                (ARRAY['消防','用电','特种设备','危化品','有限空间'])[1 + n % 5],
                (ARRAY['self_report','superior_inspection','grid_patrol'])[1 + n % 3],
                (ARRAY['reported','rectifying','rectified','verified','closed','closed','closed'])[1 + n % 7],
                d + 7, d, gen_random_uuid(), n % 4 = 0, n % 4 <> 0, n % 9 = 0, n % 50 = 0,
                CASE WHEN n % 7 >= 4 THEN d + (n % 12) END, CASE WHEN n % 7 >= 4 THEN n % 12 <= 7 END, now(),
                (ARRAY['二号仓库','配电室','储罐区','锅炉房','生产车间'])[1 + n % 5] || n % 30 || '号位置',
                '检查发现' || (ARRAY['灭火器过期','线路老化裸露','安全阀未校验','警示标识缺失','通风设施失效'])[1 + n % 5]
                    || ',现场未采取防护措施,需按期整改并复查', '网格员' || n % 200,
                CASE WHEN n % 4 <> 0 THEN '立即停用,更换并建立月度检查制度,整改后拍照上传' END,
                CASE WHEN n % 4 <> 0 THEN '班组长' || n % 500 END,
                CASE WHEN n % 7 >= 2 THEN d + (n % 10) END,
                CASE WHEN n % 7 >= 3 THEN '安全办' || n % 20 END, CASE WHEN n % 7 >= 3 THEN d + (n % 11) END
            FROM generate_series(1, {rows}) n
            CROSS JOIN LATERAL (SELECT DATE '2024-01-01' + (n % 1064) AS d) day
            JOIN LATERAL (SELECT id, grid_id FROM reporting.reporting_unit OFFSET n % {units} LIMIT 1) u ON true
        """))  # fmt: skip
        conn.execute(text("ANALYZE reporting.hazard_fact"))
    print(f"generated {rows:,} hazards in {time.perf_counter() - started:.0f} s (2024-01-01 to 2026-11)")


def zone_statistics(samples: int) -> None:
    from services.reporting.runtime import runtime
    from services.reporting.statistics.schemas import GroupBy
    from services.reporting.statistics.service import hazard_statistics
    from shared.access import access_for
    from shared.auth import Principal, Role
    from shared.pagination import PageRequest
    from shared.periods import parse_period

    zone_admin = Principal(user_id=uuid.uuid4(), roles={Role.zone_admin})
    cases = [
        ("2025", GroupBy.zone),
        ("2025", GroupBy.grid),
        ("2025-Q3", GroupBy.unit),
        ("2026-10", GroupBy.category),
    ]
    for period, group_by in cases:
        timings = []
        for _ in range(samples):
            started = time.perf_counter()
            with runtime.transaction() as session:
                admin = access_for(zone_admin, "statistics.read", session)
                stats = hazard_statistics(
                    session, admin, parse_period(period), group_by, PageRequest(cursor=None, limit=100)
                )
            timings.append((time.perf_counter() - started) * 1000)
        found = sum(row.found for row in stats.items)
        print(f"statistics {period} by {group_by}: {found:,} hazards in the first page, "
              f"median {statistics.median(timings):.0f} ms, max {max(timings):.0f} ms over {samples} runs")  # fmt: skip


def ledger_export(rows: int) -> None:
    from openpyxl import load_workbook
    from sqlalchemy import text

    from services.reporting.runtime import runtime
    from services.reporting.statistics.exports import LEDGER_COLUMNS, hazard_ledger_xlsx
    from shared.access import access_for
    from shared.auth import Principal, Role
    from shared.periods import Period, PeriodKind

    with runtime.engine.connect() as conn:  # a period holding about `rows` hazards
        last = conn.execute(text("SELECT reported_on FROM reporting.hazard_fact WHERE reported_on >= '2024-01-01' "
                                 "ORDER BY reported_on OFFSET :n LIMIT 1"), {"n": rows - 1}).scalar()  # fmt: skip
    period = Period(PeriodKind.year, date(2024, 1, 1), last)
    started, cpu = time.perf_counter(), time.process_time()
    with runtime.transaction() as session:
        admin = access_for(Principal(user_id=uuid.uuid4(), roles={Role.zone_admin}), "hazard.export", session)
        content, _ = hazard_ledger_xlsx(session, admin, period)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    written = sum(1 for _ in load_workbook(BytesIO(content), read_only=True).active.iter_rows()) - 1
    print(f"hazard ledger .xlsx ({len(LEDGER_COLUMNS)} columns): {written:,} rows, {len(content) / 1e6:.1f} MB "
          f"in {elapsed:.1f} s, {cpu:.1f} s of it on this process's CPU (target < 10 s)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description="Reporting benchmark")
    parser.add_argument("--rows", type=int, default=1_000_000, help="hazards to generate")
    parser.add_argument("--export-rows", type=int, default=100_000, help="rows in the Excel export")
    parser.add_argument("--samples", type=int, default=5)
    parser.add_argument(
        "--ledger-only", action="store_true", help="only the export, over as many hazards as it exports"
    )
    args = parser.parse_args()
    with scratch_database():
        if args.ledger_only:
            generate(args.export_rows + args.export_rows // 10)
        else:
            generate(args.rows)
            zone_statistics(args.samples)
        ledger_export(args.export_rows)


if __name__ == "__main__":
    main()
