"""The office console's registry pages, map and dossier in a real browser at a desk's size.

A zone admin draws a grid on the map, registers a unit in it (a refused credit code is shown at
its field until corrected), assigns a grid member with dates and sees it on the responsibility timeline, finds
grid and unit on the map and opens the unit's dossier from its marker, and imports a ledger with
a bad cell shown in the table of refused cells. A zone admin redraws an existing grid on its page
(its corners typed), corrects a unit and a person, and gives a login one more role (修改账号), each
seen saved through the API. A safety office user reads the same lists without any edit button or
the import page. Each screen is saved and checked with axe-core.
"""

import io
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from pypdf import PdfReader

from services.registry.ledger.service import ENTERPRISE_COLUMNS
from shared.auth import Role
from shared.clock import local_today
from tests.factories import ORIGIN, create_zone_and_grid, credit_code, enterprise_payload
from tests.support.browser import (
    BROWSER_TEST,
    DESKTOP,
    PASSWORD,
    accessible,
    account,
    browser_page,
    headers_of,
    ok,
    shot,
)
from tests.support.processes import wait_until

pytestmark = BROWSER_TEST


def _at_the_desk(page: Any, gateway: str, username: str) -> None:
    page.goto(f"{gateway}/login")
    page.get_by_placeholder("请输入账号").fill(username)
    page.get_by_placeholder("请输入密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/login" not in url)


def _screen(page: Any, name: str) -> None:
    shot(page, name)
    accessible(page, name)


def _pick(page: Any, box: str, option: str, typed: str | None = None) -> None:
    """Choose `option` in the select `box` (typing `typed` first), and wait until its dropdown has
    closed, so the next click never lands on the dropdown instead of what lies behind it."""
    from playwright.sync_api import expect

    select = page.locator(".el-select", has=page.get_by_role("combobox", name=box))
    select.click()
    if typed:
        page.get_by_role("combobox", name=box).fill(typed)
        # the list has shrunk to what matches (the dropdown may move as it does) before the click
        shown = page.locator(".el-select__popper:visible .el-select-dropdown__item:visible")
        expect(shown.filter(has_not_text=typed)).to_have_count(0)
    page.get_by_role("option", name=option, exact=True).click()
    expect(select).to_contain_text(option)
    expect(page.locator(".el-select__popper:visible")).to_have_count(0)


def _day(page: Any, box: str, day: str) -> None:
    field = page.locator(f'input[aria-label="{box}"]')
    field.fill(day)
    field.press("Enter")


