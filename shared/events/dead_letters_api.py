"""Admin API over a service's dead-letter table (死信): list the events it gave up on, replay one."""

from datetime import datetime
from typing import Any
from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import select

from shared.access import Gate
from shared.errors import NotFound
from shared.events.consumer import EventConsumer
from shared.pagination import Keyset, Page, PageQuery


class DeadLetterOut(BaseModel):
    id: int
    consumer: str
    event_id: UUID
    event_type: str
    reason: str
    attempts: int
    failed_at: datetime
    replayed_at: datetime | None
    replay_count: int
    envelope: dict[str, Any]


# Zone-wide only: the dead letters are the service's, not any tenant's.
ZONE_ADMIN = Gate().permit("dead_letter.manage")
READER = Gate().permit("settings.read")


def dead_letter_router(consumer: EventConsumer) -> APIRouter:
    router = APIRouter(prefix="/admin/dead-letters", tags=["admin"])
    table = consumer.runtime.tables.dead_letter
    oldest_first = Keyset(table.fullname, table.c.id)

    @router.get("", summary="死信列表 / dead-lettered events", dependencies=[READER])
    def list_dead_letters(
        page: PageQuery,
        pending_only: bool = True,
    ) -> Page[DeadLetterOut]:
        query = select(table)
        if pending_only:
            query = query.where(table.c.replayed_at.is_(None))
        with consumer.runtime.transaction() as session:
            rows = session.execute(oldest_first.select(query, page)).all()
        return oldest_first.page(rows, page).map(lambda row: DeadLetterOut.model_validate(dict(row._mapping)))

    @router.post(
        "/{dead_letter_id}/replay",
        summary="重放死信 / replay a dead-lettered event",
        dependencies=[ZONE_ADMIN],
    )
    def replay_dead_letter(dead_letter_id: int) -> DeadLetterOut:
        with consumer.runtime.transaction() as session:
            if consumer.replay(session, dead_letter_id) is None:
                raise NotFound(f"dead letter {dead_letter_id} not found")
            row = session.execute(select(table).where(table.c.id == dead_letter_id)).one()
            return DeadLetterOut.model_validate(dict(row._mapping))

    return router
