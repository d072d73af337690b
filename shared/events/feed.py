"""A service's outbox served as an event feed: `GET /events?after=<cursor>&limit=`, for services only.

Redis is the fast path; the feed is the record. Other services read it with a service token
(`shared.service_auth`) and apply what they never processed (`shared.events.reconciler`).

Order and cursor. Outbox positions come from a sequence and are taken when a row is written, not
when its transaction commits, so position 11 can be visible while position 10 is still being
written: a cursor advanced to 11 would skip 10 for good. A settle window (only rows older than N
seconds) narrows that race but does not close it, since a transaction may run longer than any
window. So each row records its writing transaction's id (`txid`), and the feed serves only rows
of transactions below the snapshot's xmin horizon (`pg_snapshot_xmin(pg_current_snapshot())`):
every transaction below it has ended, so no row can still appear there. Rows are served in
(txid, position) order and the cursor is that pair; a row committed later always has a txid at or
above the horizon, hence above every cursor handed out. The price: a transaction left open
anywhere on the server holds the feed back (never loses it), and the consumer-lag gauge shows it.
"""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from sqlalchemy import ColumnClause, and_, func, literal_column, null, select, tuple_

from shared.access import Gate
from shared.errors import InvalidInput
from shared.runtime import ServiceRuntime

START = "0-0"
CURSOR_PATTERN = r"^\d{1,19}-\d{1,19}$"
_BIGINT_MAX = 2**63 - 1
# The oldest transaction id still running when the statement's snapshot was taken.
HORIZON: ColumnClause[int] = literal_column("pg_snapshot_xmin(pg_current_snapshot())::text::bigint")

SERVICES_ONLY = Gate().permit("event.feed")


def format_cursor(txid: int, position: int) -> str:
    return f"{txid}-{position}"


def parse_cursor(cursor: str) -> tuple[int, int]:
    """(txid, position) of a feed cursor; InvalidInput naming `after` for anything else."""
    txid, _, position = cursor.partition("-")
    if not (txid.isdigit() and position.isdigit()) or max(int(txid), int(position)) > _BIGINT_MAX:
        raise InvalidInput("游标无效 / invalid cursor: expected the `next` of a feed page", field="after")
    return int(txid), int(position)


class FeedEvent(BaseModel):
    cursor: str = Field(description="这条事件的位置 / this event's place in the feed")
    type: str
    id: uuid.UUID = Field(description="事件编号 / the event's id")
    age_seconds: float = Field(description="写入至今的秒数 / seconds since it was written")
    envelope: dict[str, Any] | None = Field(
        description="CloudEvents 信封 / the event as the relay sends it (null when asked without envelopes)"
    )


class FeedPage(BaseModel):
    items: list[FeedEvent]
    next: str = Field(description="下次的 `after` / pass as `after` next time (the last item's, or `after`)")
    more: bool = Field(description="是否还有 / whether more events follow at once")
    held: int = Field(
        0,
        description="暂缓的事件数 / committed events after `next` held back until older transactions "
        "end (counted up to 10000)",
    )


def read_feed(
    runtime: ServiceRuntime, after: tuple[int, int], limit: int, *, envelopes: bool = True
) -> FeedPage:
    """Up to `limit` committed events after `after`, in feed order (see the module's note); without
    their envelopes if `envelopes` is false (a reader that has most of them already)."""
    outbox = runtime.tables.outbox
    query = (
        select(
            outbox.c.txid,
            outbox.c.position,
            outbox.c.event_type,
            outbox.c.event_id,
            outbox.c.envelope if envelopes else null().label("envelope"),
            func.extract("epoch", func.clock_timestamp() - outbox.c.created_at).label("age"),
        )
        .where(
            and_(
                tuple_(outbox.c.txid, outbox.c.position) > tuple_(*after),
                outbox.c.txid < HORIZON,
            )
        )
        .order_by(outbox.c.txid, outbox.c.position)
        .limit(limit + 1)
    )
    with runtime.transaction() as session:
        rows = session.execute(query).all()  # one statement: one snapshot for rows and horizon
        more = len(rows) > limit
        rows = rows[:limit]
        last = (rows[-1].txid, rows[-1].position) if rows else after
        held = 0
        if not more:  # what is committed after the last row served but not below the horizon yet
            beyond = (
                select(outbox.c.position)
                .where(tuple_(outbox.c.txid, outbox.c.position) > tuple_(*last))
                .limit(10_000)
                .subquery()
            )
            held = session.scalar(select(func.count()).select_from(beyond)) or 0
    items = [
        FeedEvent(
            cursor=format_cursor(row.txid, row.position),
            type=row.event_type,
            id=row.event_id,
            age_seconds=float(row.age),
            envelope=row.envelope,
        )
        for row in rows
    ]
    return FeedPage(items=items, next=format_cursor(*last), more=more, held=held)


def event_feed_router(runtime: ServiceRuntime) -> APIRouter:
    router = APIRouter(tags=["events"])

    @router.get(
        "/events",
        summary="事件流 / this service's events in commit order (for other GridSafe services)",
        dependencies=[SERVICES_ONLY],
    )
    def event_feed(
        after: Annotated[
            str, Query(pattern=CURSOR_PATTERN, description="上一页的 `next` / a page's `next`; 0-0 first")
        ] = START,
        limit: Annotated[int, Query(ge=1, le=1000)] = 500,
        envelopes: Annotated[
            bool, Query(description="false: 只给编号 / ids only, each envelope null (a cheap page to check)")
        ] = True,
    ) -> FeedPage:
        return read_feed(runtime, parse_cursor(after), limit, envelopes=envelopes)

    return router
