"""The work plan's main loop walked in a real browser, each person on their own screen.

The zone admin, at a desk, publishes a checklist, outlines a grid (its corners typed), registers a
unit in it and a grid member, opens the logins of the grid member and of the unit's safety manager
and assigns both their duties with dates; the grid member inspects the unit on a phone and fails
one checklist item with a photo, which becomes a hazard; the office orders its rectification on
the hazard's page; the safety manager, on a phone, uploads the after-photo and reports it
rectified; the office verifies it and closes it out; the dashboard counts it found and closed this
month, and so does the month's report (the PDF from 报表下载). Each screen is saved in
test-artifacts/web/ and checked with axe-core.
"""

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pypdfium2

from shared.auth import Role
from shared.clock import local_today, utc_now
from tests.factories import credit_code
from tests.support.browser import (
    BROWSER_TEST,
    DESKTOP,
    PASSWORD,
    PHONE,
    accessible,
    browser_page,
    headers_of,
    log_in,
    ok,
    shot,
)
from tests.support.files import photo
from tests.support.processes import wait_until
from tests.test_web_app import CHECKLIST
from tests.test_web_office_registry import _day, _pick

pytestmark = BROWSER_TEST

DASHBOARD = "/office/dashboard"
UNIT = "华安化工有限公司"
FAULT = "灭火器压力不足"
CORNERS = [(117.3, 31.8), (117.32, 31.8), (117.32, 31.815), (117.3, 31.815)]  # 经度, 纬度
PLACE = (117.31, 31.805)  # the unit, inside the grid


def _screen(page: Any, name: str) -> None:
    shot(page, f"loop-{name}")
    accessible(page, f"loop-{name}")


def _picture(name: str, at: tuple[float, float]) -> dict[str, Any]:
    taken = utc_now().replace(microsecond=0)
    return {"name": name, "mimeType": "image/jpeg", "buffer": photo("JPEG", taken=taken, position=at)}


def _login(page: Any, username: str, role: str) -> None:
    """Opens `username`'s login with `role` from the people page."""
    dialog = page.get_by_role("dialog")
    dialog.locator('input[aria-label="用户名"]').fill(username)
    dialog.locator('input[aria-label="密码"]').fill(PASSWORD)
    dialog.get_by_text(role, exact=True).click()
    dialog.get_by_role("button", name="保存").click()


def _assign(page: Any, person: str, duty: str, first: str, last: str) -> None:
    page.get_by_role("button", name="分配职责").click()
    _pick(page, "责任人", person)
    _pick(page, "职责", duty)
    _day(page, "起始日期", first)
    _day(page, "终止日期", last)
    page.get_by_role("dialog").get_by_role("button", name="保存").click()


def _publish_checklist(page: Any, gateway: str) -> None:
    """The zone admin publishes the checklist the grid member will use."""
    from playwright.sync_api import expect

    page.goto(f"{gateway}/office/config/checklists")
    page.get_by_role("button", name="新建检查表").click()
    dialog = page.locator(".el-overlay-dialog")
    dialog.get_by_label("编码", exact=True).fill(CHECKLIST["code"])
    dialog.get_by_label("名称", exact=True).fill(CHECKLIST["name"])
    for number, item in enumerate(CHECKLIST["items"], start=1):
        if number > 1:
            dialog.get_by_role("button", name="添加检查项").click()
        dialog.get_by_label(f"第 {number} 项编号").fill(item["key"])
        dialog.get_by_label(f"第 {number} 项检查内容").fill(item["text"])
        dialog.get_by_label(f"第 {number} 项隐患类别").fill(item["category"])
    _screen(page, "checklist-editor")
    dialog.get_by_role("button", name="发布").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("cell", name=CHECKLIST["name"])).to_be_visible()
    _screen(page, "checklists")


