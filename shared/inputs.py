"""Input every service refuses before it reaches a model or the database.

- Text PostgreSQL cannot store (NUL, and lone UTF-16 surrogates that have no UTF-8 form) in any
  path, query, form or JSON body field: `refuse_unstorable_text`, a dependency every app runs.
- The same text, and such date-times, inside page cursors: `CHECKED_TYPES` (shared/pagination.py).
- Date-times whose UTC offset lies outside ±14:00 (no zone on Earth has one; PostgreSQL refuses
  them), and dates or date-times given as numbers: `Instant` and `Day`, the types of the
  date-times and dates a query takes.
"""

import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Annotated, Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import AfterValidator, BeforeValidator

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
UNSTORABLE_MESSAGE = "含有无法保存的字符(NUL 或孤立代理项) / contains a character that cannot be stored (NUL or a lone surrogate)"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _unstorable(value: Any, loc: tuple[str | int, ...]) -> Iterator[tuple[str | int, ...]]:
    """Locations of the strings (keys included) that cannot be stored, in a decoded JSON value."""
    if isinstance(value, str):
        if UNSTORABLE.search(value):
            yield loc
    elif isinstance(value, dict):
        for key, item in value.items():
            if UNSTORABLE.search(key):
                yield (*loc, key)
            yield from _unstorable(item, (*loc, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _unstorable(item, (*loc, index))


async def _body_locations(request: Request) -> list[tuple[str | int, ...]]:
    if getattr(request.scope.get("route"), "body_field", None) is None:
        return []  # the endpoint takes no body; nothing of it is read or stored
    if request.headers.get("content-type", "").startswith(FORM_TYPES):
        form = await request.form()  # FastAPI has parsed it already: this is its cached copy
        return [
            ("body", key)
            for key, value in form.multi_items()
            if UNSTORABLE.search(key)
            or UNSTORABLE.search(value if isinstance(value, str) else value.filename or "")
        ]
    if not await request.body():
        return []
    try:
        body = await request.json()  # cached too
    except ValueError:
        return []  # not JSON: the endpoint's own validation answers
    return list(_unstorable(body, ("body",)))


async def refuse_unstorable_text(request: Request) -> None:
    """422 naming every field whose text PostgreSQL could not store."""
    locations: list[tuple[str | int, ...]] = [
        ("path", key) for key, value in request.path_params.items() if UNSTORABLE.search(str(value))
    ]
    locations += [
        ("query", key)
        for key, value in request.query_params.multi_items()
        if UNSTORABLE.search(key) or UNSTORABLE.search(value)
    ]
    locations += await _body_locations(request)
    if locations:
        raise RequestValidationError(
            [{"loc": loc, "msg": UNSTORABLE_MESSAGE, "type": "unstorable_text"} for loc in locations]
        )


MAX_OFFSET = timedelta(hours=14)
NUMBER = re.compile(r"^\s*[-+]?\d+(\.\d*)?\s*$")


def _written_out(value: Any) -> Any:
    """A date or time in a query is written as in ISO 8601 (as the OpenAPI says), not as the number
    of seconds since 1970 that pydantic would also take."""
    if isinstance(value, int | float) or (isinstance(value, str) and NUMBER.match(value)):
        raise ValueError("须为 ISO 8601 日期/时间 / must be an ISO 8601 date or date-time, not a number")
    return value


def _offset_on_earth(value: datetime) -> datetime:
    offset = value.utcoffset()
    if offset is not None and abs(offset) > MAX_OFFSET:
        raise ValueError("时区偏移须在 ±14:00 以内 / the UTC offset must lie within ±14:00")
    return value


Instant = Annotated[datetime, BeforeValidator(_written_out), AfterValidator(_offset_on_earth)]
Day = Annotated[date, BeforeValidator(_written_out)]


def _storable(value: str) -> str:
    if UNSTORABLE.search(value):
        raise ValueError(UNSTORABLE_MESSAGE)
    return value


# What a value decoded from an opaque token (a page cursor) must be, as the request fields are.
StorableText = Annotated[str, AfterValidator(_storable)]
CHECKED_TYPES: dict[type, Any] = {datetime: Instant, str: StorableText}
