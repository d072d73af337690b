"""Run the whole system on this machine: `python -m shared.launcher` (or `make run`).

It uses the PostgreSQL and Redis named by DATABASE_URL and REDIS_URL; where one is not named it
starts a real server from pip packages, keeping its data under the data folder between runs.
Then it migrates every service and starts the four APIs, their workers, their outbox relays and
the scheduler, and supervises them: a process that exits is started again after a pause that
doubles each time (1 s, 2 s, 4 s... at most 30 s) while the others keep serving; one restarted
`--restart-limit` times within `--restart-window` seconds is left stopped, loudly. A Redis it
started itself is brought back the same way, with its data. Ctrl-C stops the scheduler, relays
and workers first, then the APIs, then the servers it started.
"""

import argparse
import contextlib
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2
from sqlalchemy.engine import make_url

from shared.db_roles import role_url, service_role
from shared.health import database_problem, redis_problem, wait_until_reachable
from shared.local_servers import LocalServer, start_postgres, start_redis
from shared.processes import PORT_BASE, PROCESSES, RUN_PROCESSES, Process, ProcessKind
from shared.settings import SERVICE_NAMES, Settings
from shared.tokens import JWKS_PATH, ensure_key_file, local_key_file

ROOT = Path(__file__).resolve().parent.parent
Env = dict[str, str] | None  # a process's environment; None: the run command's own
DEFAULT_DATA_DIR = ROOT / ".gridsafe"

# Ctrl-C stops these in turn: first what sends and consumes tasks, then what serves requests;
# the servers they all need come last, so no worker loses its broker while it stops.
STOP_ORDER = (
    (ProcessKind.scheduler, ProcessKind.relay, ProcessKind.worker),
    (ProcessKind.gateway, ProcessKind.api),
)
STOP_GRACE_SECONDS = 30  # a worker's warm shutdown lets running tasks finish (hard limit 25 s)
# A worker's pool processes (prefork, which enforces the tasks' time limits) are forked when tasks
# come and ended after this many seconds without one (Celery's autoscaler), so an idle system holds
# no pool process: each is a forked copy of its worker, about 120 MB resident (30 MB of its own).
POOL_KEEPALIVE_SECONDS = 5


def ensure_database(url: str) -> None:
    """Create the database named in `url` if the server does not have it yet."""
    parsed = make_url(url)
    admin_dsn = parsed.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    conn = psycopg2.connect(admin_dsn)
    try:
        conn.autocommit = True
        cur = conn.cursor()
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (parsed.database,))
        if cur.fetchone() is None:
            cur.execute(f'CREATE DATABASE "{parsed.database}"')
    finally:
        conn.close()


def run_processes(relay_per_service: bool) -> tuple[Process, ...]:
    """What the run command starts: the relays in one process, or one process each."""
    return PROCESSES if relay_per_service else RUN_PROCESSES


def process_commands(
    host: str, port_base: int, data_dir: Path, relay_per_service: bool = False
) -> dict[str, list[str]]:
    """Every process the run command starts, as run on this machine (sizes from the settings)."""
    return {
        process.name: process.command(sys.executable, host=host, port_base=port_base, data_dir=str(data_dir))
        for process in run_processes(relay_per_service)
    }


def worker_environment(keep_pools: bool) -> dict[str, str]:
    """What the run command adds to its workers' environment, unless `keep_pools` (or the operator's
    own CELERY_WORKER_AUTOSCALE and AUTOSCALE_KEEPALIVE, which win): at most WORKER_CONCURRENCY pool
    processes, none while idle."""
    if keep_pools:
        return {}
    return {
        "CELERY_WORKER_AUTOSCALE": f"{Settings().worker_concurrency},0",  # `celery worker --autoscale=max,min`
        "AUTOSCALE_KEEPALIVE": str(POOL_KEEPALIVE_SECONDS),
    }