def _register(page: Any, gateway: str) -> None:
    """The zone admin draws the grid (its corners typed) and registers the unit inside it."""
    from playwright.sync_api import expect

    page.goto(f"{gateway}/office/registry/grids")
    page.get_by_role("button", name="新建网格").click()
    page.locator('input[aria-label="网格编码"]').fill("CD01")
    page.locator('input[aria-label="网格名称"]').fill("城东网格")
    boundary = page.locator('textarea[aria-label^="边界顶点坐标"]')  # the corners as "经度,纬度" lines
    boundary.fill("\n".join(f"{x},{y}" for x, y in CORNERS))
    boundary.blur()
    for corner in range(1, 5):  # the map turns to the typed corners
        expect(page.get_by_title(f"第{corner}个顶点")).to_be_in_viewport()
    _screen(page, "grid-drawn")
    page.get_by_role("button", name="保存").click()
    expect(page).to_have_url(f"{gateway}/office/registry/grids")
    expect(page.get_by_role("cell", name="城东网格")).to_be_visible()
    _screen(page, "grids")

    page.goto(f"{gateway}/office/registry/units")
    page.get_by_role("button", name="登记单位").click()
    dialog = page.get_by_role("dialog")
    dialog.locator('input[aria-label="单位名称"]').fill(UNIT)
    dialog.locator('input[aria-label="统一社会信用代码"]').fill(credit_code())
    dialog.locator('input[aria-label="经度"]').fill(str(PLACE[0]))
    dialog.locator('input[aria-label="纬度"]').fill(str(PLACE[1]))
    dialog.get_by_role("button", name="保存").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_role("cell", name="CD01 城东网格")).to_be_visible()  # placed by its position
    _screen(page, "units")


