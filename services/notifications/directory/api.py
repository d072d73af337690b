import uuid
from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict

from services.notifications.deps import DbSession, permit
from services.notifications.directory.models import UnitContact
from shared.access import Access
from shared.errors import NotFound

router = APIRouter(prefix="/directory", tags=["directory 通讯录"])


class UnitContactOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    unit_id: uuid.UUID
    unit_name: str
    grid_id: uuid.UUID | None
    responsible_head: str | None
    responsible_phone: str | None


@router.get("/units/{unit_id}", summary="单位联系人 / who is told about a unit")
def get_unit_contact(
    unit_id: uuid.UUID, session: DbSession, user: Annotated[Access, permit("unit.read")]
) -> UnitContactOut:
    contact = session.get(UnitContact, unit_id)
    if contact is None:
        raise NotFound(f"单位不存在 / unit {unit_id} not known to notifications")
    user.ensure_unit(contact.unit_id, contact.grid_id)
    shown = UnitContactOut.model_validate(contact)
    if user.may_reach_unit(contact.unit_id, contact.grid_id):
        return shown
    return shown.model_copy(update={"responsible_phone": None})
