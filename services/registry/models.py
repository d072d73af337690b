"""Every table of the registry, imported so Alembic sees the whole schema."""

from services.registry.background import models as background_models
from services.registry.certificate import models as certificate_models
from services.registry.checklist import models as checklist_models
from services.registry.effective import models as effective_models
from services.registry.enterprise import models as enterprise_models
from services.registry.grid import models as grid_models
from services.registry.hazard_source import models as hazard_source_models
from services.registry.organisation import models as organisation_models
from services.registry.people import models as people_models
from services.registry.responsibility import models as responsibility_models
from services.registry.runtime import runtime
from services.registry.sessions import models as sessions_models

metadata = runtime.metadata

__all__ = [
    "background_models",
    "certificate_models",
    "checklist_models",
    "effective_models",
    "enterprise_models",
    "grid_models",
    "hazard_source_models",
    "metadata",
    "organisation_models",
    "people_models",
    "responsibility_models",
    "sessions_models",
]
