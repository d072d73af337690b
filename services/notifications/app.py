"""Notifications API: `uvicorn services.notifications.app:app`."""

from services.notifications.delivery.api import router as delivery_router
from services.notifications.delivery.gauges import delivery_gauges
from services.notifications.directory.api import router as directory_router
from services.notifications.inbox.api import router as inbox_router
from services.notifications.runtime import runtime
from services.notifications.webhooks.api import router as webhook_router
from services.notifications.worker import consumer
from shared.audit_api import audit_router
from shared.events.dead_letters_api import dead_letter_router
from shared.events.feed import event_feed_router
from shared.web import create_app

app = create_app(
    runtime,
    title="GridSafe 通知 Notifications",
    description="Inbox, email, SMS and webhooks; reminders and the escalation ladder.",
    routers=[
        inbox_router,
        delivery_router,
        webhook_router,
        directory_router,
        dead_letter_router(consumer),
        event_feed_router(runtime),
        audit_router(runtime),
    ],
    gauges=[delivery_gauges],
)
