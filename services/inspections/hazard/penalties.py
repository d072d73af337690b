"""Penalties for major hazards and the repeat-offender counter (安全生产法第113条).

A unit penalised for major hazards 3 times within 180 days, or 4 times within a year, is
reported for closure. The windows are rolling and counted on decision dates; they are a local
rule (`penalties.repeat_offender_windows`, the law's by default) that a zone may tighten from a day.
"""

import uuid
from datetime import date, timedelta

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.inspections.hazard.models import Hazard, Penalty
from services.inspections.hazard.service import get_hazard
from services.inspections.rules.catalogue import REPEAT_OFFENDER, RepeatWindow, value_on
from services.inspections.runtime import runtime
from shared.access import Access
from shared.clock import local_today
from shared.errors import Conflict, InvalidInput
from shared.events.contracts.inspections import HazardGrade, RepeatOffenderV1

# The law's windows, always counted in the summary and the event; the rule's windows decide.
LAW_WINDOWS = (180, 365)


class PenaltyIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    decided_on: date = Field(title="决定日期 / date of the decision")
    decision_number: str = Field(min_length=1, max_length=100, title="处罚决定书文号")
    description: str | None = Field(None, max_length=2000)


class WindowCount(BaseModel):
    days: int
    penalties: int  # counted in the window
    limit: int  # that many make a repeat offender, by the rule in force


class PenaltySummary(BaseModel):
    unit_id: uuid.UUID
    penalties_180_days: int
    penalties_365_days: int
    windows: list[WindowCount]  # the windows of the local rule in force on the day
    repeat_offender: bool


def _count(session: Session, unit_id: uuid.UUID, since: date, until: date) -> int:
    return session.execute(
        select(func.count()).where(
            Penalty.unit_id == unit_id, Penalty.decided_on > since, Penalty.decided_on <= until
        )
    ).scalar_one()


def summary(session: Session, unit_id: uuid.UUID, on: date) -> PenaltySummary:
    rule: list[RepeatWindow] = value_on(session, REPEAT_OFFENDER, on)
    days = {*LAW_WINDOWS, *(window.days for window in rule)}
    counts = {d: _count(session, unit_id, on - timedelta(days=d), on) for d in days}
    windows = [WindowCount(days=w.days, penalties=counts[w.days], limit=w.penalties) for w in rule]
    return PenaltySummary(
        unit_id=unit_id,
        penalties_180_days=counts[180],
        penalties_365_days=counts[365],
        windows=windows,
        repeat_offender=any(w.penalties >= w.limit for w in windows),
    )


def record_penalty(session: Session, hazard_id: uuid.UUID, data: PenaltyIn, user: Access) -> Penalty:
    hazard: Hazard = get_hazard(session, hazard_id, user, for_update=True)
    if hazard.grade != HazardGrade.major:
        raise Conflict("仅重大隐患的处罚计入第113条 / only penalties for major hazards count here")
    if data.decided_on > local_today():
        raise InvalidInput("决定日期在将来 / the decision date is in the future", field="decided_on")
    if session.scalar(select(Penalty.id).where(Penalty.decision_number == data.decision_number)):
        raise Conflict(
            f"文号已登记 / decision {data.decision_number} is already recorded", field="decision_number"
        )
    # one penalty of a unit at a time, so two cannot both miss crossing a threshold
    session.execute(select(func.pg_advisory_xact_lock(func.hashtext(f"penalties:{hazard.unit_id}"))))
    before = summary(session, hazard.unit_id, data.decided_on)
    penalty = Penalty(
        id=uuid.uuid4(),
        hazard_id=hazard.id,
        unit_id=hazard.unit_id,
        recorded_by=user.user_id,
        **data.model_dump(),
    )
    session.add(penalty)
    session.flush()
    after = summary(session, hazard.unit_id, data.decided_on)
    if after.repeat_offender and not before.repeat_offender:
        crossed = next(f"{w.limit} in {w.days} days" for w in after.windows if w.penalties >= w.limit)
        runtime.publish(
            session,
            RepeatOffenderV1(
                unit_id=hazard.unit_id,
                rule=crossed,
                penalties_180_days=after.penalties_180_days,
                penalties_365_days=after.penalties_365_days,
                latest_penalty_id=penalty.id,
                decided_on=data.decided_on,
            ),
            subject=str(hazard.unit_id),
        )
    return penalty
