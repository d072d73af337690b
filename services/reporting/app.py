"""Reporting API: `uvicorn services.reporting.app:app`."""

from services.reporting.assessment.api import router as assessment_router
from services.reporting.background.api import router as jobs_router
from services.reporting.campaign.api import router as campaign_router
from services.reporting.filings.api import router as filings_router
from services.reporting.filings.api import units_router as filing_units_router
from services.reporting.reports.api import router as reports_router
from services.reporting.rules.api import router as rules_router
from services.reporting.runtime import runtime
from services.reporting.statistics.api import router as statistics_router
from services.reporting.worker import consumer
from shared.audit_api import audit_router
from shared.events.dead_letters_api import dead_letter_router
from shared.events.feed import event_feed_router
from shared.web import create_app

app = create_app(
    runtime,
    title="GridSafe 报表 Reporting",
    description="Monthly risk reports, statutory statistics, assessments, dashboards and exports.",
    routers=[
        statistics_router,
        reports_router,
        filings_router,
        filing_units_router,
        assessment_router,
        campaign_router,
        rules_router,
        jobs_router,
        dead_letter_router(consumer),
        event_feed_router(runtime),
        audit_router(runtime),
    ],
)
