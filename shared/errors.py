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


# Chinese for the kinds of input error FastAPI's validation reports (pydantic's error `type`), with
# the values of their `ctx`; a kind not named here keeps pydantic's English message alone.
VALIDATION_MESSAGES = {
    "missing": "必填",
    "extra_forbidden": "不接受此字段",
    "too_short": "至少 {min_length} 项",
    "too_long": "最多 {max_length} 项",
    "string_too_short": "至少 {min_length} 个字符",
    "string_too_long": "最多 {max_length} 个字符",
    "string_pattern_mismatch": "格式不符",
    "string_type": "须为文本",
    "greater_than": "须大于 {gt}",
    "greater_than_equal": "须不小于 {ge}",
    "less_than": "须小于 {lt}",
    "less_than_equal": "须不大于 {le}",
    "int_parsing": "须为整数",
    "int_type": "须为整数",
    "int_from_float": "须为整数",
    "float_parsing": "须为数字",
    "float_type": "须为数字",
    "decimal_parsing": "须为数字",
    "bool_parsing": "须为是或否(true/false)",
    "bool_type": "须为是或否(true/false)",
    "uuid_parsing": "须为有效编号(UUID)",
    "uuid_type": "须为有效编号(UUID)",
    "date_parsing": "须为日期(YYYY-MM-DD)",
    "date_from_datetime_parsing": "须为日期(YYYY-MM-DD)",
    "date_type": "须为日期(YYYY-MM-DD)",
    "datetime_parsing": "须为带时区的时间(ISO 8601)",
    "datetime_from_date_parsing": "须为带时区的时间(ISO 8601)",
    "datetime_type": "须为带时区的时间(ISO 8601)",
    "timezone_aware": "须带时区",
    "enum": "须为以下之一:{expected}",
    "literal_error": "须为以下之一:{expected}",
    "list_type": "须为列表",
    "dict_type": "须为对象",
    "model_type": "须为对象",
    "model_attributes_type": "须为对象",
    "json_invalid": "不是有效的 JSON",
    "url_parsing": "须为有效网址",
    "url_scheme": "网址协议不符",
}


def validation_message(kind: str, message: str, context: dict[str, Any] | None = None) -> str:
    """An input error's message in Chinese, then pydantic's own: "至少 1 项 / List should have…"."""
    if kind == "value_error":  # a validator's own words (the project's are in Chinese already)
        return message.removeprefix("Value error, ")
    template = VALIDATION_MESSAGES.get(kind)
    if template is None:
        return message
    # 180, not 180.0, for a bound given as a float
    values = {k: int(v) if isinstance(v, float) and v.is_integer() else v for k, v in (context or {}).items()}
    try:
        chinese = template.format(**values)
    except (KeyError, IndexError):  # a context without the value the template names
        chinese = template.split(" {")[0].split("{")[0]
    return f"{chinese} / {message}"


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
