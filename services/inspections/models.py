"""Every table of inspections, imported so Alembic sees the whole schema."""

from services.inspections.runtime import runtime
from services.inspections.units import models as units_models

metadata = runtime.metadata

__all__ = ["units_models", "metadata"]