def test_zone_admin_draws_a_grid_registers_a_unit_assigns_staff_and_opens_the_dossier(system, make_token):
    from playwright.sync_api import expect

    admin = {"Authorization": f"Bearer {make_token(Role.zone_admin)}"}
    registry = httpx.Client(base_url=f"{system}/api/registry", headers=admin, timeout=30)
    ok(registry.post("/zones", json={"code": "Z-DESK", "name": "测试经开区"}), 201)
    username = account(registry, "赵管理", "zone_admin")[0]
    ok(registry.post("/people", json={"name": "王网格", "title": "网格员"}), 201)

    with browser_page(DESKTOP) as page:
        _at_the_desk(page, system, username)
        page.goto(f"{system}/office/registry/grids")
        expect(page.get_by_role("heading", name="网格", exact=True)).to_be_visible()
        page.get_by_role("button", name="新建网格").click()
        page.locator('input[aria-label="网格编码"]').fill("G7")
        page.locator('input[aria-label="网格名称"]').fill("第七网格")
        page.get_by_role("button", name="保存").click()  # no boundary yet: said at the field
        expect(
            page.locator(".el-form-item", has_text="边界").locator(".el-form-item__error")
        ).to_contain_text("边界")
        drawing = page.get_by_role("application")
        for x, y in ((300, 120), (600, 120), (600, 360), (300, 360)):
            drawing.click(position={"x": x, "y": y})
        corners = page.locator('textarea[aria-label^="边界顶点坐标"]')
        expect(corners).to_have_value(re.compile(r"^([0-9.]+,[0-9.]+\n){3}[0-9.]+,[0-9.]+$"))
        points = [tuple(map(float, line.split(","))) for line in corners.input_value().splitlines()]
        _screen(page, "office-grid-drawn")
        page.get_by_role("button", name="保存").click()
        expect(page).to_have_url(f"{system}/office/registry/grids")
        expect(page.get_by_role("cell", name="第七网格")).to_be_visible()
        _screen(page, "office-grids")
        grid = next(g for g in ok(registry.get("/grids"))["items"] if g["code"] == "G7")
        assert grid["boundary"]["coordinates"][0][:4] == [list(p) for p in points]

        # A unit inside it: its grid follows from the coordinates.
        page.goto(f"{system}/office/registry/units")
        page.get_by_role("button", name="登记单位").click()
        dialog = page.get_by_role("dialog")
        dialog.locator('input[aria-label="单位名称"]').fill("华安化工有限公司")
        dialog.locator('input[aria-label="统一社会信用代码"]').fill("123")
        longitude = sum(p[0] for p in points) / 4
        latitude = sum(p[1] for p in points) / 4
        dialog.locator('input[aria-label="经度"]').fill(f"{longitude:.6f}")
        dialog.locator('input[aria-label="纬度"]').fill(f"{latitude:.6f}")
        dialog.locator(".el-switch").click()
        dialog.get_by_role("button", name="保存").click()
        refused = dialog.locator(".el-form-item", has_text="统一社会信用代码").locator(".el-form-item__error")
        expect(refused).to_have_text(re.compile(r"^统一社会信用代码应为18位"))
        _screen(page, "office-unit-refused-field")
        code = credit_code()
        dialog.locator('input[aria-label="统一社会信用代码"]').fill(code)
        expect(refused).to_have_count(0)  # corrected: its message goes with the change
        dialog.get_by_role("button", name="保存").click()
        expect(page.get_by_role("dialog")).to_have_count(0)
        expect(page.get_by_role("link", name="华安化工有限公司")).to_be_visible()
        expect(page.get_by_role("cell", name="G7 第七网格")).to_be_visible()
        _screen(page, "office-units")
        unit = ok(registry.get("/enterprises", params={"q": code}))["items"][0]
        assert (unit["grid_id"], unit["key_supervision"]) == (grid["id"], True)

        # A dated change: not before the registration (refused at the day), then a planned stop.
        page.get_by_role("row", name=re.compile("华安化工")).get_by_role("button", name="状态沿革").click()
        _pick(page, "新的生产状态", "停产")
        _day(page, "生效日期", str(local_today() - timedelta(days=30)))
        page.locator('input[aria-label="变更原因"]').fill("补录停产")
        page.get_by_role("button", name="保存变更").click()
        changed = page.get_by_role("dialog").locator(".el-form-item", has_text="生效日期")
        expect(changed.locator(".el-form-item__error")).to_be_visible()
        stop = str(local_today() + timedelta(days=30))
        _day(page, "生效日期", stop)
        page.locator('input[aria-label="变更原因"]').fill("计划停产检修")
        page.get_by_role("button", name="保存变更").click()
        expect(page.get_by_role("dialog").get_by_role("row", name=re.compile(stop))).to_contain_text("停产")
        _screen(page, "office-unit-states")
        page.keyboard.press("Escape")

        # A grid member from the first of January to the end of the year, on the grid's timeline.
        page.goto(f"{system}/office/registry/grids")
        page.get_by_role("row", name=re.compile("第七网格")).get_by_role("link", name="责任台帐").click()
        expect(page.locator(".el-select", has=page.get_by_role("combobox", name="选择网格"))).to_contain_text(
            "G7 第七网格"
        )
        page.get_by_role("button", name="分配职责").click()
        _pick(page, "责任人", "王网格(网格员)", typed="王")
        _pick(page, "职责", "网格员")
        _day(page, "起始日期", "2026-01-01")
        _day(page, "终止日期", "2026-12-31")
        page.get_by_role("dialog").get_by_role("button", name="保存").click()
        entry = page.locator(".el-timeline-item", has_text="王网格")
        expect(entry).to_contain_text("2026-01-01 至 2026-12-31")
        expect(entry).to_contain_text("网格员")
        expect(entry).to_contain_text("在任")
        # The grid's leader last year, open-ended, then ended at the year's end: kept as history.
        page.get_by_role("button", name="分配职责").click()
        _pick(page, "责任人", "王网格(网格员)", typed="王")
        _pick(page, "职责", "网格分管领导")
        _day(page, "起始日期", "2025-01-01")
        page.get_by_role("dialog").get_by_role("button", name="保存").click()
        led = page.locator(".el-timeline-item", has_text="网格分管领导")
        expect(led).to_contain_text("2025-01-01 至 今")
        led.get_by_role("button", name="终止").click()
        _day(page, "最后一天", "2025-12-31")
        page.locator('input[aria-label="终止原因"]').fill("调任他处")
        page.get_by_role("dialog").get_by_role("button", name="终止").click()
        expect(led).to_contain_text("2025-01-01 至 2025-12-31")
        expect(led).to_contain_text("终止原因:调任他处")
        expect(led.get_by_role("button", name="终止")).to_have_count(0)
        expect(page.locator(".el-timeline-item").first).to_contain_text("网格员")  # newest first
        _screen(page, "office-assignments")

        # The grid member's login, with a password the policy refuses first.
        page.goto(f"{system}/office/registry/people")
        page.get_by_role("row", name=re.compile("王网格")).get_by_role("button", name="开通账号").click()
        dialog = page.get_by_role("dialog")
        dialog.locator('input[aria-label="用户名"]').fill("wang_grid")
        dialog.locator('input[aria-label="密码"]').fill("short")
        dialog.get_by_text("网格员", exact=True).click()
        dialog.get_by_role("button", name="保存").click()
        expect(
            dialog.locator(".el-form-item", has_text="密码").locator(".el-form-item__error")
        ).to_be_visible()
        dialog.locator('input[aria-label="密码"]').fill(PASSWORD)
        dialog.get_by_role("button", name="保存").click()
        expect(page.get_by_role("row", name=re.compile("王网格"))).to_contain_text("wang_grid")
        expect(page.get_by_role("row", name=re.compile("王网格"))).to_contain_text("网格员")
        _screen(page, "office-people")

        # A hazard found there, for the dossier's inspections section.
        inspections = httpx.Client(base_url=f"{system}/api/inspections", headers=admin, timeout=30)
        wait_until(lambda: inspections.get(f"/units/{unit['id']}").status_code == 200, timeout=60)
        hazard = {
            "unit_id": unit["id"],
            "source": "superior_inspection",
            "category": "消防",
            "grade": "general",
            "location": "二号仓库",
            "description": "灭火器压力不足",
        }
        ok(inspections.post("/hazards", json=hazard), 201)

        # The map: the grid's outline and the unit's marker, which opens the dossier.
        page.goto(f"{system}/office/map")
        expect(page.locator("path.unit-marker")).to_have_count(1)
        expect(page.locator("path.leaflet-interactive:not(.unit-marker)")).to_have_count(1)
        expect(page.get_by_role("heading", name="图例")).to_be_visible()
        _screen(page, "office-map")
        page.locator(f'path.unit-marker[data-unit="{unit["id"]}"]').click(force=True)
        expect(page).to_have_url(f"{system}/office/units/{unit['id']}/dossier")
        expect(page.get_by_role("heading", name="一企一档:华安化工有限公司")).to_be_visible()
        expect(page.get_by_role("heading", name="四、安全管理制度(16项)")).to_be_visible()
        expect(page.get_by_role("cell", name="G7 第七网格")).to_be_visible()
        expect(page.get_by_role("heading", name="九、隐患(未销号 1,逾期 0)")).to_be_visible()
        expect(page.get_by_role("cell", name="灭火器压力不足")).to_be_visible()
        expect(page.get_by_role("heading", name="十一、报告报送")).to_be_visible()
        expect(page.get_by_text("暂不可用")).to_have_count(0)
        _screen(page, "office-dossier")
        with page.expect_download() as download:
            page.get_by_role("button", name="下载 PDF").click()
        assert download.value.suggested_filename == f"一企一档-{code}.pdf"
        assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")
        # 打印: the dossier alone, without the console's menu, header and buttons
        page.emulate_media(media="print")
        expect(page.get_by_role("navigation", name="管理端菜单")).to_be_hidden()
        expect(page.get_by_role("button", name="下载 PDF")).to_be_hidden()
        expect(page.get_by_role("heading", name="四、安全管理制度(16项)")).to_be_visible()
        printed = PdfReader(io.BytesIO(page.pdf(format="A4")))
        text = "".join(sheet.extract_text() for sheet in printed.pages)
        assert (
            "一企一档" in text and "十一、报告报送" in text and "驾驶舱" not in text and "管理端" not in text
        )
        page.emulate_media(media="screen")

        # A ledger with a bad cell: nothing imported, the cell shown by row and column.
        page.goto(f"{system}/office/registry/import")
        header = ",".join(c.header for c in ENTERPRISE_COLUMNS)
        row = {c.header: "" for c in ENTERPRISE_COLUMNS}
        row.update(
            {"企业名称": "台账企业", "统一社会信用代码": credit_code(), "网格编码": "G7", "重点监管": "也许"}
        )
        sheet = f"{header}\n{','.join(row.values())}\n".encode()
        page.locator('input[aria-label="台账文件"]').set_input_files(
            files=[{"name": "ledger.csv", "mimeType": "text/csv", "buffer": sheet}]
        )
        page.get_by_role("button", name="导入").click()
        expect(page.get_by_role("heading", name=re.compile("被拒绝的单元格"))).to_be_visible(timeout=60_000)
        bad = page.get_by_role("row", name=re.compile("重点监管"))
        expect(bad).to_contain_text("2")
        expect(bad).to_contain_text("应填“是”或“否”")
        _screen(page, "office-import-refused")
    assert ok(registry.get("/enterprises", params={"q": "台账企业"}))["items"] == []


