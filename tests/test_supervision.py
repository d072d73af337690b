"""Nothing stalls: time limits on every task, a killed worker's tasks come back within about a
minute, one scheduler at a time, heartbeats."""

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis

from shared.celery_app import check_time_limits
from shared.events.consumer import handle_event_task_name
from shared.events.envelope import CloudEvent
from shared.settings import SERVICE_NAMES, Settings
from tests.support import probe
from tests.support.processes import ManagedProcess, start_worker, wait_until

# A worker of the probe on a queue of its own, with short limits so the test is quick.
FAST = {
    "BROKER_VISIBILITY_TIMEOUT_SECONDS": "10",
    "TASK_SOFT_TIME_LIMIT_SECONDS": "2",
    "TASK_TIME_LIMIT_SECONDS": "3",
    "RETRY_BACKOFF_MAX_SECONDS": "2",
}


def celery_apps() -> dict[str, object]:
    import importlib

    apps = {
        service: importlib.import_module(f"services.{service}.worker").celery_app for service in SERVICE_NAMES
    }
    apps["scheduler"] = importlib.import_module("services.scheduler").celery_app
    return apps


def test_every_task_has_time_limits_that_end_it_before_redis_hands_it_out_again():
    settings = Settings()
    for name, app in celery_apps().items():
        transport = app.conf.broker_transport_options
        assert transport["visibility_timeout"] == settings.broker_visibility_timeout_seconds, name
        assert transport["unacked_restore_throttle"] == 1, name  # swept every few seconds
        for task in app.tasks.values():
            if task.name.startswith("celery."):
                continue
            soft = task.soft_time_limit or app.conf.task_soft_time_limit
            hard = task.time_limit or app.conf.task_time_limit
            assert soft and hard and soft < hard, task.name
            if task.acks_late:
                longest_wait = settings.retry_backoff_max_seconds if task.max_retries else 0
                assert longest_wait + hard < settings.broker_visibility_timeout_seconds, task.name
    assert Settings().broker_visibility_timeout_seconds <= 60  # "within about a minute"


@pytest.mark.parametrize(
    "values",
    [
        {"task_soft_time_limit_seconds": 25, "task_time_limit_seconds": 25},
        {"retry_backoff_max_seconds": 40, "task_time_limit_seconds": 25},
        {"broker_visibility_timeout_seconds": 20},
    ],
)
def test_limits_that_would_let_redis_hand_a_task_out_twice_are_refused(values):
    with pytest.raises(ValueError, match="must"):
        check_time_limits(Settings(**values))


def send_probe(queue: str, **data: object) -> CloudEvent:
    event = CloudEvent.wrap(probe.ProbePingedV1(**data), source="tests", subject=None, correlation_id=None)
    probe.celery_app.send_task(
        handle_event_task_name("probe"),
        args=[[event.model_dump(mode="json")]],
        queue=queue,
        task_id=str(event.id),
    )
    return event


def scalar(sql: str, **params: object) -> object:
    from sqlalchemy import text

    with probe.runtime.engine.connect() as conn:
        return conn.execute(text(sql), params).scalar()


def test_a_killed_worker_s_tasks_come_back_after_the_visibility_timeout_with_one_effect(log_dir):
    queue = f"probe-killed-{uuid.uuid4().hex[:8]}"
    worker = start_worker(queue, log_dir, app_module="tests.support.probe", **FAST)
    store = redis.Redis.from_url(os.environ["REDIS_URL"])
    events = [send_probe(queue, pause_seconds=1.5) for _ in range(2)]
    wait_until(lambda: all(store.get(probe.started_key(e.id)) == b"1" for e in events))
    os.killpg(worker.process.pid, signal.SIGKILL)  # the main process and its pool, as a lost container
    worker.process.wait(10)
    killed = time.monotonic()
    assert store.hlen("unacked") >= 2  # held by nobody now
    replacement = start_worker(queue, log_dir, app_module="tests.support.probe", **FAST)
    try:
        for event in events:
            wait_until(
                lambda e=event: (
                    scalar("SELECT count(*) FROM probe.effect WHERE event_id = :id", id=e.id) == 1
                ),
                timeout=60,
            )
        print(
            f"killed worker's tasks applied {time.monotonic() - killed:.1f} s after the kill (timeout 10 s)"
        )
        for event in events:
            assert int(store.get(probe.started_key(event.id))) == 2  # ran again after the kill
            assert scalar("SELECT count(*) FROM probe.effect WHERE event_id = :id", id=event.id) == 1
    finally:
        replacement.stop()
        worker.stop()


