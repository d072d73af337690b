"""Every page of the office console (管理端) for every office role that uses it, at a desk's size.

Each office role logs in and finds in the side menu exactly the pages whose action the access
policy grants it: the pages as web/src/office/pages/*/routes.ts declare them, the grants as the
registry serves them to the person (`GET /auth/actions`), which agree with shared/access.py. It
opens every page from the menu, waits for the page's own data, saves the screen in
test-artifacts/web/ as office-page-<role>-<page> and checks it with axe-core; every page it may
not open, typed as a URL, says 无权访问. The auditor's pages show no button that changes anything.

The dashboard's figures open the hazards behind them: a slice of a chart, clicked where ECharts
draws it, and the rates (整改率 of this month's hazards, 按期销号率 of those closed).
"""

import math
import re
from datetime import date, timedelta
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import httpx
import pytest

from shared.access import rule
from shared.auth import Role
from shared.clock import local_today
from tests.support.browser import (
    BROWSER_TEST,
    DESKTOP,
    account,
    browser_page,
    headers_of,
    log_in,
    menu_item,
    menu_titles,
    ok,
)
from tests.support.console import CHANGES, console_pages
from tests.support.processes import wait_until
from tests.test_web_office import DASHBOARD, _hazard, _rectified_by_the_enterprise
from tests.test_web_office_roles import Desk, _screen
from tests.test_web_office_roles import desk as _desk

pytestmark = BROWSER_TEST
desk = _desk  # the fixture: a zone with a grid and a unit, and the zone admin's clients

OFFICE_ROLES = [
    Role.zone_admin,
    Role.safety_office,
    Role.committee_leader,
    Role.enforcement_officer,
    Role.auditor,
]


class Zone(NamedTuple):
    """The data every page shows something of, and each office role's account."""

    grid: dict
    unit: dict
    general: dict
    major: dict
    checklist: str
    webhook: str
    accounts: dict[Role, str]


@pytest.fixture
def zone(system, desk: Desk, http_sink) -> Zone:
    made, registry, inspections = desk
    checklist = {
        "code": "fire-daily",
        "name": "消防日常检查表",
        "items": [{"key": "ext", "text": "灭火器在有效期内", "category": "消防"}],
    }
    ok(inspections.post("/checklists", json=checklist), 201)
    last_day = str(date(local_today().year, 12, 31))  # in the year the calendar opens on
    holiday = {"day": last_day, "kind": "holiday", "name": "区庆假日", "source": "管委会通知"}
    ok(inspections.post("/calendar", json=holiday), 201)
    hook = {"name": "市级监管平台", "url": http_sink.url("/hooks/city"), "event_types": ["hazard.closed"]}
    notifications = httpx.Client(base_url=f"{system}/api/notifications", headers=registry.headers, timeout=30)
    ok(notifications.post("/webhooks", json=hook), 201)
    general = _hazard(inspections, made["unit"], "general", "灭火器压力不足")
    major = _hazard(inspections, made["unit"], "major", "储罐区可燃气体报警器失效")
    accounts = {
        Role.zone_admin: made["admin"],
        Role.safety_office: made["office"],
        Role.auditor: made["auditor"],
        Role.committee_leader: account(registry, "郑主任", "committee_leader")[0],
        Role.enforcement_officer: account(registry, "吴执法", "enforcement_officer")[0],
    }
    # the reporting copy counts both hazards; the safety office is told of the major one twice
    office = headers_of(system, made["office"])
    board = f"{system}/api/reporting/dashboard"
    wait_until(lambda: ok(httpx.get(board, headers=office))["this_month"]["found"] == 2, timeout=60)
    inbox = f"{system}/api/notifications/inbox"
    wait_until(lambda: ok(httpx.get(inbox, headers=office))["unread"] == 2, timeout=60, interval=1)
    return Zone(made["grid"], made["unit"], general, major, checklist["name"], hook["name"], accounts)


