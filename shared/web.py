"""FastAPI application factory: health, metrics, correlation ids, and problem-details errors for all."""

import secrets
import time
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Annotated, Any

import structlog
from fastapi import APIRouter, Depends, FastAPI, Header, HTTPException, Request, Response
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel
from sqlalchemy.exc import DBAPIError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.auth import BearerPrincipal
from shared.context import bind_correlation_id, clear_context
from shared.errors import PROBLEM_JSON, DomainError, Problem, dotted, problem, title_of, validation_message
from shared.health import database_problem, redis_problem, wait_until_reachable
from shared.inputs import refuse_unstorable_text
from shared.logs import configure_logging
from shared.metrics import HTTP_LATENCY, HTTP_REQUESTS, GaugeSource, backbone_registry
from shared.runtime import ServiceRuntime
from shared.settings import Settings
from shared.tokens import TokenVerifier

log = structlog.get_logger(__name__)

CORRELATION_HEADER = "X-Correlation-ID"
SUMMARISED = 10  # problems named in a 422's detail (its `errors` list more, shared/errors.py)
BODY_LIMIT = "x-max-body-bytes"  # the OpenAPI extension naming a route's own body limit
MULTIPART_SLACK = 64 * 1024  # a form's boundaries, headers and other fields beside its file


def _problem(
    status_code: int,
    detail: str,
    errors: Sequence[dict[str, Any]] = (),
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    return JSONResponse(
        status_code=status_code,
        content=problem(status_code, detail, errors),
        media_type=PROBLEM_JSON,
        headers=headers,
    )


def install_error_handlers(app: FastAPI) -> None:
    """Every error answer is a `Problem` (shared/errors.py), whoever raised it."""

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {
                "loc": e["loc"],
                "message": validation_message(e["type"], e["msg"], e.get("ctx")),
                "type": e["type"],
            }
            for e in exc.errors()
        ]
        # a field of the body by its name alone: "attendee_ids: 至少 1 项 / …"
        summary = "; ".join(
            f"{dotted(e['loc']).removeprefix('body.')}: {e['message']}" for e in errors[:SUMMARISED]
        )
        return _problem(422, f"请求数据无效 / invalid request: {summary}", errors)

    @app.exception_handler(DomainError)
    async def domain_error(_: Request, exc: DomainError) -> JSONResponse:
        body = exc.problem()
        return _problem(exc.status_code, body["detail"], body["errors"])

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        headers = dict(exc.headers or {})
        if exc.status_code == 405:  # every method the path has, not only those of the first route matched
            headers["Allow"] = ", ".join(sorted(_methods_of(request.app, request.url.path)))
        return _problem(exc.status_code, str(exc.detail), headers=headers)

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        if isinstance(exc, DBAPIError) and exc.connection_invalidated:
            # the database dropped a pooled connection (a restart): the pool has started afresh
            log.warning("http.database_connection_lost", error=repr(exc.orig))
            return _problem(
                503,
                "数据库连接中断,请重试 / the database connection was lost; retry",
                headers={"Retry-After": "1"},
            )
        log.exception("http.unhandled", error=repr(exc))
        return _problem(500, "服务器内部错误 / internal error; quote the correlation id when reporting it")


def answer(model: BaseModel, status_code: int = 200) -> Response:
    """`model` serialised in the endpoint's own thread, as FastAPI would have (declare it with
    `response_model=`): FastAPI then neither validates it again nor takes a thread-pool hop to."""
    return Response(model.model_dump_json(), status_code, media_type="application/json")


def file_responses(*media_types: str) -> dict[int | str, dict[str, Any]]:
    """`responses=` of an operation answering 200 with a file of one of `media_types` (declare it
    with `response_class=Response`, so the document does not promise JSON)."""
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {200: {"description": "文件 / the file", "content": dict.fromkeys(media_types, binary)}}


def _methods_of(app: FastAPI, path: str) -> set[str]:
    return {
        method
        for route in iter_route_contexts(app.routes)
        if isinstance(route.original_route, APIRoute) and route.path_regex.match(path)
        for method in route.methods or ()
    }


def _calls(dependant: Dependant) -> Iterator[Any]:
    for dependency in dependant.dependencies:
        yield dependency.call
        yield from _calls(dependency)


