import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, File, Query, Request, Response, UploadFile, status

from services.inspections.deps import DbSession, permit
from services.inspections.request_keys.service import IdempotencyKey
from services.inspections.settings import get_inspections_settings
from services.inspections.training import service
from services.inspections.training.schemas import (
    ExamIn,
    ExamOut,
    TeamIn,
    TeamOut,
    TrainingEvidenceOut,
    TrainingHours,
    TrainingIn,
    TrainingOut,
)
from shared import audit, uploads
from shared.access import Access
from shared.audit import AuditAction
from shared.pagination import Page, PageQuery
from shared.web import body_limit, file_responses

router = APIRouter(tags=["training 培训考试"])

# Who records training: the enterprise itself, and the committee or grid staff on its behalf.
Recorder = Annotated[Access, permit("training.record")]
UnitReader = Annotated[Access, permit("unit.read")]
PersonReader = Annotated[Access, permit("person.read")]


@router.post("/units/{unit_id}/teams", status_code=status.HTTP_201_CREATED, summary="新增班组 / add a team")
def add_team(unit_id: uuid.UUID, data: TeamIn, session: DbSession, user: Recorder) -> TeamOut:
    return TeamOut.model_validate(service.add_team(session, unit_id, data, user))


@router.get("/units/{unit_id}/teams", summary="班组 / a unit's teams")
def teams(unit_id: uuid.UUID, session: DbSession, user: UnitReader, page: PageQuery) -> Page[TeamOut]:
    return service.teams_of(session, unit_id, user, page).map(TeamOut.model_validate)


@router.post(
    "/trainings", status_code=status.HTTP_201_CREATED, summary="登记培训或宣传 / record a training session"
)
def record_training(data: TrainingIn, session: DbSession, user: Recorder) -> TrainingOut:
    return TrainingOut.model_validate(service.record_training(session, data, user))


@router.post(
    "/trainings/{session_id}/evidence",
    status_code=status.HTTP_201_CREATED,
    summary="上传照片或签到表 / attach a photo or sign-in sheet",
    openapi_extra=body_limit(get_inspections_settings().evidence_max_bytes),
)
def add_evidence(
    session_id: uuid.UUID,
    file: Annotated[UploadFile, File()],
    told: Annotated[uploads.Told, Depends(uploads.told_by_form)],
    session: DbSession,
    user: Recorder,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> TrainingEvidenceOut:
    content = file.file.read(get_inspections_settings().evidence_max_bytes + 1)
    upload = uploads.Upload(file.filename or "file", content, told)
    evidence, created = service.add_evidence(session, session_id, upload, user, idempotency_key)
    if not created:
        response.status_code = status.HTTP_200_OK
    return TrainingEvidenceOut.model_validate(evidence)


@router.get("/trainings/{session_id}/evidence", summary="培训佐证 / a session's photos and sign-in sheets")
def list_evidence(
    session_id: uuid.UUID, session: DbSession, user: UnitReader, page: PageQuery
) -> Page[TrainingEvidenceOut]:
    return service.evidence_of(session, session_id, user, page).map(TrainingEvidenceOut.model_validate)


@router.get(
    "/trainings/{session_id}/evidence/{file_id}",
    response_class=Response,
    responses=file_responses(*uploads.DOWNLOAD_TYPES),
    summary="下载佐证 / download one file",
)
def download_evidence(
    session_id: uuid.UUID, file_id: uuid.UUID, request: Request, session: DbSession, user: UnitReader
) -> Response:
    evidence = service.evidence_file(session, session_id, file_id, user)
    audit.record(session, user, AuditAction.download, f"training-evidence:{file_id}", request)
    return uploads.download(evidence)


@router.post(
    "/exams", status_code=status.HTTP_201_CREATED, summary="登记考试 / record an exam and its scores"
)
def record_exam(data: ExamIn, session: DbSession, user: Recorder) -> ExamOut:
    return service.record_exam(session, data, user)


@router.get("/exams/{exam_id}", summary="考试详情及补考名单 / an exam, its scores and who must retake")
def get_exam(exam_id: uuid.UUID, session: DbSession, user: UnitReader) -> ExamOut:
    return service.get_exam(session, exam_id, user)


@router.get(
    "/people/{person_id}/training-hours", summary="年度培训学时 / a person's training hours in a year"
)
def training_hours(
    person_id: uuid.UUID,
    session: DbSession,
    user: PersonReader,
    year: Annotated[int, Query(ge=2000, le=2100)],
    first_year: Annotated[
        bool, Query(description="the person's first year in the post: 32 h, else 12 h")
    ] = False,
) -> TrainingHours:
    return service.training_hours(session, person_id, year, first_year, user)
