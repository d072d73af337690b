"""celery beat that sends jobs only while it holds the one scheduler lock.

Two scheduler instances may run (a second container, a restart that overlaps the old one); only
the one holding the lock, a Redis key with a time to live (redis-py's `Lock`), sends. The holder
renews it before every send; the other waits, trying to take it every few seconds, and takes
over once the holder stops renewing (it died, or lost Redis) for `SCHEDULER_LOCK_SECONDS`. A
holder that could not renew in time finds the lock taken and stands by. Every tick touches the
heartbeat `scheduler` (shared.heartbeat), in standby too.

A standby instance treats every job as just run by the holder, so on taking over it sends each
after a full period (a crontab job at its next time) rather than all of them at once.
"""

import contextlib
import os
import pickle
import subprocess
import sys
from typing import Any

import redis
import structlog
from celery import Celery
from celery.beat import PersistentScheduler
from redis.exceptions import LockError, RedisError

from shared.heartbeat import beat
from shared.settings import SERVICE_NAMES, get_settings

log = structlog.get_logger(__name__)

LOCK_KEY = "gridsafe:scheduler-lock"
HEARTBEAT = "scheduler"


class SchedulerLock:
    def __init__(self, redis_url: str, seconds: float) -> None:
        client = redis.Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=2)
        self.lock = client.lock(LOCK_KEY, timeout=seconds, thread_local=False)
        self.held = False

    def hold(self) -> bool:
        """Renew the lock if this instance holds it, else try to take it. True if held now."""
        try:
            if self.held:
                self.lock.reacquire()
            else:
                self.held = self.lock.acquire(blocking=False)
                if self.held:
                    log.info("scheduler.lock_taken", key=LOCK_KEY)
                return self.held
        except LockError:  # it expired and another instance took it
            log.warning("scheduler.lock_lost", key=LOCK_KEY)
            self.held = False
        except RedisError as exc:
            log.warning("scheduler.lock_unreachable", error=repr(exc))
        return self.held

    def release(self) -> None:
        if self.held:
            with contextlib.suppress(LockError, RedisError):
                self.lock.release()
            self.held = False


class LockedScheduler(PersistentScheduler):
    """PersistentScheduler (the schedule file keeps last run times) behind `SchedulerLock`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        settings = get_settings()
        self.lock = SchedulerLock(settings.redis_url, settings.scheduler_lock_seconds)
        # standby retries, and renewals, come well within the lock's lifetime
        self.lock_check_seconds = settings.scheduler_lock_seconds / 3
        self.standing_by = False
        super().__init__(*args, **kwargs)

    def tick(self, *args: Any, **kwargs: Any) -> float:
        beat(HEARTBEAT)
        if not self.lock.hold():
            if not self.standing_by:
                log.info("scheduler.standby", reason="another scheduler holds the lock")
                self.standing_by = True
            self._as_if_just_run()
            return self.lock_check_seconds
        self.standing_by = False
        return min(float(super().tick(*args, **kwargs)), self.lock_check_seconds)

    def _as_if_just_run(self) -> None:
        now = self.app.now()
        for entry in self.schedule.values():
            entry.last_run_at = now
        self._heap = None  # rebuilt from the entries on the next tick

    def close(self) -> None:
        super().close()
        self.lock.release()


def use_locked_scheduler(app: Celery, schedule: dict[str, dict[str, Any]]) -> None:
    """Make `app`'s beat send `schedule` (celery's beat_schedule) behind the scheduler lock."""
    app.conf.beat_scheduler = f"{__name__}:{LockedScheduler.__name__}"
    app.conf.beat_schedule = schedule


def _collect_every_scheduled_job() -> dict[str, dict[str, Any]]:
    from shared.worker import scheduled_jobs  # every service's job modules, and all they import

    return {
        job.task: {"task": job.task, "schedule": job.schedule, "options": {"queue": job.queue}}
        for service in SERVICE_NAMES
        for job in scheduled_jobs(service)
    }


def every_scheduled_job() -> dict[str, dict[str, Any]]:
    """Every service's jobs, as celery's beat_schedule. Finding them imports each service's job
    modules and the service code they use (about 80 MB), which the scheduler never runs: a
    short-lived child process (`python -m shared.beat`) collects them and hands them over through
    a pipe, so the scheduler does not hold that memory."""
    receiving, sending = os.pipe()
    with subprocess.Popen([sys.executable, "-m", __name__, str(sending)], pass_fds=(sending,)) as child:
        os.close(sending)
        with os.fdopen(receiving, "rb") as pipe:
            sent = pipe.read()
    if child.returncode or not sent:
        raise RuntimeError(f"collecting the scheduled jobs failed (exit code {child.returncode}; see above)")
    schedule: dict[str, dict[str, Any]] = pickle.loads(sent)  # from the child started just now
    return schedule


if __name__ == "__main__":  # the child of every_scheduled_job: the pipe's end is the argument
    with os.fdopen(int(sys.argv[1]), "wb") as out:
        pickle.dump(_collect_every_scheduled_job(), out)
