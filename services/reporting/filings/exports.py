"""Filings as spreadsheets: who filed a report on time, late or not at all (报送情况), and a unit's
own filings (an enterprise downloads its own)."""

from collections.abc import Iterable

from services.reporting.filings.models import ReportFiling
from services.reporting.filings.schemas import FilingStatus
from shared.clock import local_date
from shared.labels import zh
from shared.spreadsheets import Column, write_xlsx

STATUS_COLUMNS = [
    Column("序号", 7, "int"),
    Column("单位名称", 30, wrap=True),
    Column("所属网格", 14),
    Column("报送情况", 11),
    Column("报送版本数", 10, "int"),
    Column("首次报送日期", 12, "date"),
    Column("截止日期", 12, "date"),
]
FILING_COLUMNS = [
    Column("报告", 22),
    Column("期间", 10),
    Column("版本", 7, "int"),
    Column("报送日期", 12, "date"),
    Column("截止日期", 12, "date"),
    Column("是否逾期", 9),
    Column("主要负责人签字", 14),
]


def filing_status_xlsx(status: FilingStatus, grid_names: dict[object, str]) -> bytes:
    rows = (
        [
            number,
            unit.unit_name,
            grid_names.get(unit.grid_id, ""),
            zh("filing_state", unit.status),
            unit.versions,
            local_date(unit.filed_at) if unit.filed_at else None,
            status.due_on,
        ]
        for number, unit in enumerate(status.units, start=1)
    )
    return write_xlsx(f"{zh('report_kind', status.kind)}报送情况{status.period}", STATUS_COLUMNS, rows)


def filings_xlsx(unit_name: str, filings: Iterable[ReportFiling]) -> bytes:
    rows = (
        [
            zh("report_kind", f.kind),
            f.period,
            f.version,
            local_date(f.filed_at),
            f.due_on,
            "是" if f.late else "否",
            f.signed_by,
        ]
        for f in filings
    )
    return write_xlsx(f"{unit_name}报告报送记录", FILING_COLUMNS, rows)
