"""Filing reports (报送) and who has filed what: monthly risk reports, quarterly and annual statistics."""

import uuid
from collections.abc import Iterable
from datetime import date, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from services.reporting.filings.models import FilingAttachment, ReportFiling, ReportNotice
from services.reporting.filings.schemas import FilingIn, FilingStatus, UnitFilingStatus
from services.reporting.rules.service import REPORT_REMINDER_DAYS, due_on, rule_on
from services.reporting.runtime import runtime
from services.reporting.settings import get_reporting_settings
from services.reporting.units.models import ReportingGrid, ReportingUnit, UnitState
from shared import uploads
from shared.access import Access
from shared.clock import local_today
from shared.dossier import DOSSIER_LIST_ROWS, FilingRow, Latest, ReportingSection
from shared.errors import InvalidInput, NotFound
from shared.events.contracts.reporting import ReportDueV1, ReportFiledV1, ReportKind, ReportOverdueV1
from shared.labels import zh
from shared.pagination import Keyset, Page, PageRequest
from shared.periods import REPORT_PERIOD, Period, containing, owes_report, parse_period

SECTION = {
    ReportKind.monthly_risk: "monthly_risk",
    ReportKind.quarterly_statistics: "statistics",
    ReportKind.annual_statistics: "statistics",
}


# Latest period first, its newest version first.
LATEST_FIRST = Keyset("filings", ReportFiling.period, ReportFiling.version, ReportFiling.id, descending=True)


def report_period(kind: ReportKind, text: str) -> Period:
    period = parse_period(text)
    covers = REPORT_PERIOD[kind]
    if period.kind != covers:
        raise InvalidInput(
            f"{zh('report_kind', kind)}的统计期应为{zh('period_kind', covers)} / a {kind} report covers a {covers}, not {text!r}",
            field="period",
        )
    return period


def file_report(session: Session, data: FilingIn, user: Access) -> ReportFiling:
    unit = session.get(ReportingUnit, data.unit_id)
    if unit is None:
        raise NotFound(f"单位不存在 / unit {data.unit_id} is not known to reporting", field="unit_id")
    user.ensure_unit(unit.id, unit.grid_id)
    period = report_period(data.kind, data.period)
    today = local_today()
    if period.start > today:
        raise InvalidInput(f"统计期尚未开始 / the period {period.label} has not begun", field="period")
    if not owes_report(data.kind, unit.kind, unit.production_status):
        raise InvalidInput(
            f"{unit.name} 无需报送 {data.kind} / this unit does not file {data.kind} reports", field="kind"
        )
    section = SECTION[data.kind]
    content = getattr(data, section)
    if content is None:
        raise InvalidInput(
            f"缺少必填部分 {section} / the section {section} is required for {data.kind}", field=section
        )
    # filings of one unit, kind and period are numbered in turn
    session.execute(
        select(func.pg_advisory_xact_lock(func.hashtext(f"filing:{data.unit_id}:{data.kind}:{period.label}")))
    )
    version = 1 + (
        session.scalar(
            select(func.max(ReportFiling.version)).where(
                ReportFiling.unit_id == data.unit_id,
                ReportFiling.kind == data.kind,
                ReportFiling.period == period.label,
            )
        )
        or 0
    )
    due = due_on(session, data.kind, period)
    filing = ReportFiling(
        unit_id=data.unit_id,
        kind=data.kind,
        period=period.label,
        version=version,
        content=content.model_dump(mode="json"),
        signed_by=getattr(content, "signed_by", None),
        filed_by=user.user_id,
        due_on=due,
        late=today > due,
    )
    session.add(filing)
    session.flush()
    runtime.publish(
        session,
        ReportFiledV1(
            filing_id=filing.id,
            unit_id=filing.unit_id,
            kind=data.kind,
            period=filing.period,
            version=version,
            due_on=due,
            late=filing.late,
            filed_at=filing.filed_at,
        ),
        subject=str(filing.unit_id),
    )
    return filing


