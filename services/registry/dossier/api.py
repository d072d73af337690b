import uuid
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Request, Response

from services.registry.deps import DbSession, permit
from services.registry.dossier import service
from services.registry.dossier.schemas import Dossier
from shared import audit
from shared.access import Access
from shared.audit import AuditAction
from shared.documents import render_pdf
from shared.web import file_responses

router = APIRouter(prefix="/enterprises", tags=["dossier 一企一档"])
UnitReader = Annotated[Access, permit("unit.read")]
TEMPLATES = Path(__file__).parent.parent / "templates"


@router.get(
    "/{enterprise_id}/dossier",
    summary="一企一档 / a unit's dossier: registry data, organisation, people, rules, hazard sources, "
    "and the inspections' and reporting's sections (each marked unavailable when its service is down)",
)
def get_dossier(enterprise_id: uuid.UUID, request: Request, session: DbSession, user: UnitReader) -> Dossier:
    return service.dossier(session, enterprise_id, user, request.headers["authorization"])


@router.get(
    "/{enterprise_id}/dossier.pdf",
    summary="一企一档 PDF / the same dossier typeset on A4",
    response_class=Response,
    responses=file_responses("application/pdf"),
)
def dossier_pdf(enterprise_id: uuid.UUID, request: Request, session: DbSession, user: UnitReader) -> Response:
    found = service.dossier(session, enterprise_id, user, request.headers["authorization"])
    audit.record(session, user, AuditAction.export, f"dossier:{enterprise_id}", request)
    pdf = render_pdf(TEMPLATES, "dossier.html.j2", {"d": found})
    filename = f"dossier-{found.enterprise.credit_code}.pdf"
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
