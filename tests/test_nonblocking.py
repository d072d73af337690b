"""Nothing blocks an API's event loop: no blocking `async def` endpoint or dependency, no pyplot, and
bodies limited per route before anything parses them; error answers stay small."""

import ast
import inspect
import json
from pathlib import Path

import pytest
from fastapi.routing import APIRoute, iter_route_contexts

from shared.auth import BearerPrincipal
from shared.errors import ERRORS_SHOWN
from shared.inputs import refuse_unstorable_text
from shared.settings import get_settings
from shared.web import BODY_LIMIT, _calls
from tests.test_input_and_errors import problem_of

ROOT = Path(__file__).resolve().parents[1]

# The only coroutine functions an endpoint may run on the event loop, and why each never blocks.
# Everything else is `def` (FastAPI runs it in its thread pool): database, files, Pillow, pypdf,
# openpyxl, matplotlib and password hashing all block.
ASYNC_ALLOWED = {
    refuse_unstorable_text: "scans the already-read body, which BodyLimit bounds (1 MB for JSON)",
}
# Dependencies that are objects with an `async __call__`: the token's verification (Ed25519,
# microseconds; keys fetched with httpx's async client) and, for Gate().permit without a session,
# a lookup in the POLICY table on the token's roles.
ASYNC_ALLOWED_CLASSES = {BearerPrincipal: "verifies a JWT, then (a permit) looks the rule up"}
ASYNC_ALLOWED_NAMES = {
    # Gate().permit with a session: a lookup in the POLICY table, no I/O (a scope's lookups run in
    # the endpoint)
    "permit_": "a POLICY lookup on the token's roles",
    # shared.deps: the session is made on the loop (no I/O before its first statement); its commit
    # or rollback runs in the thread pool
    "session_in_transaction": "waits for a database slot, makes a session; awaits its commit in the thread pool",
    "report_hazard": "waits for a database slot; its transaction runs in the thread pool",
}


def _apps():
    from services.inspections.app import app as inspections
    from services.notifications.app import app as notifications
    from services.registry.app import app as registry
    from services.reporting.app import app as reporting

    return {
        "registry": registry,
        "inspections": inspections,
        "notifications": notifications,
        "reporting": reporting,
    }


def _allowed(call) -> bool:
    if isinstance(call, tuple(ASYNC_ALLOWED_CLASSES)):
        return True
    return call in ASYNC_ALLOWED or any(call.__name__.startswith(p) for p in ASYNC_ALLOWED_NAMES)


def _asynchronous(call) -> bool:
    """A coroutine function or async generator, or an object whose `__call__` is one."""
    for function in (call, type(call).__call__):
        if inspect.iscoroutinefunction(function) or inspect.isasyncgenfunction(function):
            return True
    return False


def test_no_endpoint_or_dependency_of_any_service_is_a_blocking_coroutine(migrated_database):
    offenders = []
    for service, app in _apps().items():
        for route in iter_route_contexts(app.routes):
            if not isinstance(route.original_route, APIRoute):
                continue
            calls = [route.dependant.call, *_calls(route.dependant)]
            for call in calls:
                if _asynchronous(call) and not _allowed(call):
                    offenders.append(f"{service} {route.path_format}: {call!r}")
    assert not offenders, "async def doing work on the event loop (make it def):\n" + "\n".join(offenders)


def test_no_module_draws_with_pyplot():
    """pyplot's current figure is global state shared by every thread: pictures use Figure objects."""
    users = []
    for path in [*ROOT.glob("services/**/*.py"), *ROOT.glob("shared/**/*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.ImportFrom):
                names = [f"{node.module}.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            if any("pyplot" in name for name in names):
                users.append(str(path.relative_to(ROOT)))
    assert not users


def test_an_18_mb_json_body_is_refused_at_once_saying_the_limit(clients, auth):
    """The body is refused from its Content-Length, before a byte of it is parsed."""
    limit = get_settings().request_body_max_bytes
    keys = ",".join(f'"k{i:07d}":0' for i in range(1_000_000))
    body = ("{" + keys + "}").encode()
    assert len(body) > 12_000_000
    response = clients["inspections"].post(
        "/trainings", content=body, headers={**auth(), "Content-Type": "application/json"}
    )
    problem = problem_of(response, 413)
    assert f"{limit:,}" in problem["detail"] and len(response.content) < 1000


def test_a_streamed_body_is_cut_off_once_it_passes_the_limit(clients, auth):
    """Without a Content-Length (chunked), the bytes are counted as they come."""

    def chunks():
        for _ in range(64):  # 4 MB in 64 KB pieces
            yield b" " * 65536

    response = clients["inspections"].post(
        "/trainings", content=chunks(), headers={**auth(), "Content-Type": "application/json"}
    )
    assert "content-length" not in response.request.headers
    problem_of(response, 413)


def test_uploads_take_their_own_larger_limit_and_say_it(clients, auth):
    schema = clients["inspections"].get("/openapi.json").json()
    evidence = schema["paths"]["/hazards/{hazard_id}/evidence"]["post"]
    assert evidence[BODY_LIMIT] > get_settings().request_body_max_bytes
    assert "413" in evidence["responses"] and "413" in schema["paths"]["/hazards"]["post"]["responses"]
    too_big = b"\xff" * (evidence[BODY_LIMIT] + 1)
    response = clients["inspections"].post(
        f"/hazards/{'0' * 8}-0000-0000-0000-{'0' * 12}/evidence",
        files={"file": ("big.jpg", too_big)},
        headers=auth(),
    )
    assert f"{evidence[BODY_LIMIT]:,}" in problem_of(response, 413)["detail"]


def test_a_422_with_thousands_of_problems_lists_the_first_and_counts_them_all(clients, auth):
    body = json.dumps({f"unknown{i}": 0 for i in range(20_000)})
    response = clients["inspections"].post(
        "/trainings", content=body, headers={**auth(), "Content-Type": "application/json"}
    )
    problem = problem_of(response, 422)
    assert len(problem["errors"]) == ERRORS_SHOWN and problem["errors_total"] > 20_000
    assert f"of {problem['errors_total']} shown" in problem["detail"]
    assert len(response.content) < 20_000


@pytest.mark.parametrize("service", ["registry", "reporting"])
def test_health_answers_without_a_body_limit_getting_in_the_way(clients, service):
    assert clients[service].get("/healthz").status_code == 200
