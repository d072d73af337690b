"""The office console (管理端) in a real browser at a desk's size, against the whole running system.

The safety office logs in and lands on the dashboard, follows a figure to the hazard ledger,
filters it, orders a rectification on a hazard's page (a refused field shows next to the field),
finds the enterprise's fix in its work queue, verifies it and closes it out; its inbox badge
follows new messages without a reload. An auditor sees the same pages without a single action
form, and an enterprise user is refused every console URL. Each screen is saved in
test-artifacts/web/ and checked with axe-core.
"""

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx

from shared.auth import Role
from shared.clock import local_today
from shared.settings import get_settings
from tests.factories import create_zone_and_grid, enterprise_payload
from tests.support.browser import (
    BROWSER_TEST,
    DESKTOP,
    accessible,
    account,
    browser_page,
    headers_of,
    log_in,
    menu_item,
    menu_titles,
    ok,
    shot,
    staff,
)
from tests.support.files import photo
from tests.support.processes import wait_until

pytestmark = BROWSER_TEST
DASHBOARD = "/office/dashboard"


def _zone(gateway: str, make_token: Callable[..., str]) -> dict[str, Any]:
    """Through the APIs: a grid and a unit in it; the safety office (the zone's duty), an auditor,
    the unit's own account and a zone admin, each able to log in; and, as `inspections`, a client
    of the inspections API with a zone admin's token."""
    admin = {"Authorization": f"Bearer {make_token(Role.zone_admin)}"}
    registry = httpx.Client(base_url=f"{gateway}/api/registry", headers=admin, timeout=30)
    inspections = httpx.Client(base_url=f"{gateway}/api/inspections", headers=admin, timeout=30)
    grid = create_zone_and_grid(registry, admin)
    unit = ok(
        registry.post(
            "/enterprises",
            json=enterprise_payload(grid["id"], name="华安化工有限公司", longitude=117.305, latitude=31.805),
        ),
        201,
    )
    office = staff(registry, grid["zone_id"], "赵安监", duty="safety_office", role="safety_office")
    wait_until(lambda: inspections.get(f"/units/{unit['id']}").status_code == 200, timeout=60)
    return {
        "grid": grid,
        "unit": unit,
        "office": office,
        "auditor": account(registry, "钱审计", "auditor")[0],
        "enterprise": account(registry, "孙企业", "enterprise_user", enterprise_id=unit["id"])[0],
        "admin": account(registry, "李管理", "zone_admin")[0],
        "inspections": inspections,
    }


def _hazard(inspections: httpx.Client, unit: dict[str, Any], grade: str, description: str) -> dict[str, Any]:
    body = {
        "unit_id": unit["id"],
        "source": "superior_inspection",
        "category": "消防",
        "grade": grade,
        "location": "二号仓库",
        "description": description,
    }
    return ok(inspections.post("/hazards", json=body), 201)


def _rectified_by_the_enterprise(gateway: str, username: str, hazard_id: str) -> None:
    """The enterprise uploads its after-photo (with GPS) and says the fix is done."""
    own = httpx.Client(
        base_url=f"{gateway}/api/inspections", headers=headers_of(gateway, username), timeout=30
    )
    picture = photo("JPEG", position=(31.8052, 117.3051))
    uploaded = own.post(
        f"/hazards/{hazard_id}/evidence", files={"file": ("after.jpg", picture)}, data={"tag": "after"}
    )
    evidence_id = ok(uploaded, 201)["id"]
    ok(own.post(f"/hazards/{hazard_id}/actions/mark_rectified", json={"evidence_ids": [evidence_id]}))


