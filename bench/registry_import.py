"""Benchmark: a 100,000-row ledger import and a 100,000-row ledger export as background jobs, and
how the registry API answers `/healthz` and a login while both run, beside its idle latency.

`python -m bench.registry_import [--rows N]`. It runs the real registry API (uvicorn) and worker
(two prefork processes) on a scratch database, and prints figures; it asserts nothing.
`tests/test_jobs.py` drives the same load and fails if any call takes longer than 2 s.
"""

import argparse
import io
import os
import signal
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import httpx
from sqlalchemy import text

from shared.processes import BY_NAME

PASSWORD = "Bench-login-9x"
TIMEOUT = 2.0  # seconds: a call slower than this counts as the API being blocked


def ledger(rows: int, grid_code: str, first_serial: int = 1) -> bytes:
    """An enterprise ledger (.xlsx) of `rows` valid rows in the grid with this code, with shared
    strings as Excel saves them (openpyxl)."""
    from openpyxl import Workbook

    from services.registry.ledger.service import ENTERPRISE_COLUMNS
    from tests.factories import credit_code

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("企业台账")
    sheet.append([c.header for c in ENTERPRISE_COLUMNS])
    for serial in range(first_serial, first_serial + rows):
        sheet.append(
            [f"企业{serial}", credit_code(serial), "企业", "机械", f"路{serial}号", 117.5, 31.5, grid_code,
             "生产经营", "否", "法人", "负责人", "13700000000"]
        )  # fmt: skip
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def seed_enterprises(database_url: str, rows: int, grid_id: uuid.UUID) -> None:
    """`rows` enterprises written straight into the registry's table (for the export to read)."""
    from shared.clock import local_today
    from shared.db import get_engine

    with get_engine(database_url).begin() as connection:
        connection.execute(
            text(
                "INSERT INTO registry.enterprise (id, name, credit_code, kind, production_status,"
                " key_supervision, grid_id, industry, address, registered_on)"
                " SELECT gen_random_uuid(), '种子企业' || n, 'S' || lpad(n::text, 17, '0'), 'enterprise',"
                " 'operating', false, :grid, '机械', '纬' || n || '路', :today FROM generate_series(1, :rows) n"
            ),
            {"grid": grid_id, "rows": rows, "today": local_today()},
        )
        connection.execute(  # each unit's one dated state, from its registration on
            text(
                "INSERT INTO registry.enterprise_state (enterprise_id, valid_from, production_status,"
                " key_supervision, grid_id) SELECT id, registered_on, production_status, key_supervision,"
                " grid_id FROM registry.enterprise WHERE grid_id = :grid"
            ),
            {"grid": grid_id},
        )


@dataclass
class Latencies:
    """Seconds per call of /healthz and of a login, and the calls that failed or timed out."""

    health: list[float] = field(default_factory=list)
    login: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def summary(self) -> str:
        from bench.scratch import p50_p95

        parts = []
        for name, values in (("healthz", self.health), ("login", self.login)):
            if values:
                p50, p95 = p50_p95(values)
                parts.append(
                    f"{name} p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max {max(values) * 1000:.0f} ms"
                    f" ({len(values)} calls)"
                )
        return "; ".join(parts) + (f"; {len(self.failures)} failed" if self.failures else "")


def probe(
    base_url: str, username: str, stop: threading.Event, timeout: float = TIMEOUT, pause: float = 0.2
) -> Latencies:
    """Call /healthz and log in, one after the other, until `stop` is set; a call not answered
    within `timeout` seconds is a failure."""
    seen = Latencies()
    with httpx.Client(base_url=base_url, timeout=timeout) as client:
        while not stop.is_set():
            for kind, call in (
                ("health", lambda: client.get("/healthz")),
                (
                    "login",
                    lambda: client.post("/auth/token", data={"username": username, "password": PASSWORD}),
                ),
            ):
                started = time.perf_counter()
                try:
                    response = call()
                    elapsed = time.perf_counter() - started
                    if response.status_code != 200:
                        seen.failures.append(f"{kind}: {response.status_code} {response.text[:200]}")
                    getattr(seen, kind).append(elapsed)
                except httpx.HTTPError as exc:
                    seen.failures.append(f"{kind}: {exc!r} after {time.perf_counter() - started:.2f} s")
            stop.wait(pause)
    return seen


@contextmanager
def probing(base_url: str, username: str, timeout: float = TIMEOUT) -> Iterator[Latencies]:
    """Probe the API in a thread for the block; the latencies are filled in when it ends."""
    stop = threading.Event()
    result = Latencies()

    def run() -> None:
        found = probe(base_url, username, stop, timeout)
        result.health, result.login, result.failures = found.health, found.login, found.failures

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield result
    finally:
        stop.set()
        thread.join(timeout * 3)


