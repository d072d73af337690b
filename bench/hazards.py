"""Benchmark of the hazard ledger: report throughput against a bare insert endpoint, and queries on 1M rows.

`python -m bench.hazards`. Needs `wrk` (Debian package) for the throughput part. Prints figures;
asserts nothing.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

from bench.scratch import p50_p95, scratch_database

WRK_SCRIPT = """
wrk.method = "POST"
wrk.body = '{body}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer {token}"
"""


def serve(app: str, port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", app, "--port", str(port), "--workers", "2", "--no-access-log", "--log-level", "warning"],
        env={**os.environ},
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/openapi.json").status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError(f"{app} did not start")


def wrk(url: str, body: dict, token: str, seconds: int) -> float:
    script = Path(tempfile.mkdtemp()) / "post.lua"
    script.write_text(WRK_SCRIPT.format(body=json.dumps(body, ensure_ascii=False), token=token))
    out = subprocess.run(
        ["wrk", "-t", "2", "-c", "32", "-d", f"{seconds}s", "-s", str(script), url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non_2xx:
        raise RuntimeError(f"{non_2xx.group(1)} failed requests against {url}:\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def throughput(seconds: int) -> None:
    from services.inspections.worker import consumer
    from shared.auth import Principal, Role, issue_token
    from shared.events.contracts.registry import EnterpriseRegisteredV1, ProductionStatus, UnitKind
    from shared.events.envelope import CloudEvent

    unit_id = uuid.uuid4()
    registered = EnterpriseRegisteredV1(
        enterprise_id=unit_id, name="基准企业", credit_code="x", kind=UnitKind.enterprise, industry=None,
        production_status=ProductionStatus.operating, key_supervision=False, grid_id=uuid.uuid4(),
        responsible_head=None, responsible_phone=None,
    )  # fmt: skip
    consumer.process(
        CloudEvent.wrap(registered, source="registry", subject=None, correlation_id=None).model_dump(
            mode="json"
        )
    )
    token = issue_token(Principal(user_id=uuid.uuid4(), name="bench", roles={Role.zone_admin}))
    report = {"unit_id": str(unit_id), "source": "grid_patrol", "category": "消防", "grade": "general",
              "location": "仓库", "description": "灭火器过期"}  # fmt: skip
    bare = serve("bench.bare_insert_app:app", 18081)
    hazards = serve("services.inspections.app:app", 18082)
    try:
        bare_rps = wrk(
            "http://127.0.0.1:18081/rows", {"category": "消防", "description": "灭火器过期"}, token, seconds
        )
        hazard_rps = wrk("http://127.0.0.1:18082/hazards", report, token, seconds)
    finally:
        for process in (bare, hazards):
            process.terminate()
            process.wait(30)
    print(f"hazard report: {hazard_rps:,.0f} req/s vs bare insert {bare_rps:,.0f} req/s = ratio {hazard_rps / bare_rps:.2f} "
          f"(uvicorn 2 workers each, wrk 32 connections, {seconds} s)")  # fmt: skip


def queries(rows: int, samples: int) -> None:
    from sqlalchemy import text

    from services.inspections.runtime import runtime
    from shared.auth import Principal, Role, issue_token

    grids = [uuid.uuid4() for _ in range(50)]
    with runtime.engine.begin() as conn:
        conn.execute(text("INSERT INTO inspections.supervised_unit (id, name, kind, production_status, key_supervision, "
                          "grid_id, source_time) SELECT gen_random_uuid(), 'u' || g, 'enterprise', 'operating', false, "
                          "(:grids)[1 + g % 50], now() FROM generate_series(1, 2000) g"), {"grids": grids})  # fmt: skip
        started = time.perf_counter()
        conn.execute(text(f"""
            INSERT INTO inspections.hazard (id, unit_id, grid_id, source, category, grade, location, description, state,
                reporter_id, reporter_name, reported_at, deadline, updated_at)
            SELECT gen_random_uuid(), u.id, u.grid_id,
                (ARRAY['self_report','superior_inspection','grid_patrol'])[1 + n % 3],
                (ARRAY['消防','用电','特种设备','危化品','有限空间'])[1 + n % 5],
                CASE WHEN n % 50 = 0 THEN 'major' ELSE 'general' END, '部位', '描述',
                (ARRAY['reported','rectifying','rectified','verified','closed','closed','closed'])[1 + n % 7],
                gen_random_uuid(), 'bench', now() - (n % 730) * interval '1 day' - (n % 86400) * interval '1 second',
                CASE WHEN n % 7 = 1 THEN current_date + (n % 30) - 10 END, now()
            FROM generate_series(1, {rows}) n
            JOIN LATERAL (SELECT id, grid_id FROM inspections.supervised_unit OFFSET n % 2000 LIMIT 1) u ON true
        """))  # fmt: skip
        conn.execute(text("ANALYZE inspections.hazard"))
    print(f"generated {rows:,} hazards in {time.perf_counter() - started:.0f} s")
    from fastapi.testclient import TestClient

    from services.inspections.app import app

    token = issue_token(Principal(user_id=uuid.uuid4(), roles={Role.zone_admin}))
    cases = {
        "newest page": {},
        "one grid": {"grid_id": str(grids[7])},
        "one grid, rectifying": {"grid_id": str(grids[7]), "state": "rectifying"},
        "major hazards": {"grade": "major"},
        "category, last quarter": {"category": "用电", "reported_from": "2026-09-01T00:00:00+08:00"},
    }
    with TestClient(app) as client:
        headers = {"Authorization": f"Bearer {token}"}
        for name, params in cases.items():
            timings = []
            page_params = {"limit": 100, **params}
            for _ in range(samples):
                started = time.perf_counter()
                page = client.get("/hazards", params=page_params, headers=headers).json()
                timings.append((time.perf_counter() - started) * 1000)
                if page["next"]:  # walk deeper with the cursor
                    page_params = {**page_params, "cursor": page["next"]}
            timings.sort()
            print(f"  {name:<24} p50 {p50_p95(timings)[0]:6.1f} ms  p95 {p50_p95(timings)[1]:6.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=40)
    args = parser.parse_args()
    with scratch_database():
        if shutil.which("wrk"):
            throughput(args.seconds)
        else:
            print("hazard report throughput: skipped (install wrk)")
        print(
            f"hazard ledger queries over {args.rows:,} hazards (API, 100 per page, walking pages by keyset):"
        )
        queries(args.rows, args.samples)


if __name__ == "__main__":
    main()