def demo_commands(data_dir: Path) -> list[list[str]]:
    """What `--demo` runs after the migrations: the demo zone, then the standard checklists."""
    return [
        [sys.executable, "-m", "services.registry.demo", "--data-dir", str(data_dir)],
        [sys.executable, "-m", "services.inspections.standard_checklists", "load"],
    ]


@dataclass(frozen=True)
class RestartPolicy:
    limit: int = 5  # restarts within the window; one more exit and the process stays down
    window_seconds: float = 300
    first_delay_seconds: float = 1
    max_delay_seconds: float = 30

    def delay(self, recent_restarts: int) -> float:
        return min(self.first_delay_seconds * 2**recent_restarts, self.max_delay_seconds)


@dataclass
class Supervised:
    """A process (or a server) the launcher keeps running."""

    name: str
    start: Callable[[], None]
    exit_code: Callable[[], int | None]  # None while it runs
    restarts: deque[float] = field(default_factory=deque)  # when it was restarted (monotonic)
    restart_at: float | None = None  # a restart is due then
    given_up: bool = False


class Launcher:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.data_dir: Path = args.data_dir.resolve()
        self.servers: list[LocalServer] = []
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.supervised: list[Supervised] = []
        self.policy = RestartPolicy(limit=args.restart_limit, window_seconds=args.restart_window)
        self.stopping = False

    def say(self, message: str) -> None:
        print(f"[gridsafe] {message}", flush=True)

    def prepare_servers(self) -> None:
        if not os.environ.get("DATABASE_URL"):
            self.say(f"DATABASE_URL not set: starting PostgreSQL with data in {self.data_dir / 'postgres'}")
            server = start_postgres(self.data_dir / "postgres")
            self.servers.append(server)
            os.environ["DATABASE_URL"] = (
                make_url(server.url).set(database="gridsafe").render_as_string(hide_password=False)
            )
            self.say(f"PostgreSQL: {os.environ['DATABASE_URL']}")
        if not os.environ.get("REDIS_URL"):
            self.say(f"REDIS_URL not set: starting Redis with data in {self.data_dir / 'redis'}")
            server = start_redis(self.data_dir / "redis")
            self.servers.append(server)
            self.supervise_server("redis", server)
            os.environ["REDIS_URL"] = server.url
            self.say(f"Redis: {server.url} (append-only file, fsync every second)")
        ensure_database(os.environ["DATABASE_URL"])
        self.use_service_roles()
        os.environ.setdefault("HEARTBEAT_DIR", str(self.data_dir / "heartbeats"))

    def supervise_server(self, name: str, server: LocalServer) -> None:
        running, restart = server.running, server.restart
        if running is not None and restart is not None:
            self.supervised.append(Supervised(name, restart, lambda: None if running() else 1))

    def use_service_roles(self) -> None:
        """Each service connects as its own role (`gridsafe_registry`...), which the migration step
        creates. Their passwords are generated once and kept in the data folder (readable by its
        owner only); a service URL already set in the environment is used as it is."""
        passwords_file = self.data_dir / "database-roles.json"
        passwords = json.loads(passwords_file.read_text()) if passwords_file.exists() else {}
        owner_url = os.environ["DATABASE_URL"]
        database = make_url(owner_url).database or ""
        for service in SERVICE_NAMES:
            role = service_role(database, service)
            passwords.setdefault(role, secrets.token_urlsafe(24))
            os.environ.setdefault(
                f"{service.upper()}_DATABASE_URL", role_url(owner_url, role, passwords[role])
            )
        self.data_dir.mkdir(parents=True, exist_ok=True)
        passwords_file.touch(mode=0o600)
        passwords_file.write_text(json.dumps(passwords, indent=2))

    def prepare_token_keys(self) -> None:
        """The registry signs tokens with JWT_PRIVATE_KEYS_FILE, or else a key file made in the data
        folder at first start; the other services verify with the public keys the registry serves."""
        if not os.environ.get("JWT_PRIVATE_KEYS_FILE"):
            key_file = local_key_file(self.data_dir)
            if ensure_key_file(key_file):
                self.say(f"created the token signing key {key_file}")
            os.environ["JWT_PRIVATE_KEYS_FILE"] = str(key_file)
        host = "127.0.0.1" if self.args.host in ("0.0.0.0", "::") else self.args.host
        registry = next(process for process in PROCESSES if process.name == "registry-api")
        os.environ["JWT_JWKS_URL"] = f"http://{host}:{registry.port(self.args.port_base)}{JWKS_PATH}"

    def prepare_service_credentials(self) -> None:
        """Each service's secret, with which it gets service tokens from the registry to read the
        others' event feeds (shared.service_auth): generated once and kept in the data folder
        (readable by its owner only), unless set in the environment; and where the APIs are."""
        secrets_file = self.data_dir / "service-secrets.json"
        kept = json.loads(secrets_file.read_text()) if secrets_file.exists() else {}
        host = "127.0.0.1" if self.args.host in ("0.0.0.0", "::") else self.args.host
        for service in SERVICE_NAMES:
            kept.setdefault(service, secrets.token_urlsafe(32))
            os.environ.setdefault(f"{service.upper()}_SERVICE_SECRET", kept[service])
            api = next(p for p in PROCESSES if p.name == f"{service}-api")
            os.environ.setdefault(
                f"{service.upper()}_API_URL", f"http://{host}:{api.port(self.args.port_base)}"
            )
        self.data_dir.mkdir(parents=True, exist_ok=True)
        secrets_file.touch(mode=0o600)
        secrets_file.write_text(json.dumps(kept, indent=2))

    def migrate(self) -> None:
        from shared.db import get_engine
        from shared.migrations import migrate_database

        engine = get_engine(os.environ["DATABASE_URL"])
        wait_until_reachable(
            {
                "database": lambda: database_problem(engine),
                "redis": lambda: redis_problem(os.environ["REDIS_URL"]),
            },
            timeout_s=60,
        )
        migrate_database()
        self.say("migrations applied; each service connects as its own database role")
        engine.dispose()
        if self.args.demo:
            for command in demo_commands(self.data_dir):
                subprocess.run(command, cwd=ROOT, check=True)

    def start_processes(self) -> None:
        log_dir = self.data_dir / "logs"
        log_dir.mkdir(parents=True, exist_ok=True)
        commands = process_commands(
            self.args.host, self.args.port_base, self.data_dir, self.args.relay_per_service
        )
        kinds = {process.name: process.kind for process in run_processes(self.args.relay_per_service)}
        workers = {**worker_environment(self.args.keep_worker_pools), **os.environ}
        for name, command in commands.items():
            log_path = log_dir / f"{name}.log"
            env = workers if kinds[name] == ProcessKind.worker else None

            def start(
                name: str = name, command: list[str] = command, log_path: Path = log_path, env: Env = env
            ) -> None:
                self.spawn(name, command, log_path, env)

            def exit_code(name: str = name) -> int | None:
                return self.processes[name].poll()

            start()
            self.supervised.append(Supervised(name, start, exit_code))
        self.say(f"started {len(self.processes)} processes; logs in {log_dir}")
        for process in PROCESSES:
            if process.kind == ProcessKind.api:
                url = f"http://{self.args.host}:{process.port(self.args.port_base)}"
                self.say(f"{process.name.removesuffix('-api'):<14} {url}   docs: {url}/docs")
            elif process.kind == ProcessKind.gateway:
                self.say(f"web app        http://{self.args.host}:{process.port(self.args.port_base)}/")
        self.say("press Ctrl-C to stop everything")

    def spawn(self, name: str, command: list[str], log_path: Path, env: Env = None) -> None:
        with log_path.open("ab") as log:  # the child has its own copy of the file
            self.processes[name] = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

    def watch(self) -> int:
        while not self.stopping:
            for supervised in self.supervised:
                self.check(supervised, time.monotonic())
            time.sleep(0.5)
        return 0

    def check(self, process: Supervised, now: float) -> None:
        """Restart `process` if it exited and its pause is over, or plan its restart, or give up."""
        if process.given_up:
            return
        if process.restart_at is not None:
            if now >= process.restart_at:
                process.restart_at = None
                process.start()
                self.say(f"{process.name} restarted")
            return
        code = process.exit_code()
        if code is None:
            return
        self.kill_leftovers(process.name)
        while process.restarts and process.restarts[0] < now - self.policy.window_seconds:
            process.restarts.popleft()
        recent = len(process.restarts)
        window = f"{self.policy.window_seconds:.0f} s"
        if recent >= self.policy.limit:
            process.given_up = True
            self.say(
                f"!!! {process.name} exited with code {code} after {recent} restarts within {window}: "
                f"LEFT STOPPED. The other processes keep running. See its log in "
                f"{self.data_dir / 'logs'}, fix the cause and start gridsafe again. !!!"
            )
            return
        delay = self.policy.delay(recent)
        process.restarts.append(now)
        process.restart_at = now + delay
        self.say(
            f"{process.name} exited with code {code}; restarting it in {delay:.0f} s "
            f"(restart {recent + 1}, at most {self.policy.limit} within {window}; see its log)"
        )

    def kill_leftovers(self, name: str) -> None:
        """What an exited process left in its process group (a killed worker's pool processes)."""
        process = self.processes.get(name)
        if process is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)

    def stop(self, *_: object) -> None:
        self.stopping = True

    def shutdown(self) -> None:
        kinds = {process.name: process.kind for process in run_processes(self.args.relay_per_service)}
        for stage in STOP_ORDER:
            names = [name for name in self.processes if kinds[name] in stage]
            if names:
                self.say(f"stopping {', '.join(sorted({kinds[name] + 's' for name in names}))}")
                self.stop_processes(names)
        if self.servers:
            self.say("stopping the servers")
        for server in reversed(self.servers):
            server.stop()
        self.say("stopped")

    def stop_processes(self, names: list[str]) -> None:
        """SIGTERM to each main process (a Celery worker stops its own pool, finishing running
        tasks), then SIGKILL to the process group of any still running after the grace period."""
        for name in names:
            if self.processes[name].poll() is None:
                self.processes[name].send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for name in names:
            try:
                self.processes[name].wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.say(f"{name} did not stop within {STOP_GRACE_SECONDS} s; killing it")
            self.kill_leftovers(name)
            self.processes[name].wait()

    def run(self) -> int:
        signal.signal(signal.SIGINT, self.stop)
        signal.signal(signal.SIGTERM, self.stop)
        try:
            self.prepare_servers()
            self.prepare_token_keys()
            self.prepare_service_credentials()
            self.migrate()
            self.start_processes()
            return self.watch()
        finally:
            self.shutdown()


def argument_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="Run every GridSafe service on this machine.")
    parser.add_argument(
        "--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="servers' data, logs and keys"
    )
    parser.add_argument("--host", default="127.0.0.1", help="address the APIs listen on")
    parser.add_argument("--port-base", type=int, default=PORT_BASE, help="registry's port")
    parser.add_argument(
        "--demo", action="store_true", help="load the demo zone (once; a second load is a no-op)"
    )
    parser.add_argument(
        "--restart-limit", type=int, default=RestartPolicy.limit, help="restarts of one process per window"
    )
    parser.add_argument("--restart-window", type=float, default=RestartPolicy.window_seconds, help="seconds")
    parser.add_argument(
        "--relay-per-service",
        action="store_true",
        help="a process for each service's outbox relay (default: the four as threads of one)",
    )
    parser.add_argument(
        "--keep-worker-pools",
        action="store_true",
        help="keep each worker's WORKER_CONCURRENCY pool processes while idle (default: forked when tasks "
        f"come, ended after {POOL_KEEPALIVE_SECONDS} s without one)",
    )
    return parser


def main() -> None:
    sys.exit(Launcher(argument_parser().parse_args()).run())


if __name__ == "__main__":
    main()
