"""The route of POST /hazards/{id}/actions/{action}: its body is one model per action, told apart by
`action`, and the client need not repeat in the body the action the path already names."""

import json
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

from services.inspections.hazard.state_machine import TRANSITIONS


class _ActionFromPath(Request):
    """The request body with `action` filled from the path when the client left it out."""

    async def body(self) -> bytes:
        if not hasattr(self, "_body"):
            raw = await super().body()
            try:
                data = json.loads(raw) if raw.strip() else {}
            except ValueError:
                data = None  # not JSON: left as sent, for the validation error to name
            if isinstance(data, dict) and "action" not in data:
                raw = json.dumps({**data, "action": self.path_params["action"]}).encode()
            self._body = raw
        return self._body


def _body_errors_by_field(errors: Sequence[dict[str, Any]], action: str) -> list[dict[str, Any]]:
    """The path names the action, so a body error is located by its field: body.plan, not body.<action>.plan.

    For an unknown action only the path's error is kept: there is no model to check the body against.
    """
    if action not in TRANSITIONS:
        return [e for e in errors if e["loc"][0] != "body"]
    return [{**e, "loc": ("body", *e["loc"][2:])} if e["loc"][:2] == ("body", action) else e for e in errors]


class ActionFromPathRoute(APIRoute):
    """Routes whose body is a union told apart by `action`, the same word as in the path."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def with_action(request: Request) -> Response:
            try:
                return await handler(_ActionFromPath(request.scope, request.receive))
            except RequestValidationError as exc:
                raise RequestValidationError(
                    _body_errors_by_field(exc.errors(), request.path_params["action"]),
                    body=exc.body,
                    endpoint_ctx=exc.endpoint_ctx,
                ) from exc

        return with_action
