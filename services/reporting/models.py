"""Every table of reporting, imported so Alembic sees the whole schema."""

from services.reporting.background import models as background_models
from services.reporting.campaign import models as campaign_models
from services.reporting.facts import models as fact_models
from services.reporting.filings import models as filing_models
from services.reporting.journal import models as journal_models
from services.reporting.rules import models as rule_models
from services.reporting.runtime import runtime
from services.reporting.units import models as units_models

metadata = runtime.metadata

__all__ = [
    "background_models",
    "campaign_models",
    "fact_models",
    "filing_models",
    "journal_models",
    "metadata",
    "rule_models",
    "units_models",
]