def filings_of(
    session: Session, user: Access, unit_id: uuid.UUID, kind: ReportKind | None, page: PageRequest
) -> Page[ReportFiling]:
    user.ensure_unit(unit_id)
    query = select(ReportFiling).where(ReportFiling.unit_id == unit_id)
    if kind is not None:
        query = query.where(ReportFiling.kind == kind)
    return LATEST_FIRST.fetch(session, query, page)


def dossier_section(session: Session, user: Access, unit_id: uuid.UUID) -> ReportingSection:
    """The unit's filings for its dossier (一企一档): the latest versions first."""
    unit = session.get(ReportingUnit, unit_id)
    if unit is None:
        raise NotFound(f"单位不存在 / unit {unit_id} not known to reporting")
    user.ensure_unit(unit.id, unit.grid_id)
    of_unit = select(ReportFiling).where(ReportFiling.unit_id == unit_id)
    total = session.scalar(select(func.count()).select_from(of_unit.subquery())) or 0
    rows = session.scalars(
        of_unit.order_by(ReportFiling.filed_at.desc(), ReportFiling.id.desc()).limit(DOSSIER_LIST_ROWS)
    )
    items = [FilingRow.model_validate(row, from_attributes=True) for row in rows]
    return ReportingSection(filings=Latest[FilingRow](total=total, items=items))


def all_filings_of(
    session: Session, user: Access, unit_id: uuid.UUID
) -> tuple[ReportingUnit, list[ReportFiling]]:
    """A unit and every version of its filings, the latest period first (for its download)."""
    unit = session.get(ReportingUnit, unit_id)
    if unit is None:
        raise NotFound(f"单位不存在 / unit {unit_id} not known to reporting")
    user.ensure_unit(unit.id, unit.grid_id)
    filings = session.scalars(
        select(ReportFiling)
        .where(ReportFiling.unit_id == unit_id)
        .order_by(ReportFiling.period.desc(), ReportFiling.kind, ReportFiling.version)
    )
    return unit, list(filings)


def grid_names(session: Session) -> dict[object, str]:
    return {g.id: g.name or "" for g in session.scalars(select(ReportingGrid))}


def visible_units(user: Access) -> Select:
    """The units a caller may see: an enterprise its own, grid staff their grids, the rest all."""
    return user.narrow(select(ReportingUnit), unit=ReportingUnit.id, grid=ReportingUnit.grid_id)


def owing(
    session: Session, kind: ReportKind, period: Period, units: Iterable[ReportingUnit]
) -> list[ReportingUnit]:
    """The units that owe a report of `kind` for `period`: by their dated states, those registered
    and not closed on some day of it (none owes for a period before it was registered); a unit
    copied without dated states, by its status now."""
    units = list(units)
    states: dict[uuid.UUID, list[UnitState]] = {}
    for state in session.scalars(select(UnitState).where(UnitState.unit_id.in_([u.id for u in units]))):
        states.setdefault(state.unit_id, []).append(state)

    def owes(unit: ReportingUnit) -> bool:
        if unit.id not in states:
            return owes_report(kind, unit.kind, unit.production_status)
        return any(
            state.valid_from <= period.last_day
            and (state.valid_to is None or state.valid_to >= period.start)
            and owes_report(kind, unit.kind, state.production_status)
            for state in states[unit.id]
        )

    return [unit for unit in units if owes(unit)]


def filing_status(session: Session, user: Access, kind: ReportKind, period_text: str) -> FilingStatus:
    period = report_period(kind, period_text)
    due = due_on(session, kind, period)
    today = local_today()
    units = owing(session, kind, period, session.scalars(visible_units(user).order_by(ReportingUnit.name)))
    filings: dict[uuid.UUID, list[ReportFiling]] = {}
    for filing in session.scalars(
        select(ReportFiling)
        .where(ReportFiling.kind == kind, ReportFiling.period == period.label)
        .order_by(ReportFiling.version)
    ):
        filings.setdefault(filing.unit_id, []).append(filing)
    rows, main_risks = [], []
    for unit in units:
        versions = filings.get(unit.id, [])
        if versions:
            status = "late" if versions[0].late else "on_time"  # the first filing decides
        else:
            status = "missing" if today > due else "not_yet_due"
        rows.append(
            UnitFilingStatus(
                unit_id=unit.id,
                unit_name=unit.name,
                grid_id=unit.grid_id,
                status=status,
                versions=len(versions),
                filed_at=versions[0].filed_at if versions else None,
            )
        )
        if versions and kind == ReportKind.monthly_risk:
            for item in versions[-1].content["main_risks"]:
                main_risks.append({"unit_name": unit.name, **item})
    counts = {state: 0 for state in ("on_time", "late", "missing", "not_yet_due")}
    for row in rows:
        counts[row.status] += 1
    return FilingStatus(
        kind=kind, period=period.label, due_on=due, counts=counts, units=rows, main_risks=main_risks
    )


