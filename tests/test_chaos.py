"""Chaos: the whole system under the run command, on its own PostgreSQL and Redis, with hazard
reports streaming in; one fault per test. After each, every accepted report was applied exactly
once by every subscriber, the APIs not broken kept answering, and the recovery time is printed.

Every test leaves the system whole again (the run command restarts what was killed).
"""

import signal
import time
from collections.abc import Iterator

import pytest
import redis

from tests.support.chaos import ChaosSystem
from tests.support.processes import wait_until

pytestmark = pytest.mark.chaos


@pytest.fixture(scope="module")
def system() -> Iterator[ChaosSystem]:
    chaos = ChaosSystem()
    try:
        chaos.start()
        yield chaos
    finally:
        chaos.stop()


@pytest.fixture
def whole(system: ChaosSystem) -> Iterator[ChaosSystem]:
    system.all_running()
    yield system
    system.all_running()


def test_an_api_killed(whole):
    whole.survive(
        "inspections API killed", lambda: whole.process("inspections-api").kill(), down="inspections"
    )
    assert "inspections-api restarted" in whole.log_text()


def test_a_worker_main_process_killed(whole):
    def kill() -> None:
        worker = whole.process("notifications-worker")
        worker.kill()  # its pool processes are orphans now; the run command kills them

    whole.survive("notifications worker main process killed", kill)
    assert "notifications-worker restarted" in whole.log_text()


def test_a_worker_child_killed(whole):
    def kill() -> None:
        pool = whole.process("reporting-worker").children()
        assert pool
        pool[0].send_signal(signal.SIGKILL)  # the worker replaces it and requeues its task

    whole.survive("reporting worker pool process killed", kill)


def test_a_relay_killed(whole):
    whole.survive("inspections relay killed", lambda: whole.process("inspections-relay").kill())
    assert "inspections-relay restarted" in whole.log_text()


def test_the_scheduler_killed(whole):
    log = whole.folder / "data" / "logs" / "scheduler.log"
    taken = log.read_text().count("scheduler.lock_taken")
    killed = time.monotonic()
    whole.survive("scheduler killed", lambda: whole.process("scheduler").kill())
    # the restarted scheduler takes the lock over once the dead one's has expired, and beats
    wait_until(lambda: log.read_text().count("scheduler.lock_taken") > taken, timeout=60)
    print(
        f"[chaos] scheduler killed: the restarted one holds the lock {time.monotonic() - killed:.1f} s later"
    )
    assert whole.heartbeat_age("scheduler") < 30


def test_postgres_restarted(whole):
    whole.survive("PostgreSQL restarted (immediate)", whole.restart_postgres)


def test_redis_killed_with_its_append_only_file(whole):
    def kill() -> None:
        whole.redis_server().kill()  # the run command starts it again on its data

    whole.survive("Redis killed (append-only file)", kill)
    assert "redis restarted" in whole.log_text()


def test_redis_without_persistence_while_a_consumer_is_stopped(whole):
    """The queued events are gone with Redis's data; the reconciler reads them from the feed."""
    worker = whole.process("notifications-worker")

    def lose_redis() -> None:
        for process in [worker, *worker.children()]:
            process.suspend()  # the consumer stops taking its queue
        try:
            reports = len(whole.stream.accepted)
            wait_until(lambda: len(whole.stream.accepted) >= reports + 10, timeout=30)
            redis.Redis.from_url(whole.redis_url).flushall()  # as a restart without persistence
            whole.redis_server().kill()
        finally:
            for process in [worker, *worker.children()]:
                process.resume()

    whole.survive("Redis lost its data while the notifications worker was stopped", lose_redis)
