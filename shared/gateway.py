"""The web application's one origin for `make run`: the built app (web/dist) at `/` and each service's
API at `/api/<service>/`, proxied with request and response bodies streamed.

`python -m shared.gateway --port 8000 --port-base 8001` serves it; in compose a real reverse proxy
(web/Caddyfile) does the same over HTTPS. Paths that are not files of the app get its index.html,
so the app's own routes (`/units/<id>`, the QR codes' links) load on a reload.
"""

import argparse
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from shared.settings import DEFAULT_PORTS, SERVICE_NAMES

ROOT = Path(__file__).resolve().parent.parent
WEB_DIST = ROOT / "web" / "dist"
# Headers of one hop (RFC 9110 § 7.6.1), not forwarded; the client sets Host and Content-Length anew.
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "host",
    "content-length",
}


def create_app(upstreams: dict[str, str], dist: Path = WEB_DIST) -> Starlette:
    """The gateway to `upstreams` (service name → base URL), serving the app built in `dist`."""

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        # no read timeout: a download or a long export streams as long as it takes
        async with httpx.AsyncClient(timeout=httpx.Timeout(10, read=None)) as client:
            app.state.client = client
            yield

    async def proxy(request: Request) -> Response:
        service = request.path_params["service"]
        if service not in upstreams:
            return PlainTextResponse("没有这个服务 / no such service", status_code=404)
        client: httpx.AsyncClient = request.app.state.client
        headers = [(k, v) for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP]
        client_host = request.client.host if request.client else ""
        headers += [
            ("x-forwarded-for", client_host),
            ("x-forwarded-proto", request.url.scheme),
            ("x-forwarded-host", request.headers.get("host", "")),
            ("x-forwarded-prefix", f"/api/{service}"),
        ]
        upstream = client.build_request(
            request.method,
            f"{upstreams[service]}/{request.path_params['path']}",
            params=request.url.query,
            headers=headers,
            content=request.stream(),
        )
        try:
            answer = await client.send(upstream, stream=True)
        except httpx.TransportError:
            return PlainTextResponse("服务暂不可用 / the service is not answering", status_code=502)
        return StreamingResponse(
            answer.aiter_raw(),
            status_code=answer.status_code,
            headers={k: v for k, v in answer.headers.items() if k.lower() not in HOP_BY_HOP},
            background=BackgroundTask(answer.aclose),
        )

    async def web_app(request: Request) -> Response:
        index = dist / "index.html"
        if not index.is_file():
            return PlainTextResponse(
                "网页应用尚未构建:请运行 make install / the web app is not built: run `make install`",
                status_code=503,
            )
        wanted = (dist / request.path_params["path"]).resolve()
        if wanted.is_file() and wanted.is_relative_to(dist.resolve()):
            # hashed assets never change; index.html and the rest are checked on each load
            immutable = wanted.parent.name == "assets"
            cache = "public, max-age=31536000, immutable" if immutable else "no-cache"
            return FileResponse(wanted, headers={"Cache-Control": cache})
        return FileResponse(index, headers={"Cache-Control": "no-cache"})

    methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
    app = Starlette(
        routes=[
            Route("/api/{service}/{path:path}", proxy, methods=methods),
            Route("/{path:path}", web_app, methods=["GET", "HEAD"]),
        ],
        lifespan=lifespan,
    )
    return app


def upstreams_on(host: str, port_base: int) -> dict[str, str]:
    """Each service's API as the run command starts it: the registry's port and the others after it."""
    first = DEFAULT_PORTS[SERVICE_NAMES[0]]
    return {
        service: f"http://{host}:{port_base + DEFAULT_PORTS[service] - first}" for service in SERVICE_NAMES
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the web app and route /api/<service>/ to the APIs.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument(
        "--port-base", type=int, default=DEFAULT_PORTS[SERVICE_NAMES[0]], help="registry's port"
    )
    args = parser.parse_args()
    api_host = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    app = create_app(upstreams_on(api_host, args.port_base))
    uvicorn.run(app, host=args.host, port=args.port, access_log=False, log_level="info")


if __name__ == "__main__":
    main()
