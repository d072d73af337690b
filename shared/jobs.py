"""Background jobs (后台任务): large imports and exports run in the service's worker, not in a request.

A request that would take long (a ledger import, a ledger export) stores a job row and answers 202
with it; the worker's `<service>.run_job` task runs it as the person who asked (their token's
roles, the policy's rule checked again when it runs) in one transaction with the job's own
outcome, so an import is written whole together with "succeeded", or not at all. Clients follow
`GET /jobs/{id}` (status, progress, each refused cell) and fetch a file at `GET /jobs/{id}/result`.

The task is acknowledged when it starts (no `acks_late`: a job may run longer than the broker's
visibility timeout), so a job whose worker died is recovered from the database: while it runs a
thread beats its `heartbeat_at` (and progress) every JOB_HEARTBEAT_SECONDS; the periodic
`<service>.tend_jobs` queues again a running job silent for JOB_STALE_SECONDS (failing it after
JOB_MAX_ATTEMPTS), sends again a queued job nobody took, and deletes jobs finished more than
JOB_RETENTION_DAYS ago with their files.

Each service with jobs has a `Job(JobRecord, Base)` table, one `BackgroundJobs` with its kinds,
`jobs.router()` in its app, and the two thin Celery wrappers in `<domain>/tasks.py` and `jobs.py`.
"""

import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cached_property
from typing import Annotated, Any, Protocol

import structlog
from celery import Celery
from fastapi import APIRouter, Response
from pydantic import BaseModel
from sqlalchemy import (
    DateTime,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    delete,
    event,
    func,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, declared_attr, mapped_column, undefer

from shared.access import Access, Gate, Scope, Tenancy, access_for
from shared.auth import Principal
from shared.celery_app import make_celery
from shared.clock import utc_now
from shared.db import rows_affected, service_metadata
from shared.errors import ERRORS_SHOWN, Conflict, DomainError, FieldProblem, NotFound, field_problem
from shared.pagination import Keyset, Page, PageQuery
from shared.runtime import ServiceRuntime
from shared.spreadsheets import download

log = structlog.get_logger(__name__)

RUN_TASK = "run_job"  # `<service>.run_job`, each service's `@task` wrapper of `BackgroundJobs.run`
TEND_TASK = "tend_jobs"
ERRORS_KEPT = 1000  # problems a failed job keeps (each refused cell, up to this many), and their count


class JobStatus(StrEnum):
    queued = "queued"  # 排队中
    running = "running"  # 处理中
    succeeded = "succeeded"  # 已完成
    failed = "failed"  # 失败


class JobRecord:
    """The columns of a service's `job` table (a mixin)."""

    __tablename__ = "job"

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (
            Index("ix_job_requested_by_created_at", "requested_by", "created_at"),
            Index("ix_job_unfinished", "status", postgresql_where="status IN ('queued', 'running')"),
        )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(String(60))
    status: Mapped[JobStatus] = mapped_column(String(12), default=JobStatus.queued)
    requested_by: Mapped[uuid.UUID]
    requested_by_name: Mapped[str] = mapped_column(String(100))
    # who asked, as their token said: the job acts as them, under the policy as it is when it runs
    principal: Mapped[dict[str, Any]] = mapped_column(JSONB)
    params: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    input_name: Mapped[str | None] = mapped_column(String(200))
    input: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)  # the upload, until it ran
    progress: Mapped[int] = mapped_column(Integer, default=0)  # percent
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    error: Mapped[str | None] = mapped_column(Text)
    error_details: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONB)
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    result: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    result_name: Mapped[str | None] = mapped_column(String(200))
    result_type: Mapped[str | None] = mapped_column(String(100))


def job_table(schema: str) -> Table:
    """The job table of a service's schema, as its migration creates it."""

    class Base(DeclarativeBase):
        metadata = service_metadata(schema)

    class Job(JobRecord, Base):
        pass

    return Job.__table__  # type: ignore[return-value]


@dataclass(frozen=True)
class Outcome:
    """What a job made: figures for the job's summary and, for an export, a file."""

    summary: dict[str, Any] = field(default_factory=dict)
    file: bytes | None = None
    filename: str | None = None
    media_type: str | None = None


