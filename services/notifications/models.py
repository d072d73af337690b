"""Every table of notifications, imported so Alembic sees the whole schema."""

from services.notifications.directory import models as directory_models
from services.notifications.inbox import models as inbox_models
from services.notifications.runtime import runtime

metadata = runtime.metadata

__all__ = ["directory_models", "inbox_models", "metadata"]
