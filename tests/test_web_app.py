"""The field app (移动端) in a real browser at a phone's size, against the whole running system.

The run command starts every process (the four APIs, their workers and relays, the scheduler, and
the gateway serving the built app); the data are made through the APIs; Debian's Chromium, driven
by Playwright, logs in as a grid member, reloads, and reads the home screen and a unit's page by
its URL (the link of its QR code). Each screen is saved as a screenshot in test-artifacts/web/ and
checked with axe-core for serious or critical accessibility violations.
"""

import json
import shutil
import signal
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared.auth import Role
from shared.clock import local_today, utc_now
from shared.local_servers import free_port
from shared.processes import BY_NAME, PROCESSES
from tests.factories import create_zone_and_grid, enterprise_payload
from tests.support.files import photo
from tests.support.processes import ManagedProcess, wait_until

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts" / "web"
PHONE = {"width": 375, "height": 667}
PASSWORD = "Grid-member-2026"

pytestmark = [
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="no Chromium: install Debian's `chromium` package (apt-get install chromium) for the browser tests",
    ),
    pytest.mark.skipif(
        not (ROOT / "web" / "dist" / "index.html").exists() or not AXE.exists(),
        reason="the web app is not built: run `make install`",
    ),
    pytest.mark.committed,  # the run command's processes read what the test writes
]


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The whole system as `make run` starts it (against the test database); the gateway's URL.
    One for the module: each test makes data of its own (the tables are emptied between tests)."""
    tmp_path = tmp_path_factory.mktemp("run")
    offsets = [process.port_offset for process in PROCESSES if process.port_offset is not None]
    base = free_port(block=max(offsets) - min(offsets) + 1) - min(offsets)
    launcher = ManagedProcess(
        "launcher",
        [sys.executable, "-m", "shared.launcher", "--data-dir", str(tmp_path), "--port-base", str(base)],
        tmp_path,
    )
    gateway = f"http://127.0.0.1:{BY_NAME['gateway'].port(base)}"
    try:
        launcher.wait_for_log("press Ctrl-C", timeout=120)
        assert f"web app        {gateway}/" in launcher.log_text()

        def ready() -> bool:
            try:
                return all(
                    httpx.get(f"{gateway}/api/{service}/readyz").status_code == 200
                    for service in ("registry", "inspections", "notifications", "reporting")
                )
            except httpx.HTTPError:
                return False

        wait_until(ready, timeout=90, interval=0.5)
        yield gateway
    finally:
        launcher.process.send_signal(signal.SIGINT)
        launcher.process.wait(60)
        launcher.stop()


def _ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json() if response.content else None


def _staff(registry: httpx.Client, grid_id: str, name: str, duty: str, role: str) -> str:
    """A person holding `duty` in the grid, with an account of `role`; the account's name."""
    person = _ok(registry.post("/people", json={"name": name}), 201)
    username = f"{role}{person['id'][:8]}"
    account = {"person_id": person["id"], "username": username, "password": PASSWORD, "roles": [role]}
    _ok(registry.post("/accounts", json=account), 201)
    held = {"person_id": person["id"], "duty": duty, "scope_id": grid_id, "valid_from": "2020-01-01"}
    _ok(registry.post("/responsibilities", json=held), 201)
    return username


def _headers_of(gateway: str, username: str) -> dict[str, str]:
    form = {"username": username, "password": PASSWORD}
    token = _ok(httpx.post(f"{gateway}/api/registry/auth/token", data=form))["access_token"]
    return {"Authorization": f"Bearer {token}"}


def _zone_with_a_grid_member(gateway: str, admin: dict[str, str]) -> dict[str, Any]:
    """Through the APIs: a grid, a unit in it, a grid member with an account."""
    registry = httpx.Client(base_url=f"{gateway}/api/registry", headers=admin, timeout=30)
    inspections = httpx.Client(base_url=f"{gateway}/api/inspections", headers=admin, timeout=30)
    grid = create_zone_and_grid(registry, admin)
    unit = _ok(
        registry.post("/enterprises", json=enterprise_payload(grid["id"], name="华安化工有限公司")), 201
    )
    username = _staff(registry, grid["id"], "王网格", duty="grid_member", role="grid_member")
    wait_until(lambda: inspections.get(f"/units/{unit['id']}").status_code == 200, timeout=60)
    return {"grid": grid, "unit": unit, "username": username}


