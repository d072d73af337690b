"""Hazard statistics, inspection and training coverage and the zone dashboard, from the read models."""

import uuid
from datetime import date

from sqlalchemy import ColumnElement, Label, and_, case, func, select
from sqlalchemy.orm import Session

from services.reporting.facts.models import (
    COUNTED_HAZARD,
    HazardFact,
    InspectionFact,
    MissedInspectionFact,
    MissedTrainingFact,
    ReportingPerson,
    TrainingFact,
)
from services.reporting.filings.service import filing_status, visible_units
from services.reporting.settings import get_reporting_settings
from services.reporting.statistics.schemas import (
    CoverageRow,
    Dashboard,
    GroupBy,
    HazardFigures,
    HazardStatistics,
    InspectionCoverage,
    TrainingCompliance,
    TrainingStatistics,
    TrendMonth,
)
from services.reporting.units.models import ReportingGrid, ReportingUnit
from shared.access import Access
from shared.clock import local_today
from shared.errors import InvalidInput
from shared.events.contracts.inspections import AWAITING_RECTIFICATION, RECTIFICATION_DONE
from shared.events.contracts.reporting import ReportKind
from shared.labels import zh
from shared.pagination import PageRequest, Positions
from shared.periods import Period, PeriodKind, containing

# the label catalogue's kind of the groups whose keys are codes (categories are free text)
GROUP_LABELS = {GroupBy.grade: "hazard_grade", GroupBy.source: "hazard_source", GroupBy.state: "hazard_state"}

GROUP_COLUMNS = {
    GroupBy.zone: None,
    GroupBy.grid: HazardFact.grid_id,
    GroupBy.unit: HazardFact.unit_id,
    GroupBy.grade: HazardFact.grade,
    GroupBy.category: HazardFact.category,
    GroupBy.source: HazardFact.source,
    GroupBy.state: HazardFact.state,
}


def _figures() -> tuple[Label, ...]:
    """The aggregate columns every statistics row has."""
    closed = HazardFact.state == "closed"
    return (
        func.count().label("found"),
        func.count().filter(HazardFact.fixed_on_spot).label("fixed_on_spot"),
        func.count().filter(HazardFact.deadline_ordered).label("under_deadline"),
        func.count().filter(HazardFact.ever_overdue).label("overdue"),
        func.count().filter(HazardFact.escalated).label("escalated"),
        func.count().filter(HazardFact.state.in_(RECTIFICATION_DONE)).label("rectified"),
        func.count().filter(closed).label("closed"),
        func.count().filter(closed, HazardFact.closed_on_time.is_(True)).label("closed_on_time"),
        func.avg(case((closed, HazardFact.closed_on - HazardFact.reported_on))).label("days_to_close"),
    )


def found_in(period: Period) -> ColumnElement[bool]:
    return period.includes(HazardFact.reported_on)


def visible_hazards(user: Access) -> ColumnElement[bool]:
    return user.visible(unit=HazardFact.unit_id, grid=HazardFact.grid_id)


def _row(key: object, label: str, r) -> HazardFigures:
    return HazardFigures(
        key=None if key is None else str(key),
        label=label,
        found=r.found,
        fixed_on_spot=r.fixed_on_spot,
        under_deadline=r.under_deadline,
        overdue=r.overdue,
        escalated=r.escalated,
        rectified=r.rectified,
        closed=r.closed,
        rectification_rate=round(r.rectified / r.found, 4) if r.found else None,
        on_time_rate=round(r.closed_on_time / r.closed, 4) if r.closed else None,
        average_days_to_close=None if r.days_to_close is None else round(float(r.days_to_close), 2),
    )


