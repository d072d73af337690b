"""The office console (管理端) for the roles the other office tests leave out, at a desk's size.

An enforcement officer's menu holds what the access policy grants it; it finds a hazard handed to
enforcement in its work queue and takes the step the state machine lets it take from there, which
the hazard's timeline then shows. A committee leader lands on the dashboard, reads its figures and
the ledger, which it sorts and pages. An auditor reads the registry pages, the map and a unit's
dossier without a button that changes anything. The safety office fills in a major hazard's
six-part plan on the hazard's page and sees it after saving; it hands a hazard to enforcement,
lists a major one for supervision, verifies it with the evaluation and the restart application
(its fields asked for once the verification passes) and closes it with the authority's review
day, finding it in the queues awaiting close-out and review on the way. A console page outside a
role's actions, typed as a URL, says 无权访问. Each screen is saved in test-artifacts/web/ and
checked with axe-core.
"""

import re
from datetime import timedelta
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import httpx
import pytest

from shared.access import rule
from shared.auth import Role
from shared.clock import local_today
from shared.labels import zh
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
from tests.support.console import CHANGES, console_pages
from tests.support.processes import wait_until
from tests.test_web_office import DASHBOARD, _hazard, _rectified_by_the_enterprise, _zone

pytestmark = BROWSER_TEST


class Desk(NamedTuple):
    """What each test starts from: a zone with a grid and a unit (`_zone`), and the zone admin's
    clients of the registry and inspections through the gateway."""

    zone: dict
    registry: httpx.Client
    inspections: httpx.Client


@pytest.fixture
def desk(system, make_token) -> Desk:
    zone = _zone(system, make_token)
    inspections = zone["inspections"]
    registry = httpx.Client(base_url=f"{system}/api/registry", headers=inspections.headers, timeout=30)
    return Desk(zone, registry, inspections)


def _granted(role: Role) -> tuple[list[str], list[str]]:
    """The menu's titles the policy grants `role`, and the paths of the pages it does not."""
    menu = [page for page in console_pages() if page.in_menu]
    shown = [page.title for page in menu if role in rule(page.action).grants]
    refused = [page.path for page in menu if role not in rule(page.action).grants]
    return shown, refused


def _screen(page: Any, name: str) -> None:
    shot(page, name)
    accessible(page, name)


def _open(page: Any, title: str) -> None:
    """Opens the page `title` from the side menu, once the route is its own."""
    link = menu_item(page, title)
    path = link.get_attribute("href")
    link.click()
    page.wait_for_url(lambda url: urlsplit(url).path == path)


def _kept_out(page: Any, gateway: str, paths: list[str]) -> None:
    """Each console page typed as a URL says 无权访问."""
    from playwright.sync_api import expect

    assert paths
    for path in paths:
        page.goto(f"{gateway}/office/{path}")
        expect(page.get_by_text("无权访问 / forbidden")).to_be_visible()


