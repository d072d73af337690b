"""Chaos: the whole system under the run command, on its own PostgreSQL and Redis, with hazard
reports streaming in; one fault per test. After each, every accepted report was applied exactly
once by every subscriber, the APIs not broken kept answering, and the recovery time is printed.

Every test leaves the system whole again (the run command restarts what was killed).
"""

import time
from collections.abc import Iterator

import pytest

from tests.support.chaos import FAULTS, ChaosSystem
from tests.support.processes import wait_until

# one system for the module: under xdist (`--dist loadgroup`) all its tests go to one worker
pytestmark = [pytest.mark.chaos, pytest.mark.xdist_group("chaos")]


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
    whole.survive(FAULTS["api"])


def test_a_worker_main_process_killed(whole):
    whole.survive(FAULTS["worker"])


def test_a_worker_child_killed(whole):
    whole.survive(FAULTS["worker-child"])


def test_a_relay_killed(whole):
    whole.survive(FAULTS["relay"])


def test_the_scheduler_killed(whole):
    log = whole.folder / "data" / "logs" / "scheduler.log"
    taken = log.read_text().count("scheduler.lock_taken")
    killed = time.monotonic()
    whole.survive(FAULTS["scheduler"])
    # the restarted scheduler takes the lock over once the dead one's has expired, and beats
    wait_until(lambda: log.read_text().count("scheduler.lock_taken") > taken, timeout=60)
    print(f"[chaos] the restarted scheduler holds the lock {time.monotonic() - killed:.1f} s after the kill")
    assert whole.heartbeat_age("scheduler") < 30


def test_postgres_restarted(whole):
    whole.survive(FAULTS["postgres"])


def test_redis_killed_with_its_append_only_file(whole):
    whole.survive(FAULTS["redis"])


def test_redis_without_persistence_while_a_consumer_is_stopped(whole):
    """The queued events are gone with Redis's data; the reconciler reads them from the feed."""
    whole.survive(FAULTS["redis-lost"])
