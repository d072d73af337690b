from services.reporting.runtime import Base
from shared.zone_rules import ZoneRuleVersionRow


class ZoneRuleVersion(ZoneRuleVersionRow, Base):
    """Reporting's local rules, each value from a day on (see `shared.zone_rules`)."""