def test_an_enforcement_officer_takes_over_a_hazard_handed_to_enforcement(system, desk):
    from playwright.sync_api import expect

    zone, registry, inspections = desk
    officer = account(registry, "吴执法", "enforcement_officer")[0]
    hazard = _hazard(inspections, zone["unit"], "general", "动火作业未办理审批")
    other = _hazard(inspections, zone["unit"], "general", "安全出口堵塞")  # stays with the office
    # The safety office hands the hazard to enforcement: the unit refuses to rectify it.
    handoff = {"reason": "企业拒不整改", "enforcement_owner": "区应急管理综合执法大队"}
    office = headers_of(system, zone["office"])
    ok(inspections.post(f"/hazards/{hazard['id']}/actions/refuse", json=handoff, headers=office))

    # What the state machine lets the officer do from there (挂牌督办 is not its to do; 逾期说明
    # only once overdue).
    rules = ok(inspections.get("/hazards/actions", headers=headers_of(system, officer)))
    mine = [
        action
        for action, step in rules.items()
        if "with_enforcement" in step["from"]
        and "enforcement_officer" in step["roles_from"].get("with_enforcement", step["roles"])
        and action != "explain_overdue"
    ]
    assert "order_rectification" in mine and "list_for_supervision" not in mine
    shown, refused = _granted(Role.enforcement_officer)

    with browser_page(DESKTOP) as page:
        log_in(page, system, officer, lands=DASHBOARD)
        expect(menu_item(page, "驾驶舱")).to_be_visible()
        assert menu_titles(page) == shown
        assert "台账导入" not in shown and "检查表" not in shown

        _open(page, "待办队列")
        # the menu marks the queues as the page shown, not the ledger whose path starts theirs
        expect(menu_item(page, "待办队列")).to_have_attribute("aria-current", "page")
        expect(menu_item(page, "隐患台帐")).not_to_have_attribute("aria-current", "page")
        page.get_by_role("tab", name="执法处理中").click()
        expect(page.get_by_role("link", name=hazard["description"])).to_be_visible()
        expect(page.get_by_role("link", name=other["description"])).to_have_count(0)
        expect(page.get_by_text("已移交执法").first).to_be_visible()
        _screen(page, "office-queues-enforcement")

        page.get_by_role("link", name=hazard["description"]).click()
        expect(page.get_by_role("heading", name=hazard["description"])).to_be_visible()
        expect(page.get_by_role("cell", name=handoff["enforcement_owner"])).to_be_visible()  # 执法接收
        expect(page.get_by_role("tab", name="限期整改")).to_be_visible()
        assert page.get_by_role("tab").all_inner_texts() == [zh("hazard_action", a) for a in mine]
        _screen(page, "office-hazard-enforcement")
        page.get_by_role("tab", name="限期整改").click()
        deadline = str(local_today() + timedelta(days=10))
        page.locator("#order_rectification-deadline").fill(deadline)
        page.locator("#order_rectification-deadline").press("Enter")
        page.locator("#order_rectification-responsible_person").fill("孙厂长")
        page.locator("#order_rectification-measures").fill("补办动火审批并配备监护人")
        page.get_by_role("button", name="提交限期整改").click()
        expect(page.get_by_text("整改中").first).to_be_visible()
        timeline = page.locator(".el-timeline")
        for step in ("登记", "拒不整改,移交执法", "限期整改"):
            expect(timeline.get_by_text(step, exact=True)).to_be_visible()
        ordered = page.locator(".el-timeline-item", has_text="限期整改")
        expect(ordered).to_contain_text("吴执法")
        expect(ordered).to_contain_text("已移交执法 → 整改中")
        expect(ordered).to_contain_text(deadline)
        _screen(page, "office-hazard-enforcement-ordered")

        _kept_out(page, system, refused)
        _screen(page, "office-forbidden-enforcement")

    after = ok(inspections.get(f"/hazards/{hazard['id']}"))
    assert (after["state"], after["deadline"], after["responsible_person"]) == (
        "rectifying",
        deadline,
        "孙厂长",
    )
    assert after["enforcement_owner"] == handoff["enforcement_owner"]


