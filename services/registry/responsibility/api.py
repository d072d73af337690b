import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from services.registry.deps import DbSession, permit
from services.registry.responsibility import service
from services.registry.responsibility.duties import DUTIES
from services.registry.responsibility.schemas import AssignmentCreate, AssignmentEnd, AssignmentOut
from shared.access import Access
from shared.inputs import Day
from shared.labels import both
from shared.pagination import Page, PageQuery

router = APIRouter(prefix="/responsibilities", tags=["responsibilities 责任落实台帐"])
Assigner = Annotated[Access, permit("responsibility.assign")]


@router.get("/duties", summary="职责目录 / the duties the ledger knows")
def duties(_: Annotated[Access, permit("catalogue.read")]) -> dict[str, dict[str, object]]:
    return {
        name: {"label": both("duty", name), "scope_type": d.scope_type, "sole": d.sole}
        for name, d in DUTIES.items()
    }


@router.post("", status_code=status.HTTP_201_CREATED, summary="定人定岗定责 / assign a duty")
def start_assignment(data: AssignmentCreate, session: DbSession, user: Assigner) -> AssignmentOut:
    return AssignmentOut.model_validate(service.start_assignment(session, data, user))


@router.post("/{assignment_id}/end", summary="终止责任 / end an assignment (history is kept)")
def end_assignment(
    assignment_id: uuid.UUID, data: AssignmentEnd, session: DbSession, user: Assigner
) -> AssignmentOut:
    return AssignmentOut.model_validate(
        service.end_assignment(session, assignment_id, data.valid_to, data.reason, user)
    )


@router.get("", summary="责任台帐 / the ledger; `on` answers who was responsible on a day")
def ledger(
    session: DbSession,
    user: Annotated[Access, permit("responsibility.read")],
    page: PageQuery,
    scope_id: Annotated[uuid.UUID | None, Query(description="a grid, unit, post, org unit or zone")] = None,
    person_id: Annotated[uuid.UUID | None, Query()] = None,
    on: Annotated[Day | None, Query(description="only assignments in force on this zone date")] = None,
) -> Page[AssignmentOut]:
    found = service.ledger(session, user, scope_id=scope_id, person_id=person_id, on=on, page=page)
    return found.map(AssignmentOut.model_validate)