def hazard_statistics(
    session: Session, user: Access, period: Period, group_by: GroupBy, page: PageRequest
) -> HazardStatistics:
    """The groups with the most hazards first; a page's cursor carries its position."""
    most = get_reporting_settings().statistics_max_rows
    if page.limit > most:
        raise InvalidInput(f"每页最多 {most} 组 / limit may be at most {most}", field="limit")
    column = GROUP_COLUMNS[group_by]
    where = and_(found_in(period), COUNTED_HAZARD, visible_hazards(user))
    if column is None:
        r = session.execute(select(*_figures()).where(where)).one()
        return HazardStatistics(
            period=period.label, group_by=group_by, items=[_row(None, "全区", r)], next=None, total_groups=1
        )
    positions = Positions(f"hazard-statistics-by-{group_by}")
    total = session.scalar(select(func.count(func.distinct(column))).where(where)) or 0
    rows = session.execute(
        select(column.label("key"), *_figures())
        .where(where)
        .group_by(column)
        .order_by(func.count().desc(), column)
        .offset(positions.start(page))
        .limit(page.limit + 1)
    ).all()
    found = positions.page(rows, page)
    names = _names(session, group_by, [r.key for r in found.items])
    return HazardStatistics(
        period=period.label,
        group_by=group_by,
        items=[_row(r.key, names.get(r.key) or _group_label(group_by, r.key), r) for r in found.items],
        next=found.next,
        total_groups=total,
    )


def _group_label(group_by: GroupBy, key: object) -> str:
    kind = GROUP_LABELS.get(group_by)
    return str(key) if kind is None else zh(kind, str(key))


def _names(session: Session, group_by: GroupBy, keys: list[uuid.UUID]) -> dict[uuid.UUID | None, str]:
    """Grid or unit names by id; {} for other groupings (the caller labels those, and the None group)."""
    models: dict[GroupBy, type[ReportingGrid | ReportingUnit]] = {
        GroupBy.grid: ReportingGrid,
        GroupBy.unit: ReportingUnit,
    }
    model = models.get(group_by)
    if model is None or not keys:
        return {}
    # a grid whose tombstone came first has no name yet: its id stands in
    rows = session.execute(select(model.id, model.name).where(model.id.in_(keys)))
    return {key: name or str(key) for key, name in rows}


def inspection_coverage(session: Session, user: Access, period: Period) -> InspectionCoverage:
    in_period = and_(
        period.includes(InspectionFact.inspected_on),
        user.visible(unit=InspectionFact.unit_id, grid=InspectionFact.grid_id),
    )
    by_grid: dict[uuid.UUID | None, dict[str, int]] = {}
    for grid_id, kind, count in session.execute(
        select(InspectionFact.grid_id, InspectionFact.kind, func.count())
        .where(in_period)
        .group_by(InspectionFact.grid_id, InspectionFact.kind)
    ):
        by_grid.setdefault(grid_id, {})[kind] = count
    missed = dict(
        session.execute(
            select(MissedInspectionFact.grid_id, func.count())
            .where(
                period.includes(MissedInspectionFact.period_start),
                user.visible(grid=MissedInspectionFact.grid_id),
            )
            .group_by(MissedInspectionFact.grid_id)
        ).all()
    )
    grids = _names(session, GroupBy.grid, [g for g in {*by_grid, *missed} if g])
    by_inspector: dict[uuid.UUID, dict[str, int]] = {}
    for inspector, kind, count in session.execute(
        select(InspectionFact.inspector_id, InspectionFact.kind, func.count())
        .where(in_period)
        .group_by(InspectionFact.inspector_id, InspectionFact.kind)
    ):
        by_inspector.setdefault(inspector, {})[kind] = count
    people = dict(
        session.execute(
            select(ReportingPerson.user_id, ReportingPerson.name).where(
                ReportingPerson.user_id.in_(list(by_inspector))
            )
        ).all()
    )
    return InspectionCoverage(
        period=period.label,
        by_grid=[
            CoverageRow(
                key=g,
                label=grids.get(g, "未划网格" if g is None else str(g)),
                done=by_grid.get(g, {}),
                missed=missed.get(g, 0),
            )
            for g in sorted({*by_grid, *missed}, key=lambda g: grids.get(g, str(g)))
        ],
        by_inspector=[
            CoverageRow(key=u, label=people.get(u, str(u)), done=done, missed=0)
            for u, done in by_inspector.items()
        ],
    )