def test_a_task_over_its_time_limit_is_stopped_and_dead_lettered_not_left_hanging(log_dir):
    queue = f"probe-slow-{uuid.uuid4().hex[:8]}"
    worker = start_worker(queue, log_dir, app_module="tests.support.probe", **FAST)
    try:
        event = send_probe(queue, pause_seconds=30)
        wait_until(
            lambda: scalar("SELECT reason FROM probe.dead_letter WHERE event_id = :id", id=event.id),
            timeout=60,
        )
        reason = scalar("SELECT reason FROM probe.dead_letter WHERE event_id = :id", id=event.id)
        assert "SoftTimeLimitExceeded" in reason
        assert scalar("SELECT count(*) FROM probe.effect WHERE event_id = :id", id=event.id) == 0
    finally:
        worker.stop()


def beat_messages(store: redis.Redis, queue: str) -> list[str]:
    """The sender (`gen<pid>@host`) of each job message in the queue, oldest first."""
    return [json.loads(raw)["headers"]["origin"] for raw in reversed(store.lrange(queue, 0, -1))]


def test_a_second_scheduler_stands_by_and_takes_over_only_when_the_first_is_gone(log_dir, tmp_path):
    queue = f"probe-beat-{uuid.uuid4().hex[:8]}"
    env = {"PROBE_BEAT_QUEUE": queue, "SCHEDULER_LOCK_SECONDS": "3", "HEARTBEAT_DIR": str(tmp_path)}

    def scheduler(name: str) -> ManagedProcess:
        command = [sys.executable, "-m", "celery", "-A", "tests.support.probe_beat", "beat", "-l", "INFO",
                   "--schedule", str(tmp_path / name)]  # fmt: skip
        return ManagedProcess(f"{name}-{queue}", command, log_dir, env)

    store = redis.Redis.from_url(os.environ["REDIS_URL"])
    first = scheduler("first")
    first.wait_for_log("scheduler.lock_taken")
    second = scheduler("second")
    try:
        second.wait_for_log("scheduler.standby")
        wait_until(lambda: len(beat_messages(store, queue)) >= 8, timeout=30)
        senders = beat_messages(store, queue)
        assert set(senders) == {sender for sender in senders if sender.startswith(f"gen{first.process.pid}@")}

        first.process.kill()  # no chance to release the lock: it expires
        first.process.wait(10)
        sent_by_first = len(beat_messages(store, queue))
        second.wait_for_log("scheduler.lock_taken", timeout=30)
        wait_until(lambda: len(beat_messages(store, queue)) >= sent_by_first + 4, timeout=30)
        senders = beat_messages(store, queue)
        by_second = [sender.startswith(f"gen{second.process.pid}@") for sender in senders]
        # one sender at a time: the first's messages, then only the second's
        assert by_second == sorted(by_second) and by_second.count(False) == sent_by_first
        assert "Sending due task" not in second.log_text().split("scheduler.standby")[0]
        check = [sys.executable, "-m", "shared.heartbeat", "scheduler", "--max-age", "10"]
        assert subprocess.run(check, env={**os.environ, **env}, capture_output=True).returncode == 0
    finally:
        first.stop()
        second.stop()
        store.delete(queue)


def test_the_heartbeat_check_fails_without_a_fresh_heartbeat(tmp_path):
    env = {**os.environ, "HEARTBEAT_DIR": str(tmp_path)}
    check = [sys.executable, "-m", "shared.heartbeat", "relay-registry", "--max-age", "60"]
    assert subprocess.run(check, env=env, capture_output=True).returncode == 1  # never beat
    Path(tmp_path / "relay-registry").touch()
    assert subprocess.run(check, env=env, capture_output=True).returncode == 0
    old = time.time() - 120
    os.utime(tmp_path / "relay-registry", (old, old))
    assert subprocess.run(check, env=env, capture_output=True).returncode == 1
