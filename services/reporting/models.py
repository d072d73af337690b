"""Every table of reporting, imported so Alembic sees the whole schema."""

from services.reporting.runtime import runtime
from services.reporting.units import models as units_models

metadata = runtime.metadata

__all__ = ["units_models", "metadata"]