def error_statuses(route: RouteContext) -> dict[int, str]:
    """The error statuses an operation can answer with, and why, from what it takes."""
    dependant = route.dependant
    has_input = bool(
        route.body_field or dependant.path_params or dependant.query_params or dependant.header_params
    )
    authenticated = any(isinstance(call, BearerPrincipal) for call in _calls(dependant))
    statuses = {
        status: why
        for status, why, applies in [
            (400, "请求体无法解析 / the body could not be parsed", route.body_field is not None),
            (401, "缺少或无效的令牌 / missing or invalid token", authenticated),
            (403, "无权操作 / not allowed for this caller", authenticated),
            # what is named (in the path, the body or the query) or the caller's own record
            (
                404,
                "不存在 / something named, or the caller's own record, does not exist",
                has_input or authenticated,
            ),
            (
                409,
                "冲突 / conflicts with the current state",
                bool(set(route.methods or ()) - {"GET", "HEAD"}),
            ),
            (413, "请求体过大 / the body is larger than this operation takes", route.body_field is not None),
            (422, "请求数据无效 / invalid input, each field named", has_input),
        ]
        if applies
    }
    # statuses the route declares itself (e.g. 429) get the problem body too
    statuses.update(
        {
            int(status): str(spec.get("description", ""))
            for status, spec in route.responses.items()
            if str(status).isdigit() and int(status) >= 400
        }
    )
    return statuses


def body_limit(max_bytes: int, *, form: bool = True) -> dict[str, Any]:
    """`openapi_extra=` of a route whose body may be larger than REQUEST_BODY_MAX_BYTES (an upload
    of at most `max_bytes`; a form gets room for its boundaries and other fields)."""
    return {BODY_LIMIT: max_bytes + (MULTIPART_SLACK if form else 0)}


def _too_large(limit: int) -> HTTPException:
    return HTTPException(
        413,
        f"请求体超过{limit:,}字节,本接口不接受 / the request body is larger than this operation's "
        f"limit of {limit:,} bytes",
    )


class BodyLimit:
    """Pure ASGI middleware: refuses a body larger than its route's limit with 413 while it is read,
    before anything parses it: at once from Content-Length, else as the streamed bytes pass it.

    The route is known when the endpoint first reads (the router has matched it by then); its
    limit is its `body_limit(...)`, else `default`."""

    def __init__(self, app: ASGIApp, default: int) -> None:
        self.app = app
        self.default = default

    def _limit(self, scope: Scope) -> int:
        extra = getattr(scope.get("route"), "openapi_extra", None) or {}
        return int(extra.get(BODY_LIMIT, self.default))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        received = 0
        limit: int | None = None

        async def limited() -> Message:
            nonlocal received, limit
            if limit is None:
                limit = self._limit(scope)
                declared = dict(scope["headers"]).get(b"content-length", b"")
                if declared.isdigit() and int(declared) > limit:
                    raise _too_large(limit)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _too_large(limit)
            return message

        await self.app(scope, limited, send)


