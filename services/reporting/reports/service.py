"""The committee's printed reports, typeset from templates (shared/documents) with SVG charts:
the monthly report (月报) and the quarterly and annual statistical analysis of hazards that
《安全生产事故隐患排查治理暂行规定》(order No. 16) art. 14 asks for, also as a spreadsheet."""

from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from services.reporting.assessment.service import monthly_assessment
from services.reporting.facts.models import COUNTED_HAZARD, HazardFact
from services.reporting.filings.service import filing_status, grid_names
from services.reporting.reports.schemas import StatisticsForm, StatisticsFormRow
from services.reporting.settings import get_reporting_settings
from services.reporting.statistics.schemas import GroupBy, TrendMonth
from services.reporting.statistics.service import (
    dashboard,
    found_in,
    hazard_statistics,
    monthly_trend,
    visible_hazards,
)
from services.reporting.units.models import ReportingGrid, ReportingUnit
from shared.access import Access
from shared.clock import local_today
from shared.documents import render_pdf
from shared.errors import InvalidInput
from shared.events.contracts.inspections import AWAITING_RECTIFICATION, RECTIFICATION_DONE
from shared.events.contracts.reporting import ReportKind
from shared.labels import zh
from shared.pagination import PageRequest
from shared.periods import Period, PeriodKind
from shared.settings import get_settings
from shared.spreadsheets import Column, write_xlsx

TEMPLATES = Path(__file__).parent.parent / "templates"
OVERDUE_LIST_ROWS = 300  # the monthly report lists this many overdue hazards, the longest overdue first
COLOURS = {
    "red": "#d62728",
    "orange": "#ff7f0e",
    "yellow": "#e6c700",
    "blue": "#1f77b4",
    "unassessed": "#bbbbbb",
}
FORM_COLUMNS = [
    Column("网格", 22, wrap=True),
    Column("一般隐患排查数", 10, "int"),
    Column("一般隐患已整改", 10, "int"),
    Column("一般隐患整改率", 10, "percent"),
    Column("重大隐患排查数", 10, "int"),
    Column("重大隐患已整改", 10, "int"),
    Column("重大隐患整改率", 10, "percent"),
    Column("重大隐患列入治理计划", 12, "int"),
    Column("逾期未整改", 10, "int"),
    Column("上报/移交执法", 10, "int"),
]


def ensure_started(period: Period, field: str) -> None:
    """A report covers a period that has begun (422 naming the field otherwise)."""
    if period.start > local_today():
        raise InvalidInput(
            f"{period.chinese}尚未开始,不能出具报表 / the period {period.label} has not started", field=field
        )


def _trend_chart(trend: list[TrendMonth]) -> str:
    from shared.charts import new_figure, svg_data_uri  # matplotlib, loaded by the first report drawn

    figure, axes = new_figure(7.0, 2.8)
    labels = [m.month[2:] for m in trend]  # 26-01 ...
    axes.plot(labels, [m.found for m in trend], marker="o", label="发现")
    axes.plot(labels, [m.closed for m in trend], marker="s", label="销号")
    axes.set_ylabel("项")
    axes.grid(axis="y", alpha=0.3)
    axes.legend(frameon=False)
    return svg_data_uri(figure)


def _bars(labels: list[str], values: list[int], colours: list[str]) -> str:
    from shared.charts import new_figure, svg_data_uri

    figure, axes = new_figure(3.4, 2.6)
    bars = axes.bar(labels or ["(无)"], values or [0], color=colours or ["#888888"])
    axes.bar_label(bars)
    axes.spines[["top", "right"]].set_visible(False)
    return svg_data_uri(figure)


def overdue_hazards(session: Session, user: Access, as_of: date) -> tuple[int, list[dict[str, Any]]]:
    """Hazards past their deadline on `as_of` and neither fixed nor closed by then, longest first."""
    h = HazardFact
    condition = and_(
        COUNTED_HAZARD,
        visible_hazards(user),
        h.deadline < as_of,
        or_(h.rectified_on.is_(None), h.rectified_on > as_of),
        or_(h.closed_on.is_(None), h.closed_on > as_of),
        or_(h.state.in_(AWAITING_RECTIFICATION), h.closed_on > as_of, h.rectified_on > as_of),
    )
    total = session.scalar(select(func.count()).where(condition)) or 0
    rows = session.execute(
        select(h, ReportingUnit.name, ReportingGrid.name)
        .outerjoin(ReportingUnit, ReportingUnit.id == h.unit_id)
        .outerjoin(ReportingGrid, ReportingGrid.id == h.grid_id)
        .where(condition)
        .order_by(h.deadline, h.hazard_id)
        .limit(OVERDUE_LIST_ROWS)
    )
    return total, [
        {
            "unit": unit or "",
            "grid": grid or "",
            "location": fact.location or "",
            "description": fact.description or fact.category,
            "grade": zh("hazard_grade", fact.grade),
            "deadline": fact.deadline,
            "days": (as_of - fact.deadline).days if fact.deadline else 0,
            "responsible_person": fact.responsible_person or "",
        }
        for fact, unit, grid in rows
    ]