def test_the_safety_office_reads_the_registry_without_edit_buttons(system, make_token):
    from playwright.sync_api import expect

    admin = {"Authorization": f"Bearer {make_token(Role.zone_admin)}"}
    registry = httpx.Client(base_url=f"{system}/api/registry", headers=admin, timeout=30)
    grid = create_zone_and_grid(registry, admin)
    ok(registry.post("/enterprises", json=enterprise_payload(grid["id"], name="宏达机械厂")), 201)
    placed = {}
    for offset, status in enumerate(("operating", "suspended", "closed", "key"), start=1):
        at = {"longitude": ORIGIN[0] + offset * 0.002, "latitude": ORIGIN[1] + 0.005}
        key = status == "key"  # an operating unit under key supervision
        unit = enterprise_payload(
            grid["id"], production_status="operating" if key else status, key_supervision=key, **at
        )
        placed[status] = ok(registry.post("/enterprises", json=unit), 201)["id"]
    username = account(registry, "钱安办", "safety_office")[0]

    with browser_page(DESKTOP) as page:
        _at_the_desk(page, system, username)
        page.goto(f"{system}/office/registry/grids")
        expect(page.get_by_role("cell", name=grid["name"])).to_be_visible()
        menu = page.get_by_role("navigation", name="管理端菜单")
        for entry in ("网格", "企业与工地", "人员与账号", "责任台帐", "分布图"):
            expect(menu.get_by_text(entry, exact=True)).to_be_visible()
        expect(menu.get_by_text("台账导入")).to_have_count(0)
        expect(page.get_by_role("button", name="新建网格")).to_have_count(0)
        expect(page.get_by_role("button", name="编辑")).to_have_count(0)
        _screen(page, "office-grids-read-only")

        page.goto(f"{system}/office/registry/units")
        expect(page.get_by_role("link", name="宏达机械厂")).to_be_visible()
        expect(page.get_by_role("button", name="登记单位")).to_have_count(0)
        expect(page.get_by_role("button", name="编辑")).to_have_count(0)
        page.get_by_role("row", name=re.compile("宏达机械厂")).get_by_role("button", name="状态沿革").click()
        expect(page.get_by_role("dialog").get_by_role("cell", name="生产经营")).to_be_visible()
        expect(page.get_by_role("button", name="保存变更")).to_have_count(0)
        _screen(page, "office-unit-states-read-only")
        page.keyboard.press("Escape")

        page.goto(f"{system}/office/registry/people")
        expect(page.get_by_role("cell", name="钱安办")).to_be_visible()
        for button in ("登记人员", "编辑", "开通账号", "修改账号"):
            expect(page.get_by_role("button", name=button)).to_have_count(0)

        page.goto(f"{system}/office/registry/assignments?scope={grid['id']}")
        expect(page.get_by_role("combobox", name="选择网格")).to_be_visible()
        expect(page.get_by_role("button", name="分配职责")).to_have_count(0)

        # The map tells suspended and closed units from operating ones, and rings key-supervision units.
        page.goto(f"{system}/office/map")
        expect(page.locator("path.unit-marker")).to_have_count(4)
        marker = {
            status: page.locator(f'path.unit-marker[data-unit="{id_}"]') for status, id_ in placed.items()
        }
        expect(marker["operating"]).not_to_have_attribute("stroke-dasharray", re.compile("."))
        expect(marker["suspended"]).to_have_attribute("stroke-dasharray", "3 3")
        expect(marker["closed"]).to_have_attribute("fill", "#ffffff")
        expect(marker["key"]).to_have_attribute("stroke", "#000000")
        expect(marker["key"]).to_have_attribute("stroke-width", "3")
        expect(marker["operating"]).to_have_attribute("stroke-width", "1")
        _screen(page, "office-map-read-only")

        for path in ("registry/import", "registry/grids/new", f"registry/grids/{grid['id']}"):
            page.goto(f"{system}/office/{path}")
            expect(page.get_by_text("无权访问 / forbidden")).to_be_visible()


