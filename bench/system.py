"""The whole system under load, in one run: `python -m bench.system`.

Starts the run command on a PostgreSQL and a Redis of its own (in a temporary folder, production
settings), seeds a grid with a grid member and an enterprise through the APIs, and prints:

- the processes and resident memory of the system at idle (and after the load);
- the statements and round trips of one hazard report (counted in this process on the same
  database, with and without an Idempotency-Key);
- the ratio of POST /hazards (the run command's inspections API, one process) to a bare FastAPI +
  SQLAlchemy endpoint inserting one row (bench/bare_insert_app.py, one uvicorn process, started
  here on the same database), each driven for `--ratio-seconds` by `--connections` keep-alive
  connections, alternately, `--ratio-rounds` times (2), and the CPU time each process spent per
  request, and the cores each process used meanwhile (`--pause-consumers`: the relay and the
  consumers stopped while POST /hazards is driven, so they do not take the cores from it; its
  events are handled after each run);
- report → inbox latency (the hazard's report time to the grid member's inbox message) at steady
  rates (default 20/s and 100/s; `--rates` with none: no such runs) through the API, sent over
  `--sender-connections` keep-alive connections, with the rest of the system running;
- events lost or applied twice: for every report accepted, its hazard.reported in the outbox, the
  grid member's message, reporting's fact and notifications' copy, each counted;
- CPU per event of each consumer (its worker's processes' CPU time during a rate's run, divided
  by the events it handled) and of the inspections API per report.

Prints figures; asserts nothing. The load generator runs in this process and takes CPU from the
same machine.
"""

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import psutil

from bench.scratch import p50_p95
from shared.local_servers import free_port
from shared.processes import RUN_PROCESSES
from shared.tokens import keys_on_one_host
from tests.support import chaos

REPORT = {
    "source": "grid_patrol",
    "category": "消防",
    "grade": "general",
    "location": "仓库",
    "description": "灭火器过期",
}
CONSUMERS = ("notifications", "reporting")


# --- a small HTTP/1.1 load generator (keep-alive, one request at a time per connection) -------------


class Connection:
    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        """Send one request; a kept-alive connection the server closed meanwhile (its keep-alive
        timeout) is opened again once, as a browser does."""
        for attempt in range(2):
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
            assert self.reader is not None
            head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
            self.writer.write(
                f"POST {path} HTTP/1.1\r\nHost: {self.host}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n{head}\r\n".encode()
                + body
            )
            status_line = await self.reader.readline()
            if status_line:
                break
            self.close()
            if attempt:
                raise ConnectionError("the server closed the connection without answering")
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
        return int(status_line.split()[1]), await self.reader.readexactly(length)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def closed_loop(
    url: str, path: str, body: bytes, headers: dict[str, str], connections: int, seconds: float
) -> float:
    """Requests per second answered 2xx by `connections` clients sending back to back."""
    done = failed = 0
    end = time.perf_counter() + seconds

    async def client() -> None:
        nonlocal done, failed
        connection = Connection(url)
        try:
            while time.perf_counter() < end:
                status, _ = await connection.post(path, body, headers)
                if 200 <= status < 300:
                    done += 1
                else:
                    failed += 1
        finally:
            connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(connections)))
    if failed:
        print(f"  ({failed} requests to {url}{path} failed)")
    return done / (time.perf_counter() - started)


