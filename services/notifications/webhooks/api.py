import uuid
from typing import Annotated

from fastapi import APIRouter, status

from services.notifications.deps import DbSession, permit
from services.notifications.webhooks import service
from services.notifications.webhooks.schemas import (
    SubscriptionIn,
    SubscriptionOut,
    SubscriptionPatch,
    SubscriptionWithSecret,
)
from shared.access import Access
from shared.pagination import Page, PageQuery

router = APIRouter(prefix="/webhooks", tags=["webhooks 外部系统推送"])
WebhookAdmin = Annotated[Access, permit("webhook.manage")]
WebhookReader = Annotated[Access, permit("settings.read")]


@router.get("/event-types", summary="可订阅的事件类型 / event types one may subscribe to")
def event_types(_: WebhookReader) -> list[str]:
    return service.subscribable_types()


@router.post("", status_code=status.HTTP_201_CREATED, summary="新增推送端点 / subscribe an endpoint")
def create_subscription(
    data: SubscriptionIn, session: DbSession, user: WebhookAdmin
) -> SubscriptionWithSecret:
    subscription = service.create(
        session, name=data.name, url=data.url, event_types=data.event_types, owner=user.user_id
    )
    return SubscriptionWithSecret.model_validate(subscription)


@router.get("", summary="推送端点 / webhook subscriptions")
def list_subscriptions(session: DbSession, _: WebhookReader, page: PageQuery) -> Page[SubscriptionOut]:
    return service.list_all(session, page).map(SubscriptionOut.model_validate)


# `:uuid`: /webhooks/event-types is another resource, not a subscription id
@router.get("/{subscription_id:uuid}", summary="推送端点详情 / one subscription")
def get_subscription(subscription_id: uuid.UUID, session: DbSession, _: WebhookReader) -> SubscriptionOut:
    return SubscriptionOut.model_validate(service.get(session, subscription_id))


@router.patch("/{subscription_id:uuid}", summary="修改、停用或重新启用 / change, disable or re-enable")
def patch_subscription(
    subscription_id: uuid.UUID, data: SubscriptionPatch, session: DbSession, _: WebhookAdmin
) -> SubscriptionOut:
    subscription = service.update(session, subscription_id, **data.model_dump())  # what was sent
    return SubscriptionOut.model_validate(subscription)


@router.post(
    "/{subscription_id}/rotate-secret",
    summary="更换签名密钥 / rotate the signing secret (the old one signs too during a grace period)",
)
def rotate_secret(subscription_id: uuid.UUID, session: DbSession, _: WebhookAdmin) -> SubscriptionWithSecret:
    return SubscriptionWithSecret.model_validate(service.rotate_secret(session, subscription_id))
