"""The monthly grid staff assessment (网格员考核) and the enterprises' own compliance.

A month is scored for the people who held a grid duty in it (`grid_duty`, dated), by the weights
in force on its first day (a zone rule). Attribution, day by day:

- inspections done and hazards found count for the person who did them, on days they held a
  grid duty;
- a grid's hazard outcomes (closed on time, on the day it was closed; gone overdue, on the day
  it was first seen overdue; escalated, on the day it was reported) count for each person who held that grid on
  that day, leader and members alike; so where staffing changed, each gets the days they held it;
- a missed grid duty counts for the people who owed it (`responsible_person_ids` of the
  inspection.missed / training.missed event), in the month its period ended; an event without
  them falls back to whoever held the grid in the owing role on the period's last day.

An enterprise's own missed duties (owed_by enterprise) score no grid staff: they are listed per
unit by `enterprise_compliance`. Every score comes with the counts and points behind it.
"""

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, true
from sqlalchemy.orm import Session

from services.reporting.assessment.schemas import (
    Assessment,
    DutyHeld,
    EnterpriseCompliance,
    PersonScore,
    ScoreItem,
)
from services.reporting.facts.models import (
    COUNTED_HAZARD,
    HazardFact,
    InspectionFact,
    MissedInspectionFact,
    MissedTrainingFact,
    ReportingPerson,
)
from services.reporting.rules.service import ASSESSMENT_WEIGHTS, rule_on
from services.reporting.units.models import GridDuty, ReportingGrid, ReportingUnit
from shared.access import Access
from shared.events.contracts.inspections import DutyHolder
from shared.labels import LABELS, both
from shared.pagination import Page, PageRequest, Positions
from shared.periods import Period

MEASURES = LABELS["assessment_measure"]  # what is counted, in the order shown
ROLES = {"grid_leader": "网格长 leader", "grid_member": "网格员 member"}
COMPLIANCE_ORDER = Positions("enterprise-compliance")


@dataclass(frozen=True)
class Span:
    person_id: uuid.UUID
    grid_id: uuid.UUID
    duty: str | None
    first: date
    last: date  # inclusive


def _spans(session: Session, month: Period, user: Access) -> list[Span]:
    """The grid duties held in the month, clipped to it and to each grid's first and last day."""
    first, last = month.start, month.last_day
    rows = session.execute(
        user.narrow(
            select(GridDuty, ReportingGrid.valid_from, ReportingGrid.valid_to)
            .outerjoin(ReportingGrid, ReportingGrid.id == GridDuty.grid_id)
            .where(GridDuty.valid_from <= last, or_(GridDuty.valid_to.is_(None), GridDuty.valid_to >= first)),
            grid=GridDuty.grid_id,
        )
    ).all()
    spans = []
    for duty, grid_from, grid_to in rows:
        start = max(d for d in (first, duty.valid_from, grid_from) if d is not None)
        end = min(d for d in (last, duty.valid_to, grid_to) if d is not None)
        if start <= end:
            spans.append(Span(duty.person_id, duty.grid_id, duty.duty, start, end))
    return spans


class Staffing:
    """Who held which grid on each day of the month."""

    def __init__(self, spans: list[Span]) -> None:
        self.spans = spans
        self.by_grid: dict[uuid.UUID, list[Span]] = defaultdict(list)
        for span in spans:
            self.by_grid[span.grid_id].append(span)

    def holders(self, grid_id: uuid.UUID | None, day: date, duty: str | None = None) -> set[uuid.UUID]:
        return {
            s.person_id
            for s in (self.by_grid.get(grid_id, []) if grid_id is not None else [])
            if s.first <= day <= s.last and (duty is None or s.duty == duty)
        }

    def on_duty(self, person_id: uuid.UUID, day: date) -> bool:
        return any(s.person_id == person_id and s.first <= day <= s.last for s in self.spans)


def _grouped(session: Session, month: Period, key: Any, day: Any, condition: Any) -> list[tuple]:
    """(key, day, count) of the month's rows meeting `condition`."""
    query = select(key, day, func.count()).where(month.includes(day), condition).group_by(key, day)
    return [tuple(row) for row in session.execute(query).all() if row[0] is not None]


# the day a hazard went overdue (its deadline, for one folded before that day was kept)
OVERDUE_ON = func.coalesce(HazardFact.overdue_on, HazardFact.deadline)
TRAINING_END = func.coalesce(MissedTrainingFact.period_end, MissedTrainingFact.period_start)
NOT_THE_ENTERPRISES: dict[str, tuple[Any, Any]] = {
    "missed_inspections": (MissedInspectionFact, MissedInspectionFact.period_end),
    "missed_training": (MissedTrainingFact, TRAINING_END),
}