async def open_loop(
    url: str, headers: dict[str, str], unit_id: str, rate: float, seconds: float, connections: int
) -> tuple[list[str], list[float], float]:
    """Reports due on a fixed schedule (`rate` per second), sent over a fixed pool of `connections`
    keep-alive connections whatever the answers' pace: a report due while every connection waits
    for an answer is sent when one is free, so an API falling behind gets no more connections.
    Returns the ids accepted, the answers' latencies (ms, from when each report was due, the wait
    for a connection included) and how far the sending fell behind the schedule at most (s)."""
    body = json.dumps({**REPORT, "unit_id": unit_id}).encode()
    free: asyncio.Queue[Connection] = asyncio.Queue()
    for _ in range(connections):
        free.put_nowait(Connection(url))
    accepted: list[str] = []
    answered: list[float] = []
    behind = 0.0

    async def send(due: float) -> None:
        nonlocal behind
        connection = await free.get()
        behind = max(behind, time.perf_counter() - due)
        try:
            status, answer = await connection.post("/hazards", body, headers)
        except (OSError, asyncio.IncompleteReadError):
            connection.close()  # a failed request: not accepted; the connection opens again when next used
            return
        finally:
            free.put_nowait(connection)
        answered.append((time.perf_counter() - due) * 1000)
        if status == 201:
            accepted.append(json.loads(answer)["id"])

    tasks = []
    start = time.perf_counter()
    for serial in range(int(rate * seconds)):
        due = start + serial / rate
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        tasks.append(asyncio.create_task(send(due)))
    await asyncio.gather(*tasks)
    while not free.empty():
        free.get_nowait().close()
    return accepted, answered, behind


# --- the system ------------------------------------------------------------------------------------


def system_processes(system: chaos.ChaosSystem) -> list[psutil.Process]:
    return [system_process for system_process in psutil.Process(system.launcher.pid).children(recursive=True)]


def memory(system: chaos.ChaosSystem) -> str:
    """Resident memory of the run command's processes: the application's and the servers'."""
    app_rss = app_pss = servers_rss = 0
    count = 0
    for process in system_processes(system):
        try:
            rss = process.memory_info().rss
            server = process.name() in ("redis-server", "postgres")
        except psutil.Error:
            continue
        if server:
            servers_rss += rss
            continue
        count += 1
        app_rss += rss
        try:
            app_pss += process.memory_full_info().pss
        except psutil.Error:
            app_pss += rss
    mb = 1024 * 1024
    return (
        f"{count} application processes, {app_rss / mb:,.0f} MB resident ({app_pss / mb:,.0f} MB counting "
        f"shared pages once); PostgreSQL and Redis {servers_rss / mb:,.0f} MB more"
    )


def cpu_seconds(processes: list[psutil.Process]) -> float:
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total


def cpu_by_process(
    system: chaos.ChaosSystem, bare: subprocess.Popen[bytes] | None = None
) -> dict[str, float]:
    """CPU seconds so far of each process the run command started, by its name (with the pool
    processes it forked, those that ended included), of PostgreSQL's processes, of Redis, of this
    process (the load generator) and of the `bare` endpoint's."""
    groups: dict[str, list[psutil.Process]] = {"the load generator (this process)": [psutil.Process()]}
    if bare is not None:
        groups["bare endpoint"] = [psutil.Process(bare.pid)]
    for process in RUN_PROCESSES:
        try:
            started = system.process(process.name)
        except ValueError:  # not running (a process left out of this run)
            continue
        groups[process.name] = [started, *started.children(recursive=True)]
    groups["redis-server"] = [system.redis_server()]
    pgdata = system.folder / "data" / "postgres" / "pgdata"
    postmaster = psutil.Process(int((pgdata / "postmaster.pid").read_text().split()[0]))
    groups["postgres"] = [postmaster, *postmaster.children()]
    seconds = {}
    for name, processes in groups.items():
        seconds[name] = 0.0
        for process in processes:
            try:
                times = process.cpu_times()
            except psutil.Error:
                continue
            seconds[name] += times.user + times.system + times.children_user + times.children_system
    return seconds


def shares(before: dict[str, float], after: dict[str, float], wall: float) -> str:
    """The cores each process used between `before` and `after`, most first."""
    used = {name: (after[name] - before.get(name, 0.0)) / wall for name in after}
    return ", ".join(
        f"{name} {cores:.2f}" for name, cores in sorted(used.items(), key=lambda x: -x[1]) if cores >= 0.01
    )


def worker_processes(system: chaos.ChaosSystem, service: str) -> list[psutil.Process]:
    main = system.process(f"{service}-worker")
    return [main, *main.children(recursive=True)]