def test_the_safety_office_works_a_hazard_from_the_dashboard_to_its_close_out(system, make_token):
    from playwright.sync_api import expect

    zone = _zone(system, make_token)
    inspections = zone["inspections"]
    general = _hazard(inspections, zone["unit"], "general", "灭火器压力不足")
    major = _hazard(inspections, zone["unit"], "major", "储罐区可燃气体报警器失效")
    office = headers_of(system, zone["office"])
    # the reporting copy and the office's inbox have both hazards (the major one is told at once)
    board = f"{system}/api/reporting/dashboard"
    wait_until(lambda: ok(httpx.get(board, headers=office))["this_month"]["found"] == 2, timeout=60)
    # a major hazard is told to the safety office twice: reported (major) and escalated
    inbox = f"{system}/api/notifications/inbox"
    wait_until(lambda: ok(httpx.get(inbox, headers=office))["unread"] == 2, timeout=60, interval=1)

    with browser_page(DESKTOP) as page:
        log_in(page, system, zone["office"], lands=DASHBOARD)
        found = page.get_by_role("link", name=re.compile(r"本月发现隐患\s*2"))
        expect(found).to_be_visible()
        expect(page.get_by_role("link", name=re.compile(r"逾期未整改\s*0"))).to_be_visible()
        expect(page.get_by_role("img", name="本月各网格发现隐患:第G1网格 2")).to_be_visible()
        expect(page.get_by_role("link", name="消息,2 条未读")).to_be_visible()
        assert menu_titles(page)[:4] == ["驾驶舱", "我的消息", "隐患台帐", "待办队列"]
        page.wait_for_timeout(800)  # the charts' first animation
        shot(page, "office-dashboard")
        accessible(page, "office-dashboard")

        # Each grid's standing against its duties opens the duties behind the figure.
        page.get_by_role("button", name=re.compile(r"第G1网格.*日巡查待完成 1")).click()
        expect(page.get_by_role("dialog")).to_contain_text("第G1网格")
        shot(page, "office-dashboard-duties")
        accessible(page, "office-dashboard-duties")
        page.keyboard.press("Escape")
        expect(page.get_by_role("dialog")).to_have_count(0)

        # A new message reaches the badge without a reload (here: when the window regains focus).
        _hazard(inspections, zone["unit"], "major", "液氨管道腐蚀")
        wait_until(lambda: ok(httpx.get(inbox, headers=office))["unread"] == 4, timeout=60, interval=1)
        page.evaluate("window.dispatchEvent(new Event('focus'))")
        expect(page.get_by_role("link", name="消息,4 条未读")).to_be_visible()

        # The figure opens the list behind it: this month's hazards; filtered to the general ones.
        found.click()
        expect(page).to_have_url(re.compile(r"/office/hazards\?.*from="))
        expect(page.get_by_role("link", name=major["description"])).to_be_visible()
        page.get_by_role("combobox", name="等级").click(force=True)  # through its placeholder
        page.get_by_role("option", name="一般隐患").click()
        page.get_by_role("button", name="查询").click()
        expect(page).to_have_url(re.compile("grade=general"))
        expect(page.get_by_role("link", name=major["description"])).to_have_count(0)
        expect(page.get_by_role("link", name=general["description"])).to_be_visible()
        shot(page, "office-ledger")
        accessible(page, "office-ledger")

        # The hazard's page: a form for each step the office may take now.
        page.get_by_role("link", name=general["description"]).click()
        expect(page.get_by_role("heading", name=general["description"])).to_be_visible()
        expect(page.get_by_role("tab", name="限期整改")).to_be_visible()
        expect(page.get_by_role("tab", name="误报作废")).to_be_visible()
        page.get_by_role("tab", name="限期整改").click()
        page.get_by_role("button", name="提交限期整改").click()  # nothing filled: refused, per field
        deadline_item = page.locator(".el-form-item", has=page.locator("#order_rectification-deadline"))
        expect(deadline_item.locator(".el-form-item__error")).to_be_visible()
        page.locator("#order_rectification-deadline").fill(str(local_today() + timedelta(days=7)))
        page.locator("#order_rectification-deadline").press("Enter")
        page.locator("#order_rectification-responsible_person").fill("李主任")
        page.locator("#order_rectification-measures").fill("更换灭火器并检查压力")
        page.get_by_role("button", name="提交限期整改").click()
        expect(page.get_by_text("整改中").first).to_be_visible()
        expect(page.get_by_text("李主任").first).to_be_visible()

        # The enterprise fixes it; the work queue shows it awaiting verification.
        _rectified_by_the_enterprise(system, zone["enterprise"], general["id"])
        menu_item(page, "待办队列").click()
        expect(page.get_by_role("tab", name="待复查验收")).to_be_visible()
        expect(page.get_by_role("link", name=general["description"])).to_be_visible()
        shot(page, "office-queues")
        accessible(page, "office-queues")
        page.get_by_role("link", name=general["description"]).click()

        # Verified, then closed out: the history tells each step; the after-photo and the map show.
        expect(page.get_by_role("img", name="整改后照片 after.jpg")).to_be_visible()
        expect(
            page.get_by_role("figure", name=re.compile(r"位置:北纬 31\.805\d*,东经 117\.305"))
        ).to_be_visible()
        page.get_by_role("tab", name="复查验收").click()
        page.get_by_text("通过", exact=True).click()
        page.get_by_role("button", name="提交复查验收").click()
        expect(page.get_by_role("tab", name="销号")).to_be_visible()
        page.get_by_role("tab", name="销号").click()
        page.get_by_role("button", name="提交销号").click()
        expect(page.get_by_text("已销号").first).to_be_visible()
        for step in ("登记", "限期整改", "整改完成", "复查验收", "销号"):
            expect(page.locator(".el-timeline").get_by_text(step, exact=True)).to_be_visible()
        expect(page.get_by_role("button", name="提交销号")).to_have_count(0)
        shot(page, "office-hazard")
        accessible(page, "office-hazard")

        page.get_by_role("link", name=re.compile("^消息,")).click()
        expect(page.get_by_role("heading", name=re.compile(r"我的消息\(\d+ 条未读\)"))).to_be_visible()
        unread_rows = page.get_by_role("button", name="标为已读")
        expect(unread_rows.nth(3)).to_be_visible()
        before = unread_rows.count()
        unread_rows.first.click()
        expect(page.get_by_role("link", name=f"消息,{before - 1} 条未读")).to_be_visible()
        shot(page, "office-inbox")
        accessible(page, "office-inbox")

    closed = ok(inspections.get(f"/hazards/{general['id']}"))
    assert closed["state"] == "closed"


