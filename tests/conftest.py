"""Test set-up: real PostgreSQL and Redis, a database of the tests' own, real Celery workers."""

import os
import shutil
import socket
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import redis
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from shared.tokens import keys_on_one_host
from tests.support.channels import HttpSink, MailSink, channel_settings
from tests.support.servers import (
    TestServers,
    claim_redis_db,
    create_database,
    drop_database,
    release_redis_db,
    resolve_servers,
    stop_processes_using,
    with_database,
    with_redis_db,
)

# The browser tests' whole running system (`system`) and their helpers.
pytest_plugins = ["tests.support.browser"]

if TYPE_CHECKING:
    from fastapi.testclient import TestClient

    from tests.support.processes import ManagedProcess

# Fast retries and polling in tests; the production defaults are in shared/settings.py.
TEST_SETTINGS = {
    "RETRY_BACKOFF_BASE_SECONDS": "0.2",
    "RETRY_BACKOFF_MAX_SECONDS": "2",
    "CONSUMER_MAX_RETRIES": "3",
    "RELAY_POLL_SECONDS": "0.5",
    "RELAY_MAX_BACKOFF_SECONDS": "1",
    "STARTUP_WAIT_SECONDS": "30",
    "RECONCILE_GRACE_SECONDS": "0",
    "LOG_JSON": "true",
}


# Under pytest-xdist the controller only finds the servers; each worker runs tests in a database and
# a Redis database of its own, which the controller creates for it and drops when it ends (also when
# it crashes: processes it started are killed then). Without xdist the one process does both parts.
_servers_key = pytest.StashKey[TestServers]()
_own_key = pytest.StashKey[tuple[str, int]]()  # this process's test database and Redis db
_nodes_key = pytest.StashKey[dict[str, tuple[str, int]]]()  # the controller's: per worker
_sinks_key = pytest.StashKey[tuple[MailSink, HttpSink]]()
_keys_key = pytest.StashKey[Path]()  # this process's token key folder


def _is_xdist_controller(config: pytest.Config) -> bool:
    return not hasattr(config, "workerinput") and getattr(config.option, "dist", "no") != "no"


def _claim(servers: TestServers, database: str) -> tuple[str, int]:
    """A fresh database and a free Redis database number for one test process."""
    create_database(servers.postgres_url, database)
    return database, claim_redis_db(servers.redis_url, owner=f"{socket.gethostname()}/{database}")


def _release(servers: TestServers, database: str, redis_db: int) -> None:
    from shared.db_roles import drop_service_roles, service_role
    from shared.settings import SERVICE_NAMES

    database_url = with_database(servers.postgres_url, database)
    stop_processes_using(database_url)
    drop_database(servers.postgres_url, database)
    drop_service_roles(servers.postgres_url, [service_role(database, service) for service in SERVICE_NAMES])
    release_redis_db(servers.redis_url, redis_db)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "committed: the test commits its data (it starts processes of its own that read it, or it needs rows written by separate requests to get separate transaction times)",
    )
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None:  # an xdist worker: the controller found the servers and claimed for us
        servers = TestServers(workerinput["gridsafe_postgres"], workerinput["gridsafe_redis"], "controller")
        own = (workerinput["gridsafe_database"], workerinput["gridsafe_redis_db"])
    else:
        servers = resolve_servers()
    config.stash[_servers_key] = servers
    if _is_xdist_controller(config):
        config.stash[_nodes_key] = {}
        return
    if workerinput is None:
        own = _claim(servers, f"gridsafe_test_{os.getpid()}")
    config.stash[_own_key] = own
    os.environ.update(TEST_SETTINGS)
    config.stash[_keys_key] = Path(tempfile.mkdtemp(prefix="gridsafe-test-keys-"))
    os.environ.update(keys_on_one_host(config.stash[_keys_key]))  # the tests' own signing key
    from tests.support.processes import service_settings_for_tests

    os.environ.update(service_settings_for_tests())  # service secrets, where test APIs listen
    mail, http = MailSink(), HttpSink()
    os.environ.update(channel_settings(mail, http))
    config.stash[_sinks_key] = (mail, http)
    os.environ["DATABASE_URL"] = with_database(servers.postgres_url, own[0])
    os.environ["REDIS_URL"] = with_redis_db(servers.redis_url, own[1])
    # Tests in this process use the owner (DATABASE_URL: truncation, rolled-back transactions); the
    # processes they start connect as each service's role, named for this test database.
    from shared.db_roles import generated_role_urls
    from tests.support.processes import SERVICE_ROLE_ENV

    SERVICE_ROLE_ENV.update(
        {
            f"{service.upper()}_DATABASE_URL": url
            for service, url in generated_role_urls(os.environ["DATABASE_URL"]).items()
        }
    )


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node) -> None:  # xdist's WorkerController
    """Controller: a database and a Redis database of its own for a worker about to start."""
    servers = node.config.stash[_servers_key]
    database, redis_db = _claim(servers, f"gridsafe_test_{os.getpid()}_{node.gateway.id}")
    node.config.stash[_nodes_key][node.gateway.id] = (database, redis_db)
    node.workerinput.update(
        gridsafe_postgres=servers.postgres_url,
        gridsafe_redis=servers.redis_url,
        gridsafe_database=database,
        gridsafe_redis_db=redis_db,
    )


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:  # xdist's WorkerController
    """Controller: a worker ended (or crashed): kill what it left running, drop and release its own."""
    claimed = node.config.stash[_nodes_key].pop(node.gateway.id, None)
    if claimed:
        _release(node.config.stash[_servers_key], *claimed)


