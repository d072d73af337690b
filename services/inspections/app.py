"""Inspections API: `uvicorn services.inspections.app:app`."""

from services.inspections.cadence.api import router as cadence_router
from services.inspections.hazard.api import router as hazard_router
from services.inspections.inspection.api import router as inspection_router
from services.inspections.notices.api import router as notices_router
from services.inspections.risk.api import router as risk_router
from services.inspections.rules.api import router as zone_rules_router
from services.inspections.runtime import runtime
from services.inspections.training.api import router as training_router
from services.inspections.unit_page.api import router as unit_page_router
from services.inspections.units.api import router as units_router
from services.inspections.worker import consumer
from services.inspections.zone_calendar.api import router as calendar_router
from shared.audit_api import audit_router
from shared.events.dead_letters_api import dead_letter_router
from shared.events.feed import event_feed_router
from shared.web import create_app

app = create_app(
    runtime,
    title="GridSafe 检查与隐患 Inspections",
    description="Inspections, the hazard ledger (事故隐患台帐) and its rectification lifecycle.",
    # matched in this order: the ledger's (POST /hazards the busiest) first
    routers=[
        hazard_router,
        cadence_router,
        inspection_router,
        notices_router,
        risk_router,
        training_router,
        units_router,
        unit_page_router,
        calendar_router,
        zone_rules_router,
        dead_letter_router(consumer),
        event_feed_router(runtime),
        audit_router(runtime),
    ],
)
