"""What people and machines take away: the hazard ledger and statistics tables as .xlsx (Chinese
headers) and .csv, and the committee's monthly PDF report with charts."""

import io
from collections.abc import Iterator

from matplotlib.backends.backend_pdf import PdfPages
from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from services.reporting.facts.models import HazardFact
from services.reporting.statistics.schemas import GroupBy, HazardStatistics
from services.reporting.statistics.service import (
    dashboard,
    found_in,
    hazard_statistics,
    visible_hazards,
)
from services.reporting.units.models import ReportingGrid, ReportingUnit
from shared.access import Access
from shared.charts import new_figure
from shared.labels import zh
from shared.pagination import PageRequest
from shared.periods import Period
from shared.spreadsheets import write_csv, write_xlsx

LEDGER_HEADER = [
    "序号", "隐患编号", "单位名称", "所属网格", "隐患类别", "隐患等级", "隐患来源", "发现日期",
    "整改期限", "当前状态", "立改立销", "曾逾期", "上报/移交执法", "销号日期", "按期销号",
]  # fmt: skip
STATISTICS_COLUMNS = [
    ("label", "分组"), ("found", "排查发现"), ("fixed_on_spot", "立改立销"), ("under_deadline", "限期整改"),
    ("overdue", "逾期"), ("escalated", "上报/移交"), ("rectified", "已整改"), ("closed", "已销号"),
    ("rectification_rate", "整改率"), ("on_time_rate", "按期销号率"), ("average_days_to_close", "平均销号天数"),
]  # fmt: skip
YES_NO = {True: "是", False: "否", None: ""}
COLOURS = {
    "red": "#d62728",
    "orange": "#ff7f0e",
    "yellow": "#e6c700",
    "blue": "#1f77b4",
    "unassessed": "#bbbbbb",
}


def hazard_ledger_rows(session: Session, user: Access, period: Period) -> Iterator[list[object]]:
    """The hazard ledger (隐患台帐) of the hazards found in the period, oldest first, streamed."""
    h = HazardFact
    rows = session.execute(
        select(
            h.hazard_id,
            ReportingUnit.name,
            ReportingGrid.name,
            h.category,
            h.grade,
            h.source,
            h.reported_on,
            h.deadline,
            h.state,
            h.fixed_on_spot,
            h.ever_overdue,
            h.escalated,
            h.closed_on,
            h.closed_on_time,
        )  # fmt: skip
        .outerjoin(ReportingUnit, ReportingUnit.id == h.unit_id)
        .outerjoin(ReportingGrid, ReportingGrid.id == h.grid_id)
        .where(and_(found_in(period), visible_hazards(user)))
        .order_by(h.reported_on, h.hazard_id)
        .execution_options(yield_per=5000)
    )
    for number, r in enumerate(rows, start=1):
        yield [
            number, str(r[0]), r[1] or "", r[2] or "", r[3], zh("hazard_grade", r[4]), zh("hazard_source", r[5]), r[6],
            r[7], zh("hazard_state", r[8]), YES_NO[r[9]], YES_NO[r[10]], YES_NO[r[11]], r[12], YES_NO[r[13]],
        ]  # fmt: skip


def hazard_ledger_xlsx(session: Session, user: Access, period: Period) -> tuple[bytes, int]:
    """The ledger as .xlsx, and how many hazards it lists."""
    counted = 0

    def rows() -> Iterator[list[object]]:
        nonlocal counted
        for row in hazard_ledger_rows(session, user, period):
            counted += 1
            yield row

    content = write_xlsx(f"隐患台帐{period.label}", LEDGER_HEADER, rows())
    return content, counted


def statistics_rows(stats: HazardStatistics) -> list[list[object]]:
    return [[getattr(row, name) for name, _ in STATISTICS_COLUMNS] for row in stats.items]


def statistics_xlsx(stats: HazardStatistics) -> bytes:
    return write_xlsx(
        f"隐患统计{stats.period}", [title for _, title in STATISTICS_COLUMNS], statistics_rows(stats)
    )