def pytest_unconfigure(config: pytest.Config) -> None:
    if _servers_key not in config.stash:
        return
    servers = config.stash[_servers_key]
    if _sinks_key in config.stash:
        mail, http = config.stash[_sinks_key]
        mail.stop()
        http.stop()
    if _keys_key in config.stash:
        shutil.rmtree(config.stash[_keys_key], ignore_errors=True)
    if _own_key in config.stash:
        from shared.db import get_engine

        get_engine(os.environ["DATABASE_URL"]).dispose()
        if not hasattr(config, "workerinput"):  # a worker's own are the controller's to release
            _release(servers, *config.stash[_own_key])
    for claimed in config.stash.get(_nodes_key, {}).values():  # workers that never reported down
        _release(servers, *claimed)
    servers.stop()


def pytest_report_header(config: pytest.Config) -> str:
    servers = config.stash[_servers_key]
    if _own_key not in config.stash:
        return f"gridsafe: PostgreSQL and Redis from {servers.origin}; a database and Redis db per worker"
    database, redis_db = config.stash[_own_key]
    return (
        f"gridsafe: PostgreSQL and Redis from {servers.origin}; test database {database}, Redis db {redis_db}"
    )


@pytest.fixture(scope="session")
def log_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="gridsafe-test-logs-"))


@pytest.fixture(scope="session", autouse=True)
def migrated_database() -> None:
    from shared.db_roles import grant_service_roles
    from shared.migrations import upgrade_all
    from tests.support import probe
    from tests.support.processes import service_role_urls

    upgrade_all()
    grant_service_roles(os.environ["DATABASE_URL"], service_role_urls())
    with probe.runtime.engine.begin() as conn:
        # keep a copy of the reference rows migrations seed, to restore them after each test
        conn.execute(text("CREATE SCHEMA IF NOT EXISTS test_seeds"))
        for table in SEEDED_TABLES:
            copy = table.replace(".", "__")
            conn.execute(
                text(
                    f"DROP TABLE IF EXISTS test_seeds.{copy}; CREATE TABLE test_seeds.{copy} AS TABLE {table}"
                )
            )
        conn.execute(text('CREATE SCHEMA IF NOT EXISTS "probe"'))
        probe.runtime.metadata.create_all(conn)