def _hazard_due_in_two_days(gateway: str, admin: dict[str, str], unit: dict[str, Any]) -> dict[str, Any]:
    inspections = httpx.Client(base_url=f"{gateway}/api/inspections", headers=admin, timeout=30)
    hazard = {
        "unit_id": unit["id"],
        "source": "superior_inspection",
        "category": "消防",
        "grade": "general",
        "location": "二号仓库",
        "description": "灭火器压力不足",
    }
    hazard = _ok(inspections.post("/hazards", json=hazard), 201)
    order = {
        "deadline": str(local_today() + timedelta(days=2)),
        "responsible_person": "李主任",
        "measures": "更换灭火器",
    }
    _ok(inspections.post(f"/hazards/{hazard['id']}/actions/order_rectification", json=order))
    return hazard


def _grid_member_sees_it(gateway: str, username: str, unit_name: str) -> str:
    """Wait until the events have reached every copy: the grid member has a duty for the unit and
    an unread message; the name of the duty's rule."""
    member = _headers_of(gateway, username)
    inspections = httpx.Client(base_url=f"{gateway}/api/inspections", headers=member, timeout=30)
    # the grid members' own duties: their patrols and checks (not the enterprise's self-checks)
    rules = [
        r
        for r in _ok(inspections.get("/cadences/rules"))
        if r["activity"] in ("daily_patrol", "weekly_check")
    ]
    found: dict[str, str] = {}

    def duty() -> bool:
        for rule in rules:
            items = _ok(inspections.get("/cadences/status", params={"rule": rule["code"]}))["items"]
            if any(o["subject_name"] == unit_name and o["status"] != "done" for o in items):
                found["rule"] = rule["label"].split(" / ")[0]  # the app shows the Chinese name
                return True
        return False

    wait_until(duty, timeout=60, interval=1)
    inbox = f"{gateway}/api/notifications/inbox"
    wait_until(lambda: _ok(httpx.get(inbox, headers=member))["unread"] >= 1, timeout=60, interval=1)
    return found["rule"]


