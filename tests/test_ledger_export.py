"""The hazard ledger (事故隐患台帐) and the other spreadsheets: every column the ledger needs, filled
from the hazards' real events, set up to file and print; enterprises download their own."""

import io
import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import IntEnum, StrEnum

import pytest
from openpyxl import load_workbook

from services.reporting.settings import get_reporting_settings
from shared.auth import Role
from shared.clock import local_today
from shared.events.contracts.registry import EnterpriseRegisteredV1, GridChangedV1, ProductionStatus, UnitKind
from shared.periods import PeriodKind, containing
from shared.spreadsheets import Column, write_xlsx
from tests.support.inspections import known_unit, sql_rows
from tests.support.jobs import exported, run_job
from tests.support.reporting import envelope
from tests.test_hazards import evidence, report, step
from tests.test_reporting import apply_in_order

THIS_MONTH = containing(PeriodKind.month, local_today())
LEDGER_TITLES = (
    "序号", "隐患编号", "单位名称", "所属网格", "隐患部位", "隐患描述", "隐患类别", "隐患等级", "隐患来源", "发现日期",
    "发现人", "整改措施", "整改责任人", "整改期限", "整改完成日期", "复查人", "复查日期", "销号日期", "当前状态", "是否逾期",
)  # fmt: skip


def a_unit_known_to_both() -> uuid.UUID:
    """A unit in a grid that inspections and reporting both know."""
    grid_id = uuid.uuid4()
    unit_id = known_unit(grid_id)
    apply_in_order([
        envelope(GridChangedV1(grid_id=grid_id, zone_id=uuid.uuid4(), code="G7", name="第7网格", boundary={}, leader_person_id=None, member_person_ids=[]), "registry"),
        envelope(EnterpriseRegisteredV1(enterprise_id=unit_id, name="宏达化工有限公司", credit_code="x", kind=UnitKind.enterprise, industry="化工", production_status=ProductionStatus.operating, key_supervision=True, grid_id=grid_id, responsible_head=None, responsible_phone=None), "registry"),
    ])  # fmt: skip
    return unit_id


def inspections_events_to_reporting() -> None:
    """What inspections published so far, applied by reporting's real consumer."""
    for (body,) in sql_rows("SELECT envelope FROM inspections.outbox ORDER BY position"):
        from services.reporting.worker import consumer

        consumer.process(body)


def check_print_setup(sheet, columns: int, rows: int) -> None:
    last = chr(ord("A") + columns - 1)
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{last}{max(rows, 1) + 1}"
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
    assert sheet.print_title_rows == "$1:$1"  # the header on every printed page
    page = sheet.page_setup  # one page wide (1 is the default, left out), as many long as it takes
    assert (
        sheet.sheet_properties.pageSetUpPr.fitToPage
        and page.fitToWidth in (None, 1)
        and page.fitToHeight == 0
    )
    assert "&P" in sheet.oddFooter.center.text
    assert all(sheet.column_dimensions[chr(ord("A") + i)].width >= 6 for i in range(columns))


