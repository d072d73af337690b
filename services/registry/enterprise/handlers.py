"""Events the registry consumes: risk assessments colour the units on the map (四色图)."""

import uuid

from sqlalchemy.orm import Session

from services.registry.enterprise.service import set_risk_colour
from shared.access import access_for
from shared.auth import Principal, Role
from shared.events.contracts.inspections import RiskAssessedV1
from shared.events.envelope import CloudEvent
from shared.events.handlers import handles

RISK_ASSESSMENT = access_for(
    Principal(user_id=uuid.UUID(int=0), name="风险评估 risk assessment", roles=frozenset({Role.zone_admin})),
    "unit.register",
)


@handles(RiskAssessedV1)
def on_risk_assessed(session: Session, data: RiskAssessedV1, event: CloudEvent) -> None:
    reason = f"风险评估 {data.method} {data.target}: {data.colour} ({data.table_version})"
    set_risk_colour(session, data.unit_id, data.unit_colour, reason, RISK_ASSESSMENT)