Progress = Callable[[int], None]  # the percent done


class Runner(Protocol):
    def __call__(self, session: Session, user: Access, job: JobRecord, progress: Progress) -> Outcome: ...


@dataclass(frozen=True)
class JobKind:
    name: str  # e.g. "ledger.import_enterprises"
    action: str  # the POLICY action the requester needs, checked again when it runs
    run: Runner


class JobOut(BaseModel):
    id: uuid.UUID
    kind: str
    status: JobStatus
    progress: int
    requested_by: uuid.UUID
    requested_by_name: str
    input_name: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    expires_at: datetime | None
    summary: dict[str, Any] | None
    error: str | None
    errors: list[FieldProblem]
    errors_total: int
    result_url: str | None


class _Heartbeat(threading.Thread):
    """Beats a running job's heartbeat (and progress) on a connection of its own."""

    def __init__(self, jobs: "BackgroundJobs", job_id: uuid.UUID) -> None:
        super().__init__(name=f"job-heartbeat-{job_id}", daemon=True)
        self.jobs = jobs
        self.job_id = job_id
        self.percent = 0
        self.stopped = threading.Event()

    def report(self, percent: int) -> None:
        self.percent = max(0, min(99, percent))

    def run(self) -> None:
        model = self.jobs.model
        while not self.stopped.wait(self.jobs.runtime.settings.job_heartbeat_seconds):
            try:
                with self.jobs.runtime.engine.begin() as connection:
                    connection.execute(
                        update(model)
                        .where(model.id == self.job_id, model.status == JobStatus.running)
                        .values(heartbeat_at=func.now(), progress=self.percent)
                    )
            except Exception as exc:  # the database away for a moment: the next beat tries again
                log.warning("job.heartbeat_failed", job_id=str(self.job_id), error=repr(exc))

    def stop(self) -> None:
        self.stopped.set()