def openapi_with_problems(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI document, each operation listing every error status it can give as a `Problem`."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = FastAPI.openapi(app)  # FastAPI's own document, cached on the app, completed here
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):  # FastAPI's 422 body, which we never send
        components.pop(name, None)
    problem_schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(problem_schema.pop("$defs", {}))
    components["Problem"] = problem_schema
    content = {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    # each operation as the app serves it: prefixes and the app's and routers' dependencies included
    for route in iter_route_contexts(app.routes):
        if not isinstance(route.original_route, APIRoute) or not route.include_in_schema:
            continue
        statuses = error_statuses(route)
        for method in route.methods or ():
            operation = schema["paths"][route.path_format][method.lower()]
            if "422" in operation["responses"]:  # FastAPI's own, for parameters of any kind
                statuses.setdefault(422, "请求数据无效 / invalid input, each field named")
            for status, why in statuses.items():
                operation["responses"][str(status)] = {
                    "description": why or title_of(status),
                    "content": content,
                }
    app.openapi_schema = schema
    return schema


class CorrelationAndMetrics:
    """Pure ASGI middleware: binds the correlation id, echoes it, and records request metrics."""

    def __init__(self, app: ASGIApp, service: str) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(CORRELATION_HEADER.lower().encode())
        correlation_id = bind_correlation_id(incoming.decode("latin-1") if incoming else None)
        started = time.perf_counter()
        status_code = 500

        async def send_with_header(message: Message) -> None:
            nonlocal status_code
            if message["type"] == "http.response.start":
                status_code = message["status"]
                message = {
                    **message,
                    "headers": [*message.get("headers", []), (b"x-correlation-id", correlation_id.encode())],
                }
            await send(message)

        try:
            await self.app(scope, receive, send_with_header)
        finally:
            clear_context()
            route = getattr(scope.get("route"), "path", "unmatched")
            method = scope["method"]
            HTTP_LATENCY.labels(self.service, method, route).observe(time.perf_counter() - started)
            HTTP_REQUESTS.labels(self.service, method, route, status_code).inc()


def _is_open(setting: bool | None, settings: Settings) -> bool:
    """An operator's page (/docs, /metrics) is open as set, else open except in production."""
    return setting if setting is not None else not settings.in_production


def _allow_metrics(settings: Settings, authorization: str | None) -> None:
    """/metrics when open; else only to a scraper with the METRICS_TOKEN bearer token."""
    if _is_open(settings.metrics_open, settings):
        return
    if not settings.metrics_token:
        raise HTTPException(404, "Not Found")
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not secrets.compare_digest(
        token.encode(), settings.metrics_token.encode()
    ):
        raise HTTPException(
            401, "需要指标令牌 / a valid metrics bearer token is required", {"WWW-Authenticate": "Bearer"}
        )


def create_app(
    runtime: ServiceRuntime,
    *,
    title: str,
    description: str,
    routers: Sequence[APIRouter],
    gauges: Sequence[GaugeSource] = (),
    wait_for_dependencies: bool = True,
) -> FastAPI:
    """The service's app; `gauges`: more gauges of its own on /metrics, beside the backbone's."""
    settings = runtime.settings
    configure_logging(runtime.name, settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if wait_for_dependencies:
            await run_in_threadpool(
                wait_until_reachable,
                {
                    "database": lambda: database_problem(runtime.engine),
                    "redis": lambda: redis_problem(settings.redis_url),
                },
                settings.startup_wait_seconds,
            )
        log.info("api.started", service=runtime.name)
        yield

    docs_open = _is_open(settings.api_docs_open, settings)
    app = FastAPI(
        title=title,
        description=description,
        version="1.0",
        lifespan=lifespan,
        openapi_url="/openapi.json" if docs_open else None,  # /docs and /redoc go with it
        dependencies=[Depends(refuse_unstorable_text)],
        # GridSafe exports Prometheus metrics (/metrics), not OpenTelemetry: off, FastAPI would ask
        # OpenTelemetry for its providers on every request
        telemetry={"tracing": False, "metrics": False, "logs": False, "operation_spans": False},
    )
    app.state.runtime = runtime  # the audit log's table (shared/audit.py)
    # The keys this service verifies tokens with; a production start without them stops here.
    app.state.token_verifier = TokenVerifier.for_service(runtime.name, settings)
    install_error_handlers(app)
    app.openapi = lambda: openapi_with_problems(app)  # type: ignore[method-assign]

    app.add_middleware(BodyLimit, default=settings.request_body_max_bytes)
    app.add_middleware(CorrelationAndMetrics, service=runtime.name)

    @app.get("/healthz", tags=["health"], summary="存活检查 / liveness")
    def healthz() -> dict[str, str]:
        return {"status": "ok", "service": runtime.name}

    @app.get("/readyz", tags=["health"], summary="就绪检查 / readiness: PostgreSQL and Redis reachable")
    def readyz() -> JSONResponse:
        """Names a failing dependency, never its address or password (no token is needed here);
        what went wrong is in the service's log."""
        problems = {
            "postgres": database_problem(runtime.engine),
            "redis": redis_problem(settings.redis_url),
        }
        for dependency, failure in problems.items():
            if failure:
                log.warning("readyz.unreachable", dependency=dependency, problem=failure)
        ready = not any(problems.values())
        return JSONResponse(
            status_code=200 if ready else 503,
            content={
                "status": "ready" if ready else "unavailable",
                "checks": {name: "unreachable" if failure else "ok" for name, failure in problems.items()},
            },
        )

    backbone = backbone_registry(runtime, gauges)

    @app.get("/metrics", tags=["health"], summary="Prometheus metrics", include_in_schema=False)
    def metrics(authorization: Annotated[str | None, Header()] = None) -> Response:
        _allow_metrics(settings, authorization)
        # the process's request metrics, and this service's gauges read now (outbox, queue, feeds)
        return Response(generate_latest() + generate_latest(backbone), media_type=CONTENT_TYPE_LATEST)

    for router in routers:
        app.include_router(router)
    return app
