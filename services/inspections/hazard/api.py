import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Depends, File, Form, Query, Request, Response, UploadFile, status
from starlette.concurrency import run_in_threadpool

from services.inspections.deps import DbSession, permit
from services.inspections.hazard import penalties, service
from services.inspections.hazard.action_route import ActionFromPathRoute
from services.inspections.hazard.models import EvidenceTag
from services.inspections.hazard.schemas import (
    EvidenceOut,
    HazardOrder,
    HazardOut,
    HazardReport,
    HazardStep,
    TransitionOut,
)
from services.inspections.hazard.state_machine import (
    TRANSITIONS,
    HazardActionName,
    label,
)
from services.inspections.request_keys.service import IdempotencyKey
from services.inspections.runtime import runtime
from services.inspections.settings import get_inspections_settings
from shared import audit, uploads
from shared.access import Access
from shared.audit import AuditAction
from shared.clock import local_today
from shared.errors import InvalidInput
from shared.events.contracts.inspections import HazardGrade, HazardSource, HazardState
from shared.inputs import Day, Instant
from shared.pagination import Page, PageQuery
from shared.web import answer, body_limit, file_responses

router = APIRouter(prefix="/hazards", tags=["hazards 事故隐患台帐"])
Reader = Annotated[Access, permit("hazard.read")]
# Taking a step: which step and by whom is the state machine's (the hazard rules of the policy).
Actor = Annotated[Access, permit("hazard.step")]


def _out(hazard) -> HazardOut:
    return HazardOut.of(hazard)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=HazardOut,
    summary="登记隐患 / report a hazard",
)
async def report_hazard(
    data: HazardReport,
    user: Annotated[Access, permit("hazard.report", own_transaction=True)],
    idempotency_key: IdempotencyKey = None,
) -> Response:
    # the busiest write: its transaction and its answer made in one call in the thread pool, once
    # a database slot is free
    async with runtime.database_slots():
        return await run_in_threadpool(_report_hazard, data, user, idempotency_key)


def _report_hazard(data: HazardReport, user: Access, idempotency_key: str | None) -> Response:
    with runtime.transaction() as session:
        hazard, created = service.report_hazard(session, data, user.within(session), idempotency_key)
    return answer(hazard, status.HTTP_201_CREATED if created else status.HTTP_200_OK)


@router.get("", summary="隐患台帐 / the ledger, newest first")
def list_hazards(
    session: DbSession,
    user: Reader,
    page: PageQuery,
    unit_id: uuid.UUID | None = None,
    grid_id: uuid.UUID | None = None,
    grade: HazardGrade | None = None,
    state: HazardState | None = None,
    source: HazardSource | None = None,
    category: Annotated[str | None, Query(max_length=60)] = None,
    reported_from: Instant | None = None,
    reported_to: Instant | None = None,
    overdue: bool | None = None,
    due_by: Annotated[
        Day | None, Query(description="限期将至 / under a deadline ending on or before this day (zone date)")
    ] = None,
    sort: HazardOrder = HazardOrder.newest,
) -> Page[HazardOut]:
    found = service.list_hazards(
        session,
        user,
        page,
        unit_id=unit_id,
        grid_id=grid_id,
        grade=grade,
        state=state,
        source=source,
        category=category,
        reported_from=reported_from,
        reported_to=reported_to,
        overdue=overdue,
        due_by=due_by,
        order=sort,
    )
    return found.map(_out)


@router.get("/actions", summary="状态机 / the lifecycle's actions")
def actions(_: Annotated[Access, permit("catalogue.read")]) -> dict[str, dict[str, object]]:
    return {
        name: {
            "label": label(name),
            "from": sorted(t.sources),
            "to": t.target,
            "roles": sorted(t.roles),
            "roles_from": {state: sorted(roles) for state, roles in t.roles_from.items()},
            "major_roles": sorted(t.major_roles) if t.major_roles is not None else None,
        }
        for name, t in TRANSITIONS.items()
    }


