"""Every table of the registry, imported so Alembic sees the whole schema."""

from services.registry.enterprise import models as enterprise_models
from services.registry.runtime import runtime

metadata = runtime.metadata

__all__ = ["enterprise_models", "metadata"]
