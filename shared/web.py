"""FastAPI application factory: health, metrics, correlation ids, and JSON errors for all."""

import secrets
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Annotated, Any

import structlog
from fastapi import APIRouter, FastAPI, Header, HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.context import bind_correlation_id, clear_context
from shared.errors import DomainError
from shared.health import database_problem, redis_problem, wait_until_reachable
from shared.logs import configure_logging
from shared.metrics import HTTP_LATENCY, HTTP_REQUESTS
from shared.runtime import ServiceRuntime
from shared.settings import Settings
from shared.tokens import TokenVerifier

log = structlog.get_logger(__name__)

CORRELATION_HEADER = "X-Correlation-ID"


def _error(status_code: int, detail: str, errors: list[dict[str, Any]] | None = None) -> JSONResponse:
    body: dict[str, Any] = {"detail": detail}
    if errors:
        body["errors"] = errors
    return JSONResponse(status_code=status_code, content=body)


def _location(loc: Sequence[int | str]) -> str:
    return ".".join(str(part) for part in loc)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"loc": _location(e["loc"]), "message": e["msg"], "type": e["type"]} for e in exc.errors()]
        summary = "; ".join(f"{e['loc']}: {e['message']}" for e in errors)
        return _error(422, f"请求数据无效 / invalid request: {summary}", errors)

    @app.exception_handler(DomainError)
    async def domain_error(_: Request, exc: DomainError) -> JSONResponse:
        errors = exc.details or ([{"loc": exc.field, "message": exc.message}] if exc.field else None)
        return _error(exc.status_code, exc.message, errors)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        response = _error(exc.status_code, str(exc.detail))
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("http.unhandled", error=repr(exc))
        return _error(500, "服务器内部错误 / internal error; quote the correlation id when reporting it")


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
    wait_for_dependencies: bool = True,
) -> FastAPI:
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
    )
    app.state.runtime = runtime  # the audit log's table (shared/audit.py)
    # The keys this service verifies tokens with; a production start without them stops here.
    app.state.token_verifier = TokenVerifier.for_service(runtime.name, settings)
    install_error_handlers(app)

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
        for dependency, problem in problems.items():
            if problem:
                log.warning("readyz.unreachable", dependency=dependency, problem=problem)
        ready = not any(problems.values())
        return JSONResponse(
            status_code=200 if ready else 503,
            content={
                "status": "ready" if ready else "unavailable",
                "checks": {name: "unreachable" if problem else "ok" for name, problem in problems.items()},
            },
        )

    @app.get("/metrics", tags=["health"], summary="Prometheus metrics", include_in_schema=False)
    def metrics(authorization: Annotated[str | None, Header()] = None) -> Response:
        _allow_metrics(settings, authorization)
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    for router in routers:
        app.include_router(router)
    return app
