import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from shared.pagination import Page


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


class InboxOut(Page[MessageOut]):
    """A page of one's messages, and how many of all are unread."""

    unread: int
