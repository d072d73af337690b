"""Every table of inspections, imported so Alembic sees the whole schema."""

from services.inspections.cadence import models as cadence_models
from services.inspections.hazard import models as hazard_models
from services.inspections.inspection import models as inspection_models
from services.inspections.notices import models as notice_models
from services.inspections.request_keys import models as request_key_models
from services.inspections.risk import models as risk_models
from services.inspections.rules import models as rules_models
from services.inspections.runtime import runtime
from services.inspections.training import models as training_models
from services.inspections.units import models as units_models
from services.inspections.zone_calendar import models as calendar_models

metadata = runtime.metadata

__all__ = [
    "cadence_models",
    "calendar_models",
    "hazard_models",
    "inspection_models",
    "metadata",
    "request_key_models",
    "notice_models",
    "risk_models",
    "rules_models",
    "training_models",
    "units_models",
]
