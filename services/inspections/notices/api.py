import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from services.inspections.deps import DbSession, permit
from services.inspections.hazard.service import get_hazard
from services.inspections.notices import service
from services.inspections.notices.models import HazardNotice, NoticeKind
from services.inspections.notices.schemas import NoticeOut
from shared import audit
from shared.access import Access
from shared.audit import AuditAction
from shared.pagination import Page, PageQuery
from shared.spreadsheets import download
from shared.web import file_responses

router = APIRouter(prefix="/hazards", tags=["notices 隐患文书"])
HazardReader = Annotated[Access, permit("hazard.read")]


def notice_out(notice: HazardNotice) -> NoticeOut:
    return NoticeOut.model_validate(notice).model_copy(update={"title": notice.context["title"]})


@router.get("/{hazard_id}/notices", summary="隐患文书 / the notices issued for a hazard, oldest first")
def list_notices(
    hazard_id: uuid.UUID, session: DbSession, user: HazardReader, page: PageQuery
) -> Page[NoticeOut]:
    get_hazard(session, hazard_id, user)
    return service.notices_of(session, hazard_id, page).map(notice_out)


@router.post(
    "/{hazard_id}/notices",
    summary="出具文书 / the notice of a kind for the hazard's latest step that issues it "
    "(issued at that step; 201 when issued now for a step taken before notices existed; "
    "409 naming the state when the hazard's state issues none)",
    responses={200: {"description": "已出具 / issued before"}, 201: {"description": "出具 / issued now"}},
)
def request_notice(
    hazard_id: uuid.UUID,
    kind: Annotated[NoticeKind, Query(description="which notice")],
    response: Response,
    session: DbSession,
    user: Annotated[Access, permit("hazard.step")],
) -> NoticeOut:
    hazard = get_hazard(session, hazard_id, user, for_update=True)
    notice, issued_now = service.issue_on_request(session, hazard, kind)
    response.status_code = status.HTTP_201_CREATED if issued_now else status.HTTP_200_OK
    return notice_out(notice)


@router.get(
    "/{hazard_id}/notices/{notice_id}.pdf",
    summary="文书 PDF / a notice as issued",
    response_class=Response,
    responses=file_responses("application/pdf"),
)
def notice_pdf(
    hazard_id: uuid.UUID, notice_id: uuid.UUID, request: Request, session: DbSession, user: HazardReader
) -> Response:
    get_hazard(session, hazard_id, user)
    notice, pdf = service.notice_pdf(session, hazard_id, notice_id)
    audit.record(session, user, AuditAction.download, f"notice:{notice.number}", request)
    return download(pdf, "application/pdf", f"{notice.context['title']}{notice.number}.pdf")