def test_the_ledger_has_every_column_filled_from_the_lifecycle_and_prints_on_a4_landscape(api, clients, auth):
    unit = a_unit_known_to_both()
    hazard = report(api, unit, description="配电箱未接地").json()
    deadline = local_today() + timedelta(days=7)
    step(api, hazard["id"], "order_rectification", deadline=str(deadline), responsible_person="王班长", measures="重新敷设接地线")  # fmt: skip
    photo = evidence(api, hazard["id"], who="unit")
    the_unit = {"who": "unit", "role": Role.enterprise_user, "enterprise_id": str(unit)}
    step(api, hazard["id"], "mark_rectified", evidence_ids=[photo], **the_unit)
    step(api, hazard["id"], "verify", who="复查员", role=Role.safety_office, passed=True)
    step(api, hazard["id"], "close", who="复查员", role=Role.safety_office)
    open_one = report(api, unit, description='=HYPERLINK("x")').json()  # a formula stays inert text
    inspections_events_to_reporting()

    own = auth(Role.enterprise_user, enterprise_id=unit)
    submitted = clients["reporting"].post(
        "/exports/hazard-ledger", params={"period": THIS_MONTH.label}, headers=own
    )
    ledger = exported(clients["reporting"], "reporting", submitted, own)
    assert ledger.status_code == 200
    sheet = load_workbook(io.BytesIO(ledger.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == LEDGER_TITLES and len(rows) == 3
    by_id = {row[1]: dict(zip(LEDGER_TITLES, row, strict=True)) for row in rows[1:]}
    closed = by_id[hazard["id"]]
    today = datetime.combine(local_today(), datetime.min.time())
    assert closed["单位名称"] == "宏达化工有限公司" and closed["所属网格"] == "第7网格"
    assert closed["隐患部位"] == "二号仓库" and closed["隐患描述"] == "配电箱未接地"
    assert (
        closed["隐患等级"] == "一般隐患" and closed["发现人"] == "inspector" and closed["发现日期"] == today
    )
    assert closed["整改措施"] == "重新敷设接地线" and closed["整改责任人"] == "王班长"
    assert closed["整改期限"] == datetime.combine(deadline, datetime.min.time())
    assert closed["整改完成日期"] == today and closed["复查人"] == "复查员" and closed["复查日期"] == today
    assert closed["销号日期"] == today and closed["当前状态"] == "已销号" and closed["是否逾期"] == "否"
    assert (
        by_id[open_one["id"]]["隐患描述"] == '\'=HYPERLINK("x")'
        and by_id[open_one["id"]]["当前状态"] == "已登记"
    )
    line = 2 + [row[1] for row in rows[1:]].index(hazard["id"])
    assert all(sheet[f"{c}{line}"].number_format == "yyyy-mm-dd" for c in "JNOQR")  # dates, never ###
    assert sheet.column_dimensions["N"].number_format == "yyyy-mm-dd"  # an empty cell typed in too
    assert sheet.column_dimensions["F"].width >= 30 and sheet["F2"].alignment.wrap_text
    check_print_setup(sheet, len(LEDGER_TITLES), 2)

    # another enterprise's ledger holds none of these; a grid member outside the grid neither
    other = auth(Role.enterprise_user, enterprise_id=uuid.uuid4())
    theirs = exported(clients["reporting"], "reporting", clients["reporting"].post("/exports/hazard-ledger", params={"period": THIS_MONTH.label}, headers=other), other)  # fmt: skip
    assert list(load_workbook(io.BytesIO(theirs.content)).active.iter_rows(values_only=True)) == [
        LEDGER_TITLES
    ]


def test_a_ledger_longer_than_one_file_holds_is_refused_saying_so(api, clients, auth, monkeypatch):
    unit = a_unit_known_to_both()
    for description in ("配电箱未接地", "消防通道堵塞"):
        report(api, unit, description=description)
    inspections_events_to_reporting()
    monkeypatch.setattr(get_reporting_settings(), "hazard_ledger_max_rows", 1)
    office = auth(Role.safety_office)
    submitted = clients["reporting"].post("/exports/hazard-ledger", params={"period": THIS_MONTH.label}, headers=office)  # fmt: skip
    job = run_job(clients["reporting"], "reporting", submitted, office)
    assert job["status"] == "failed" and "超过单个台帐文件的上限1条,请按季度或月份分别导出" in job["error"]
    assert clients["reporting"].get(f"/jobs/{job['id']}/result", headers=office).status_code != 200


def test_an_enterprise_downloads_its_filings_and_the_office_the_filing_status(clients, auth):
    unit = a_unit_known_to_both()
    last_month = THIS_MONTH.previous().label
    own = auth(Role.enterprise_user, enterprise_id=unit)
    body = {"unit_id": str(unit), "kind": "monthly_risk", "period": last_month, "monthly_risk": {"shortcomings": "无", "weak_points": "无", "difficulties": "无", "main_risks": [{"risk": "火灾", "measures": "巡查"}]}}  # fmt: skip
    assert clients["reporting"].post("/filings", json=body, headers=own).status_code == 201
    mine = clients["reporting"].get("/filings.xlsx", params={"unit_id": str(unit)}, headers=own)
    assert mine.status_code == 200, mine.text
    sheet = load_workbook(io.BytesIO(mine.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("报告", "期间", "版本", "报送日期", "截止日期", "是否逾期", "主要负责人签字")
    assert rows[1][:3] == ("月度风险分析报告", last_month, 1) and sheet["D2"].number_format == "yyyy-mm-dd"
    check_print_setup(sheet, 7, 1)
    other = auth(Role.enterprise_user, enterprise_id=uuid.uuid4())
    assert (
        clients["reporting"].get("/filings.xlsx", params={"unit_id": str(unit)}, headers=other).status_code
        == 403
    )

    status = clients["reporting"].get("/filings/status.xlsx", params={"kind": "monthly_risk", "period": last_month}, headers=auth(Role.safety_office))  # fmt: skip
    sheet = load_workbook(io.BytesIO(status.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("序号", "单位名称", "所属网格", "报送情况")
    assert ("宏达化工有限公司", "第7网格") in {(r[1], r[2]) for r in rows[1:]}
    check_print_setup(sheet, 7, len(rows) - 1)
    assert clients["reporting"].get("/filings/status.xlsx", params={"kind": "monthly_risk", "period": last_month}, headers=own).status_code == 403  # fmt: skip


def test_a_table_longer_than_a_sheet_continues_on_the_next_with_its_header():
    columns = [Column("序号", 8, "int"), Column("日期", 12, "date")]
    content = write_xlsx("台帐", columns, ([n, date(2026, 1, 1)] for n in range(1, 6)), rows_per_sheet=2)
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["台帐", "台帐(2)", "台帐(3)"]
    assert [[row[0] for row in sheet.iter_rows(values_only=True)] for sheet in book] == [
        ["序号", 1, 2],
        ["序号", 3, 4],
        ["序号", 5],
    ]
    for sheet, rows in zip(book, (2, 2, 1), strict=True):
        check_print_setup(sheet, 2, rows)
        assert sheet["B2"].number_format == "yyyy-mm-dd"


def test_the_statistics_and_assessment_sheets_get_the_same_care(clients, auth):
    office = auth(Role.safety_office)
    last_month = THIS_MONTH.previous().label
    assessment = clients["reporting"].get("/assessment.xlsx", params={"month": last_month}, headers=office)
    assert assessment.status_code == 200, assessment.text
    sheet = load_workbook(io.BytesIO(assessment.content)).active
    header = next(sheet.iter_rows(values_only=True))
    assert header[:4] == ("名次", "姓名", "网格", "得分") and "权重" in header[4]
    check_print_setup(sheet, len(header), 0)
    statistics = clients["reporting"].get("/statistics/hazards.xlsx", params={"period": last_month, "group_by": "grid"}, headers=office)  # fmt: skip
    sheet = load_workbook(io.BytesIO(statistics.content)).active
    header = next(sheet.iter_rows(values_only=True))
    assert header[:2] == ("分组", "排查发现") and sheet.column_dimensions["I"].number_format == "0.0%"
    check_print_setup(sheet, len(header), 0)
    grid_member = auth(Role.grid_member, grid_ids=[uuid.uuid4()])
    assert clients["reporting"].get("/assessment.xlsx", params={"month": last_month}, headers=grid_member).status_code == 403  # fmt: skip


class Grade(StrEnum):
    major = "重大隐患"


class Count(IntEnum):
    three = 3


def test_every_kind_of_cell_reads_back_as_written():
    """The data rows are written as the sheet's XML directly: text that needs escaping, whitespace at
    the ends, control characters, enums, booleans, fractions, dates and times all come back."""
    kinds = {5: "int", 7: "number", 8: "number", 9: "date", 10: "date"}
    columns = [Column(str(n), kind=kinds.get(n, "text")) for n in range(13)]  # type: ignore[arg-type]
    row = [
        "A&B <c> \"d\"", "  两端空格 ", "铃\x07声", "_x0041_", Grade.major, Count.three, True, 0.00001,
        Decimal("2.50"), date(2026, 1, 2), datetime(2026, 1, 2, 12, 30), None, "末列",
    ]  # fmt: skip
    sheet = load_workbook(io.BytesIO(write_xlsx("各类单元格", columns, [row, row]))).active
    assert sheet.max_row == 3 and sheet.max_column == 13 and sheet.dimensions == "A1:M3"
    for line in (2, 3):
        assert [cell.value for cell in sheet[line]] == [
            "A&B <c> \"d\"", "  两端空格 ", "铃_x0007_声", "_x005F_x0041_", "重大隐患", 3, True, 0.00001,
            2.5, datetime(2026, 1, 2), datetime(2026, 1, 2, 12, 30), None, "末列",
        ]  # fmt: skip
    with pytest.raises(ValueError, match="column A of row 2"):
        write_xlsx("t", [Column("a", kind="number")], [[float("nan")]])
