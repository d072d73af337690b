"""The roll-out campaign's phases and tasks (网格化监管实施步骤), and progress per phase."""

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.reporting.campaign.models import CampaignPhase, CampaignTask
from services.reporting.campaign.schemas import PhaseOut, TaskOut
from shared.clock import local_today
from shared.errors import InvalidInput, NotFound
from shared.pagination import Keyset, Page, PageRequest

IN_PLAN_ORDER = Keyset("campaign-phases", CampaignPhase.position, CampaignPhase.id)


def phases(session: Session, page: PageRequest) -> Page[PhaseOut]:
    """The phases in the plan's order, each with its tasks and progress today."""
    today = local_today()
    return IN_PLAN_ORDER.fetch(session, select(CampaignPhase), page).map(
        lambda p: phase_out(session, p, today)
    )


def phase_out(session: Session, phase: CampaignPhase, today: date) -> PhaseOut:
    tasks = list(
        session.scalars(
            select(CampaignTask).where(CampaignTask.phase_id == phase.id).order_by(CampaignTask.position)
        )
    )
    done = sum(task.done_on is not None for task in tasks)
    if tasks and done == len(tasks):
        status = "done"
    elif today > phase.ends_on:
        status = "behind"
    elif today < phase.starts_on:
        status = "upcoming"
    else:
        status = "in_progress"
    return PhaseOut(
        id=phase.id,
        name=phase.name,
        starts_on=phase.starts_on,
        ends_on=phase.ends_on,
        status=status,
        progress=round(done / len(tasks), 4) if tasks else 0.0,
        tasks=[TaskOut.model_validate(task) for task in tasks],
    )


def set_task_done(session: Session, task_id: uuid.UUID, done_on: date | None) -> CampaignTask:
    task = session.get(CampaignTask, task_id)
    if task is None:
        raise NotFound(f"任务不存在 / campaign task {task_id} not found")
    if done_on is not None and done_on > local_today():
        raise InvalidInput("完成日期不能晚于今天 / done_on cannot be in the future", field="done_on")
    task.done_on = done_on
    return task


def set_phase_dates(session: Session, phase_id: uuid.UUID, starts_on: date, ends_on: date) -> CampaignPhase:
    phase = session.get(CampaignPhase, phase_id)
    if phase is None:
        raise NotFound(f"阶段不存在 / campaign phase {phase_id} not found")
    if ends_on < starts_on:
        raise InvalidInput("结束日期早于开始日期 / ends_on is before starts_on", field="ends_on")
    phase.starts_on, phase.ends_on = starts_on, ends_on
    return phase