def test_the_main_loop_from_a_new_grid_to_the_monthly_report(system, make_token):
    from playwright.sync_api import expect

    # What the console does not offer: the zone itself and the admin's own login (a token for the
    # first call).
    admin = {"Authorization": f"Bearer {make_token(Role.zone_admin)}"}
    registry = httpx.Client(base_url=f"{system}/api/registry", headers=admin, timeout=30)
    ok(registry.post("/zones", json={"code": "Z-LOOP", "name": "测试经开区"}), 201)
    me = ok(registry.post("/people", json={"name": "赵管理"}), 201)
    account = {"person_id": me["id"], "username": "zhao_admin", "password": PASSWORD, "roles": ["zone_admin"]}
    ok(registry.post("/accounts", json=account), 201)
    office = headers_of(system, "zhao_admin")
    today = local_today()
    first, last = str(today), str(today + timedelta(days=365))

    # 1. The office registers the grid and the unit, the people, their logins and their duties,
    # and publishes the checklist.
    with browser_page(DESKTOP) as page:
        log_in(page, system, "zhao_admin", lands=DASHBOARD)
        _publish_checklist(page, system)
        _register(page, system)
        [grid] = ok(registry.get("/grids"))["items"]
        assert grid["boundary"]["coordinates"][0][:4] == [list(corner) for corner in CORNERS]
        [unit] = ok(registry.get("/enterprises", params={"q": UNIT}))["items"]
        assert unit["grid_id"] == grid["id"]
        # The people page registers the zone's own staff and the unit's safety manager (with the
        # enterprise he works for).
        page.goto(f"{system}/office/registry/people")
        for name, title, enterprise in (("王网格", "网格员", None), ("周安全", "安全员", UNIT)):
            page.get_by_role("button", name="登记人员").click()
            page.get_by_role("dialog").locator('input[aria-label="姓名"]').fill(name)
            page.get_by_role("dialog").locator('input[aria-label="职务"]').fill(title)
            if enterprise:
                _pick(page, "所属企业", enterprise, typed=enterprise[:2])
            page.get_by_role("dialog").get_by_role("button", name="保存").click()
            expect(page.get_by_role("row", name=re.compile(name))).to_be_visible()
        [manager] = [p for p in ok(registry.get("/people"))["items"] if p["name"] == "周安全"]
        assert manager["enterprise_id"] == unit["id"]
        member_row = page.get_by_role("row", name=re.compile("王网格"))
        member_row.get_by_role("button", name="开通账号").click()
        _login(page, "wang_grid", "网格员")
        expect(member_row).to_contain_text("wang_grid")
        manager_row = page.get_by_role("row", name=re.compile("周安全"))
        manager_row.get_by_role("button", name="开通账号").click()
        _login(page, "zhou_safety", "企业用户")
        expect(manager_row).to_contain_text("zhou_safety")
        _screen(page, "people")

        page.goto(f"{system}/office/registry/grids")
        with page.expect_download() as labels:  # 一企一码: the grid's QR labels to print
            page.get_by_role("row", name=re.compile("城东网格")).get_by_role(
                "button", name="二维码标签"
            ).click()
        assert Path(labels.value.path()).read_bytes().startswith(b"%PDF")
        assert labels.value.suggested_filename.endswith(".pdf")
        page.get_by_role("row", name=re.compile("城东网格")).get_by_role("link", name="责任台帐").click()
        _assign(page, "王网格(网格员)", "网格员", first, last)
        expect(page.locator(".el-timeline-item", has_text="王网格")).to_contain_text(f"{first} 至 {last}")
        _screen(page, "grid-duties")
        page.get_by_role("radio", name="单位").click(force=True)
        _pick(page, "选择单位", UNIT)
        _assign(page, "周安全(安全员)", "安全管理人员", first, last)
        expect(page.locator(".el-timeline-item", has_text="周安全")).to_contain_text(f"{first} 至 {last}")
        _screen(page, "unit-duties")

    # The duty reaches the inspections service's copies: the grid member may inspect the unit.
    member = httpx.Client(
        base_url=f"{system}/api/inspections", headers=headers_of(system, "wang_grid"), timeout=30
    )
    wait_until(lambda: member.get(f"/units/{unit['id']}").status_code == 200, timeout=60, interval=1)

    # 2. The grid member inspects on the phone: one item fails, with its photo.
    at = (PLACE[1], PLACE[0])  # north, east
    gps = {"latitude": at[0], "longitude": at[1], "accuracy": 10}
    with browser_page(PHONE, geolocation=gps, permissions=["geolocation"]) as page:
        log_in(page, system, "wang_grid")
        page.goto(f"{system}/units/{unit['id']}")
        expect(page.get_by_text(UNIT).first).to_be_visible()
        _screen(page, "member-unit")
        page.get_by_role("button", name="开始检查").click()
        page.get_by_text(CHECKLIST["name"]).click()
        expect(page.get_by_role("status")).to_contain_text("已定位")
        items = {key: page.locator(f'[data-item="{key}"]') for key in ("exits", "extinguishers", "wiring")}
        items["exits"].get_by_text("合格", exact=True).click()
        items["wiring"].get_by_text("合格", exact=True).click()
        failed = items["extinguishers"]
        failed.get_by_text("不合格", exact=True).click()
        failed.get_by_placeholder("隐患所在部位").fill("二号仓库")
        failed.get_by_placeholder("隐患情况").fill(FAULT)
        failed.locator("input[type=file]").first.set_input_files(files=[_picture("before.jpg", at)])
        expect(failed.locator(".van-uploader__preview")).to_have_count(1)
        _screen(page, "member-inspect")
        page.get_by_role("button", name="提交检查").click()
        expect(page).to_have_url(f"{system}/units/{unit['id']}")
        expect(page.get_by_text(FAULT, exact=True)).to_be_visible()
        shot(page, "loop-member-inspected")
        expect(page.locator(".van-toast")).to_be_hidden()  # Vant's toast is a dialog without a name
        accessible(page, "loop-member-inspected")

    # 3. The office orders the rectification on the hazard's page.
    with browser_page(DESKTOP) as page:
        log_in(page, system, "zhao_admin", lands=DASHBOARD)
        page.get_by_role("navigation", name="管理端菜单").get_by_role(
            "link", name="隐患台帐", exact=True
        ).click()
        expect(page.get_by_role("link", name=FAULT)).to_be_visible()
        _screen(page, "ledger")
        page.get_by_role("link", name=FAULT).click()
        expect(page.get_by_role("heading", name=FAULT)).to_be_visible()
        expect(page.get_by_role("img", name=re.compile("before.jpg"))).to_be_visible()
        page.get_by_role("tab", name="限期整改").click()
        page.locator("#order_rectification-deadline").fill(str(today + timedelta(days=7)))
        page.locator("#order_rectification-deadline").press("Enter")
        page.locator("#order_rectification-responsible_person").fill("周安全")
        page.locator("#order_rectification-measures").fill("更换灭火器并检查压力")
        page.get_by_role("button", name="提交限期整改").click()
        expect(page.get_by_text("整改中").first).to_be_visible()
        _screen(page, "hazard-ordered")

    # 4. The safety manager, on a phone, sends the after-photo and reports the fix done.
    with browser_page(PHONE) as page:
        log_in(page, system, "zhou_safety", lands="/enterprise")
        rows = page.locator(".rectify")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text(FAULT)
        _screen(page, "enterprise-home")
        rows.first.click()
        page.locator(".van-uploader input[type=file]").set_input_files(files=[_picture("after.jpg", at)])
        expect(page.locator(".van-uploader__preview")).to_have_count(1)
        page.get_by_placeholder("已采取的措施(可不填)").fill("已更换灭火器")
        _screen(page, "enterprise-hazard")
        page.get_by_role("button", name="提交整改完成").click()
        expect(page.get_by_text("等待监管人员复查验收")).to_be_visible()
        shot(page, "loop-enterprise-rectified")

    # 5. The office finds it in its queue, verifies it and closes it out (charts drawn at once).
    with browser_page(DESKTOP, reduced_motion="reduce") as page:
        log_in(page, system, "zhao_admin", lands=DASHBOARD)
        page.get_by_role("navigation", name="管理端菜单").get_by_role(
            "link", name="待办队列", exact=True
        ).click()
        expect(page.get_by_role("tab", name="待复查验收")).to_be_visible()
        expect(page.get_by_role("link", name=FAULT)).to_be_visible()
        _screen(page, "queues")
        page.get_by_role("link", name=FAULT).click()
        expect(page.get_by_role("img", name="整改后照片 after.jpg")).to_be_visible()
        page.get_by_role("tab", name="复查验收").click()
        page.get_by_text("通过", exact=True).click()
        page.get_by_role("button", name="提交复查验收").click()
        page.get_by_role("tab", name="销号").click()
        page.get_by_role("button", name="提交销号").click()
        expect(page.get_by_text("已销号").first).to_be_visible()
        for step in ("限期整改", "整改完成", "复查验收", "销号"):
            expect(page.locator(".el-timeline").get_by_text(step, exact=True)).to_be_visible()
        _screen(page, "hazard-closed")
        # the notices its steps issued are with it, each downloadable as issued
        notices = page.locator('[aria-label="隐患文书"]')
        expect(notices).to_contain_text("隐患整改通知书")
        expect(notices).to_contain_text("复查意见书")
        with page.expect_download() as notice:
            notices.get_by_role("button", name=re.compile("^下载")).first.click()
        assert Path(notice.value.path()).read_bytes().startswith(b"%PDF")
        assert notice.value.suggested_filename.startswith("隐患整改通知书")

        # 6. The dashboard counts it, once the reporting copy has the close-out.
        board = f"{system}/api/reporting/dashboard"

        def counted() -> bool:
            month = ok(httpx.get(board, headers=office))["this_month"]
            return (month["found"], month["closed"]) == (1, 1)

        wait_until(counted, timeout=60, interval=1)
        page.get_by_role("navigation", name="管理端菜单").get_by_role(
            "link", name="驾驶舱", exact=True
        ).click()
        expect(page.get_by_role("link", name=re.compile(r"本月发现隐患\s*1"))).to_be_visible()
        expect(page.get_by_role("link", name=re.compile(r"本月已销号\s*1"))).to_be_visible()
        expect(page.get_by_role("img", name=re.compile("本月各网格发现隐患:.*城东网格 1"))).to_be_visible()
        _screen(page, "dashboard")

        # 7. The month's report says the same (报表下载).
        page.goto(f"{system}/office/reports/downloads")
        _day(page, "月报月份", today.strftime("%Y-%m"))
        page.get_by_role("heading", name="报表下载 / downloads").click()  # the month picker closes
        expect(page.locator(".el-picker__popper:visible")).to_have_count(0)
        expect(page.locator('input[aria-label="月报月份"]')).to_have_value(today.strftime("%Y-%m"))
        _screen(page, "downloads")
        with page.expect_download() as saved:
            page.get_by_role("button", name="下载月报 PDF").click()
        report = Path(saved.value.path()).read_bytes()
    assert report.startswith(b"%PDF")
    text = "\n".join(page.get_textpage().get_text_range() for page in pypdfium2.PdfDocument(report))
    assert "本月全区共排查事故隐患 1 项" in text
    # 网格 发现 立改立销 限期整改 逾期 已整改 已销号 整改率 按期销号率
    assert "城东网格 1 0 1 0 1 1 100.0% 100.0%" in text.splitlines()