def monthly_report_pdf(session: Session, user: Access, month: Period) -> bytes:
    """The committee's monthly report (安全生产网格化监管月报) on A4."""
    ensure_started(month, "month")
    as_of = min(month.last_day, local_today())
    whole = PageRequest(cursor=None, limit=get_reporting_settings().statistics_max_rows)
    overview = dashboard(session, user, today=month.last_day)
    by_grid = hazard_statistics(session, user, month, GroupBy.grid, whole)
    by_grade = hazard_statistics(session, user, month, GroupBy.grade, whole)
    colours = sorted(overview.risk_colours.items(), key=lambda item: list(COLOURS).index(item[0]) if item[0] in COLOURS else 9)  # fmt: skip
    overdue_total, overdue = overdue_hazards(session, user, as_of)
    assessor = user.sub("assessment.read")
    context = {
        "month": month,
        "as_of": as_of,
        "issuer": get_settings().document_issuer,
        "made_on": local_today(),
        "overview": overview,
        "figures": overview.this_month,
        "by_grid": by_grid.items,
        "by_grade": by_grade.items,
        "trend_chart": _trend_chart(monthly_trend(session, user, month)),
        "grade_chart": _bars(
            [row.label for row in by_grade.items],
            [row.found for row in by_grade.items],
            ["#4c72b0", "#c44e52"],
        ),
        "colour_chart": _bars(
            [zh("risk_colour", c) if c in COLOURS and c != "unassessed" else "未评估" for c, _ in colours],
            [n for _, n in colours],
            [COLOURS.get(c, "#888888") for c, _ in colours],
        ),
        "overdue_total": overdue_total,
        "overdue": overdue,
        "filings": filing_status(session, user, ReportKind.monthly_risk, month.label),
        "grid_names": grid_names(session),
        "assessment": monthly_assessment(session, month, assessor) if assessor else None,
    }
    return render_pdf(TEMPLATES, "monthly_report.html.j2", context)


def statistics_form(session: Session, user: Access, period: Period) -> StatisticsForm:
    """事故隐患排查治理情况统计分析表: hazards found in a quarter or year, per grid, and the total."""
    if period.kind not in (PeriodKind.quarter, PeriodKind.year):
        raise InvalidInput(
            f"统计分析表按季度或年度出具,如 2026-Q3 或 2026 / period must be a quarter or a year, not {period.label}",
            field="period",
        )
    ensure_started(period, "period")
    h = HazardFact
    general, major, done = h.grade == "general", h.grade == "major", h.state.in_(RECTIFICATION_DONE)
    counts = (
        func.count().filter(general),
        func.count().filter(and_(general, done)),
        func.count().filter(major),
        func.count().filter(and_(major, done)),
        func.count().filter(and_(major, h.deadline_ordered)),
        func.count().filter(and_(h.ever_overdue, h.state.in_(AWAITING_RECTIFICATION))),
        func.count().filter(h.escalated),
    )
    names = grid_names(session)
    grouped = session.execute(
        select(h.grid_id, *counts)
        .where(found_in(period), COUNTED_HAZARD, visible_hazards(user))
        .group_by(h.grid_id)
    ).all()
    rows = sorted(
        (
            _form_row(names.get(grid_id, "未划入网格") if grid_id else "未划入网格", values)
            for grid_id, *values in grouped
        ),
        key=lambda row: row.label,
    )
    total = _form_row("合计", [sum(getattr(r, f) for r in rows) for f in StatisticsFormRow.COUNTS])
    return StatisticsForm(period=period.label, title=period.chinese, rows=rows, total=total)


def _form_row(label: str, values: list[int]) -> StatisticsFormRow:
    row = dict(zip(StatisticsFormRow.COUNTS, values, strict=True))
    return StatisticsFormRow(
        label=label,
        **row,
        general_rate=row["general_rectified"] / row["general_found"] if row["general_found"] else None,
        major_rate=row["major_rectified"] / row["major_found"] if row["major_found"] else None,
    )


def statistics_form_pdf(form: StatisticsForm) -> bytes:
    context = {"form": form, "issuer": get_settings().document_issuer, "made_on": local_today()}
    return render_pdf(TEMPLATES, "hazard_statistics_form.html.j2", context)


def statistics_form_xlsx(form: StatisticsForm) -> bytes:
    rows = (
        [r.label, r.general_found, r.general_rectified, r.general_rate, r.major_found, r.major_rectified,
         r.major_rate, r.major_planned, r.overdue_open, r.escalated]
        for r in [*form.rows, form.total]
    )  # fmt: skip
    return write_xlsx(f"{form.title}隐患排查治理统计分析表", FORM_COLUMNS, rows)
