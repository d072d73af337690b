"""The one command that runs the whole system: everything answers, a crashed process is restarted
while the rest keep serving, and Ctrl-C stops everything in order and leaves nothing behind."""

import signal
import sys
from pathlib import Path

import httpx
import psutil
import pytest

from shared.local_servers import free_port
from shared.processes import PROCESSES, RUN_PROCESSES, ProcessKind
from shared.tokens import JWKS_PATH
from tests.factories import create_zone_and_grid, enterprise_payload
from tests.support.processes import ManagedProcess, launched, wait_until


def main_process(launcher: ManagedProcess, name: str, base: int, data_dir: Path) -> psutil.Process:
    return launched(launcher.process.pid, name, host="127.0.0.1", port_base=base, data_dir=str(data_dir))


@pytest.mark.committed  # the launcher's processes use the test database
def test_run_command_starts_everything_and_stops_everything(tmp_path, make_token):
    apis = [process for process in PROCESSES if process.kind == ProcessKind.api]
    # the APIs and the gateway take base + their offsets (the gateway's is -1)
    base = free_port(block=len(apis) + 1) + 1
    launcher = ManagedProcess(
        "launcher",
        [
            sys.executable,
            "-m",
            "shared.launcher",
            "--data-dir",
            str(tmp_path),
            "--port-base",
            str(base),
            "--restart-limit",
            "1",
        ],  # fmt: skip
        tmp_path,
    )
    try:
        launcher.wait_for_log("press Ctrl-C", timeout=120)
        urls = {api.name.removesuffix("-api"): f"http://127.0.0.1:{api.port(base)}" for api in apis}

        def all_ready() -> bool:
            try:
                return all(httpx.get(f"{url}/readyz").status_code == 200 for url in urls.values())
            except httpx.HTTPError:
                return False

        wait_until(all_ready, timeout=90, interval=0.5)
        # The others verify with the keys the registry publishes (as the token below shows).
        assert httpx.get(f"{urls['registry']}{JWKS_PATH}").json()["keys"]
        headers = {"Authorization": f"Bearer {make_token()}"}
        grid = create_zone_and_grid(httpx.Client(base_url=urls["registry"]), headers)
        created = httpx.post(
            f"{urls['registry']}/enterprises", json=enterprise_payload(grid["id"]), headers=headers
        )
        assert created.status_code == 201, created.text
        unit = f"{urls['inspections']}/units/{created.json()['id']}"
        wait_until(lambda: httpx.get(unit, headers=headers).status_code == 200, timeout=30)
        descendants = launcher.children()
        assert len(descendants) >= len(RUN_PROCESSES)

        # the workers forked pool processes for the events above, and end them once idle
        def pool_processes() -> list[psutil.Process]:
            workers = [p for p in RUN_PROCESSES if p.kind == ProcessKind.worker]
            return [
                child
                for worker in workers
                for child in main_process(launcher, worker.name, base, tmp_path).children()
                if child.status() != psutil.STATUS_ZOMBIE  # ended, until the worker's next fork
            ]

        wait_until(lambda: not pool_processes(), timeout=60, interval=0.5)

        # the killed relays' process is started again; nothing else is touched
        def pids() -> dict[int, str]:
            return {main_process(launcher, p.name, base, tmp_path).pid: p.name for p in RUN_PROCESSES}

        before = pids()
        main_process(launcher, "relays", base, tmp_path).kill()
        launcher.wait_for_log("relays restarted", timeout=30)
        after = pids()
        assert [name for pid, name in after.items() if pid not in before] == ["relays"]
        descendants += launcher.children()
        # past the limit it stays down, loudly, and the APIs keep answering
        main_process(launcher, "relays", base, tmp_path).kill()
        launcher.wait_for_log("relays exited with code -9 after 1 restarts", timeout=30)
        assert "LEFT STOPPED" in launcher.log_text()
        assert all(httpx.get(f"{url}/healthz").status_code == 200 for url in urls.values())
        assert launcher.process.poll() is None
    finally:
        launcher.process.send_signal(signal.SIGINT)
        launcher.process.wait(60)
        launcher.stop()
    log = launcher.log_text()
    # senders and consumers stop first, then the APIs (the servers are the test's own here)
    stages = ["stopping relays, schedulers, workers", "stopping apis", "[gridsafe] stopped"]
    assert [log.index(stage) for stage in stages] == sorted(log.index(stage) for stage in stages)
    assert not [p for p in descendants if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