class BackgroundJobs:
    """One service's jobs: submitting, running, recovering, and the /jobs routes."""

    def __init__(
        self,
        runtime: ServiceRuntime,
        model: type[JobRecord],
        kinds: Sequence[JobKind],
        tenancy: Tenancy | None = None,
    ) -> None:
        self.runtime = runtime
        self.model = model
        self.kinds = {kind.name: kind for kind in kinds}
        self.tenancy = tenancy

    @cached_property
    def _celery(self) -> Celery:
        """A Celery app to send the service's tasks with (the API process has no worker)."""
        return make_celery(self.runtime.name, self.runtime.settings)

    @property
    def task_name(self) -> str:
        return f"{self.runtime.name}.{RUN_TASK}"

    # submitting -------------------------------------------------------------------------------

    def submit(
        self,
        session: Session,
        user: Access,
        kind: str,
        params: dict[str, Any] | None = None,
        content: bytes | None = None,
        filename: str | None = None,
    ) -> JobRecord:
        """A queued job of this kind for the caller, sent to the worker once the session commits."""
        chosen = self.kinds[kind]
        user.require(chosen.action)
        values = {
            "kind": kind,
            "status": JobStatus.queued,
            "requested_by": user.user_id,
            "requested_by_name": user.name[:100],
            "principal": user.principal.model_dump(mode="json"),
            "params": params or {},
            "input": content,
            "input_name": filename[:200] if filename else None,
            "progress": 0,
            "attempts": 0,
            "error_count": 0,
        }
        job = self.model(**values)
        session.add(job)
        session.flush()
        self._send_after_commit(session, [job.id])
        log.info("job.submitted", job_id=str(job.id), kind=kind)
        return job

    def _send_after_commit(self, session: Session, job_ids: Sequence[uuid.UUID]) -> None:
        if not job_ids:
            return
        queued: list[uuid.UUID] = session.info.setdefault("jobs_to_send", [])
        if not queued:
            event.listen(session, "after_commit", self._send_queued, once=True)
            event.listen(session, "after_rollback", lambda s: s.info.pop("jobs_to_send", None), once=True)
        queued.extend(job_ids)

    def _send_queued(self, session: Session) -> None:
        queued = session.info.pop("jobs_to_send", [])
        try:
            for job_id in queued:
                self._celery.send_task(self.task_name, args=[str(job_id)], queue=self.runtime.name)
        except Exception as exc:  # the broker is down: tend_jobs sends them later
            log.warning("job.queue_failed", jobs=len(queued), error=repr(exc))

    # running ----------------------------------------------------------------------------------

    def run(self, job_id: str | uuid.UUID) -> JobStatus | None:
        """Run a queued job (the worker's task); a job already taken or finished is left alone."""
        job_id = uuid.UUID(str(job_id))
        model = self.model
        with self.runtime.transaction() as session:
            claimed = session.execute(
                update(model)
                .where(model.id == job_id, model.status == JobStatus.queued)
                .values(
                    status=JobStatus.running,
                    started_at=func.now(),
                    heartbeat_at=func.now(),
                    attempts=model.attempts + 1,
                    progress=0,
                )
                .returning(model.kind)
            ).scalar()
        if claimed is None:
            log.info("job.not_queued", job_id=str(job_id))
            return None
        log.info("job.started", job_id=str(job_id), kind=claimed)
        heartbeat = _Heartbeat(self, job_id)
        heartbeat.start()
        try:
            with self.runtime.transaction() as session:
                job = session.scalars(
                    select(model).where(model.id == job_id).options(undefer(model.input))
                ).one()
                kind = self.kinds[job.kind]
                principal = Principal.model_validate(job.principal)
                user = access_for(principal, kind.action, session, self.tenancy)
                outcome = kind.run(session, user, job, heartbeat.report)
                job.status = JobStatus.succeeded
                job.progress = 100
                job.finished_at = utc_now()
                job.summary = outcome.summary
                job.result, job.result_name, job.result_type = (
                    outcome.file,
                    outcome.filename,
                    outcome.media_type,
                )
                job.input = None  # done with: the upload is not kept
            log.info("job.succeeded", job_id=str(job_id), kind=claimed, **outcome.summary)
            return JobStatus.succeeded
        except DomainError as exc:  # refused input: every problem kept for the requester
            problems = exc.details or ([{"loc": exc.field, "message": exc.message}] if exc.field else [])
            self._fail(job_id, exc.message, problems)
            log.info("job.refused", job_id=str(job_id), kind=claimed, problems=len(problems))
        except Exception as exc:
            log.exception("job.failed", job_id=str(job_id), kind=claimed, error=repr(exc))
            self._fail(
                job_id, "服务器内部错误,请联系管理员 / internal error; quote the job id when reporting it"
            )
        finally:
            heartbeat.stop()
        return JobStatus.failed

    def _fail(self, job_id: uuid.UUID, message: str, problems: Sequence[dict[str, Any]] = ()) -> None:
        model = self.model
        with self.runtime.transaction() as session:
            session.execute(
                update(model)
                .where(model.id == job_id)
                .values(
                    status=JobStatus.failed,
                    finished_at=func.now(),
                    error=message,
                    error_details=[field_problem(p) for p in problems[:ERRORS_KEPT]],
                    error_count=len(problems),
                    input=None,
                )
            )

    # recovering -------------------------------------------------------------------------------

    def tend(self) -> dict[str, int]:
        """Queue again what a dead worker held, send again what nobody took, delete expired jobs."""
        settings = self.runtime.settings
        model = self.model
        now = utc_now()
        silent_since = now - timedelta(seconds=settings.job_stale_seconds)
        with self.runtime.transaction() as session:
            stale = session.execute(
                select(model.id, model.attempts, model.kind)
                .where(model.status == JobStatus.running, model.heartbeat_at < silent_since)
                .with_for_update(skip_locked=True)
            ).all()
            requeued, failed = [], []
            for job_id, attempts, kind in stale:
                if attempts >= settings.job_max_attempts:
                    failed.append(job_id)
                    log.warning("job.abandoned", job_id=str(job_id), kind=kind, attempts=attempts)
                else:
                    requeued.append(job_id)
                    log.warning("job.requeued", job_id=str(job_id), kind=kind, attempts=attempts)
            if requeued:
                session.execute(update(model).where(model.id.in_(requeued)).values(status=JobStatus.queued))
            if failed:
                session.execute(
                    update(model)
                    .where(model.id.in_(failed))
                    .values(
                        status=JobStatus.failed,
                        finished_at=func.now(),
                        error=f"处理中断{settings.job_max_attempts}次,已停止 / the worker running it stopped "
                        f"{settings.job_max_attempts} times; submit it again",
                        input=None,
                    )
                )
            waiting = session.scalars(
                select(model.id).where(model.status == JobStatus.queued, model.created_at < silent_since)
            ).all()
            for job_id in waiting:
                log.warning("job.sent_again", job_id=str(job_id))
            purged = rows_affected(
                session,
                delete(model).where(model.finished_at < now - timedelta(days=settings.job_retention_days)),
            )
            self._send_after_commit(session, [*requeued, *waiting])
        return {
            "requeued": len(requeued),
            "failed": len(failed),
            "sent_again": len(waiting),
            "purged": purged,
        }

    # reading ----------------------------------------------------------------------------------

    def job_of(self, session: Session, user: Access, job_id: uuid.UUID) -> JobRecord:
        """A job the caller asked for (zone admins: any); someone else's is as good as absent."""
        job = session.get(self.model, job_id)
        if job is None or (user.scope != Scope.zone and job.requested_by != user.user_id):
            raise NotFound(f"任务不存在 / job {job_id} not found")
        return job

    def out(self, job: JobRecord) -> JobOut:
        retention = timedelta(days=self.runtime.settings.job_retention_days)
        return JobOut(
            id=job.id,
            kind=job.kind,
            status=job.status,
            progress=job.progress,
            requested_by=job.requested_by,
            requested_by_name=job.requested_by_name,
            input_name=job.input_name,
            created_at=job.created_at,
            started_at=job.started_at,
            finished_at=job.finished_at,
            expires_at=job.finished_at + retention if job.finished_at else None,
            summary=job.summary,
            error=job.error,
            errors=[FieldProblem.model_validate(p) for p in (job.error_details or [])[:ERRORS_SHOWN]],
            errors_total=job.error_count,
            result_url=f"/jobs/{job.id}/result" if job.result_name else None,
        )

    def accepted(self, job: JobRecord) -> Response:
        """The 202 answer to a submission: the job, and where to follow it."""
        return Response(
            self.out(job).model_dump_json(),
            status_code=202,
            media_type="application/json",
            headers={"Location": f"/jobs/{job.id}"},
        )

    def router(self, result_types: Sequence[str]) -> APIRouter:
        """GET /jobs (the caller's own, newest first), /jobs/{id} and /jobs/{id}/result."""
        router = APIRouter(prefix="/jobs", tags=["jobs 后台任务"])
        reader = Annotated[Access, Gate().permit("job.read")]
        model = self.model
        newest_first = Keyset(f"{self.runtime.name}.job", model.created_at, model.id, descending=True)
        binary = {"schema": {"type": "string", "format": "binary"}}

        @router.get("", summary="我的后台任务 / my background jobs, newest first")
        def list_jobs(user: reader, page: PageQuery, status: JobStatus | None = None) -> Page[JobOut]:
            query = select(model).where(model.requested_by == user.user_id)
            if status is not None:
                query = query.where(model.status == status)
            with self.runtime.transaction() as session:
                return newest_first.fetch(session, query, page).map(self.out)

        @router.get("/{job_id}", summary="任务状态 / a job's status, progress and problems")
        def get_job(job_id: uuid.UUID, user: reader) -> JobOut:
            with self.runtime.transaction() as session:
                return self.out(self.job_of(session, user, job_id))

        @router.get(
            "/{job_id}/result",
            response_class=Response,
            responses={
                200: {"description": "文件 / the file", "content": dict.fromkeys(result_types, binary)},
                409: {"description": "任务尚未完成 / the job has not succeeded (yet)"},
            },
            summary="下载结果 / download what a finished job made",
        )
        def job_result(job_id: uuid.UUID, user: reader) -> Response:
            with self.runtime.transaction() as session:
                job = self.job_of(session, user, job_id)
                if job.status != JobStatus.succeeded:
                    raise Conflict(f"任务尚未完成 / the job is {job.status}, not finished")
                if job.result is None or job.result_name is None:
                    raise NotFound("该任务没有文件 / this job made no file")
                return download(job.result, job.result_type or "application/octet-stream", job.result_name)

        return router