def worker_cpu_seconds(system: chaos.ChaosSystem, service: str) -> float:
    """A worker's CPU time so far: its main process, its pool processes now, and those that ended
    (the run command forks pool processes as tasks come and ends them when idle)."""
    main = system.process(f"{service}-worker")
    ended = main.cpu_times()
    return cpu_seconds(worker_processes(system, service)) + ended.children_user + ended.children_system


@contextmanager
def consumers_paused(system: chaos.ChaosSystem, paused: bool) -> Iterator[None]:
    """While open, if `paused`: the relays and the consumers' workers stopped (SIGSTOP), so the
    reports' events wait in the outbox instead of taking the cores from the API under measure."""
    stopped = [system.process("relays"), *(p for s in CONSUMERS for p in worker_processes(system, s))]
    for process in stopped if paused else []:
        process.suspend()
    try:
        yield
    finally:
        for process in stopped if paused else []:
            process.resume()


def applied(system: chaos.ChaosSystem, consumer: str) -> int:
    return system.query(f"SELECT count(*) FROM {consumer}.processed_event")[0][0]


def count_statements(database_url: str, redis_url: str, unit_id: str, token: str) -> None:
    """Statements and round trips of one report, counted on the inspections app in this process."""
    from shared.settings import get_settings

    os.environ.update(DATABASE_URL=database_url, REDIS_URL=redis_url)
    get_settings.cache_clear()  # read before, when the system's servers were not known yet
    from fastapi.testclient import TestClient
    from sqlalchemy import event

    from services.inspections.app import app
    from services.inspections.runtime import runtime

    counted: list[str] = []
    engine = runtime.engine
    event.listen(engine, "before_cursor_execute", lambda *args: counted.append(args[2].split()[0]))
    event.listen(engine, "begin", lambda _: counted.append("BEGIN"))
    event.listen(engine, "commit", lambda _: counted.append("COMMIT"))
    headers = {"Authorization": f"Bearer {token}"}
    with TestClient(app) as client:
        for key in (None, str(uuid.uuid4())):
            answer = client.post(
                "/hazards",
                json={**REPORT, "unit_id": unit_id},
                headers={**headers, **({"Idempotency-Key": key} if key else {})},
            )
            assert answer.status_code == 201, answer.text
            counted.clear()
            client.post(
                "/hazards",
                json={**REPORT, "unit_id": unit_id},
                headers={**headers, **({"Idempotency-Key": str(uuid.uuid4())} if key else {})},
            )
            statements = [s for s in counted if s not in ("BEGIN", "COMMIT")]
            label = "with an Idempotency-Key" if key else "without a key"
            print(f"  one report {label}: {len(statements)} statements ({', '.join(statements)}), "
                  f"{len(counted)} round trips with BEGIN and COMMIT")  # fmt: skip
    engine.dispose()


def start_bare(database_url: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "bench.bare_insert_app:app", "--port", str(port), "--workers", "1",
         "--no-access-log", "--log-level", "warning"],
        env={**os.environ, "DATABASE_URL": database_url},
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/openapi.json").status_code == 200:
                return process, url
        except httpx.HTTPError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("the bare endpoint did not start")


