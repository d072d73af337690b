import uuid
from datetime import datetime

from pydantic import MISSING, BaseModel, ConfigDict, Field


class SubscriptionIn(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    url: str = Field(min_length=1, max_length=2000, description="http(s) endpoint that receives the events")
    event_types: list[str] = Field(
        min_length=1, description="exact event types, see GET /webhooks/event-types"
    )


class SubscriptionPatch(BaseModel):
    # A field left out stays as it is; none may be null.
    url: str | MISSING = Field(MISSING, min_length=1, max_length=2000)
    event_types: list[str] | MISSING = Field(MISSING, min_length=1)
    enabled: bool | MISSING = MISSING


class SubscriptionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    url: str
    event_types: list[str]
    enabled: bool
    consecutive_failures: int
    disabled_at: datetime | None
    disabled_reason: str | None
    created_at: datetime
    previous_secret_until: datetime | None = Field(
        description="after a rotation, deliveries are signed with the previous secret too until then"
    )


class SubscriptionWithSecret(SubscriptionOut):
    """A subscription as created or just rotated: the only time its secret is shown."""

    secret: str = Field(
        description="whsec_ signing secret, shown only now: keep it to verify deliveries with a "
        "Standard Webhooks library; a lost secret is replaced with POST /webhooks/{id}/rotate-secret"
    )
