"""A scratch database for benchmarks: created on the configured server, dropped afterwards."""

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg2
from sqlalchemy.engine import make_url

from shared.processes import BY_NAME

DEFAULT_DATABASE = "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"
NAME = os.environ.get("BENCH_DATABASE", "gridsafe_bench")  # another name: benchmarks side by side


def _admin(dsn: str, statement: str) -> None:
    conn = psycopg2.connect(dsn)
    try:
        conn.autocommit = True
        conn.cursor().execute(statement)
    finally:
        conn.close()


@contextmanager
def scratch_database() -> Iterator[None]:
    """Point DATABASE_URL/REDIS_URL at a fresh, migrated database (and Redis db 12) for the run,
    with a token signing key of its own."""
    server = make_url(os.environ.get("DATABASE_URL", DEFAULT_DATABASE))
    admin = server.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    _admin(admin, f"DROP DATABASE IF EXISTS {NAME} WITH (FORCE)")
    _admin(admin, f"CREATE DATABASE {NAME}")
    os.environ["DATABASE_URL"] = server.set(database=NAME).render_as_string(hide_password=False)
    os.environ["REDIS_URL"] = os.environ.get("REDIS_URL", DEFAULT_REDIS).rsplit("/", 1)[0] + "/12"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    from shared.db import get_engine
    from shared.migrations import upgrade_all
    from shared.tokens import keys_on_one_host

    keys = tempfile.TemporaryDirectory(prefix="gridsafe-bench-keys-")
    os.environ.update(keys_on_one_host(Path(keys.name)))  # before the settings are first read
    upgrade_all()
    try:
        yield
    finally:
        keys.cleanup()
        get_engine(os.environ["DATABASE_URL"]).dispose()
        _admin(admin, f"DROP DATABASE IF EXISTS {NAME} WITH (FORCE)")


def demo_grid_id():  # the id of a grid covering the whole benchmark area
    import uuid

    from services.registry.grid.schemas import GridCreate, ZoneCreate
    from services.registry.grid.service import create_grid, create_zone
    from services.registry.runtime import runtime

    with runtime.transaction() as session:
        zone = create_zone(session, ZoneCreate(code=f"BENCH-{uuid.uuid4().hex[:6]}", name="基准测试区"))
        ring = [[117.0, 31.0], [118.0, 31.0], [118.0, 32.0], [117.0, 32.0], [117.0, 31.0]]
        grid = create_grid(
            session,
            GridCreate(
                zone_id=zone.id,
                code="B1",
                name="基准网格",
                boundary={"type": "Polygon", "coordinates": [ring]},
            ),
        )
        return grid.id


@contextmanager
def relay_and_worker(
    relay_service: str, worker_service: str, concurrency: int = 2, pool: str = "prefork"
) -> Iterator[None]:
    """A service's outbox relay and another's Celery worker, running (and given time to start) for the block."""
    relay = BY_NAME[f"{relay_service}-relay"].command(sys.executable)
    worker = BY_NAME[f"{worker_service}-worker"].command(sys.executable) + [
        "-c", str(concurrency), "-P", pool, "-l", "WARNING", "--without-mingle", "--without-gossip"
    ]  # fmt: skip
    processes = [subprocess.Popen(relay), subprocess.Popen(worker)]
    try:
        time.sleep(6)  # let the worker and relay start
        yield
    finally:
        for process in processes:
            process.terminate()
            process.wait(30)


def p50_p95(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[int(0.95 * (len(ordered) - 1))]
