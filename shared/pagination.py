"""One way to page every list: `?limit=&cursor=` in, `{"items": [...], "next": ...}` out.

`next` is an opaque cursor (url-safe base64 of JSON naming the ordering and the last row's key);
pass it back as `cursor` for the following page. It is null on the last page. A cursor that
does not decode, or that belongs to another list's ordering, is a 422 naming `cursor`.

Lists read from one table page by keyset (`Keyset`: ordered columns, ties broken by a unique
id), so rows added meanwhile never shift a page. Lists computed in memory, or grouped in SQL,
page by position (`Positions`).
"""

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError
from pydantic_core import to_jsonable_python
from sqlalchemy import Column, Select, literal, tuple_
from sqlalchemy.orm import InstrumentedAttribute, Session

from shared.errors import InvalidInput
from shared.inputs import CHECKED_TYPES

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 500

T = TypeVar("T")
U = TypeVar("U")
S = TypeVar("S", bound=Select[Any])


class Page(BaseModel, Generic[T]):
    """One page of a list and the cursor of the next one."""

    # Services return pages of database rows; the API maps them to its schema with `map`.
    model_config = ConfigDict(arbitrary_types_allowed=True)

    items: list[T]
    next: str | None = Field(description="下一页游标 / pass as `cursor` for the next page; null on the last")

    def map(self, convert: Callable[[T], U]) -> "Page[U]":
        return Page(items=[convert(item) for item in self.items], next=self.next)


@dataclass(frozen=True)
class PageRequest:
    cursor: str | None
    limit: int


def _page_request(
    cursor: Annotated[
        str | None, Query(description="上一页的 `next` / the previous page's `next`; empty for the first")
    ] = None,
    limit: Annotated[
        int,
        Query(ge=1, le=MAX_PAGE_SIZE, description=f"每页条数 / items per page, at most {MAX_PAGE_SIZE}"),
    ] = DEFAULT_PAGE_SIZE,
) -> PageRequest:
    return PageRequest(cursor=cursor or None, limit=limit)  # an empty cursor: the first page


# The query parameters of every list endpoint: `cursor` and `limit`.
PageQuery = Annotated[PageRequest, Depends(_page_request)]


def _bad_cursor() -> InvalidInput:
    return InvalidInput("无效的分页游标 / cursor is not a `next` of this list", field="cursor")


def _encode(ordering: str, key: Any) -> str:
    raw = json.dumps({"o": ordering, "k": to_jsonable_python(key)}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(ordering: str, cursor: str) -> Any:
    """The key a cursor of `ordering` carries (still to be validated), or a 422 naming `cursor`."""
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError):  # bad base64, bad UTF-8 or bad JSON
        raise _bad_cursor() from None
    if not isinstance(data, dict) or data.get("o") != ordering:
        raise _bad_cursor()
    return data.get("k")


def _page(rows: Sequence[T], page: PageRequest, cursor_after: Callable[[T], str]) -> Page[T]:
    """The page from up to limit + 1 rows: the extra row only says that a next page exists."""
    items = list(rows[: page.limit])
    more = len(rows) > page.limit
    return Page(items=items, next=cursor_after(items[-1]) if more else None)


class Keyset:
    """An order over columns whose last is unique, all ascending or all descending.

    `fetch` reads one page of ORM objects; for other rows, `select` orders and limits a query to
    one page after the cursor and `page` builds the answer from its rows.
    """

    def __init__(
        self, name: str, *columns: InstrumentedAttribute[Any] | Column[Any], descending: bool = False
    ) -> None:
        self.name = name
        self.columns = columns
        self.descending = descending
        types = tuple(
            CHECKED_TYPES.get(column.type.python_type, column.type.python_type) for column in columns
        )
        self._key = TypeAdapter(tuple[types])  # type: ignore[valid-type]

    def _after(self, cursor: str) -> tuple[Any, ...]:
        try:
            return tuple(self._key.validate_python(_decode(self.name, cursor)))
        except ValidationError:
            raise _bad_cursor() from None

    def select(self, query: S, page: PageRequest) -> S:
        order = [column.desc() if self.descending else column.asc() for column in self.columns]
        query = query.order_by(*order).limit(page.limit + 1)
        if page.cursor is None:
            return query
        values = zip(self.columns, self._after(page.cursor), strict=True)
        key, after = tuple_(*self.columns), tuple_(*(literal(value, column.type) for column, value in values))
        return query.where(key < after if self.descending else key > after)

    def fetch(self, session: Session, query: Select[Any], page: PageRequest) -> Page[Any]:
        """One page of the ORM objects an entity query selects."""
        return self.page(session.scalars(self.select(query, page)).all(), page)

    def page(self, rows: Sequence[T], page: PageRequest) -> Page[T]:
        def cursor_after(row: T) -> str:
            return _encode(self.name, [getattr(row, column.key) for column in self.columns])

        return _page(rows, page, cursor_after)


class Positions:
    """Pages by position, for lists computed in memory or grouped in SQL (`GROUP BY`)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def start(self, page: PageRequest) -> int:
        """How many items earlier pages held: the offset of this page."""
        if page.cursor is None:
            return 0
        offset = _decode(self.name, page.cursor)
        if not isinstance(offset, int) or isinstance(offset, bool) or not 0 <= offset < 2**63:  # a bigint
            raise _bad_cursor()
        return offset

    def page(self, rows: Sequence[T], page: PageRequest) -> Page[T]:
        """The page from up to limit + 1 items read from `start(page)` on."""
        end = self.start(page) + page.limit
        return _page(rows, page, lambda _: _encode(self.name, end))

    def slice(self, items: Sequence[T], page: PageRequest) -> Page[T]:
        """One page of a whole list held in memory."""
        start = self.start(page)
        return self.page(items[start : start + page.limit + 1], page)
