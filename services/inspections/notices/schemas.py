import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from services.inspections.notices.models import NoticeKind


class NoticeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    hazard_id: uuid.UUID
    kind: NoticeKind
    title: str = ""
    number: str
    issued_at: datetime
    issued_by_name: str