def _loaded(page: Any, path: str, zone: Zone, messages: list[str]) -> None:
    """The page at `path` shows its data (not only its frame) and no refusal."""
    from playwright.sync_api import expect

    main = page.locator(".el-main")
    expect(main.get_by_role("heading", level=1)).to_be_visible()
    rows = main.locator(".el-table__row")
    match path:
        case "dashboard":
            expect(main.get_by_role("link", name=re.compile(r"本月发现隐患\s*2"))).to_be_visible()
            expect(main.get_by_role("img", name="本月各网格发现隐患:第G1网格 2")).to_be_visible()
        case "inbox":
            if messages:
                expect(rows).to_have_count(len(messages))
                for title in messages:
                    expect(rows.filter(has_text=title).first).to_be_visible()
            else:
                expect(main.get_by_text("暂无消息")).to_be_visible()
        case "hazards":
            for hazard in (zone.general, zone.major):
                expect(main.get_by_role("link", name=hazard["description"])).to_be_visible()
        case "hazards/queues":
            expect(main.get_by_role("tab", name="待复查验收")).to_have_attribute("aria-selected", "true")
            expect(main.get_by_text("没有符合条件的隐患")).to_be_visible()
        case "map":
            expect(main.locator("path.unit-marker")).to_have_count(1)
        case "registry/grids":
            expect(main.get_by_role("cell", name=zone.grid["name"], exact=True)).to_be_visible()
        case "registry/units":
            expect(main.get_by_role("link", name=zone.unit["name"])).to_be_visible()
        case "registry/people":
            for name in ("赵安监", "钱审计"):
                expect(main.get_by_role("cell", name=name, exact=True)).to_be_visible()
        case "registry/assignments":
            expect(main.get_by_role("combobox", name="选择网格")).to_be_visible()
        case "registry/import":
            expect(main.locator('input[aria-label="台账文件"]')).to_be_attached()
        case "reports/filings":
            expect(main.get_by_text("报送截止")).to_be_visible()  # the period's status, read
        case "reports/downloads":
            expect(main.get_by_role("button", name="下载月报 PDF")).to_be_visible()
        case "reports/assessment":
            expect(main.get_by_text("计分规则")).to_be_visible()
        case "reports/campaign":
            expect(main.locator(".phase").first).to_be_visible()
        case "config/checklists":
            expect(main.get_by_role("cell", name=zone.checklist)).to_be_visible()
        case "config/webhooks":
            expect(main.get_by_text(zone.webhook)).to_be_visible()
        case "config/dead-letters":
            expect(main.locator(".el-table")).to_be_visible()
        case "config/calendar":
            expect(main.get_by_role("cell", name="区庆假日")).to_be_visible()
        case _:  # the other settings: the zone's rules in force
            expect(rows.first).to_be_visible()
    expect(page.locator(".el-loading-mask:visible")).to_have_count(0)
    expect(main.locator(".el-alert--error")).to_have_count(0)
    expect(page.get_by_text("无权访问")).to_have_count(0)


@pytest.mark.parametrize("role", OFFICE_ROLES, ids=[r.value for r in OFFICE_ROLES])
def test_each_office_role_opens_every_page_the_policy_grants_it_and_no_other(system, zone, role):
    from playwright.sync_api import expect

    username = zone.accounts[role]
    own = headers_of(system, username)
    served = ok(httpx.get(f"{system}/api/registry/auth/actions", headers=own))
    pages = console_pages()
    granted = [p for p in pages if p.action in served]
    assert granted == [p for p in pages if role in rule(p.action).grants]  # the policy as served
    menu = [p for p in granted if p.in_menu]
    ids = {
        "registry/grids/:id": zone.grid["id"],
        "units/:id/dossier": zone.unit["id"],
        "hazards/:id": zone.general["id"],
    }
    refused = [p.path.replace(":id", ids.get(p.path, "")) for p in pages if p not in granted]
    messages = [m["title"] for m in ok(httpx.get(f"{system}/api/notifications/inbox", headers=own))["items"]]

    with browser_page(DESKTOP, reduced_motion="reduce") as page:
        log_in(page, system, username, lands=DASHBOARD)
        expect(menu_item(page, menu[0].title)).to_be_visible()
        assert menu_titles(page) == [p.title for p in menu]

        for shown in menu:
            link = menu_item(page, shown.title)
            link.click()
            page.wait_for_url(lambda url, path=f"/office/{shown.path}": urlsplit(url).path == path)
            expect(link).to_have_attribute("aria-current", "page")
            _loaded(page, shown.path, zone, messages)
            if role == Role.auditor:
                expect(page.locator(".el-main").get_by_role("button", name=CHANGES)).to_have_count(0)
                expect(page.locator(".el-main").get_by_role("switch")).to_have_count(0)
            _screen(page, f"office-page-{role.value}-{shown.path.replace('/', '-')}")

        for path in refused:
            page.goto(f"{system}/office/{path}")
            expect(page.get_by_text("无权访问 / forbidden")).to_be_visible()
            assert menu_titles(page) == [p.title for p in menu]


