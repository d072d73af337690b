"""Run the whole system on this machine: `python -m shared.launcher` (or `make run`).

It uses the PostgreSQL and Redis named by DATABASE_URL and REDIS_URL; where one is not named it
starts a real server from pip packages, keeping its data under the data folder between runs.
Then it migrates every service and starts the four APIs, their workers, their outbox relays and
the scheduler. Ctrl-C stops every process it started.
"""

import argparse
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg2
from sqlalchemy.engine import make_url

from shared.db_roles import role_url, service_role
from shared.health import database_problem, redis_problem, wait_until_reachable
from shared.local_servers import LocalServer, start_postgres, start_redis
from shared.processes import PORT_BASE, PROCESSES, ProcessKind
from shared.settings import SERVICE_NAMES
from shared.tokens import JWKS_PATH, ensure_key_file, local_key_file

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = ROOT / ".gridsafe"


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


def process_commands(host: str, port_base: int, data_dir: Path) -> dict[str, list[str]]:
    """Every process of `shared.processes`, with two worker processes per Celery worker on one machine."""
    commands = {}
    for process in PROCESSES:
        command = process.command(sys.executable, host=host, port_base=port_base, data_dir=str(data_dir))
        commands[process.name] = command + (["-c", "2"] if process.kind == ProcessKind.worker else [])
    return commands


class Launcher:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.data_dir: Path = args.data_dir.resolve()
        self.servers: list[LocalServer] = []
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
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
        if not os.environ.get("REDIS_URL"):
            self.say(f"REDIS_URL not set: starting Redis with data in {self.data_dir / 'redis'}")
            server = start_redis(self.data_dir / "redis")
            self.servers.append(server)
            os.environ["REDIS_URL"] = server.url
        ensure_database(os.environ["DATABASE_URL"])
        self.use_service_roles()

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
            demo = [sys.executable, "-m", "services.registry.demo", "--data-dir", str(self.data_dir)]
            subprocess.run(demo, cwd=ROOT, check=True)

    def start_processes(self) -> None:
        log_dir = self.data_dir / "logs"
        log_dir.mkdir(parents=True, exist_ok=True)
        for name, command in process_commands(self.args.host, self.args.port_base, self.data_dir).items():
            log = (log_dir / f"{name}.log").open("ab")
            self.processes[name] = subprocess.Popen(
                command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.say(f"started {len(self.processes)} processes; logs in {log_dir}")
        for process in PROCESSES:
            if process.kind == ProcessKind.api:
                url = f"http://{self.args.host}:{process.port(self.args.port_base)}"
                self.say(f"{process.name.removesuffix('-api'):<14} {url}   docs: {url}/docs")
            elif process.kind == ProcessKind.gateway:
                self.say(f"web app        http://{self.args.host}:{process.port(self.args.port_base)}/")
        self.say("press Ctrl-C to stop everything")

    def watch(self) -> int:
        while not self.stopping:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    self.say(f"{name} exited with code {process.returncode}; stopping (see its log)")
                    return 1
            time.sleep(0.5)
        return 0

    def stop(self, *_: object) -> None:
        self.stopping = True

    def shutdown(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for process in self.processes.values():
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        for server in reversed(self.servers):
            server.stop()
        self.say("stopped")

    def run(self) -> int:
        signal.signal(signal.SIGINT, self.stop)
        signal.signal(signal.SIGTERM, self.stop)
        try:
            self.prepare_servers()
            self.prepare_token_keys()
            self.migrate()
            self.start_processes()
            return self.watch()
        finally:
            self.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description="Run every GridSafe service on this machine.")
    parser.add_argument(
        "--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="servers' data, logs and keys"
    )
    parser.add_argument("--host", default="127.0.0.1", help="address the APIs listen on")
    parser.add_argument("--port-base", type=int, default=PORT_BASE, help="registry's port")
    parser.add_argument(
        "--demo", action="store_true", help="load the demo zone (once; a second load is a no-op)"
    )
    sys.exit(Launcher(parser.parse_args()).run())


if __name__ == "__main__":
    main()