def test_an_auditor_reads_without_acting_and_an_enterprise_user_is_kept_out(system, make_token):
    from playwright.sync_api import expect

    zone = _zone(system, make_token)
    inspections = zone["inspections"]
    hazard = _hazard(inspections, zone["unit"], "general", "配电箱未接地")
    hazard_page = f"{system}/office/hazards/{hazard['id']}"

    # What the zone admin's menu holds and the auditor's does not, with each page's URL.
    with browser_page(DESKTOP) as page:
        log_in(page, system, zone["admin"], lands=DASHBOARD)
        expect(menu_item(page, "驾驶舱")).to_be_visible()
        admin_menu = menu_titles(page)
        urls = {}
        for title in admin_menu:
            link = menu_item(page, title)
            path = link.get_attribute("href")
            link.click()
            page.wait_for_url(lambda url, path=path: urlsplit(url).path == path)  # the route, not the network
            urls[title] = page.url

    with browser_page(DESKTOP) as page:
        log_in(page, system, zone["auditor"], lands=DASHBOARD)
        expect(menu_item(page, "驾驶舱")).to_be_visible()
        menu = menu_titles(page)
        assert {"驾驶舱", "隐患台帐", "待办队列", "我的消息"} <= set(menu) <= set(admin_menu)
        page.goto(hazard_page)
        expect(page.get_by_role("heading", name=hazard["description"])).to_be_visible()
        expect(page.get_by_text("处理过程")).to_be_visible()
        expect(page.get_by_role("tab", name="限期整改")).to_have_count(0)
        expect(page.get_by_role("button", name="提交限期整改")).to_have_count(0)
        expect(page.locator(".step-form")).to_have_count(0)
        shot(page, "office-hazard-auditor")
        accessible(page, "office-hazard-auditor")
        for title in set(admin_menu) - set(menu):
            page.goto(urls[title])
            expect(page.get_by_text("无权访问")).to_be_visible()
    auditor = headers_of(system, zone["auditor"])
    order = {
        "deadline": str(local_today() + timedelta(days=7)),
        "responsible_person": "李",
        "measures": "接地",
    }
    refused = httpx.post(
        f"{system}/api/inspections/hazards/{hazard['id']}/actions/order_rectification",
        json=order,
        headers=auditor,
    )
    assert refused.status_code == 403

    # The enterprise's account keeps its phone screens; every console URL is refused, without a menu.
    with browser_page(DESKTOP) as page:
        log_in(page, system, zone["enterprise"], lands="/enterprise")
        for url in [hazard_page, *urls.values()]:
            page.goto(url)
            expect(page.get_by_text("无权访问")).to_be_visible()
            expect(page.get_by_role("navigation", name="管理端菜单").get_by_role("link")).to_have_count(0)
            expect(page.get_by_text(hazard["description"])).to_have_count(0)
        shot(page, "office-forbidden-enterprise")
        accessible(page, "office-forbidden-enterprise")