SCHEMAS = ("registry", "inspections", "notifications", "reporting", "probe")
SEEDED_TABLES = (
    "inspections.cadence_rule",
    "inspections.cadence_rule_version",
    "reporting.campaign_phase",
    "reporting.campaign_task",
)  # reference data that migrations insert
SEEDED_IDENTITIES = ("inspections.cadence_rule_version",)  # of those, the ones numbered by an identity


def _truncate_all(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("SET LOCAL lock_timeout = '20s'"))  # a leaked transaction fails loudly
        tables = conn.execute(
            text(
                "SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) FROM pg_tables "
                "WHERE schemaname = ANY(:schemas) AND tablename <> 'alembic_version'"
            ),
            {"schemas": list(SCHEMAS)},
        ).scalars()
        conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        for table in SEEDED_TABLES:
            conn.execute(text(f"INSERT INTO {table} SELECT * FROM test_seeds.{table.replace('.', '__')}"))
        for table in SEEDED_IDENTITIES:  # new rows number on after the restored ones
            conn.execute(
                text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}")
            )


# Fixtures that start processes of their own: their tests commit, and other tests must not see that.
PROCESS_FIXTURES = {"workers", "relay"}


def _commits(request: pytest.FixtureRequest) -> bool:
    marked = request.node.get_closest_marker("committed") is not None
    return marked or not PROCESS_FIXTURES.isdisjoint(request.fixturenames)


def _empty_tables(engine: Engine) -> None:
    for attempt in range(5):  # a worker may still be finishing the last test's deliveries
        try:
            _truncate_all(engine)
            return
        except OperationalError as exc:
            if "deadlock" not in str(exc) or attempt == 4:
                raise


@pytest.fixture(scope="session")
def committed_data() -> dict[str, bool]:
    """Whether a test left committed rows behind (the next test starts by emptying the tables)."""
    return {"left": False}


@pytest.fixture(autouse=True)
def clean_state(
    request: pytest.FixtureRequest, migrated_database: None, committed_data: dict[str, bool]
) -> Iterator[None]:
    """Each test starts with empty tables and an empty test Redis database.

    A test that runs in this process only (the API clients, consumers and jobs called directly)
    runs in one transaction that is rolled back at its end: every session of the services joins
    it (shared.db.sessions_joined_to). A test with real workers or relays commits, since other
    processes must see its data; it empties the tables before it runs and leaves them to be
    emptied before the next test.
    """
    from shared.db import get_engine, sessions_joined_to

    url = os.environ["DATABASE_URL"]
    engine = get_engine(url)
    redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()
    if _commits(request):
        _empty_tables(engine)
        redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()
        committed_data["left"] = True
        yield
        return
    if committed_data["left"]:
        _empty_tables(engine)
        committed_data["left"] = False
    with engine.connect() as connection, connection.begin() as outer, sessions_joined_to(url, connection):
        yield
        outer.rollback()


@pytest.fixture
def mail(request: pytest.FixtureRequest) -> MailSink:
    """The SMTP server notifications sends to (emptied for each test)."""
    sink = request.config.stash[_sinks_key][0]
    sink.reset()
    return sink


@pytest.fixture
def http_sink(request: pytest.FixtureRequest) -> HttpSink:
    """The HTTP server playing the SMS gateway (/sms) and webhook receivers (emptied for each test)."""
    sink = request.config.stash[_sinks_key][1]
    sink.reset()
    return sink


@pytest.fixture(scope="session")
def workers(log_dir: Path, migrated_database: None) -> Iterator[dict[str, "ManagedProcess"]]:
    """Real Celery workers for the consuming services and the probe."""
    from tests.support.processes import start_worker

    started = {}
    try:
        for service in ("registry", "inspections", "notifications", "reporting"):
            started[service] = start_worker(service, log_dir)
        started["probe"] = start_worker("probe", log_dir, app_module="tests.support.probe")
        yield started
    finally:
        for worker in started.values():
            worker.stop()


@pytest.fixture
def relay(log_dir: Path) -> Iterator[Callable[..., object]]:
    """Start a service's outbox relay process (stopped after the test)."""
    from tests.support.processes import start_relay

    started = []

    def start(service: str, **env: str) -> object:
        process = start_relay(service, log_dir, **env)
        started.append(process)
        return process

    yield start
    for process in started:
        process.stop()


