import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict


class MessageOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    event_type: str
    subject_id: uuid.UUID | None
    title: str
    body: str
    urgent: bool
    why: str
    created_at: datetime
    read_at: datetime | None


class InboxOut(BaseModel):
    unread: int
    messages: list[MessageOut]
