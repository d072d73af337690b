"""Registry API: `uvicorn services.registry.app:app`."""

from services.registry.background.api import router as jobs_router
from services.registry.certificate.api import router as certificate_router
from services.registry.checklist.api import router as checklist_router
from services.registry.dossier.api import router as dossier_router
from services.registry.enterprise.api import router as enterprise_router
from services.registry.grid.api import router as grid_router
from services.registry.hazard_source.api import router as hazard_source_router
from services.registry.ledger.api import router as ledger_router
from services.registry.map.api import router as map_router
from services.registry.organisation.api import router as organisation_router
from services.registry.people.api import router as people_router
from services.registry.responsibility.api import router as responsibility_router
from services.registry.runtime import runtime
from services.registry.sessions.api import router as sessions_router
from services.registry.worker import consumer
from shared.audit_api import audit_router
from shared.events.dead_letters_api import dead_letter_router
from shared.events.feed import event_feed_router
from shared.labels_api import labels_router
from shared.web import create_app

app = create_app(
    runtime,
    title="GridSafe 网格台账 Registry",
    description="Grids, enterprises and sites, people and responsibilities (网格、企业、人员、责任).",
    routers=[
        people_router,
        sessions_router,
        certificate_router,
        grid_router,
        enterprise_router,
        dossier_router,
        responsibility_router,
        organisation_router,
        hazard_source_router,
        checklist_router,
        map_router,
        ledger_router,
        jobs_router,
        labels_router,
        dead_letter_router(consumer),
        event_feed_router(runtime),
        audit_router(runtime),
    ],
)