def test_a_committee_leader_reads_the_dashboard_and_sorts_and_pages_the_ledger(system, desk):
    from playwright.sync_api import expect

    zone, registry, inspections = desk
    leader = account(registry, "郑主任", "committee_leader")[0]
    # One more than the smallest page (20) holds, reported one after another.
    found = [
        _hazard(inspections, zone["unit"], "general", f"第{n:02d}号隐患:消防通道堆放杂物")["description"]
        for n in range(1, 22)
    ]
    board = f"{system}/api/reporting/dashboard"
    own = headers_of(system, leader)
    wait_until(lambda: ok(httpx.get(board, headers=own))["this_month"]["found"] == 21, timeout=60, interval=1)
    shown, refused = _granted(Role.committee_leader)
    rows = re.compile(r"^第\d\d号隐患")

    with browser_page(DESKTOP, reduced_motion="reduce") as page:
        log_in(page, system, leader, lands=DASHBOARD)
        expect(page.get_by_role("link", name=re.compile(r"本月发现隐患\s*21"))).to_be_visible()
        expect(page.get_by_role("link", name=re.compile(r"本月已销号\s*0"))).to_be_visible()
        expect(page.get_by_role("link", name=re.compile(r"逾期未整改\s*0"))).to_be_visible()
        expect(page.get_by_role("img", name="本月各网格发现隐患:第G1网格 21")).to_be_visible()
        assert menu_titles(page) == shown
        _screen(page, "office-dashboard-committee")

        # The ledger: newest first, 20 to a page.
        _open(page, "隐患台帐")
        links = page.get_by_role("link", name=rows)
        expect(links).to_have_count(20)
        expect(links.first).to_have_text(found[-1])
        pager = page.get_by_role("navigation", name="分页")
        expect(pager).to_contain_text("第 1 页")

        # Sorted oldest first: the first page from the first found; the next page holds the last.
        page.get_by_role("combobox", name="排序").click(force=True)  # through its placeholder
        page.get_by_role("option", name="最早登记在前").click()
        page.get_by_role("button", name="查询").click()
        expect(page).to_have_url(re.compile("sort=oldest"))
        expect(links.first).to_have_text(found[0])
        expect(links).to_have_count(20)
        expect(pager.get_by_role("button", name="上一页")).to_be_disabled()
        pager.get_by_role("button", name="下一页").click()
        expect(pager).to_contain_text("第 2 页")
        expect(links).to_have_count(1)
        expect(links.first).to_have_text(found[-1])
        expect(pager.get_by_role("button", name="下一页")).to_be_disabled()
        _screen(page, "office-ledger-oldest-page-2")
        pager.get_by_role("button", name="上一页").click()
        expect(pager).to_contain_text("第 1 页")
        expect(links.first).to_have_text(found[0])
        assert links.all_inner_texts() == found[:20]

        _kept_out(page, system, refused)
        _screen(page, "office-forbidden-committee")


def test_an_auditor_reads_the_registry_the_map_and_a_dossier_without_changing_anything(system, desk):
    from playwright.sync_api import expect

    zone, registry, inspections = desk
    grid, unit = zone["grid"], zone["unit"]
    staff(registry, grid["id"], "王网格", duty="grid_member", role="grid_member")
    hazard = _hazard(inspections, unit, "general", "配电柜前堆放杂物")

    def read_only(page: Any) -> None:
        expect(page.get_by_role("button", name=CHANGES)).to_have_count(0)

    with browser_page(DESKTOP) as page:
        log_in(page, system, zone["auditor"], lands=DASHBOARD)
        expect(menu_item(page, "网格")).to_be_visible()
        assert "台账导入" not in menu_titles(page)

        _open(page, "网格")
        expect(page.get_by_role("cell", name=grid["name"], exact=True)).to_be_visible()
        for button in ("新建网格", "编辑"):
            expect(page.get_by_role("button", name=button)).to_have_count(0)
        read_only(page)
        _screen(page, "office-grids-auditor")

        _open(page, "企业与工地")
        expect(page.get_by_role("link", name=unit["name"])).to_be_visible()
        for button in ("登记单位", "编辑"):
            expect(page.get_by_role("button", name=button)).to_have_count(0)
        read_only(page)
        page.get_by_role("row", name=re.compile(unit["name"])).get_by_role("button", name="状态沿革").click()
        expect(page.get_by_role("dialog").get_by_role("cell", name="生产经营")).to_be_visible()
        expect(page.get_by_role("button", name="保存变更")).to_have_count(0)
        _screen(page, "office-units-auditor")
        page.keyboard.press("Escape")
        expect(page.get_by_role("dialog")).to_have_count(0)

        _open(page, "人员与账号")
        for name in ("赵安监", "钱审计", "王网格"):
            expect(page.get_by_role("cell", name=name, exact=True)).to_be_visible()
        for button in ("登记人员", "编辑", "开通账号", "修改账号"):
            expect(page.get_by_role("button", name=button)).to_have_count(0)
        read_only(page)
        _screen(page, "office-people-auditor")

        page.goto(f"{system}/office/registry/assignments?scope={grid['id']}")
        entry = page.locator(".el-timeline-item", has_text="王网格")
        expect(entry).to_contain_text("网格员")
        expect(entry).to_contain_text("2020-01-01 至 今")
        for button in ("分配职责", "终止"):
            expect(page.get_by_role("button", name=button)).to_have_count(0)
        read_only(page)
        _screen(page, "office-assignments-auditor")

        _open(page, "分布图")
        expect(page.locator("path.unit-marker")).to_have_count(1)
        expect(page.locator("path.leaflet-interactive:not(.unit-marker)")).to_have_count(1)
        read_only(page)
        _screen(page, "office-map-auditor")
        page.locator(f'path.unit-marker[data-unit="{unit["id"]}"]').click(force=True)

        expect(page).to_have_url(f"{system}/office/units/{unit['id']}/dossier")
        expect(page.get_by_role("heading", name=f"一企一档:{unit['name']}")).to_be_visible()
        expect(page.get_by_role("cell", name="G1 第G1网格")).to_be_visible()
        expect(page.get_by_role("heading", name="九、隐患(未销号 1,逾期 0)")).to_be_visible()
        expect(page.get_by_role("cell", name=hazard["description"])).to_be_visible()
        expect(page.get_by_text("暂不可用")).to_have_count(0)
        read_only(page)
        buttons = page.locator(".el-main").get_by_role("button").all_inner_texts()
        assert sorted(b.strip() for b in buttons) == ["下载 PDF", "打印"]
        _screen(page, "office-dossier-auditor")

        _kept_out(page, system, ["registry/import", "registry/grids/new", f"registry/grids/{grid['id']}"])

    # the API refuses the auditor what the pages do not offer
    auditor = headers_of(system, zone["auditor"])
    refused = httpx.post(
        f"{system}/api/registry/people", json={"name": "不该登记的人"}, headers=auditor, timeout=30
    )
    assert refused.status_code == 403


