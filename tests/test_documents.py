"""The committee's printed reports, typeset through shared/documents: the monthly report (月报) and
the quarterly and annual statistics of order No. 16 art. 14, rendered, pictured and read back."""

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from shared.auth import Role
from shared.clock import local_today
from shared.periods import PeriodKind, containing
from tests.support.documents import pdf_pages
from tests.support.reporting import registry_events, scripted_month
from tests.test_reporting import apply_in_order

LAST_MONTH = containing(PeriodKind.month, local_today()).previous()
QUARTER = containing(PeriodKind.quarter, LAST_MONTH.start)


@pytest.fixture
def zone_month():
    zone = registry_events(grid_count=3, units_per_grid=3)
    apply_in_order(zone.envelopes)
    month = scripted_month(zone, LAST_MONTH.start, hazards=60, seed=18)
    apply_in_order(month)
    return zone, month


def test_the_monthly_report_is_typeset_with_its_tables_charts_and_page_numbers(clients, auth, zone_month):
    response = clients["reporting"].get(
        "/reports/monthly.pdf", params={"month": LAST_MONTH.label}, headers=auth(Role.safety_office)
    )
    assert response.status_code == 200, response.text
    pages = pdf_pages(response.content, "monthly-report")
    text = "".join(pages)
    assert 2 <= len(pages) <= 6
    for field in (f"{LAST_MONTH.chinese}安全生产网格化监管月报", "一、总体情况", "近12个月隐患发现与销号趋势", "二、各网格隐患排查治理情况", "第1网格", "第3网格", "三、逾期未整改隐患清单", "逾期天数", "四、企业月度风险分析报告报送情况", "未报送", "五、网格员考核情况"):  # fmt: skip
        assert field in text, field
    for number, page in enumerate(pages, start=1):
        assert f"第 {number} 页 共 {len(pages)} 页" in page


def test_a_grid_member_gets_the_report_of_their_grids_without_the_assessment(clients, auth, zone_month):
    zone, _ = zone_month
    mine = auth(Role.grid_member, grid_ids=[zone.grids[0]])
    response = clients["reporting"].get(
        "/reports/monthly.pdf", params={"month": LAST_MONTH.label}, headers=mine
    )
    text = "".join(pdf_pages(response.content, "monthly-report-grid-member"))
    assert "第1网格" in text and "第2网格" not in text and "考核情况按权限另行印发" in text


def test_the_quarterly_statistics_form_of_order_16_as_pdf_and_spreadsheet(clients, auth, zone_month):
    office = auth(Role.safety_office)
    response = clients["reporting"].get("/reports/hazard-statistics.pdf", params={"period": QUARTER.label}, headers=office)  # fmt: skip
    assert response.status_code == 200, response.text
    pages = pdf_pages(response.content, "hazard-statistics-form")
    text = "".join(pages)
    assert len(pages) == 1
    for field in (f"{QUARTER.chinese}事故隐患排查治理情况统计分析表", "第十四条", "一般事故隐患", "重大事故隐患", "列入治理计划", "第1网格", "合计", "主要负责人(签字)"):  # fmt: skip
        assert field in text, field
    sheet = load_workbook(io.BytesIO(clients["reporting"].get("/reports/hazard-statistics.xlsx", params={"period": QUARTER.label}, headers=office).content)).active  # fmt: skip
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("网格", "一般隐患排查数", "一般隐患已整改") and rows[-1][0] == "合计"
    assert len(rows) == 1 + 3 + 1
    assert rows[-1][1] == sum(r[1] for r in rows[1:-1]) and rows[-1][4] == sum(r[4] for r in rows[1:-1])
    assert sheet["D2"].number_format == "0.0%" and sheet.freeze_panes == "A2"


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/reports/monthly.pdf", {"month": (local_today().replace(day=1) + timedelta(days=32)).strftime("%Y-%m")}, "month"),
        ("/reports/monthly.pdf", {"month": "2026-Q1"}, "month"),
        ("/reports/hazard-statistics.pdf", {"period": containing(PeriodKind.quarter, local_today()).next().label}, "period"),
        ("/reports/hazard-statistics.xlsx", {"period": str(local_today().year + 1)}, "period"),
        ("/reports/hazard-statistics.pdf", {"period": LAST_MONTH.label}, "period"),
    ],
)  # fmt: skip
def test_a_report_for_a_period_that_has_not_started_or_of_the_wrong_kind_is_422(
    clients, auth, path, params, field
):
    answer = clients["reporting"].get(path, params=params, headers=auth())
    assert answer.status_code == 422, answer.text
    assert field in str(answer.json()["errors"][0]["loc"])


def test_an_office_adapts_a_document_in_its_own_template_folder(clients, auth, tmp_path, monkeypatch):
    from shared.documents import SHARED_TEMPLATES, environment
    from shared.settings import get_settings

    letterhead = (SHARED_TEMPLATES / "base.html.j2").read_text().replace("<body>", "<body><p>某某经济开发区安全生产委员会办公室 文件</p>")  # fmt: skip
    (tmp_path / "base.html.j2").write_text(letterhead)
    monkeypatch.setenv("DOCUMENT_TEMPLATES_DIR", str(tmp_path))
    monkeypatch.setenv("DOCUMENT_ISSUER", "某某经济开发区安委办")
    get_settings.cache_clear()
    environment.cache_clear()
    try:
        response = clients["reporting"].get("/reports/hazard-statistics.pdf", params={"period": QUARTER.label}, headers=auth())  # fmt: skip
        text = "".join(pdf_pages(response.content, "hazard-statistics-form-adapted"))
        assert (
            "某某经济开发区安全生产委员会办公室 文件" in text
            and "填报单位(盖章):某某经济开发区安委办" in text
        )
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
        environment.cache_clear()
