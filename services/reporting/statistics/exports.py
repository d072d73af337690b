"""What people and machines take away: the hazard ledger and statistics tables as .xlsx (Chinese
headers, set up to print by shared/spreadsheets.py) and .csv."""

from collections.abc import Iterator

from sqlalchemy import String, and_, cast, func, select
from sqlalchemy.orm import Session

from services.reporting.facts.models import HazardFact
from services.reporting.settings import get_reporting_settings
from services.reporting.statistics.schemas import HazardStatistics
from services.reporting.statistics.service import found_in, visible_hazards
from services.reporting.units.models import ReportingGrid, ReportingUnit
from shared.access import Access
from shared.errors import InvalidInput
from shared.labels import zh
from shared.periods import Period
from shared.spreadsheets import Column, write_csv, write_xlsx

# 事故隐患台帐: one row per hazard, what order No. 16 asks a ledger to show.
LEDGER_COLUMNS = [
    Column("序号", 7, "int"),
    Column("隐患编号", 37),
    Column("单位名称", 24, wrap=True),
    Column("所属网格", 12),
    Column("隐患部位", 16, wrap=True),
    Column("隐患描述", 32, wrap=True),
    Column("隐患类别", 10),
    Column("隐患等级", 9),
    Column("隐患来源", 10),
    Column("发现日期", 11, "date"),
    Column("发现人", 9),
    Column("整改措施", 30, wrap=True),
    Column("整改责任人", 10),
    Column("整改期限", 11, "date"),
    Column("整改完成日期", 11, "date"),
    Column("复查人", 9),
    Column("复查日期", 11, "date"),
    Column("销号日期", 11, "date"),
    Column("当前状态", 11),
    Column("是否逾期", 7),
]
STATISTICS_COLUMNS = [
    ("label", Column("分组", 24, wrap=True)),
    ("found", Column("排查发现", 9, "int")),
    ("fixed_on_spot", Column("立改立销", 9, "int")),
    ("under_deadline", Column("限期整改", 9, "int")),
    ("overdue", Column("逾期", 7, "int")),
    ("escalated", Column("上报/移交", 9, "int")),
    ("rectified", Column("已整改", 8, "int")),
    ("closed", Column("已销号", 8, "int")),
    ("rectification_rate", Column("整改率", 9, "percent")),
    ("on_time_rate", Column("按期销号率", 10, "percent")),
    ("average_days_to_close", Column("平均销号天数", 11, "number")),
]
YES_NO = {True: "是", False: "否", None: ""}


def hazard_ledger_rows(session: Session, user: Access, period: Period) -> Iterator[list[object]]:
    """The hazard ledger (隐患台帐) of the hazards found in the period, oldest first, streamed."""
    h = HazardFact
    rows = session.execute(
        select(
            cast(h.hazard_id, String),  # as text straight away: no UUID object per row
            ReportingUnit.name,
            ReportingGrid.name,
            h.location,
            h.description,
            h.category,
            h.grade,
            h.source,
            h.reported_on,
            h.found_by,
            h.measures,
            h.responsible_person,
            h.deadline,
            h.rectified_on,
            h.verified_by,
            h.verified_on,
            h.closed_on,
            h.state,
            h.ever_overdue,
        )  # fmt: skip
        .outerjoin(ReportingUnit, ReportingUnit.id == h.unit_id)
        .outerjoin(ReportingGrid, ReportingGrid.id == h.grid_id)
        .where(and_(found_in(period), visible_hazards(user)))
        .order_by(h.reported_on, h.hazard_id)
        .execution_options(yield_per=5000)
    )
    for number, r in enumerate(rows, start=1):
        yield [
            number, r[0], r[1] or "", r[2] or "", r[3], r[4], r[5], zh("hazard_grade", r[6]),
            zh("hazard_source", r[7]), r[8], r[9], r[10], r[11], r[12], r[13], r[14], r[15], r[16],
            zh("hazard_state", r[17]), YES_NO[r[18]],
        ]  # fmt: skip


def hazard_ledger_xlsx(session: Session, user: Access, period: Period) -> tuple[bytes, int]:
    """The ledger as .xlsx, and how many hazards it lists; refused (before writing anything) when
    more hazards than one file may hold were found in the period."""
    most = get_reporting_settings().hazard_ledger_max_rows
    found = (
        session.scalar(
            select(func.count()).select_from(HazardFact).where(and_(found_in(period), visible_hazards(user)))
        )
        or 0
    )
    if found > most:
        raise InvalidInput(
            f"{period.label}共有隐患{found:,}条,超过单个台帐文件的上限{most:,}条,请按季度或月份分别导出 / "
            f"{found:,} hazards were found in {period.label}, more than one ledger file holds "
            f"({most:,}); export shorter periods",
            field="period",
        )
    counted = 0

    def rows() -> Iterator[list[object]]:
        nonlocal counted
        for row in hazard_ledger_rows(session, user, period):
            counted += 1
            yield row

    content = write_xlsx(f"事故隐患台帐{period.label}", LEDGER_COLUMNS, rows())
    return content, counted


def statistics_rows(stats: HazardStatistics) -> list[list[object]]:
    return [[getattr(row, name) for name, _ in STATISTICS_COLUMNS] for row in stats.items]


def statistics_xlsx(stats: HazardStatistics) -> bytes:
    return write_xlsx(
        f"隐患统计{stats.period}", [column for _, column in STATISTICS_COLUMNS], statistics_rows(stats)
    )


def statistics_csv(stats: HazardStatistics) -> str:
    return write_csv(
        ["key", *(name for name, _ in STATISTICS_COLUMNS)],
        ([r.key, *v] for r, v in zip(stats.items, statistics_rows(stats), strict=True)),
    )
