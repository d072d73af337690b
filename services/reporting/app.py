"""Reporting API: `uvicorn services.reporting.app:app`."""

from services.reporting.runtime import runtime
from services.reporting.units.api import router as units_router
from services.reporting.worker import consumer
from shared.events.dead_letters_api import dead_letter_router
from shared.web import create_app

app = create_app(
    runtime,
    title="GridSafe 报表 Reporting",
    description="Monthly risk reports, statistics, grid-member assessment and exports.",
    routers=[units_router, dead_letter_router(consumer)],
)
