"""`GET /audit`: a service's audit log (shared/audit.py), newest first, for auditors and zone admins."""

from datetime import datetime, time
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import BaseModel
from sqlalchemy import select

from shared.access import Gate
from shared.audit import AuditAction
from shared.pagination import Keyset, Page, PageQuery
from shared.periods import PeriodKind, parse_period
from shared.runtime import ServiceRuntime


class AuditEntryOut(BaseModel):
    id: int
    at: datetime
    actor_id: UUID | None
    actor_name: str
    actor_roles: list[str]
    action: AuditAction
    target: str
    method: str
    path: str
    client_address: str | None
    user_agent: str | None


READERS = Gate().permit("audit.read")


def audit_router(runtime: ServiceRuntime) -> APIRouter:
    router = APIRouter(prefix="/audit", tags=["audit 审计"])
    table = runtime.audit
    newest_first = Keyset(f"{table.fullname}.newest", table.c.at, table.c.id, descending=True)

    @router.get(
        "", summary="审计日志 / who did what, when and from where, newest first", dependencies=[READERS]
    )
    def list_audit_entries(
        page: PageQuery,
        actor_id: Annotated[UUID | None, Query(description="操作人 / the acting account")] = None,
        action: Annotated[AuditAction | None, Query(description="操作 / what was done")] = None,
        period: Annotated[
            str | None, Query(description="时段 / 2026-11-30, 2026-W48, 2026-11, 2026-Q4 or 2026 (zone time)")
        ] = None,
    ) -> Page[AuditEntryOut]:
        query = select(table)
        if actor_id is not None:
            query = query.where(table.c.actor_id == actor_id)
        if action is not None:
            query = query.where(table.c.action == action.value)
        if period is not None:
            chosen = parse_period(period, kinds=tuple(PeriodKind))
            zone = runtime.settings.zone
            start, end = (datetime.combine(day, time(), zone) for day in (chosen.start, chosen.end))
            query = query.where(table.c.at >= start, table.c.at < end)
        with runtime.transaction() as session:
            rows = session.execute(newest_first.select(query, page)).all()
        return newest_first.page(rows, page).map(lambda row: AuditEntryOut.model_validate(dict(row._mapping)))

    return router