def _at_angle(box: dict, degrees: float) -> dict[str, float]:
    """The middle of the dashboard's ring charts (pieOption: centre 50% 45%, radius 40%–68% of half
    the smaller side) at `degrees` clockwise from twelve o'clock, where ECharts starts its first
    slice; a position in the chart's element."""
    radius = 0.54 * min(box["width"], box["height"]) / 2
    return {
        "x": box["width"] * 0.5 + radius * math.sin(math.radians(degrees)),
        "y": box["height"] * 0.45 - radius * math.cos(math.radians(degrees)),
    }


def test_the_dashboards_charts_and_rates_open_the_hazards_behind_them(system, desk):
    from playwright.sync_api import expect

    made, registry, inspections = desk
    leader = account(registry, "郑主任", "committee_leader")[0]
    office = headers_of(system, made["office"])
    fixed, _ = (_hazard(inspections, made["unit"], "general", d) for d in ("灭火器压力不足", "安全出口堵塞"))
    major = _hazard(inspections, made["unit"], "major", "储罐区可燃气体报警器失效")
    # one of the three is rectified, verified and closed out within its deadline
    order = {"deadline": str(local_today() + timedelta(days=7)), "responsible_person": "孙厂长", "measures": "更换灭火器"}  # fmt: skip
    ok(inspections.post(f"/hazards/{fixed['id']}/actions/order_rectification", json=order, headers=office))
    _rectified_by_the_enterprise(system, made["enterprise"], fixed["id"])
    ok(inspections.post(f"/hazards/{fixed['id']}/actions/verify", json={"passed": True}, headers=office))
    ok(inspections.post(f"/hazards/{fixed['id']}/actions/close", json={}, headers=office))
    board = f"{system}/api/reporting/dashboard"
    own = headers_of(system, leader)
    wait_until(lambda: ok(httpx.get(board, headers=own))["this_month"]["closed"] == 1, timeout=60, interval=1)
    figures = ok(httpx.get(board, headers=own))["this_month"]
    assert (figures["found"], figures["rectification_rate"], figures["on_time_rate"]) == (3, 0.3333, 1.0)
    descriptions = re.compile("灭火器压力不足|安全出口堵塞|储罐区可燃气体报警器失效")

    with browser_page(DESKTOP, reduced_motion="reduce") as page:  # the charts drawn without animation
        log_in(page, system, leader, lands=DASHBOARD)
        ledger = page.get_by_role("link", name=descriptions)

        # 整改率: worked out from this month's hazards, which it opens; 按期销号率: from those closed.
        rectified = page.get_by_role("link", name="本月整改率 33%")
        expect(rectified).to_be_visible()
        expect(page.get_by_role("link", name="按期销号率 100%")).to_be_visible()
        rectified.click()
        expect(page).to_have_url(re.compile(r"/office/hazards\?.*from="))
        expect(ledger).to_have_count(3)
        page.go_back()
        page.get_by_role("link", name="按期销号率 100%").click()
        expect(page).to_have_url(re.compile(r"/office/hazards\?.*state=closed"))
        expect(ledger).to_have_count(1)
        expect(ledger).to_have_text(fixed["description"])
        page.go_back()

        # The grades' ring: general 2 from twelve o'clock clockwise (240°), then major 1. Its
        # slice is pointed at (the tooltip names it) and clicked: the ledger lists the major ones.
        ring = page.get_by_role("img", name="本月隐患等级:一般隐患 2,重大隐患 1")
        expect(ring).to_be_visible()
        card = page.locator(".el-card", has=ring)
        at = _at_angle(ring.bounding_box(), 300)
        ring.hover(position=at)
        expect(card).to_contain_text("重大隐患: 1")
        _screen(page, "office-dashboard-grade-pointed")
        ring.click(position=at)
        expect(page).to_have_url(re.compile(r"/office/hazards\?.*grade=major"))
        expect(ledger).to_have_count(1)
        expect(ledger).to_have_text(major["description"])
        _screen(page, "office-dashboard-grade-ledger")