def statistics_csv(stats: HazardStatistics) -> str:
    return write_csv(
        ["key", *(name for name, _ in STATISTICS_COLUMNS)],
        ([r.key, *v] for r, v in zip(stats.items, statistics_rows(stats), strict=True)),
    )


def monthly_report_pdf(session: Session, user: Access, month: Period) -> bytes:
    """The committee's monthly report (月度安全生产网格化监管报告): figures and four charts."""
    overview = dashboard(session, user, today=month.last_day)  # as of the month's last day
    by_grid = hazard_statistics(session, user, month, GroupBy.grid, PageRequest(cursor=None, limit=20))
    by_grade = hazard_statistics(session, user, month, GroupBy.grade, PageRequest(cursor=None, limit=10))
    trend = overview.trend
    buffer = io.BytesIO()
    with PdfPages(buffer) as pdf:
        figure, axes = new_figure(8.27, 11.69, rows=3, cols=1)  # A4 portrait
        figure.suptitle(f"{month.chinese}安全生产网格化监管月报", fontsize=16)
        figures = overview.this_month
        axes[0].axis("off")
        lines = [
            f"本月排查隐患 {figures.found} 项,其中立改立销 {figures.fixed_on_spot} 项,限期整改 {figures.under_deadline} 项;",
            f"已整改 {figures.rectified} 项,已销号 {figures.closed} 项,逾期 {figures.overdue} 项,上报/移交 {figures.escalated} 项;",
            f"整改率 {_percent(figures.rectification_rate)},按期销号率 {_percent(figures.on_time_rate)}。",
            f"月度风险分析报告:按时 {overview.monthly_risk_reports.get('on_time', 0)} 家,"
            f"逾期 {overview.monthly_risk_reports.get('late', 0)} 家,未报 {overview.monthly_risk_reports.get('missing', 0)} 家。",
        ]
        axes[0].text(0, 0.9, "\n".join(lines), va="top", fontsize=11, linespacing=1.8)
        labels = [m.month for m in trend]
        axes[1].plot(labels, [m.found for m in trend], marker="o", label="发现 found")
        axes[1].plot(labels, [m.closed for m in trend], marker="s", label="销号 closed")
        axes[1].set_title("近12个月隐患发现与销号趋势")
        axes[1].tick_params(axis="x", rotation=45)
        axes[1].legend()
        names = [row.label for row in by_grid.items] or ["(无)"]
        axes[2].bar(names, [row.found for row in by_grid.items] or [0], color="#4c72b0", label="发现")
        axes[2].bar(names, [row.closed for row in by_grid.items] or [0], color="#55a868", label="销号")
        axes[2].set_title("本月各网格隐患")
        axes[2].legend()
        figure.tight_layout(rect=(0, 0, 1, 0.96))
        pdf.savefig(figure)

        figure, axes = new_figure(8.27, 11.69, rows=2, cols=1)
        grades = [(row.label, row.found) for row in by_grade.items if row.found]
        if grades:
            axes[0].pie(
                [n for _, n in grades], labels=[f"{label} {n}" for label, n in grades], autopct="%1.0f%%"
            )
        else:
            axes[0].text(0.5, 0.5, "本月无隐患", ha="center")
            axes[0].axis("off")
        axes[0].set_title("本月隐患等级构成")
        colours = sorted(
            overview.risk_colours.items(),
            key=lambda item: list(COLOURS).index(item[0]) if item[0] in COLOURS else 9,
        )
        axes[1].bar(
            [zh("risk_colour", c) for c, _ in colours] or ["(无)"],
            [n for _, n in colours] or [0],
            color=[COLOURS.get(c, "#888888") for c, _ in colours] or ["#888888"],
        )
        axes[1].set_title("单位风险等级分布(红橙黄蓝)")
        figure.tight_layout()
        pdf.savefig(figure)
    return buffer.getvalue()


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"
