"""Every table of notifications, imported so Alembic sees the whole schema."""

from services.notifications.delivery import models as delivery_models
from services.notifications.directory import models as directory_models
from services.notifications.hazard_notices import models as hazard_notice_models
from services.notifications.inbox import models as inbox_models
from services.notifications.runtime import runtime
from services.notifications.webhooks import models as webhook_models

metadata = runtime.metadata

__all__ = [
    "delivery_models",
    "directory_models",
    "hazard_notice_models",
    "inbox_models",
    "metadata",
    "webhook_models",
]
