"""The monthly grid-member assessment (网格员考核): points per counted item, by weights in settings.

A grid's leader and members share its grid-level items (hazards closed on time, gone overdue,
escalated, inspections and training duties missed); inspections done and hazards found count for
the person who did them. Every score comes with the counts and points behind it.
"""

import uuid
from collections import defaultdict

from sqlalchemy import and_, func, select, true
from sqlalchemy.orm import Session

from services.reporting.assessment.schemas import Assessment, PersonScore, ScoreItem
from services.reporting.facts.models import (
    COUNTED_HAZARD,
    GridStaffing,
    HazardFact,
    InspectionFact,
    MissedInspectionFact,
    MissedTrainingFact,
    ReportingPerson,
)
from services.reporting.settings import get_reporting_settings
from services.reporting.units.models import ReportingGrid
from shared.access import Access
from shared.labels import LABELS, both
from shared.periods import Period

MEASURES = LABELS["assessment_measure"]  # what is counted, in the order shown


def monthly_assessment(session: Session, month: Period, user: Access) -> Assessment:
    """The grid staff the caller may see (a leader: the staff of their grids), scored and ranked."""
    weights = get_reporting_settings().assessment_weights
    staff: dict[uuid.UUID, dict] = {}
    grid_names = dict(session.execute(select(ReportingGrid.id, ReportingGrid.name)).all())
    for staffing in session.scalars(user.narrow(select(GridStaffing), grid=GridStaffing.grid_id)):
        pairs = [(staffing.leader_person_id, "网格长 leader")] + [
            (p, "网格员 member") for p in staffing.member_person_ids
        ]
        for person_id, role in pairs:
            if person_id is None:
                continue
            entry = staff.setdefault(person_id, {"roles": set(), "grids": set()})
            entry["roles"].add(role)
            entry["grids"].add(staffing.grid_id)
    people = {
        p.person_id: p
        for p in session.scalars(select(ReportingPerson).where(ReportingPerson.person_id.in_(list(staff))))
    }
    users = {p.user_id: p.person_id for p in people.values() if p.user_id}

    # metric -> (the column counted by, the day that puts an item in the month, what else it must be)
    per_user = {
        "inspections_done": (InspectionFact.inspector_id, InspectionFact.inspected_on, true()),
        "hazards_found": (
            HazardFact.reporter_id,
            HazardFact.reported_on,
            COUNTED_HAZARD,
        ),  # not a voided report
    }
    per_grid = {
        "closed_on_time": (HazardFact.grid_id, HazardFact.closed_on, HazardFact.closed_on_time),
        "overdue": (HazardFact.grid_id, HazardFact.deadline, HazardFact.ever_overdue),
        "escalated": (HazardFact.grid_id, HazardFact.reported_on, and_(HazardFact.escalated, COUNTED_HAZARD)),
        "missed_training": (MissedTrainingFact.grid_id, MissedTrainingFact.period_start, true()),
        "missed_inspections": (MissedInspectionFact.grid_id, MissedInspectionFact.period_start, true()),
    }

    def count_by(key, day, condition) -> dict:
        query = select(key, func.count()).where(month.includes(day), condition).group_by(key)
        return {k: n for k, n in session.execute(query).all() if k is not None}

    by_user = {metric: count_by(*spec) for metric, spec in per_user.items()}
    by_grid = {metric: count_by(*spec) for metric, spec in per_grid.items()}
    counts: dict[uuid.UUID, dict[str, int]] = defaultdict(lambda: dict.fromkeys(MEASURES, 0))
    for metric, user_counts in by_user.items():
        for user_id, count in user_counts.items():
            if user_id in users:
                counts[users[user_id]][metric] += count
    for person_id, entry in staff.items():
        for metric, grid_counts in by_grid.items():
            counts[person_id][metric] += sum(grid_counts.get(grid, 0) for grid in entry["grids"])
    scores = []
    for person_id, entry in staff.items():
        items = [
            ScoreItem(
                metric=metric,
                label=both("assessment_measure", metric),
                count=counts[person_id][metric],
                weight=weights.get(metric, 0.0),
                points=round(counts[person_id][metric] * weights.get(metric, 0.0), 2),
            )
            for metric in MEASURES
        ]
        person = people.get(person_id)
        scores.append(
            PersonScore(
                rank=0,
                person_id=person_id,
                name=person.name if person else str(person_id),
                roles=sorted(entry["roles"]),
                grids=sorted(grid_names.get(g, str(g)) for g in entry["grids"]),
                score=round(sum(item.points for item in items), 2),
                items=items,
            )
        )
    scores.sort(key=lambda s: (-s.score, s.name))
    for index, score in enumerate(scores):  # equal scores share a rank
        score.rank = scores[index - 1].rank if index and scores[index - 1].score == score.score else index + 1
    return Assessment(month=month.label, weights=weights, scores=scores)