def monthly_assessment(session: Session, month: Period, user: Access) -> Assessment:
    """The grid staff the caller may see (a leader: the staff of their grids), scored and ranked."""
    weights: dict[str, float] = dict(rule_on(session, ASSESSMENT_WEIGHTS, month.start))
    staffing = Staffing(_spans(session, month, user))
    counts: dict[uuid.UUID, dict[str, int]] = defaultdict(lambda: dict.fromkeys(MEASURES, 0))
    # everyone who held a duty is scored, even with nothing counted
    counts.update({span.person_id: dict.fromkeys(MEASURES, 0) for span in staffing.spans})

    # what a person did, on days they held a grid duty
    users = dict(session.execute(select(ReportingPerson.user_id, ReportingPerson.person_id)).all())
    per_user: dict[str, tuple[Any, Any, Any]] = {
        "inspections_done": (InspectionFact.inspector_id, InspectionFact.inspected_on, true()),
        "hazards_found": (HazardFact.reporter_id, HazardFact.reported_on, COUNTED_HAZARD),  # not voided
    }
    for metric, spec in per_user.items():
        for user_id, day, count in _grouped(session, month, *spec):
            person_id = users.get(user_id)
            if person_id is not None and staffing.on_duty(person_id, day):
                counts[person_id][metric] += count

    # a grid's outcomes, for whoever held the grid on the day
    per_grid: dict[str, tuple[Any, Any, Any]] = {
        "closed_on_time": (HazardFact.grid_id, HazardFact.closed_on, HazardFact.closed_on_time.is_(True)),
        "overdue": (HazardFact.grid_id, OVERDUE_ON, HazardFact.ever_overdue),
        "escalated": (HazardFact.grid_id, HazardFact.reported_on, and_(HazardFact.escalated, COUNTED_HAZARD)),
    }
    for metric, spec in per_grid.items():
        for grid_id, day, count in _grouped(session, month, *spec):
            for person_id in staffing.holders(grid_id, day):
                counts[person_id][metric] += count

    # grid duties missed, for the people who owed them
    for metric, (fact, end) in NOT_THE_ENTERPRISES.items():
        rows = session.execute(
            select(fact.grid_id, end, fact.owed_by, fact.responsible_person_ids).where(
                month.includes(end), fact.owed_by != DutyHolder.enterprise, user.visible(grid=fact.grid_id)
            )
        )
        for grid_id, day, owed_by, responsible in rows:
            for person_id in responsible or staffing.holders(grid_id, day, owed_by):
                counts[person_id][metric] += 1

    return Assessment(month=month.label, weights=weights, scores=_ranked(session, staffing, counts, weights))


def _ranked(
    session: Session, staffing: Staffing, counts: dict[uuid.UUID, dict[str, int]], weights: dict[str, float]
) -> list[PersonScore]:
    names = dict(
        session.execute(
            select(ReportingPerson.person_id, ReportingPerson.name).where(
                ReportingPerson.person_id.in_(list(counts))
            )
        ).all()
    )
    grids = {g for g in staffing.by_grid}
    grid_names = dict(
        session.execute(
            select(ReportingGrid.id, ReportingGrid.name).where(ReportingGrid.id.in_(list(grids)))
        ).all()
    )

    def grid_name(grid_id: uuid.UUID) -> str:
        return grid_names.get(grid_id) or str(grid_id)

    scores = []
    for person_id, counted in counts.items():
        items = [
            ScoreItem(
                metric=metric,
                label=both("assessment_measure", metric),
                count=counted[metric],
                weight=weights.get(metric, 0.0),
                points=round(counted[metric] * weights.get(metric, 0.0), 2),
            )
            for metric in MEASURES
        ]
        held = sorted(
            (s for s in staffing.spans if s.person_id == person_id), key=lambda s: (s.first, str(s.grid_id))
        )
        scores.append(
            PersonScore(
                rank=0,
                person_id=person_id,
                name=names.get(person_id, str(person_id)),
                roles=sorted({ROLES.get(s.duty or "", ROLES["grid_member"]) for s in held}),
                grids=sorted({grid_name(s.grid_id) for s in held}),
                duties=[
                    DutyHeld(
                        grid_id=s.grid_id,
                        grid=grid_name(s.grid_id),
                        duty=s.duty,
                        valid_from=s.first,
                        valid_to=s.last,
                        days=(s.last - s.first + timedelta(days=1)).days,
                    )
                    for s in held
                ],
                score=round(sum(item.points for item in items), 2),
                items=items,
            )
        )
    scores.sort(key=lambda s: (-s.score, s.name, str(s.person_id)))
    for index, score in enumerate(scores):  # equal scores share a rank
        score.rank = scores[index - 1].rank if index and scores[index - 1].score == score.score else index + 1
    return scores


def enterprise_compliance(
    session: Session, month: Period, user: Access, page: PageRequest
) -> Page[EnterpriseCompliance]:
    """Each visible unit with own duties missed in the month (owed_by enterprise), by name."""
    missed: dict[uuid.UUID, dict[str, Any]] = {}
    sources: tuple[tuple[str, Any, Any, Any], ...] = (
        (
            "missed_inspections",
            MissedInspectionFact,
            MissedInspectionFact.subject_id,
            MissedInspectionFact.period_end,
        ),
        ("missed_training", MissedTrainingFact, MissedTrainingFact.unit_id, TRAINING_END),
    )
    for metric, fact, unit, end in sources:
        found = session.execute(
            select(unit, fact.rule_code, func.count())
            .where(
                month.includes(end),
                fact.owed_by == DutyHolder.enterprise,
                user.visible(unit=unit, grid=fact.grid_id),
            )
            .group_by(unit, fact.rule_code)
        )
        for unit_id, rule_code, count in found:
            entry = missed.setdefault(unit_id, {"missed_inspections": 0, "missed_training": 0, "by_rule": {}})
            entry[metric] += count
            entry["by_rule"][rule_code] = entry["by_rule"].get(rule_code, 0) + count
    units = {
        u.id: u for u in session.scalars(select(ReportingUnit).where(ReportingUnit.id.in_(list(missed))))
    }
    rows = sorted(
        (
            EnterpriseCompliance(
                unit_id=unit_id,
                unit_name=units[unit_id].name if unit_id in units else str(unit_id),
                grid_id=units[unit_id].grid_id if unit_id in units else None,
                **entry,
            )
            for unit_id, entry in missed.items()
        ),
        key=lambda row: (row.unit_name, str(row.unit_id)),
    )
    return COMPLIANCE_ORDER.slice(rows, page)
