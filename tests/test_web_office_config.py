"""The office console's configuration (配置管理) and report (报表) pages in a real browser at a
desktop's size, against the whole running system.

A zone admin publishes a checklist version, changes a cadence rule and the assessment weights
from a day with a reason, records a holiday, replays a webhook delivery and a dead letter; the
report pages download the Excel and PDF files, show the counts behind each score and the roll-out's
tasks; an auditor reads the configuration without a way to change it, and a grid member is kept
out of it. Each page is saved as a screenshot in test-artifacts/web/ and checked with axe-core.
"""

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx

from shared.auth import Role
from shared.clock import local_today
from shared.periods import PeriodKind, containing
from tests.factories import create_zone_and_grid, enterprise_payload
from tests.support import probe
from tests.support.browser import (
    BROWSER_TEST,
    DESKTOP,
    accessible,
    account,
    browser_page,
    headers_of,
    log_in,
    ok,
    shot,
    staff,
)
from tests.support.files import pdf
from tests.support.processes import wait_until

pytestmark = BROWSER_TEST

TODAY = local_today()
THIS_MONTH = containing(PeriodKind.month, TODAY).label
LAST_MONTH = containing(PeriodKind.month, TODAY).previous().label
FILE_TYPES = {
    "application/pdf",
    "text/csv",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _clients(gateway: str, headers: dict[str, str]) -> dict[str, httpx.Client]:
    return {
        service: httpx.Client(base_url=f"{gateway}/api/{service}", headers=headers, timeout=30)
        for service in ("registry", "inspections", "notifications", "reporting")
    }


def _open(page: Any, gateway: str, path: str, heading: str) -> None:
    from playwright.sync_api import expect

    page.goto(f"{gateway}/office/{path}")
    expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()


def _pick_day(scope: Any, label: str, day: object) -> None:
    field = scope.get_by_label(label, exact=True)
    field.fill(str(day))
    field.press("Enter")


def _dead_letter(reporting: httpx.Client) -> dict[str, Any]:
    """An event reporting cannot read (an unknown contract version): it is dead-lettered at once."""
    probe.send_unreadable_event("reporting")
    return wait_until(lambda: ok(reporting.get("/admin/dead-letters"))["items"], timeout=60)[0]


def test_a_zone_admin_keeps_the_configuration(system, make_token, http_sink):
    from playwright.sync_api import expect

    api = _clients(system, {"Authorization": f"Bearer {make_token(Role.zone_admin)}"})
    admin = account(api["registry"], "赵管理", "zone_admin")[0]
    grid = create_zone_and_grid(api["registry"], api["registry"].headers)
    checklist = {
        "code": "fire-daily",
        "name": "消防日常检查表",
        "items": [
            {"key": "ext", "text": "灭火器在有效期内", "category": "消防"},
            {"key": "exit", "text": "安全出口畅通", "category": "消防"},
        ],
    }
    ok(api["inspections"].post("/checklists", json=checklist), 201)
    rule = ok(api["inspections"].get("/cadences/rules"))[0]
    hook = {"name": "市级监管平台", "url": http_sink.url("/hooks/city"), "event_types": ["hazard.reported"]}
    subscription = ok(api["notifications"].post("/webhooks", json=hook), 201)
    unit = ok(api["registry"].post("/enterprises", json=enterprise_payload(grid["id"], name="华安化工")), 201)
    wait_until(lambda: api["inspections"].get(f"/units/{unit['id']}").status_code == 200, timeout=60)
    hazard = {
        "unit_id": unit["id"],
        "source": "superior_inspection",
        "category": "消防",
        "grade": "general",
        "location": "仓库",
        "description": "灭火器过期",
    }
    ok(api["inspections"].post("/hazards", json=hazard), 201)
    delivered = {"subscription_id": subscription["id"], "status": "sent"}
    wait_until(lambda: ok(api["notifications"].get("/deliveries", params=delivered))["items"], timeout=60)
    assert _dead_letter(api["reporting"])["replay_count"] == 0

    with browser_page(DESKTOP) as page:
        log_in(page, system, admin, lands="/office/dashboard")

        # 检查表: a new version of a checklist, one more item; a blank item is refused at its field
        _open(page, system, "config/checklists", "检查表 / checklists")
        expect(page.get_by_role("navigation", name="管理端菜单").get_by_text("配置管理")).to_be_visible()
        page.locator(".el-table__row", has_text="消防日常检查表").get_by_role("button", name="查看").click()
        expect(page.get_by_text("安全出口畅通")).to_be_visible()
        shot(page, "office-config-checklists")
        accessible(page, "office-config-checklists")
        page.get_by_role("button", name="发布新版本").click()
        dialog = page.locator(".el-overlay-dialog")  # date pickers pop up as dialogs too
        dialog.get_by_role("button", name="添加检查项").click()
        dialog.get_by_label("第 3 项检查内容").fill("疏散指示标志完好")
        dialog.get_by_label("第 3 项隐患类别").fill("消防")
        dialog.get_by_role("button", name="发布").click()
        expect(dialog.locator(".field-error")).to_be_visible()  # item 3 has no key: said at its field
        accessible(page, "office-config-checklist-editor")
        dialog.get_by_label("第 3 项编号").fill("signs")
        dialog.get_by_role("button", name="发布").click()
        expect(dialog).to_be_hidden()
        expect(page.get_by_text("疏散指示标志完好")).to_be_visible()
        versions = ok(api["inspections"].get("/checklists"))["items"]
        assert [(c["version"], len(c["items"])) for c in versions if c["code"] == "fire-daily"] == [
            (1, 2),
            (2, 3),
        ]

        # 检查频次: new terms from yesterday; a past day needs a reason, said at the reason
        _open(page, system, "config/cadences", "检查频次 / cadence rules")
        title = rule["label"].split(" / ")[0]
        expect(page.locator(".el-table__row", has_text=title)).to_be_visible()
        shot(page, "office-config-cadences")
        accessible(page, "office-config-cadences")
        page.locator(".el-table__row", has_text=title).get_by_role("button", name="调整").click()
        dialog = page.locator(".el-overlay-dialog")
        dialog.get_by_label("每期次数", exact=True).fill("2")
        yesterday = TODAY - timedelta(days=1)
        _pick_day(dialog, "生效日期", yesterday)
        dialog.get_by_label("依据").fill("管委会〔2026〕12号")
        dialog.get_by_role("button", name="保存").click()
        expect(dialog.get_by_text("须说明原因").first).to_be_visible()
        accessible(page, "office-config-cadence-change")
        dialog.get_by_label("原因").fill("补录:会议已于昨日决定加密巡查")
        dialog.get_by_role("button", name="保存").click()
        expect(dialog).to_be_hidden()
        changed = ok(api["inspections"].get(f"/cadences/rules/{rule['code']}", params={"on": str(yesterday)}))
        version = next(v for v in changed["versions"] if v["valid_from"] == str(yesterday))
        assert version["required"] == 2 and version["reason"].startswith("补录") and changed["required"] == 2

        # 工作日历: a public holiday
        holiday = TODAY + timedelta(days=40)
        _open(page, system, "config/calendar", "工作日历 / zone calendar")
        page.get_by_role("button", name="登记节假日或调休").click()
        dialog = page.locator(".el-overlay-dialog")
        _pick_day(dialog, "日期", holiday)
        dialog.get_by_label("名称").fill("国庆节")
        dialog.get_by_label("依据").fill("国务院办公厅通知")
        dialog.get_by_role("button", name="登记").click()
        expect(dialog).to_be_hidden()
        expect(page.locator(".el-table__row", has_text=str(holiday))).to_contain_text("法定节假日")
        shot(page, "office-config-calendar")
        accessible(page, "office-config-calendar")
        assert ok(api["inspections"].get(f"/calendar/{holiday}"))["working"] is False

        # 地方规定: the assessment weights from tomorrow, with their source
        tomorrow = TODAY + timedelta(days=1)
        _open(page, system, "config/zone-rules", "地方规定与考核计分 / zone rules")
        expect(page.get_by_role("heading", name="网格员考核计分")).to_be_visible()
        shot(page, "office-config-zone-rules")
        accessible(page, "office-config-zone-rules")
        page.get_by_role("button", name="新版本:网格员考核计分").click()
        dialog = page.locator(".el-overlay-dialog")
        dialog.get_by_label("发现隐患", exact=True).fill("5")
        _pick_day(dialog, "生效日期", tomorrow)
        dialog.get_by_label("依据").fill("管委会〔2026〕15号")
        dialog.get_by_role("button", name="保存").click()
        expect(dialog).to_be_hidden()
        weights = ok(api["reporting"].get("/zone-rules/assessment_weights", params={"on": str(tomorrow)}))
        assert (
            weights["value"]["hazards_found"] == 5
            and weights["versions"][-1]["source"] == "管委会〔2026〕15号"
        )
        assert ok(api["reporting"].get("/zone-rules/assessment_weights"))["value"]["hazards_found"] == 1

        # 外部推送: the subscription's deliveries, one sent again
        _open(page, system, "config/webhooks", "外部推送 / webhooks")
        page.get_by_role("button", name="新增推送端点").click()
        dialog = page.locator(".el-overlay-dialog")
        dialog.get_by_label("名称").fill("区应急平台")
        dialog.get_by_label("地址").fill("ftp://127.0.0.1/hook")
        dialog.locator(".el-select").click()
        page.get_by_role("option", name="hazard.escalated").click()
        expect(dialog.locator(".el-select")).to_contain_text("hazard.escalated")  # taken before it is sent
        dialog.get_by_label("名称").click()  # the list of types closes
        dialog.get_by_role("button", name="新增").click()
        # the address, said at its field (and nothing at the types)
        expect(dialog.locator(".el-form-item__error")).to_have_count(1)
        expect(dialog.locator(".el-form-item__error")).to_be_visible()
        accessible(page, "office-config-webhook-new")
        dialog.get_by_label("地址").fill(http_sink.url("/hooks/district"))
        dialog.get_by_role("button", name="新增").click()
        expect(dialog).to_be_hidden()
        expect(page.get_by_role("alert").filter(has_text="签名密钥")).to_contain_text("whsec_")  # shown once
        page.locator(".el-table__row", has_text="市级监管平台").get_by_role("button", name="投递记录").click()
        expect(page.get_by_text("已送达").first).to_be_visible()
        shot(page, "office-config-webhooks")
        accessible(page, "office-config-webhooks")
        page.get_by_role("button", name="补发").first.click()
        replayed = {"subscription_id": subscription["id"]}
        wait_until(
            lambda: (
                [
                    (d["replays"], d["status"])
                    for d in ok(api["notifications"].get("/deliveries", params=replayed))["items"]
                ]
                == [(1, "sent")]
            ),  # fmt: skip
            timeout=60,
        )
        assert len(http_sink.received("/hooks/city", ok_only=True)) == 2

        # 死信: the event reporting could not read, replayed (it fails again and stays)
        _open(page, system, "config/dead-letters", "死信 / dead letters")
        row = page.locator(".el-table__row", has_text="enterprise.registered")
        expect(row).to_contain_text("v9")
        shot(page, "office-config-dead-letters")
        accessible(page, "office-config-dead-letters")
        row.get_by_role("button", name="重放").click()
        wait_until(
            lambda: (
                ok(api["reporting"].get("/admin/dead-letters", params={"pending_only": False}))["items"][0][
                    "replay_count"
                ]
                == 1
            ),  # fmt: skip
            timeout=60,
        )


def _saved(download: Any) -> bytes:
    return Path(download.path()).read_bytes()


def test_the_reports_download_files_and_show_scores_filings_and_the_campaign(system, make_token):
    from playwright.sync_api import expect

    api = _clients(system, {"Authorization": f"Bearer {make_token(Role.zone_admin)}"})
    admin = account(api["registry"], "钱主任", "zone_admin")[0]
    # a grid and unit since months ago: the unit owes last month's risk report
    since = {"reason": "补录历史台账"}
    grid = create_zone_and_grid(api["registry"], api["registry"].headers, valid_from=str(TODAY - timedelta(days=120)), **since)  # fmt: skip
    registered = enterprise_payload(grid["id"], name="东方机械", registered_on=str(TODAY - timedelta(days=100)), **since)  # fmt: skip
    unit = ok(api["registry"].post("/enterprises", json=registered), 201)
    member = staff(api["registry"], grid["id"], "孙网格", duty="grid_member", role="grid_member")
    wait_until(lambda: api["inspections"].get(f"/units/{unit['id']}").status_code == 200, timeout=60)
    as_member = httpx.Client(
        base_url=f"{system}/api/inspections", headers=headers_of(system, member), timeout=30
    )
    hazard = {
        "unit_id": unit["id"],
        "source": "grid_patrol",
        "category": "用电",
        "grade": "general",
        "location": "配电房",
        "description": "配电箱未上锁",
    }
    wait_until(lambda: as_member.post("/hazards", json=hazard).status_code == 201, timeout=60)

    def scored() -> bool:
        scores = ok(api["reporting"].get("/assessment", params={"month": THIS_MONTH}))["scores"]
        return any(s["name"] == "孙网格" and s["items"] and any(i["metric"] == "hazards_found" and i["count"] == 1 for i in s["items"]) for s in scores)  # fmt: skip

    wait_until(scored, timeout=60, interval=1)
    phases = ok(api["reporting"].get("/campaign"))["items"]
    report = {
        "unit_id": unit["id"],
        "kind": "monthly_risk",
        "period": LAST_MONTH,
        "monthly_risk": {
            "shortcomings": "新员工培训记录不全",
            "weak_points": "配电房巡检",
            "difficulties": "无",
            "main_risks": [{"risk": "触电", "measures": "配电箱上锁、每日巡检"}],
        },
    }
    filing = wait_until(lambda: api["reporting"].post("/filings", json=report).json().get("id"), timeout=60)
    scan = {"file": ("月度风险分析报告扫描件.pdf", pdf(), "application/pdf")}
    ok(api["reporting"].post(f"/filings/{filing}/attachments", files=scan), 201)
    spec = ok(httpx.get(f"{system}/api/reporting/openapi.json"))
    files = {  # every file the reporting service answers with, and its export job
        path
        for path, operations in spec["paths"].items()
        for operation in operations.values()
        for status, answer in operation["responses"].items()
        if status == "202" or FILE_TYPES & set(answer.get("content", {}))
    }

    with browser_page(DESKTOP, accept_downloads=True) as page:
        log_in(page, system, admin, lands="/office/dashboard")

        # 报送情况: the unit filed last month's risk report late, with a scan; the scan downloads
        _open(page, system, "reports/filings", "报送情况 / filing status")
        row = page.locator(".el-table__row", has_text="东方机械").first
        expect(row).to_contain_text("逾期报送")
        expect(page.locator(".el-table__row", has_text="触电")).to_contain_text("配电箱上锁")  # its main risk
        row.locator(".el-table__expand-icon").click()
        with page.expect_download() as scanned:
            page.get_by_role("button", name="月度风险分析报告扫描件.pdf").click()
        assert _saved(scanned.value) == scan["file"][1]
        assert scanned.value.suggested_filename == "月度风险分析报告扫描件.pdf"
        offered = set(
            page.eval_on_selector_all("[data-file]", "all => all.flatMap(e => e.dataset.file.split(' '))")
        )
        shot(page, "office-reports-filings")
        accessible(page, "office-reports-filings")

        # 报表下载: a period that does not parse is said at its field; then the Excel, PDF and ledger
        _open(page, system, "reports/downloads", "报表下载 / downloads")
        page.get_by_label("统计期", exact=True).fill("2026-13")
        page.get_by_role("button", name="下载 Excel").click()
        expect(page.locator(".el-form-item__error").first).to_be_visible()
        page.get_by_label("统计期", exact=True).fill(THIS_MONTH)
        with page.expect_download() as excel:
            page.get_by_role("button", name="下载 Excel").click()
        content = _saved(excel.value)
        assert content.startswith(b"PK\x03\x04") and len(content) > 2000
        assert excel.value.suggested_filename == f"隐患统计_{THIS_MONTH}_grid.xlsx"
        with page.expect_download() as monthly:
            page.get_by_role("button", name="下载月报 PDF").click()
        content = _saved(monthly.value)
        assert content.startswith(b"%PDF") and len(content) > 10_000
        assert monthly.value.suggested_filename.startswith("安全生产网格化监管月报_")
        page.get_by_label("台帐统计期").fill(THIS_MONTH)
        with page.expect_download(timeout=90_000) as ledger:
            page.get_by_role("button", name="生成并下载台帐").click()
        content = _saved(ledger.value)
        assert (
            content.startswith(b"PK\x03\x04")
            and ledger.value.suggested_filename == f"隐患台帐_{THIS_MONTH}.xlsx"
        )
        with page.expect_download() as form:  # last quarter's order No. 16 statistics form
            page.get_by_role("button", name="下载统计表 PDF").click()
        assert _saved(form.value).startswith(b"%PDF")
        assert form.value.suggested_filename.endswith(".pdf")
        expect(page.locator(".el-table__row", has_text="隐患台帐导出")).to_contain_text("已完成")
        shot(page, "office-reports-downloads")
        accessible(page, "office-reports-downloads")
        offered |= set(
            page.eval_on_selector_all("[data-file]", "all => all.flatMap(e => e.dataset.file.split(' '))")
        )

        # 月度考核: the counts behind the grid member's score
        _open(page, system, "reports/assessment", "网格员月度考核 / monthly assessment")
        _pick_day(page, "考核月份", THIS_MONTH)
        row = page.locator(".el-table__row", has_text="孙网格")
        expect(row).to_be_visible()
        row.locator(".el-table__expand-icon").click()
        expect(page.locator(".el-table__row", has_text="发现隐患").first).to_contain_text("1")
        shot(page, "office-reports-assessment")
        accessible(page, "office-reports-assessment")
        offered |= set(
            page.eval_on_selector_all("[data-file]", "all => all.flatMap(e => e.dataset.file.split(' '))")
        )
        assert files <= offered, f"not offered: {files - offered}"

        # 实施步骤: the phases and their tasks
        _open(page, system, "reports/campaign", "实施步骤 / roll-out campaign")
        expect(page.get_by_role("heading", name=phases[0]["name"])).to_be_visible()
        task = phases[0]["tasks"][0]
        expect(page.get_by_text(task["title"])).to_be_visible()
        shot(page, "office-reports-campaign")
        accessible(page, "office-reports-campaign")
        _pick_day(page, f"{task['title']} 完成日期", TODAY)  # a zone admin records a task done
        wait_until(
            lambda: ok(api["reporting"].get("/campaign"))["items"][0]["tasks"][0]["done_on"] == str(TODAY)
        )
        page.get_by_role("button", name="调整日期").first.click()
        dialog = page.locator(".el-overlay-dialog")
        _pick_day(dialog, "结束日期", date.fromisoformat(phases[0]["starts_on"]) - timedelta(days=1))
        dialog.get_by_role("button", name="保存").click()
        expect(
            dialog.locator(".el-form-item__error", has_text="结束日期早于开始日期")
        ).to_be_visible()  # at the field
        dialog.get_by_role("button", name="取消").click()
        assert ok(api["reporting"].get("/campaign"))["items"][0]["ends_on"] == phases[0]["ends_on"]


def test_an_auditor_reads_the_configuration_and_a_grid_member_is_kept_out(system, make_token, http_sink):
    from playwright.sync_api import expect

    api = _clients(system, {"Authorization": f"Bearer {make_token(Role.zone_admin)}"})
    auditor = account(api["registry"], "李审计", "auditor")[0]
    grid = create_zone_and_grid(api["registry"], api["registry"].headers)
    member = staff(api["registry"], grid["id"], "周网格", duty="grid_member", role="grid_member")
    hook = {"name": "应急平台", "url": http_sink.url("/hooks/emergency"), "event_types": ["hazard.reported"]}
    ok(api["notifications"].post("/webhooks", json=hook), 201)

    with browser_page(DESKTOP) as page:
        log_in(page, system, auditor, lands="/office/dashboard")
        pages = {
            "config/checklists": ("检查表 / checklists", ["新建检查表"]),
            "config/cadences": ("检查频次 / cadence rules", ["调整"]),
            "config/calendar": ("工作日历 / zone calendar", ["登记节假日或调休"]),
            "config/zone-rules": ("地方规定与考核计分 / zone rules", ["新版本"]),
            "config/webhooks": ("外部推送 / webhooks", ["新增推送端点", "更换密钥"]),
            "config/dead-letters": ("死信 / dead letters", ["重放"]),
        }
        for path, (heading, buttons) in pages.items():
            _open(page, system, path, heading)
            expect(page.locator(".el-table").first).to_be_visible()
            for button in buttons:
                expect(page.get_by_role("button", name=button)).to_have_count(0)
        _open(page, system, "config/webhooks", "外部推送 / webhooks")
        expect(page.get_by_text("应急平台")).to_be_visible()
        expect(page.get_by_role("switch")).to_have_count(0)
        shot(page, "office-config-auditor")
        accessible(page, "office-config-auditor")

        page.get_by_role("button", name="退出登录").click()
        page.wait_for_url(f"{system}/login")
        log_in(page, system, member)
        page.goto(f"{system}/office/config")
        expect(page.get_by_text("无权访问")).to_be_visible()
        expect(page.get_by_role("navigation", name="管理端菜单").get_by_text("配置管理")).to_have_count(0)
        page.goto(f"{system}/office/config/webhooks")
        expect(page.get_by_text("无权访问")).to_be_visible()
        shot(page, "office-config-forbidden")
        accessible(page, "office-config-forbidden")