def test_times_and_days_are_the_zones_on_a_desk_set_to_another_time_zone(system, make_token):
    """A desk whose clock is in New York (13 hours behind the zone) shows a hazard's report time
    and day as the zone counts them."""
    from playwright.sync_api import expect

    zone = _zone(system, make_token)
    inspections = zone["inspections"]
    hazard = _hazard(inspections, zone["unit"], "general", "配电箱未接地")
    reported = datetime.fromisoformat(hazard["reported_at"]).astimezone(get_settings().zone)
    day = f"{reported.year}/{reported.month}/{reported.day}"

    with browser_page(DESKTOP, timezone_id="America/New_York") as page:
        log_in(page, system, zone["office"], lands=DASHBOARD)
        assert page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone") == "America/New_York"
        page.goto(f"{system}/office/hazards/{hazard['id']}")
        expect(page.get_by_text(f"· {day} {reported:%H:%M:%S}")).to_be_visible()
        page.goto(f"{system}/office/hazards")
        expect(page.get_by_role("row", name=re.compile("配电箱未接地"))).to_contain_text(day)
        # the ledger of that one zone day has it (its bounds are the zone's midnights, not New York's)
        page.goto(f"{system}/office/hazards?from={reported.date()}&to={reported.date()}")
        expect(page.get_by_role("row", name=re.compile("配电箱未接地"))).to_be_visible()


def test_a_hazard_page_shows_the_hazard_asked_last_when_an_earlier_answer_comes_late(system, make_token):
    """Moving from one hazard's page to another's while the first is still being read: the first's
    late answer does not replace the second."""
    from playwright.sync_api import Route, expect

    zone = _zone(system, make_token)
    inspections = zone["inspections"]
    first = _hazard(inspections, zone["unit"], "general", "消防通道堆放杂物")
    second = _hazard(inspections, zone["unit"], "general", "配电箱门未关闭")
    held: list[Route] = []

    with browser_page(DESKTOP) as page:
        log_in(page, system, zone["office"], lands=DASHBOARD)
        page.route(
            f"**/api/inspections/hazards/{first['id']}", lambda route: held.append(route)
        )  # answered later
        page.goto(f"{system}/office/hazards/{first['id']}")
        for _ in range(300):  # Playwright calls the route's handler while it waits
            if held:
                break
            page.wait_for_timeout(100)
        assert held, "the first hazard was never asked for"
        # within the app (no reload): the router follows the address to the second hazard
        page.evaluate(
            "path => { history.pushState(history.state, '', path); dispatchEvent(new PopStateEvent('popstate', {state: history.state})) }",
            f"/office/hazards/{second['id']}",
        )
        expect(page.get_by_text("配电箱门未关闭").first).to_be_visible()
        with page.expect_response(lambda answer: answer.url.endswith(f"/hazards/{first['id']}")):
            held[0].continue_()
        page.wait_for_timeout(500)  # the late answer has been handled by now
        expect(page.get_by_text("配电箱门未关闭").first).to_be_visible()
        expect(page.get_by_text("消防通道堆放杂物")).to_have_count(0)