def _unfiled_reports(
    session: Session, today: date, notice: type[ReportOverdueV1], due_between: tuple[date, date]
) -> int:
    """Publish `notice` once per unit, kind and period due within `due_between` (both days included)
    that the unit owes and has not filed; each one is recorded so a later run skips it."""
    published = 0
    for kind, period_kind in REPORT_PERIOD.items():
        period = containing(period_kind, today)
        for candidate in (period.previous(), period):
            due = due_on(session, kind, candidate)
            if not due_between[0] <= due <= due_between[1]:
                continue
            filed = select(ReportFiling.unit_id).where(
                ReportFiling.kind == kind, ReportFiling.period == candidate.label
            )
            noticed = select(ReportNotice.unit_id).where(
                ReportNotice.event_type == notice.event_type,
                ReportNotice.kind == kind,
                ReportNotice.period == candidate.label,
            )
            units = session.scalars(
                select(ReportingUnit).where(ReportingUnit.id.not_in(filed), ReportingUnit.id.not_in(noticed))
            )
            for unit in owing(session, kind, candidate, units):
                session.add(
                    ReportNotice(
                        event_type=notice.event_type, unit_id=unit.id, kind=kind, period=candidate.label
                    )
                )
                runtime.publish(
                    session,
                    notice(
                        unit_id=unit.id, grid_id=unit.grid_id, kind=kind, period=candidate.label, due_on=due
                    ),
                    subject=str(unit.id),
                )
                published += 1
    return published


def check_due(session: Session, today: date) -> int:
    """Publish report.due for reports due within the zone's reminder days (a rule) and not yet filed."""
    horizon = today + timedelta(days=rule_on(session, REPORT_REMINDER_DAYS, today))
    return _unfiled_reports(session, today, ReportDueV1, (today, horizon))


def check_overdue(session: Session, today: date) -> int:
    """Publish report.overdue for reports past their due date and not filed."""
    return _unfiled_reports(session, today, ReportOverdueV1, (date.min, today - timedelta(days=1)))


def _filing(session: Session, filing_id: uuid.UUID, user: Access) -> ReportFiling:
    filing = session.get(ReportFiling, filing_id)
    if filing is None:
        raise NotFound(f"报告不存在 / filing {filing_id} not found")
    user.ensure_unit(filing.unit_id)
    return filing


def add_attachment(
    session: Session, filing_id: uuid.UUID, upload: uploads.Upload, user: Access
) -> FilingAttachment:
    """Attach a scan, photo or PDF to a filing (附件), judged by its content."""
    filing = _filing(session, filing_id, user)
    max_bytes = get_reporting_settings().upload_max_bytes
    return uploads.attach(
        session, FilingAttachment, FilingAttachment.filing_id, filing.id, upload.filename, upload.content,
        max_bytes, user.user_id, user.name, upload.told,
    )  # fmt: skip


def attachments_of(
    session: Session, filing_id: uuid.UUID, user: Access, page: PageRequest
) -> Page[FilingAttachment]:
    _filing(session, filing_id, user)
    return uploads.files_of(session, FilingAttachment, FilingAttachment.filing_id, filing_id, page)


def attachment(
    session: Session, filing_id: uuid.UUID, attachment_id: uuid.UUID, user: Access
) -> FilingAttachment:
    _filing(session, filing_id, user)
    return uploads.file_of(session, FilingAttachment, FilingAttachment.filing_id, filing_id, attachment_id)
