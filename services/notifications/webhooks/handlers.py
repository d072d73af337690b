"""Every event notifications receives is offered to the webhook endpoints subscribed to its type."""

from services.notifications.webhooks.service import fan_out
from services.notifications.worker import consumer

consumer.observes_every_event(fan_out)
