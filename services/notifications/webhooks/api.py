import uuid
from datetime import datetime

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict, Field

from services.notifications.deps import DbSession
from services.notifications.webhooks import service
from shared.auth import ZoneAdmin

router = APIRouter(prefix="/webhooks", tags=["webhooks 外部系统推送"])


class SubscriptionIn(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    url: str = Field(min_length=1, max_length=2000, description="http(s) endpoint that receives the events")
    event_types: list[str] = Field(
        min_length=1, description="exact event types, see GET /webhooks/event-types"
    )


class SubscriptionPatch(BaseModel):
    url: str | None = Field(None, min_length=1, max_length=2000)
    event_types: list[str] | None = Field(None, min_length=1)
    enabled: bool | None = None


class SubscriptionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    url: str
    event_types: list[str]
    secret: str = Field(
        description="whsec_ signing secret: verify deliveries with a Standard Webhooks library"
    )
    enabled: bool
    consecutive_failures: int
    disabled_at: datetime | None
    disabled_reason: str | None
    created_at: datetime


@router.get("/event-types", summary="可订阅的事件类型 / event types one may subscribe to")
def event_types(_: ZoneAdmin) -> list[str]:
    return service.subscribable_types()


@router.post("", status_code=status.HTTP_201_CREATED, summary="新增推送端点 / subscribe an endpoint")
def create_subscription(data: SubscriptionIn, session: DbSession, user: ZoneAdmin) -> SubscriptionOut:
    subscription = service.create(
        session, name=data.name, url=data.url, event_types=data.event_types, owner=user.user_id
    )
    return SubscriptionOut.model_validate(subscription)


@router.get("", summary="推送端点 / webhook subscriptions")
def list_subscriptions(session: DbSession, _: ZoneAdmin) -> list[SubscriptionOut]:
    return [SubscriptionOut.model_validate(s) for s in service.list_all(session)]


@router.get("/{subscription_id}", summary="推送端点详情 / one subscription")
def get_subscription(subscription_id: uuid.UUID, session: DbSession, _: ZoneAdmin) -> SubscriptionOut:
    return SubscriptionOut.model_validate(service.get(session, subscription_id))


@router.patch("/{subscription_id}", summary="修改、停用或重新启用 / change, disable or re-enable")
def patch_subscription(
    subscription_id: uuid.UUID, data: SubscriptionPatch, session: DbSession, _: ZoneAdmin
) -> SubscriptionOut:
    subscription = service.update(
        session, subscription_id, url=data.url, event_types=data.event_types, enabled=data.enabled
    )
    return SubscriptionOut.model_validate(subscription)
