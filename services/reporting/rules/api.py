from services.reporting.deps import DbSession, permit
from services.reporting.rules.models import ZoneRuleVersion
from services.reporting.rules.service import RULES
from shared.zone_rules import zone_rules_router

router = zone_rules_router(RULES, ZoneRuleVersion, DbSession, permit)