def units_by_kind(session: Session) -> dict[str, int]:
    """How many units the zone supervises, by kind (辖区单位数)."""
    return dict(session.execute(select(ReportingUnit.kind, func.count()).group_by(ReportingUnit.kind)).all())


def dashboard(session: Session, user: Access, today: date | None = None) -> Dashboard:
    today = today or local_today()
    month = containing(PeriodKind.month, today)
    visible = visible_hazards(user)
    units = units_by_kind(session)
    colours = dict(
        session.execute(
            select(func.coalesce(ReportingUnit.risk_colour, "unassessed"), func.count()).group_by(
                ReportingUnit.risk_colour
            )
        ).all()
    )
    open_hazards = dict(
        session.execute(
            select(HazardFact.grade, func.count())
            .where(visible, HazardFact.state.in_(AWAITING_RECTIFICATION))
            .group_by(HazardFact.grade)
        ).all()
    )
    overdue_open = session.scalar(
        select(func.count()).where(
            visible, HazardFact.state.in_(AWAITING_RECTIFICATION), HazardFact.deadline < today
        )
    )
    this_month = session.execute(select(*_figures()).where(found_in(month), COUNTED_HAZARD, visible)).one()
    reports = filing_status(session, user, ReportKind.monthly_risk, month.label).counts
    return Dashboard(
        today=str(today),
        units={str(k): v for k, v in units.items()},
        risk_colours=colours,
        open_hazards=open_hazards,
        overdue_open=overdue_open,
        this_month=_row(None, month.chinese, this_month),
        monthly_risk_reports=reports,
        trend=monthly_trend(session, user, month),
    )


def monthly_trend(session: Session, user: Access, end: Period, months: int = 12) -> list[TrendMonth]:
    """Found and closed in each of the `months` months up to `end`, for the trend charts."""
    periods = [end]
    while len(periods) < months:
        periods.insert(0, periods[0].previous())
    start = periods[0].start

    def per_month(column):
        month = func.date_trunc("month", column)
        where = (column >= start, column < end.end, COUNTED_HAZARD, visible_hazards(user))
        return {
            k.date(): n for k, n in session.execute(select(month, func.count()).where(*where).group_by(month))
        }

    found, closed = per_month(HazardFact.reported_on), per_month(HazardFact.closed_on)
    return [
        TrendMonth(month=p.label, found=found.get(p.start, 0), closed=closed.get(p.start, 0)) for p in periods
    ]


def training_compliance(session: Session, user: Access, period: Period) -> TrainingStatistics:
    """What each unit recorded and missed of its training duties in the period."""
    units = session.scalars(visible_units(user).order_by(ReportingUnit.name)).all()
    ids = [u.id for u in units]

    def per_unit(unit, key, day) -> dict[uuid.UUID, dict[str, int]]:
        counts: dict[uuid.UUID, dict[str, int]] = {}
        query = select(unit, key, func.count()).where(unit.in_(ids), period.includes(day)).group_by(unit, key)
        for unit_id, name, count in session.execute(query):
            counts.setdefault(unit_id, {})[name] = count
        return counts

    recorded = per_unit(TrainingFact.unit_id, TrainingFact.kind, TrainingFact.held_on)
    missed = per_unit(
        MissedTrainingFact.unit_id, MissedTrainingFact.activity, MissedTrainingFact.period_start
    )
    by_grid: dict[str, dict[str, int]] = {}
    rows = []
    for unit in units:
        row = TrainingCompliance(
            unit_id=unit.id,
            unit_name=unit.name,
            grid_id=unit.grid_id,
            recorded=recorded.get(unit.id, {}),
            missed=missed.get(unit.id, {}),
        )
        rows.append(row)
        totals = by_grid.setdefault(str(unit.grid_id), {"recorded": 0, "missed": 0})
        totals["recorded"] += sum(row.recorded.values())
        totals["missed"] += sum(row.missed.values())
    return TrainingStatistics(period=period.label, units=rows, by_grid=by_grid)