def test_zone_admin_redraws_a_grid_and_corrects_a_unit_a_person_and_a_login(system, make_token):
    from playwright.sync_api import expect

    admin = {"Authorization": f"Bearer {make_token(Role.zone_admin)}"}
    registry = httpx.Client(base_url=f"{system}/api/registry", headers=admin, timeout=30)
    grid = create_zone_and_grid(registry, admin)
    at = {"longitude": ORIGIN[0] + 0.005, "latitude": ORIGIN[1] + 0.005}
    unit = ok(
        registry.post("/enterprises", json=enterprise_payload(grid["id"], name="宏达机械厂", **at)), 201
    )
    username = account(registry, "赵管理", "zone_admin")[0]
    office, office_id = account(registry, "钱安办", "safety_office")
    # the grid grows to the south-west: five corners around the unit (经度, 纬度)
    corners = [(117.295, 31.795), (117.31, 31.795), (117.315, 31.81), (117.305, 31.815), (117.295, 31.81)]

    with browser_page(DESKTOP) as page:
        _at_the_desk(page, system, username)

        # The grid's page: its corners as drawn; the boundary typed anew and the name changed.
        page.goto(f"{system}/office/registry/grids")
        page.get_by_role("row", name=re.compile(grid["name"])).get_by_role("button", name="编辑").click()
        expect(page).to_have_url(f"{system}/office/registry/grids/{grid['id']}")
        expect(page.get_by_role("heading", name=f"编辑网格 {grid['code']}")).to_be_visible()
        boundary = page.locator('textarea[aria-label^="边界顶点坐标"]')
        drawn = [tuple(corner) for corner in grid["boundary"]["coordinates"][0][:4]]
        expect(boundary).to_have_value("\n".join(f"{x:.6f},{y:.6f}" for x, y in drawn))
        for corner in range(1, 5):
            expect(page.get_by_title(f"第{corner}个顶点")).to_be_attached()
        _screen(page, "office-grid-edit")
        page.locator('input[aria-label="网格名称"]').fill("第一网格(扩大)")
        boundary.fill("\n".join(f"{x},{y}" for x, y in corners))
        boundary.blur()
        for corner in range(1, 6):  # the map turns to the typed corners
            expect(page.get_by_title(f"第{corner}个顶点")).to_be_in_viewport()
        expect(page.get_by_text("5 个顶点")).to_be_visible()
        _screen(page, "office-grid-edit-redrawn")
        page.get_by_role("button", name="保存").click()
        expect(page).to_have_url(f"{system}/office/registry/grids")
        expect(page.get_by_role("cell", name="第一网格(扩大)")).to_be_visible()
        saved = ok(registry.get(f"/grids/{grid['id']}"))
        assert saved["name"] == "第一网格(扩大)"
        assert saved["boundary"]["coordinates"][0][:5] == [list(corner) for corner in corners]

        # A unit's details corrected, with the reason.
        page.goto(f"{system}/office/registry/units")
        page.get_by_role("row", name=re.compile("宏达机械厂")).get_by_role("button", name="编辑").click()
        dialog = page.get_by_role("dialog")
        expect(dialog.locator('input[aria-label="单位名称"]')).to_have_value("宏达机械厂")
        dialog.locator('input[aria-label="单位名称"]').fill("宏达精密机械有限公司")
        dialog.locator('input[aria-label="地址"]').fill("经开区繁华大道88号")
        dialog.locator('input[aria-label="企业负责人"]').fill("周厂长")
        dialog.locator('input[aria-label="原因"]').fill("工商变更登记")
        _screen(page, "office-unit-edit")
        dialog.get_by_role("button", name="保存").click()
        expect(page.get_by_role("dialog")).to_have_count(0)
        expect(page.get_by_role("link", name="宏达精密机械有限公司")).to_be_visible()
        corrected = ok(registry.get(f"/enterprises/{unit['id']}"))
        assert (corrected["name"], corrected["address"], corrected["responsible_head"]) == (
            "宏达精密机械有限公司",
            "经开区繁华大道88号",
            "周厂长",
        )

        # A person's title and phone; then their login's roles (修改账号).
        page.goto(f"{system}/office/registry/people")
        row = page.get_by_role("row", name=re.compile("钱安办"))
        row.get_by_role("button", name="编辑").click()
        dialog = page.get_by_role("dialog")
        dialog.locator('input[aria-label="职务"]').fill("安全办副主任")
        dialog.locator('input[aria-label="电话"]').fill("13800000001")
        _screen(page, "office-person-edit")
        dialog.get_by_role("button", name="保存").click()
        expect(page.get_by_role("dialog")).to_have_count(0)
        expect(row).to_contain_text("安全办副主任")
        expect(row).to_contain_text("13800000001")
        person = ok(registry.get(f"/people/{office_id}"))
        assert (person["title"], person["phone"]) == ("安全办副主任", "13800000001")

        row.get_by_role("button", name="修改账号").click()
        dialog = page.get_by_role("dialog")
        expect(dialog.locator('input[aria-label="用户名"]')).to_have_value(office)
        expect(dialog.locator('input[aria-label="用户名"]')).to_be_disabled()
        expect(dialog.get_by_role("checkbox", name="管委会安全办")).to_be_checked()
        dialog.get_by_text("管委会领导", exact=True).click()
        expect(dialog.get_by_role("checkbox", name="管委会领导")).to_be_checked()
        _screen(page, "office-account-edit")
        dialog.get_by_role("button", name="保存").click()
        expect(page.get_by_role("dialog")).to_have_count(0)
        expect(row).to_contain_text("管委会安全办、管委会领导")
        _screen(page, "office-people-edited")

    login = ok(registry.get("/accounts", params={"person_id": office_id}))["items"]
    assert [(a["username"], sorted(a["roles"])) for a in login] == [
        (office, ["committee_leader", "safety_office"])
    ]
    # the changed roles hold for the next login
    actions = ok(httpx.get(f"{system}/api/registry/auth/actions", headers=headers_of(system, office)))
    assert "statistics.read" in actions and "settings.read" not in actions