def settle(system: chaos.ChaosSystem, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while system.unapplied() and time.monotonic() < deadline:
        time.sleep(0.5)


def latency_run(
    system: chaos.ChaosSystem,
    headers: dict[str, str],
    unit_id: str,
    rate: float,
    seconds: float,
    connections: int,
) -> list[str]:
    url = system.urls["inspections"]
    api = [system.process("inspections-api")]
    # a second of the same flow first, not measured, applied before the measured flow starts: a
    # steady flow finds the workers' pool processes up (the first task after a pause waits for one
    # to fork, which the README's Footprint measures apart)
    warm_up, _, _ = asyncio.run(open_loop(url, headers, unit_id, rate, 1.0, connections))
    settle(system)
    cpu_before = {service: worker_cpu_seconds(system, service) for service in CONSUMERS}
    api_before = cpu_seconds(api)
    applied_before = {service: applied(system, service) for service in CONSUMERS}
    accepted, answered, behind = asyncio.run(open_loop(url, headers, unit_id, rate, seconds, connections))
    deadline = time.monotonic() + 300
    rows: list[tuple] = []
    while time.monotonic() < deadline:
        rows = system.query(
            """
            SELECT extract(epoch FROM m.created_at - h.reported_at) * 1000, extract(epoch FROM h.reported_at)
            FROM unnest(CAST(:ids AS uuid[])) AS r(id)
            JOIN inspections.hazard h ON h.id = r.id
            JOIN notifications.inbox_message m
              ON m.subject_id = h.id AND m.person_id = :person AND m.event_type = 'hazard.reported'
            """,
            ids=accepted,
            person=system.grid_member,
        )
        if len(rows) >= len(accepted):
            break
        time.sleep(0.5)
    settle(system)
    latencies = sorted(float(row[0]) for row in rows)
    by_window: dict[int, list[float]] = {}  # p95 of each 5 s of reports: a start, or a steady backlog
    first = min((float(row[1]) for row in rows), default=0.0)
    for latency, reported in rows:
        by_window.setdefault(int((float(reported) - first) // 5), []).append(float(latency))
    p50, p95 = p50_p95(latencies) if latencies else (float("nan"), float("nan"))
    p99 = latencies[int(0.99 * (len(latencies) - 1))] if latencies else float("nan")
    answer_p50, answer_p95 = p50_p95(answered)
    print(f"  {rate:.0f}/s for {seconds:.0f} s: {len(accepted)}/{int(rate * seconds)} accepted; report → inbox "
          f"p50 {p50:.0f} ms, p95 {p95:.0f} ms, p99 {p99:.0f} ms, max {latencies[-1] if latencies else float('nan'):.0f} ms "
          f"({len(latencies)} messages); answers p50 {answer_p50:.0f} ms, p95 {answer_p95:.0f} ms; "
          f"the sender fell at most {behind * 1000:.0f} ms behind")  # fmt: skip
    print("    p95 of each 5 s of reports: "
          + ", ".join(f"{p50_p95(window)[1]:.0f}" for _, window in sorted(by_window.items())) + " ms")  # fmt: skip
    for service in CONSUMERS:
        events = applied(system, service) - applied_before[service]
        used = worker_cpu_seconds(system, service) - cpu_before[service]
        print(f"    {service} worker: {used * 1000 / max(events, 1):.1f} ms CPU per event ({events} events)")
    print(
        f"    inspections API: {(cpu_seconds(api) - api_before) * 1000 / max(len(accepted), 1):.1f} ms CPU per report"
    )
    return warm_up + accepted  # each accepted report's effects are counted, the warm-up's too


def exactly_once(system: chaos.ChaosSystem, accepted: list[str]) -> None:
    effects = system.effects_per_report(accepted)
    lost = sum(1 for counts in effects.values() if 0 in counts) + len(set(accepted) - set(effects))
    twice = sum(1 for counts in effects.values() if any(count > 1 for count in counts))
    print(f"  {len(accepted)} reports accepted: {lost} with an effect lost, {twice} with an effect applied twice "
          f"(outbox event, inbox message, reporting's fact, notifications' copy); "
          f"{system.dead_letters()} dead letters")  # fmt: skip


def cpu_speed() -> str:
    """A yardstick of this machine's speed, so that runs on different machines can be compared:
    the CPU time one core takes for a fixed loop of Python (median of three)."""
    times = []
    for _ in range(3):
        started = time.process_time()
        sum(range(20_000_000))
        times.append(time.process_time() - started)
    return f"sum(range(20,000,000)) takes {sorted(times)[1]:.2f} s of CPU"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--rates", type=float, nargs="*", default=[20, 100], help="reports per second (none: no latency runs)"
    )
    parser.add_argument("--seconds", type=float, default=20, help="length of each rate's run")
    parser.add_argument(
        "--sender-connections", type=int, default=16, help="keep-alive connections of the rates' sender"
    )
    parser.add_argument("--ratio-seconds", type=float, default=10, help="length of each throughput run")
    parser.add_argument("--ratio-rounds", type=int, default=2, help="throughput runs of each endpoint")
    parser.add_argument("--connections", type=int, default=16, help="connections of each throughput run")
    parser.add_argument(
        "--pause-consumers",
        action="store_true",
        help="stop the relay and the consumers during the POST /hazards throughput runs (they catch up after)",
    )
    args = parser.parse_args()
    chaos.SYSTEM_SETTINGS.clear()  # production settings, but JSON logs
    chaos.SYSTEM_SETTINGS["LOG_JSON"] = "true"
    os.environ.update(keys_on_one_host(Path(tempfile.mkdtemp(prefix="gridsafe-bench-keys-"))))
    print(f"this machine's speed: {cpu_speed()}, load average {os.getloadavg()[0]:.1f} before the run")
    system = chaos.ChaosSystem()
    bare = None
    try:
        system.start()
        assert system.stream is not None and system.database is not None
        system.stream.stop()
        headers = dict(system.stream.headers)
        unit_id = system.stream.unit_id
        settle(system)
        time.sleep(10)
        print(f"at idle: {memory(system)}")
        database_url = system.database.url.render_as_string(hide_password=False)
        print("statements per report (inspections, in this process on the same database):")
        count_statements(
            database_url, system.redis_url, unit_id, headers["Authorization"].removeprefix("Bearer ")
        )
        settle(system)
        bare, bare_url = start_bare(database_url)
        body = json.dumps({**REPORT, "unit_id": unit_id}).encode()
        bare_body = json.dumps({"category": "消防", "description": "灭火器过期"}).encode()
        bare_rps, hazard_rps = [], []
        bare_cpu = hazard_cpu = 0.0
        api = [system.process("inspections-api")]
        for _ in range(args.ratio_rounds):
            before = cpu_seconds([psutil.Process(bare.pid)])
            by_process, started = cpu_by_process(system, bare), time.monotonic()
            bare_rps.append(
                asyncio.run(
                    closed_loop(bare_url, "/rows", bare_body, {}, args.connections, args.ratio_seconds)
                )
            )
            bare_cpu += cpu_seconds([psutil.Process(bare.pid)]) - before
            print(f"  cores used while the bare endpoint was driven: "
                  f"{shares(by_process, cpu_by_process(system, bare), time.monotonic() - started)}")  # fmt: skip
            before = cpu_seconds(api)
            by_process, started = cpu_by_process(system), time.monotonic()
            with consumers_paused(system, args.pause_consumers):
                hazard_rps.append(asyncio.run(closed_loop(system.urls["inspections"], "/hazards", body, headers,
                                                          args.connections, args.ratio_seconds)))  # fmt: skip
            hazard_cpu += cpu_seconds(api) - before
            print(f"  cores used while POST /hazards was driven: "
                  f"{shares(by_process, cpu_by_process(system), time.monotonic() - started)}")  # fmt: skip
            settle(system)
        bare.terminate()
        bare.wait(30)
        bare = None
        ratio = sum(hazard_rps) / sum(bare_rps)
        print(f"POST /hazards {', '.join(f'{r:.0f}' for r in hazard_rps)} req/s vs bare insert "
              f"{', '.join(f'{r:.0f}' for r in bare_rps)} req/s: ratio {ratio:.2f} (one uvicorn process each, "
              f"{args.connections} connections, {args.ratio_seconds:.0f} s per run, alternately"
              f"{'; relay and consumers paused during the runs' if args.pause_consumers else ''}); CPU per "
              f"request: {hazard_cpu * 1000 / (sum(hazard_rps) * args.ratio_seconds):.2f} ms in the inspections API, "
              f"{bare_cpu * 1000 / (sum(bare_rps) * args.ratio_seconds):.2f} ms in the bare endpoint")  # fmt: skip
        if args.rates:
            accepted: list[str] = []
            print("report → inbox through the API, the whole system running:")
            for rate in args.rates:
                accepted += latency_run(system, headers, unit_id, rate, args.seconds, args.sender_connections)
            exactly_once(system, accepted)
        print(f"after the load: {memory(system)}")
        print(f"this machine's speed after the run: {cpu_speed()}")
    finally:
        if bare is not None:
            bare.kill()
        system.stop()


if __name__ == "__main__":
    main()
