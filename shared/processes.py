"""The processes GridSafe runs, declared once: per service an API, a Celery worker and an outbox
relay, exactly one scheduler, and the web gateway (the run command runs the relays in one process).

The run command (`shared/launcher.py`), the tests and the benchmarks start them from here, and a
test checks that docker-compose.yml runs exactly these with the same commands; the gateway alone
is compose's reverse proxy instead (`web` there, serving the same app and routes over HTTPS).
"""

from dataclasses import dataclass
from enum import StrEnum

from shared.settings import DEFAULT_PORTS, SERVICE_NAMES, Settings

PORT_BASE = DEFAULT_PORTS["registry"]  # the first API's port; the others follow at their offsets


class ProcessKind(StrEnum):
    api = "api"  # uvicorn serving the service's FastAPI app
    worker = "worker"  # Celery worker consuming the service's queue
    relay = "relay"  # outbox relay (shared.events.relay)
    scheduler = "scheduler"  # celery beat, exactly one
    gateway = "gateway"  # the web app and /api/<service>/ on one origin (shared.gateway)


@dataclass(frozen=True)
class Process:
    name: str
    kind: ProcessKind
    module: str  # run as `python -m <module>`
    target: str  # the ASGI app, the Celery app, or the relay's service
    port_offset: int | None = None  # APIs and the gateway: port = port base + offset
    queue: str | None = None  # workers

    def command(
        self,
        python: str = "python",
        *,
        host: str = "0.0.0.0",
        port_base: int = PORT_BASE,
        data_dir: str = "/data",
    ) -> list[str]:
        """The command line, with the interpreter, address, port base and scheduler data folder given."""
        match self.kind:
            case ProcessKind.api:
                assert self.port_offset is not None
                port = str(port_base + self.port_offset)
                args = [self.target, "--no-access-log", "--host", host, "--port", port]
            case ProcessKind.worker:
                assert self.queue is not None
                args = celery_worker_args(self.target, self.queue)
            case ProcessKind.relay:
                args = self.target.split()  # one service, or several (one thread each)
            case ProcessKind.gateway:
                assert self.port_offset is not None
                port = str(port_base + self.port_offset)
                args = ["--host", host, "--port", port, "--port-base", str(port_base)]
            case ProcessKind.scheduler:
                args = [
                    "-A",
                    self.target,
                    "beat",
                    "-l",
                    "INFO",
                    "--schedule",
                    f"{data_dir}/celerybeat-schedule",
                ]
        return [python, "-m", self.module, *args]

    def port(self, port_base: int = PORT_BASE) -> int | None:
        return None if self.port_offset is None else port_base + self.port_offset


def celery_worker_args(app: str, queue: str) -> list[str]:
    """A Celery worker of `app` consuming `queue` (also used for the tests' probe service)."""
    return ["-A", app, "worker", "-Q", queue, "-n", f"{queue}@%h", "-l", "INFO"]


PROCESSES: tuple[Process, ...] = (
    *(
        Process(
            f"{service}-api",
            ProcessKind.api,
            "uvicorn",
            f"services.{service}.app:app",
            port_offset=DEFAULT_PORTS[service] - PORT_BASE,
        )
        for service in SERVICE_NAMES
    ),
    *(
        Process(
            f"{service}-worker", ProcessKind.worker, "celery", f"services.{service}.worker", queue=service
        )
        for service in SERVICE_NAMES
    ),
    *(
        Process(f"{service}-relay", ProcessKind.relay, "shared.events.relay", service)
        for service in SERVICE_NAMES
    ),
    Process("scheduler", ProcessKind.scheduler, "celery", "services.scheduler"),
    # the browser's one origin, on the port before the registry's (8000)
    Process("gateway", ProcessKind.gateway, "shared.gateway", "web/dist", port_offset=-1),
)
# What the run command starts: the same, but the four relays as threads of one process (a relay
# mostly waits; three Python processes fewer). `--relay-per-service` starts them as above.
ALL_RELAYS = Process("relays", ProcessKind.relay, "shared.events.relay", " ".join(SERVICE_NAMES))
RUN_PROCESSES: tuple[Process, ...] = (
    *(process for process in PROCESSES if process.kind != ProcessKind.relay),
    ALL_RELAYS,
)
BY_NAME = {process.name: process for process in (*PROCESSES, ALL_RELAYS)}


def database_connections(kind: ProcessKind, settings: Settings) -> int:
    """The most database connections one process of this kind may hold with these settings."""
    per_pool = settings.db_pool_size + settings.db_max_overflow
    match kind:
        case ProcessKind.api:
            return per_pool
        case ProcessKind.worker:  # each pool process, and the main process (start-up check)
            return (settings.worker_concurrency + 1) * per_pool
        case ProcessKind.relay:
            return per_pool + 1  # and its LISTEN connection
        case ProcessKind.scheduler | ProcessKind.gateway:
            return 0  # the scheduler's lock is in Redis; the gateway only forwards HTTP
