import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel

from services.reporting.campaign import service
from services.reporting.campaign.schemas import PhaseOut, TaskOut
from services.reporting.deps import DbSession, permit
from shared.access import Access
from shared.clock import local_today
from shared.pagination import Page, PageQuery

router = APIRouter(prefix="/campaign", tags=["campaign 实施步骤"])
StatisticsReader = Annotated[Access, permit("statistics.read")]
CampaignAdmin = Annotated[Access, permit("campaign.manage")]


class TaskDone(BaseModel):
    done_on: date | None  # null: not done after all


class PhaseDates(BaseModel):
    starts_on: date
    ends_on: date


@router.get("", summary="实施步骤与进度 / the roll-out phases, their tasks and progress")
def list_phases(session: DbSession, _: StatisticsReader, page: PageQuery) -> Page[PhaseOut]:
    return service.phases(session, page)


@router.put("/tasks/{task_id}/done", summary="登记任务完成 / record a task done (or not)")
def set_task_done(task_id: uuid.UUID, data: TaskDone, session: DbSession, _: CampaignAdmin) -> TaskOut:
    return TaskOut.model_validate(service.set_task_done(session, task_id, data.done_on))


@router.put("/phases/{phase_id}/dates", summary="调整阶段日期 / change a phase's dates")
def set_phase_dates(phase_id: uuid.UUID, data: PhaseDates, session: DbSession, _: CampaignAdmin) -> PhaseOut:
    phase = service.set_phase_dates(session, phase_id, data.starts_on, data.ends_on)
    return service.phase_out(session, phase, local_today())