def _accessible(page: Any, screen: str) -> None:
    """axe-core finds no serious or critical violation on the screen shown."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, { resultTypes: ['violations'] })")
    bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    (ARTIFACTS / f"{screen}.axe.json").write_text(
        json.dumps(result["violations"], ensure_ascii=False, indent=1)
    )
    assert not bad, f"{screen}: " + "; ".join(
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in bad
    )


def _shot(page: Any, screen: str) -> None:
    """The screen as the phone shows it, and the whole page."""
    page.screenshot(path=str(ARTIFACTS / f"{screen}.png"), animations="disabled")
    page.screenshot(path=str(ARTIFACTS / f"{screen}-full.png"), full_page=True, animations="disabled")


def test_grid_member_logs_in_on_a_phone_and_sees_the_day(system, make_token):
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    admin = {"Authorization": f"Bearer {make_token(Role.zone_admin)}"}
    zone = _zone_with_a_grid_member(system, admin)
    unit = zone["unit"]
    hazard = _hazard_due_in_two_days(system, admin, unit)
    rule = _grid_member_sees_it(system, zone["username"], unit["name"])

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN")
        page = context.new_page()
        try:
            # The unit's QR link, scanned before logging in: login first, then back to the unit.
            page.goto(f"{system}/units/{unit['id']}")
            expect(page.get_by_role("button", name="登录")).to_be_visible()
            _shot(page, "login")
            _accessible(page, "login")
            page.get_by_placeholder("请输入账号").fill(zone["username"])
            page.get_by_placeholder("请输入密码").fill("wrong password")
            page.get_by_role("button", name="登录").click()
            expect(page.get_by_role("alert")).to_contain_text("账号或密码错误")
            page.get_by_placeholder("请输入密码").fill(PASSWORD)
            page.get_by_role("button", name="登录").click()

            expect(page).to_have_url(f"{system}/units/{unit['id']}")
            expect(page.get_by_text(hazard["description"], exact=True)).to_be_visible()
            expect(page.get_by_text("重点监管").last).to_be_visible()
            _shot(page, "unit")
            _accessible(page, "unit")

            # The session survives a reload: still the unit, no login.
            page.reload()
            expect(page.get_by_text(hazard["description"], exact=True)).to_be_visible()
            assert "/login" not in page.url

            page.get_by_role("tab", name="首页").click()
            expect(page.get_by_text(rule, exact=True)).to_be_visible()
            expect(page.get_by_text("企业每日安全检查")).to_have_count(0)  # the enterprise's duty, not mine
            expect(page.locator(".duty", has_text=unit["name"]).first).to_be_visible()
            expect(page.get_by_text("条未读")).to_be_visible()
            page.get_by_role("tab", name="即将到期 1").click()
            expect(page.get_by_text(hazard["description"], exact=True)).to_be_visible()
            _shot(page, "home")
            _accessible(page, "home")

            page.get_by_role("tab", name="消息").click()
            expect(page.locator(".unread").first).to_be_visible()
            _shot(page, "inbox")
            _accessible(page, "inbox")
        finally:
            context.close()
            browser.close()


def _log_in(page: Any, gateway: str, username: str) -> None:
    page.goto(f"{gateway}/login")
    page.get_by_placeholder("请输入账号").fill(username)
    page.get_by_placeholder("请输入密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{gateway}/")


CHECKLIST = {
    "code": "BROWSER-DAILY",
    "name": "工贸企业日常检查",
    "items": [
        {"key": "exits", "text": "安全出口、疏散通道畅通", "category": "消防"},
        {"key": "extinguishers", "text": "灭火器在有效期内、压力正常", "category": "消防"},
        {"key": "wiring", "text": "无私拉乱接电线", "category": "用电"},
    ],
}


def test_grid_member_inspects_on_the_phone_two_failed_items_become_hazards_with_photos(system, make_token):
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    admin = {"Authorization": f"Bearer {make_token(Role.zone_admin)}"}
    zone = _zone_with_a_grid_member(system, admin)
    unit = zone["unit"]
    inspections = httpx.Client(base_url=f"{system}/api/inspections", headers=admin, timeout=30)
    _ok(inspections.post("/checklists", json=CHECKLIST), 201)
    taken = {"taken": utc_now().replace(microsecond=0), "position": (31.2304, 121.4737)}
    shots = [
        {"name": f"{name}.jpg", "mimeType": "image/jpeg", "buffer": photo("JPEG", **taken)}
        for name in ("extinguisher", "wiring")
    ]

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN")
        page = context.new_page()
        try:
            _log_in(page, system, zone["username"])
            page.goto(f"{system}/units/{unit['id']}")
            page.get_by_role("button", name="开始检查").click()
            page.get_by_text(CHECKLIST["name"]).click()
            items = {
                key: page.locator(f'[data-item="{key}"]') for key in ("exits", "extinguishers", "wiring")
            }
            items["exits"].get_by_text("合格", exact=True).click()
            page.get_by_role("button", name="提交检查").click()  # two items unanswered: said at each
            expect(page.get_by_role("alert")).to_contain_text("未完成")
            expect(items["wiring"].get_by_text("请选择检查结果")).to_be_visible()
            for key, shot, where in (("extinguishers", shots[0], "二号仓库"), ("wiring", shots[1], "配电间")):
                items[key].get_by_text("不合格", exact=True).click()
                items[key].get_by_placeholder("隐患所在部位").fill(where)
                items[key].get_by_placeholder("隐患情况").fill(f"{where}发现问题")
                items[key].locator("input[type=file]").set_input_files(files=[shot])
                expect(items[key].locator(".van-uploader__preview")).to_have_count(1)
            _shot(page, "inspect")
            _accessible(page, "inspect")
            page.get_by_role("button", name="提交检查").click()

            expect(page).to_have_url(f"{system}/units/{unit['id']}")
            expect(page.get_by_text("二号仓库发现问题", exact=True)).to_be_visible()
            expect(page.get_by_text("配电间发现问题", exact=True)).to_be_visible()
            _shot(page, "unit-after-inspection")
        finally:
            context.close()
            browser.close()

    # The grid's leader sees both hazards, each with its photo as before-evidence.
    registry = httpx.Client(base_url=f"{system}/api/registry", headers=admin, timeout=30)
    leader = _staff(registry, zone["grid"]["id"], "李网格长", duty="grid_leader", role="leader")
    as_leader = httpx.Client(base_url=f"{system}/api/inspections", headers=_headers_of(system, leader))

    def leader_sees_both() -> list[dict[str, Any]]:
        answer = as_leader.get("/hazards", params={"unit_id": unit["id"]})
        return (
            answer.json()["items"] if answer.status_code == 200 and len(answer.json()["items"]) == 2 else []
        )

    hazards = wait_until(leader_sees_both, timeout=60, interval=1)
    assert sorted(h["location"] for h in hazards) == ["二号仓库", "配电间"]
    for hazard in hazards:
        evidence = _ok(as_leader.get(f"/hazards/{hazard['id']}/evidence"))["items"]
        assert [(e["tag"], e["content_type"]) for e in evidence] == [("before", "image/jpeg")]