def test_the_safety_office_fills_in_a_major_hazards_six_part_plan(system, desk):
    from playwright.sync_api import expect

    zone, _, inspections = desk
    hazard = _hazard(inspections, zone["unit"], "major", "液氯储罐区未设置泄漏报警")
    # each part of the plan (重大事故隐患治理方案): its title on the form, and what is written in it
    plan = {
        "goals_and_tasks": ("治理的目标和任务", "三十日内完成泄漏报警装置安装并联网"),
        "methods_and_measures": ("采取的方法和措施", "加装有毒气体检测报警仪,接入中控室"),
        "funds_and_materials": ("经费和物资的落实", "企业自筹资金二十万元,设备已订购"),
        "responsible_body_and_people": ("负责治理的机构和人员", "设备部牵头,安全科配合,负责人孙厂长"),
        "time_limit_and_milestones": ("治理的时限和要求", "十日内到货,二十日内安装,三十日内验收"),
        "safety_and_emergency_measures": ("安全措施和应急预案", "施工期间储罐区停止装卸,配备应急器材"),
    }
    deadline = str(local_today() + timedelta(days=30))

    with browser_page(DESKTOP) as page:
        log_in(page, system, zone["office"], lands=DASHBOARD)
        page.goto(f"{system}/office/hazards/{hazard['id']}")
        expect(page.get_by_role("heading", name=hazard["description"])).to_be_visible()
        page.get_by_role("tab", name="限期整改").click()
        form = page.get_by_role("form", name="限期整改")
        expect(form.get_by_role("group", name="治理方案(重大隐患)")).to_be_visible()
        page.locator("#order_rectification-deadline").fill(deadline)
        page.locator("#order_rectification-deadline").press("Enter")
        page.locator("#order_rectification-responsible_person").fill("孙厂长")
        page.locator("#order_rectification-measures").fill("加装泄漏报警并联网")
        for title, text in plan.values():
            form.get_by_label(title, exact=True).fill(text)
        _screen(page, "office-hazard-plan-form")
        page.get_by_role("button", name="提交限期整改").click()

        expect(page.get_by_text("整改中").first).to_be_visible()
        expect(page.get_by_role("button", name="提交限期整改")).to_have_count(0)
        saved = page.locator(".el-descriptions", has=page.get_by_text("治理方案", exact=True))
        for title, text in plan.values():
            expect(saved.get_by_role("row", name=re.compile(title))).to_contain_text(text)
        expect(page.locator(".el-timeline").get_by_text("限期整改", exact=True)).to_be_visible()
        _screen(page, "office-hazard-plan-saved")

    saved_plan = ok(inspections.get(f"/hazards/{hazard['id']}"))["plan"]
    assert saved_plan == {part: text for part, (_, text) in plan.items()}


