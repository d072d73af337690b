"""Domain errors that service functions raise, and the one shape every error answer has.

Every 4xx/5xx body of every service is an RFC 9457 problem (`application/problem+json`):
`type`, `title`, `status`, `detail`, and for input problems `errors`, one entry per field with
its location `loc` (dotted: `body.name`, `query.limit`, `cursor`) and `message`. The web layer
(shared/web.py) renders these classes, FastAPI's validation errors and HTTP exceptions with
`problem()` and declares the `Problem` schema in every operation's OpenAPI.
"""

from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

PROBLEM_JSON = "application/problem+json"

# An answer lists at most this many problems, and says how many there were in all: a body with a
# million bad fields gets a small answer, not one larger than itself.
ERRORS_SHOWN = 50

# Chinese titles of the statuses the services answer with; others get the English phrase alone.
TITLES = {
    400: "请求有误",
    401: "未认证",
    403: "无权操作",
    404: "不存在",
    405: "方法不允许",
    409: "冲突",
    413: "内容过大",
    415: "不支持的媒体类型",
    422: "请求数据无效",
    429: "请求过于频繁",
    500: "服务器内部错误",
    503: "服务不可用",
}


class FieldProblem(BaseModel):
    """What is wrong with one field (or one spreadsheet cell: `row` and `column` then say where)."""

    model_config = ConfigDict(extra="allow")

    loc: str = Field(
        description="where: `body.name`, `query.limit`, `path.id`, `file.3.name` or a field name"
    )
    message: str
    type: str | None = Field(None, description="machine-readable kind, e.g. `missing`, `string_too_long`")


class Problem(BaseModel):
    """RFC 9457 problem details: the body of every error answer."""

    model_config = ConfigDict(extra="allow")

    type: str = Field("about:blank", description="the problem type; `about:blank`: the status says it all")
    title: str = Field(description="the status in Chinese and English")
    status: int = Field(ge=400, le=599)
    detail: str = Field(description="what went wrong, in Chinese and English")
    errors: list[FieldProblem] = Field(
        default_factory=list, description=f"each field in error (at most the first {ERRORS_SHOWN})"
    )
    errors_total: int | None = Field(None, description="how many problems in all, when more than listed")


def title_of(status: int) -> str:
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    return f"{TITLES[status]} / {phrase}" if status in TITLES else phrase


def dotted(loc: str | Sequence[int | str] | None) -> str:
    if loc is None:
        return ""
    return loc if isinstance(loc, str) else ".".join(str(part) for part in loc)


def field_problem(entry: dict[str, Any]) -> dict[str, Any]:
    """One `errors` entry from what a service gave: `loc` as a path or a name, `message` or `msg`."""
    rest = {k: v for k, v in entry.items() if k not in {"loc", "msg", "message"}}
    return {
        "loc": dotted(entry.get("loc")),
        "message": str(entry.get("message", entry.get("msg", ""))),
        **rest,
    }


def problem(
    status: int, detail: str, errors: Sequence[dict[str, Any]] = (), *, shown: int = ERRORS_SHOWN
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title_of(status),
        "status": status,
        "detail": detail,
        "errors": [field_problem(e) for e in errors[:shown]],
    }
    if len(errors) > shown:
        body["errors_total"] = len(errors)
        body["detail"] += f"(仅列出前{shown}项,共{len(errors)}项 / the first {shown} of {len(errors)} shown)"
    return body


class DomainError(Exception):
    status_code = 400

    def __init__(
        self, message: str, *, field: str | None = None, details: list[dict[str, Any]] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.details = details  # several problems, e.g. one per spreadsheet cell

    def problem(self) -> dict[str, Any]:
        errors = self.details or ([{"loc": self.field, "message": self.message}] if self.field else [])
        return problem(self.status_code, self.message, errors)


class InvalidInput(DomainError):
    status_code = 422


class NotFound(DomainError):
    status_code = 404


class Conflict(DomainError):
    status_code = 409


class Forbidden(DomainError):
    status_code = 403


class TooLarge(DomainError):
    status_code = 413
