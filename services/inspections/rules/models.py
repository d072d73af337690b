from services.inspections.runtime import Base
from shared.zone_rules import ZoneRuleVersionRow


class ZoneRuleVersion(ZoneRuleVersionRow, Base):
    """The versions of the inspections service's local rules (see `rules.catalogue`)."""