def _step(page: Any, action: str) -> Any:
    """Opens the form of the step `action` on a hazard's page."""
    page.get_by_role("tab", name=zh("hazard_action", action), exact=True).click()
    return page.get_by_role("form", name=zh("hazard_action", action))


def _date(page: Any, field: str, day: object) -> None:
    page.locator(f"#{field}").fill(str(day))
    page.locator(f"#{field}").press("Enter")


def test_the_safety_office_hands_over_lists_verifies_and_closes_hazards_on_their_pages(system, desk):
    from playwright.sync_api import expect

    zone, _, inspections = desk
    office = headers_of(system, zone["office"])
    today = local_today()
    refused = _hazard(inspections, zone["unit"], "general", "动火作业未办理审批")
    major = _hazard(inspections, zone["unit"], "major", "液氯储罐区未设置泄漏报警")
    general = _hazard(inspections, zone["unit"], "general", "安全出口堵塞")
    # the general one, rectified by the unit and verified: it waits for its close-out only
    order = {
        "deadline": str(today + timedelta(days=7)),
        "responsible_person": "孙厂长",
        "measures": "清理通道",
    }
    ok(inspections.post(f"/hazards/{general['id']}/actions/order_rectification", json=order, headers=office))
    _rectified_by_the_enterprise(system, zone["enterprise"], general["id"])
    ok(inspections.post(f"/hazards/{general['id']}/actions/verify", json={"passed": True}, headers=office))

    def hazard_page(page: Any, hazard: dict) -> None:
        page.goto(f"{system}/office/hazards/{hazard['id']}")
        expect(page.get_by_role("heading", name=hazard["description"])).to_be_visible()

    with browser_page(DESKTOP) as page:
        log_in(page, system, zone["office"], lands=DASHBOARD)

        # 拒不整改,移交执法: the unit refuses; the hazard goes to the enforcement team named.
        hazard_page(page, refused)
        form = _step(page, "refuse")
        form.get_by_role("button", name=re.compile("^提交")).click()  # nothing filled in: said at the fields
        for field in ("refuse-reason", "refuse-enforcement_owner"):
            item = form.locator(".el-form-item", has=page.locator(f"#{field}"))
            expect(item.locator(".el-form-item__error")).to_be_visible()
        page.locator("#refuse-reason").fill("企业拒不整改,拒绝签收整改通知")
        page.locator("#refuse-enforcement_owner").fill("区应急管理综合执法大队")
        _screen(page, "office-hazard-refuse-form")
        form.get_by_role("button", name=re.compile("^提交")).click()
        expect(page.get_by_role("heading", name=refused["description"])).to_contain_text("已移交执法")
        expect(page.get_by_role("row", name="执法接收 区应急管理综合执法大队")).to_be_visible()
        handed = page.locator(".el-timeline-item", has_text=zh("hazard_action", "refuse"))
        expect(handed).to_contain_text("企业拒不整改,拒绝签收整改通知")
        expect(handed).to_contain_text("已登记 → 已移交执法")
        # what is the enforcement team's to do now is not the office's
        expect(page.get_by_role("tab", name="限期整改")).to_have_count(0)
        _screen(page, "office-hazard-refused")

        # 挂牌督办: the major hazard listed for supervision by the authority named.
        hazard_page(page, major)
        form = _step(page, "list_for_supervision")
        page.locator("#list_for_supervision-listing_authority").fill("区安全生产委员会")
        page.locator("#list_for_supervision-reason").fill("重大事故隐患,挂牌督办至销号")
        _screen(page, "office-hazard-list-form")
        form.get_by_role("button", name=re.compile("^提交")).click()
        listed = page.locator(".el-timeline-item", has_text=zh("hazard_action", "list_for_supervision"))
        expect(listed).to_contain_text("重大事故隐患,挂牌督办至销号")
        expect(page.get_by_role("row", name="挂牌督办 区安全生产委员会")).to_be_visible()
        expect(
            page.get_by_role("row", name=re.compile("^挂牌督办通知书"))
        ).to_be_visible()  # the notice issued
        _screen(page, "office-hazard-listed")
        after = ok(inspections.get(f"/hazards/{major['id']}"))
        assert (after["state"], after["listing_authority"]) == ("reported", "区安全生产委员会")
        assert after["listed_at"] is not None

        # The unit rectifies it under a plan; its verification then asks for the evaluation and the
        # day the unit applied to restart (a listed major hazard).
        plan = {part: f"{part} 已落实" for part in ("goals_and_tasks", "methods_and_measures", "funds_and_materials", "responsible_body_and_people", "time_limit_and_milestones", "safety_and_emergency_measures")}  # fmt: skip
        ok(inspections.post(f"/hazards/{major['id']}/actions/order_rectification", json={**order, "plan": plan}, headers=office))  # fmt: skip
        _rectified_by_the_enterprise(system, zone["enterprise"], major["id"])
        hazard_page(page, major)
        form = _step(page, "verify")
        expect(page.locator("#verify-evaluation")).to_have_count(0)  # until the verification passes
        form.get_by_text("通过", exact=True).click()
        page.locator("#verify-evaluation").fill("报警装置已安装联网,经第三方评估合格")
        form.get_by_role("button", name=re.compile("^提交")).click()  # no restart date: said at its field
        restart = form.locator(".el-form-item", has=page.locator("#verify-restart_applied_on"))
        expect(restart.locator(".el-form-item__error")).to_be_visible()
        _date(page, "verify-restart_applied_on", today)
        expect(restart.locator(".el-form-item__error")).to_have_count(0)
        _screen(page, "office-hazard-verify-major-form")
        form.get_by_role("button", name=re.compile("^提交")).click()
        expect(page.get_by_role("heading", name=major["description"])).to_contain_text("已验收待销号")
        verified = page.locator(".el-timeline-item", has_text=zh("hazard_action", "verify"))
        expect(verified).to_contain_text("报警装置已安装联网,经第三方评估合格")
        after = ok(inspections.get(f"/hazards/{major['id']}"))
        assert (after["state"], after["restart_applied_on"]) == ("verified", str(today))

        # The queues: both verified hazards await their close-out; the major one the authority's review.
        page.goto(f"{system}/office/hazards/queues")
        page.get_by_role("tab", name="待销号").click()
        for hazard in (general, major):
            expect(page.get_by_role("link", name=hazard["description"])).to_be_visible()
        expect(page.get_by_role("link", name=refused["description"])).to_have_count(0)
        _screen(page, "office-queues-close")
        page.get_by_role("tab", name="待主管部门审查(重大隐患)").click()
        expect(page.get_by_role("link", name=major["description"])).to_be_visible()
        expect(page.get_by_role("link", name=general["description"])).to_have_count(0)
        _screen(page, "office-queues-review")

        # 销号 of the major hazard: the day of the authority's on-site review.
        page.get_by_role("link", name=major["description"]).click()
        expect(page.get_by_role("heading", name=major["description"])).to_be_visible()
        form = _step(page, "close")
        _date(page, "close-authority_review_on", today)
        page.locator("#close-reason").fill("主管部门现场审查合格")
        _screen(page, "office-hazard-close-major-form")
        form.get_by_role("button", name=re.compile("^提交")).click()
        expect(page.get_by_role("heading", name=major["description"])).to_contain_text("已销号")
        expect(page.get_by_role("tab")).to_have_count(0)  # nothing is left to do
        _screen(page, "office-hazard-closed-major")

    handed = ok(inspections.get(f"/hazards/{refused['id']}"))
    assert (handed["state"], handed["enforcement_owner"]) == ("with_enforcement", "区应急管理综合执法大队")
    closed = ok(inspections.get(f"/hazards/{major['id']}"))
    assert (closed["state"], closed["authority_review_on"]) == ("closed", str(today))
    assert closed["review_late"] is False