@pytest.fixture
def make_token() -> Callable[..., str]:
    from shared.auth import Principal, Role, issue_token
    from tests.support.staff import assign_grids_in_copies

    def make(
        *roles: Role,
        enterprise_id: uuid.UUID | None = None,
        grid_ids: list | None = None,
        minutes: int | None = None,
        person_id: uuid.UUID | None = None,
        grid_ids_claim: list | None = None,
    ) -> str:
        """`grid_ids`: the grids the person staffs, put in the copies of the ledger (and the claim);
        `grid_ids_claim`: grids the token claims only (authority must ignore it)."""
        person_id = person_id or uuid.uuid4()
        if grid_ids:
            assign_grids_in_copies(person_id, grid_ids, roles[0] if roles else Role.zone_admin)
        principal = Principal(
            user_id=uuid.uuid4(),
            name="测试用户",
            roles=roles or {Role.zone_admin},
            person_id=person_id,
            enterprise_id=enterprise_id,
            grid_ids=grid_ids_claim or grid_ids or [],
        )
        return issue_token(principal, minutes=minutes)

    return make


@pytest.fixture
def auth(make_token: Callable[..., str]) -> Callable[..., dict[str, str]]:
    """Headers with a bearer token for the given roles."""

    def headers(*roles: object, **kwargs: object) -> dict[str, str]:
        return {"Authorization": f"Bearer {make_token(*roles, **kwargs)}"}

    return headers


@pytest.fixture(scope="session")
def clients(migrated_database: None) -> Iterator[dict[str, "TestClient"]]:
    """In-process test clients of the four real APIs (lifespan included)."""
    from fastapi.testclient import TestClient

    from services.inspections.app import app as inspections_app
    from services.notifications.app import app as notifications_app
    from services.registry.app import app as registry_app
    from services.reporting.app import app as reporting_app

    apps = {
        "registry": registry_app,
        "inspections": inspections_app,
        "notifications": notifications_app,
        "reporting": reporting_app,
    }
    entered = {name: TestClient(app, raise_server_exceptions=False) for name, app in apps.items()}
    for client in entered.values():
        client.__enter__()
    yield entered
    for client in entered.values():
        client.__exit__(None, None, None)


@pytest.fixture
def grid(clients, auth) -> dict:
    """A zone with one grid, created through the registry API."""
    from tests.factories import create_zone_and_grid

    return create_zone_and_grid(clients["registry"], auth())


@pytest.fixture
def unit() -> uuid.UUID:
    """A unit the inspections service knows (through its real event consumer)."""
    from tests.support.inspections import known_unit

    return known_unit()


@pytest.fixture
def api(clients, auth):
    """Call the inspections API as a given person (a fixed user id per name, so 'someone else' is real)."""
    from shared.auth import Principal, Role, issue_token
    from tests.support.staff import assign_grids_in_copies

    ids: dict[str, uuid.UUID] = {}
    staffed: set[tuple[str, str]] = set()

    def call(method: str, path: str, who: str = "inspector", role: "Role" = Role.grid_member, **kwargs):
        user_id = ids.setdefault(who, uuid.uuid4())
        grid_ids = kwargs.pop("grid_ids", [])
        new_grids = [g for g in grid_ids if (who, str(g)) not in staffed]
        if new_grids:  # grid scope comes from the ledger's copies, as it does for real people
            assign_grids_in_copies(user_id, new_grids, role)
            staffed.update((who, str(g)) for g in new_grids)
        principal = Principal(
            user_id=user_id,
            name=who,
            roles={role},
            person_id=user_id,
            enterprise_id=kwargs.pop("enterprise_id", None),
            grid_ids=grid_ids,
        )
        headers = {"Authorization": f"Bearer {issue_token(principal)}", **kwargs.pop("headers", {})}
        return clients["inspections"].request(method, path, headers=headers, **kwargs)

    return call
