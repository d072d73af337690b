import uuid
from typing import Annotated

from fastapi import APIRouter, status
from sqlalchemy.orm import Session

from services.inspections.deps import DbSession, permit
from services.inspections.inspection import service
from services.inspections.inspection.schemas import (
    ChecklistIn,
    ChecklistOut,
    InspectionIn,
    InspectionOut,
    ItemOut,
)
from shared.access import Access
from shared.pagination import Page, PageQuery

router = APIRouter(tags=["inspections 检查"])


def _out(session: Session, inspection) -> InspectionOut:
    items = [ItemOut.model_validate(i) for i in service.items_of(session, inspection.id)]
    return InspectionOut.model_validate(inspection).model_copy(update={"items": items})


@router.post(
    "/checklists", status_code=status.HTTP_201_CREATED, summary="发布检查表 / publish a checklist version"
)
def publish_checklist(
    data: ChecklistIn, session: DbSession, _: Annotated[Access, permit("catalogue.edit")]
) -> ChecklistOut:
    return ChecklistOut.model_validate(service.publish_checklist(session, data))


@router.get("/checklists", summary="检查表 / every checklist version")
def checklists(
    session: DbSession, _: Annotated[Access, permit("catalogue.read")], page: PageQuery
) -> Page[ChecklistOut]:
    return service.checklists(session, page).map(ChecklistOut.model_validate)


@router.post("/inspections", status_code=status.HTTP_201_CREATED, summary="检查记录 / record an inspection")
def record_inspection(
    data: InspectionIn, session: DbSession, user: Annotated[Access, permit("inspection.record")]
) -> InspectionOut:
    return _out(session, service.record_inspection(session, data, user))


@router.get("/inspections/{inspection_id}", summary="检查详情 / one inspection with its answers")
def get_inspection(
    inspection_id: uuid.UUID, session: DbSession, user: Annotated[Access, permit("unit.read")]
) -> InspectionOut:
    return _out(session, service.get_inspection(session, inspection_id, user))