@router.get("/{hazard_id}", summary="隐患详情 / one hazard")
def get_hazard(hazard_id: uuid.UUID, session: DbSession, user: Reader) -> HazardOut:
    return _out(service.get_hazard(session, hazard_id, user))


@router.get("/{hazard_id}/history", summary="处理过程 / every step, append-only")
def history(hazard_id: uuid.UUID, session: DbSession, user: Reader, page: PageQuery) -> Page[TransitionOut]:
    return service.history(session, hazard_id, user, page).map(TransitionOut.model_validate)


steps = APIRouter(route_class=ActionFromPathRoute)


@steps.post("/{hazard_id}/actions/{action}", summary="推进处理 / take one step of the lifecycle")
def apply_action(
    hazard_id: uuid.UUID,
    action: HazardActionName,
    step: Annotated[
        HazardStep,
        Body(description="the fields of this action's step; `action` may be left out (taken from the path)"),
    ],
    session: DbSession,
    user: Actor,
    idempotency_key: IdempotencyKey = None,
) -> HazardOut:
    if step.action != action:
        raise InvalidInput(
            f"路径与请求体的操作不一致 / the body is for {step.action}, the path for {action}", field="action"
        )
    return _out(service.apply_action(session, hazard_id, step, user, idempotency_key))


router.include_router(steps)


@router.post(
    "/{hazard_id}/evidence",
    status_code=status.HTTP_201_CREATED,
    summary="上传佐证 / attach a photo or PDF",
    openapi_extra=body_limit(get_inspections_settings().evidence_max_bytes),
)
def add_evidence(
    hazard_id: uuid.UUID,
    file: Annotated[UploadFile, File()],
    told: Annotated[uploads.Told, Depends(uploads.told_by_form)],
    session: DbSession,
    user: Actor,
    response: Response,
    tag: Annotated[
        EvidenceTag, Form(description="整改前 before / 整改后 after / 其他 other")
    ] = EvidenceTag.other,
    idempotency_key: IdempotencyKey = None,
) -> EvidenceOut:
    content = file.file.read(get_inspections_settings().evidence_max_bytes + 1)
    upload = uploads.Upload(file.filename or "file", content, told)
    evidence, created = service.add_evidence(session, hazard_id, upload, tag, user, idempotency_key)
    if not created:
        response.status_code = status.HTTP_200_OK
    return EvidenceOut.model_validate(evidence)


@router.get("/{hazard_id}/evidence", summary="隐患佐证 / a hazard's photos and PDFs, oldest first")
def list_evidence(
    hazard_id: uuid.UUID, session: DbSession, user: Reader, page: PageQuery
) -> Page[EvidenceOut]:
    return service.evidence_of(session, hazard_id, user, page).map(EvidenceOut.model_validate)


@router.get(
    "/{hazard_id}/evidence/{file_id}",
    response_class=Response,
    responses=file_responses(*uploads.DOWNLOAD_TYPES),
    summary="下载佐证 / download one file",
)
def download_evidence(
    hazard_id: uuid.UUID, file_id: uuid.UUID, request: Request, session: DbSession, user: Reader
) -> Response:
    evidence = service.evidence_file(session, hazard_id, file_id, user)
    audit.record(session, user, AuditAction.download, f"hazard-evidence:{file_id}", request)
    return uploads.download(evidence)


Enforcer = Annotated[Access, permit("penalty.record")]


@router.post(
    "/{hazard_id}/penalties", status_code=status.HTTP_201_CREATED, summary="登记处罚 / record a penalty"
)
def record_penalty(
    hazard_id: uuid.UUID, data: penalties.PenaltyIn, session: DbSession, user: Enforcer
) -> penalties.PenaltySummary:
    penalty = penalties.record_penalty(session, hazard_id, data, user)
    return penalties.summary(session, penalty.unit_id, local_today())
