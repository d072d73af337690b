"""Real worker and relay processes for the tests, with their logs kept for failure reports."""

import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import psutil

from shared.local_servers import port_is_free
from shared.processes import BY_NAME, celery_worker_args
from shared.settings import DEFAULT_PORTS, SERVICE_NAMES

ROOT = Path(__file__).resolve().parents[2]

# REGISTRY_DATABASE_URL...: each service's own role in the test database (filled by conftest), given
# to every process the tests start, so workers, relays and the run command work as in production.
SERVICE_ROLE_ENV: dict[str, str] = {}


def service_role_urls() -> dict[str, str]:
    """Each service's role URL in the test database."""
    return {service: SERVICE_ROLE_ENV[f"{service.upper()}_DATABASE_URL"] for service in SERVICE_NAMES}


# The ports of the API processes a test may start (`start_api`), chosen per test process. They are
# told to every process at the start but bound only when a test starts its APIs, so they come from
# below the kernel's ephemeral range: a port picked meanwhile by `free_port` (the browser tests'
# running system, the chaos test's) is an ephemeral one and never one of these.
API_PORT_BASE: dict[str, int] = {}
RESERVED_PORTS = range(20000, 32000)


def _reserved_port_block(block: int) -> int:
    while True:
        base = random.randrange(RESERVED_PORTS.start, RESERVED_PORTS.stop - block)
        if all(port_is_free(base + offset) for offset in range(block)):
            return base


def service_settings_for_tests() -> dict[str, str]:
    """Each service's secret and where its API listens when a test starts it (`start_api`)."""
    base = API_PORT_BASE.setdefault("registry", _reserved_port_block(len(SERVICE_NAMES)))
    settings = {}
    for service in SERVICE_NAMES:
        settings[f"{service.upper()}_SERVICE_SECRET"] = secrets.token_urlsafe(32)
        port = base + DEFAULT_PORTS[service] - DEFAULT_PORTS["registry"]
        settings[f"{service.upper()}_API_URL"] = f"http://127.0.0.1:{port}"
    return settings


def wait_until(predicate: Callable[[], object], timeout: float = 30, interval: float = 0.05) -> object:
    """Poll until `predicate()` is truthy; fail with its last value after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s (last value: {value!r})")
        time.sleep(interval)


def launched(launcher_pid: int, name: str, **command_options: str | int) -> psutil.Process:
    """The run command's child running process `name` of shared.processes (its command built with
    the launcher's host, port base and data folder)."""
    command = BY_NAME[name].command(sys.executable, **command_options)  # type: ignore[arg-type]
    (found,) = [
        child for child in psutil.Process(launcher_pid).children() if _command_of(child)[1:] == command[1:]
    ]
    return found


def _command_of(process: psutil.Process) -> list[str]:
    try:
        return process.cmdline()
    except psutil.Error:  # a child that has just ended (a zombie until the launcher reaps it)
        return []


class ManagedProcess:
    def __init__(self, name: str, command: list[str], log_dir: Path, env: dict[str, str] | None = None):
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, **SERVICE_ROLE_ENV, **(env or {})},
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for_log(self, needle: str, timeout: float = 60) -> None:
        def seen() -> bool:
            if self.process.poll() is not None:
                raise AssertionError(f"{self.name} exited early:\n{self.log_text()[-4000:]}")
            return needle in self.log_text()

        wait_until(seen, timeout=timeout, interval=0.1)

    def children(self) -> list[psutil.Process]:
        return psutil.Process(self.process.pid).children(recursive=True)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        self._log.close()


def start_worker(service: str, log_dir: Path, app_module: str | None = None, **env: str) -> ManagedProcess:
    """A service's real Celery worker as declared in `shared.processes` (or one of `app_module`, for
    the probe), prefork with two children as in production, named apart from a running system's."""
    if app_module is None:
        command = BY_NAME[f"{service}-worker"].command(sys.executable)
    else:
        command = [sys.executable, "-m", "celery", *celery_worker_args(app_module, service)]
    test_options = [
        "-n",
        f"{service}-test@%h",
        "-c",
        "2",
        "--pool",
        "prefork",
        "--without-mingle",
        "--without-gossip",
    ]
    worker = ManagedProcess(f"worker-{service}", command + test_options, log_dir, env)
    worker.wait_for_log("ready.")
    return worker


def start_relay(service: str, log_dir: Path, **env: str) -> ManagedProcess:
    relay = ManagedProcess(
        f"relay-{service}", BY_NAME[f"{service}-relay"].command(sys.executable), log_dir, env
    )
    relay.wait_for_log("relay.started")
    return relay


def start_api(service: str, log_dir: Path, **env: str) -> ManagedProcess:
    """A service's real API (uvicorn), where the tests' settings say it listens."""
    process = BY_NAME[f"{service}-api"]
    command = process.command(sys.executable, host="127.0.0.1", port_base=API_PORT_BASE["registry"])
    api = ManagedProcess(f"api-{service}", command, log_dir, env)
    api.wait_for_log("api.started")  # logged at start-up, before uvicorn binds its socket
    address = ("127.0.0.1", process.port(API_PORT_BASE["registry"]))

    def listening() -> bool:
        try:
            socket.create_connection(address, timeout=1).close()
        except OSError:
            return False
        return True

    wait_until(listening, timeout=30, interval=0.1)
    return api
