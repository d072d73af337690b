from services.inspections.deps import DbSession, permit
from services.inspections.rules.catalogue import RULES
from services.inspections.rules.models import ZoneRuleVersion
from shared.zone_rules import zone_rules_router

router = zone_rules_router(RULES, ZoneRuleVersion, DbSession, permit)