def login_account(client: httpx.Client, headers: dict[str, str], username: str) -> None:
    person = client.post("/people", json={"name": "基准测试员"}, headers=headers)
    person.raise_for_status()
    client.post(
        "/accounts",
        json={
            "person_id": person.json()["id"],
            "username": username,
            "password": PASSWORD,
            "roles": ["auditor"],
        },
        headers=headers,
    ).raise_for_status()


def wait_for(client: httpx.Client, job_id: str, headers: dict[str, str], timeout: float = 3600) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/jobs/{job_id}", headers=headers).json()
        if job["status"] in ("succeeded", "failed"):
            return job
        time.sleep(0.5)
    raise TimeoutError(f"job {job_id} not finished within {timeout} s")


def seconds(job: dict) -> float:
    from datetime import datetime

    return (
        datetime.fromisoformat(job["finished_at"]) - datetime.fromisoformat(job["started_at"])
    ).total_seconds()


@dataclass
class LoadRun:
    idle: Latencies
    loaded: Latencies
    import_job: dict
    export_job: dict


def import_and_export_under_probe(
    base_url: str,
    headers: dict[str, str],
    username: str,
    content: bytes,
    idle_seconds: float = 10,
    timeout: float = TIMEOUT,
) -> LoadRun:
    """Idle latency first; then an import and an export submitted at once, probed until both end
    (a call not answered within `timeout` seconds counts as failed)."""
    with httpx.Client(base_url=base_url, timeout=60) as client:
        with probing(base_url, username, timeout) as idle:
            time.sleep(idle_seconds)
        with probing(base_url, username, timeout) as loaded:
            imported = client.post(
                "/ledger/enterprises/import", files={"file": ("ledger.xlsx", content)}, headers=headers
            )
            exported = client.post("/ledger/enterprises/export", headers=headers)
            assert imported.status_code == exported.status_code == 202, (imported.text, exported.text)
            import_job = wait_for(client, imported.json()["id"], headers)
            export_job = wait_for(client, exported.json()["id"], headers)
    return LoadRun(idle, loaded, import_job, export_job)


@contextmanager
def api_and_worker(port: int) -> Iterator[str]:
    """The registry's API on `port` and its worker (two prefork processes), as `make run` starts them."""
    import subprocess

    api = BY_NAME["registry-api"].command(sys.executable, host="127.0.0.1", port_base=port)
    worker = BY_NAME["registry-worker"].command(sys.executable) + [
        "-n", f"bench-registry-{port}@%h", "-c", "2", "-P", "prefork", "-l", "WARNING",
        "--without-mingle", "--without-gossip",
    ]  # fmt: skip
    processes = [
        subprocess.Popen(api, start_new_session=True),
        subprocess.Popen(worker, start_new_session=True),
    ]
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the registry API did not start")
            time.sleep(0.3)
        time.sleep(5)  # the worker's start
        yield base_url
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:  # a job still running: stop it and its pool
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    from bench.scratch import scratch_database

    with scratch_database():
        from bench.scratch import demo_grid_id
        from shared.auth import Principal, Role, issue_token
        from shared.local_servers import free_port

        grid_id = demo_grid_id()
        seed_enterprises(os.environ["DATABASE_URL"], args.rows, grid_id)
        content = ledger(args.rows, "B1")
        token = issue_token(Principal(user_id=uuid.uuid4(), name="bench", roles={Role.zone_admin}))
        headers = {"Authorization": f"Bearer {token}"}
        with api_and_worker(free_port()) as base_url:
            with httpx.Client(base_url=base_url, timeout=30) as client:
                login_account(client, headers, "bench.login")
            run = import_and_export_under_probe(base_url, headers, "bench.login", content)
        print(f"idle:                       {run.idle.summary()}")
        print(f"during import and export:   {run.loaded.summary()}")
        print(f"import job, {args.rows:,} rows ({len(content) / 1e6:.1f} MB .xlsx): {seconds(run.import_job):.1f} s, "
              f"{run.import_job['status']} {run.import_job['summary'] or run.import_job['error']}")  # fmt: skip
        print(f"export job, {args.rows:,} rows: {seconds(run.export_job):.1f} s, "
              f"{run.export_job['status']} {run.export_job['summary'] or run.export_job['error']}")  # fmt: skip
        for failure in run.loaded.failures[:5]:
            print("  failed:", failure)


if __name__ == "__main__":
    main()
