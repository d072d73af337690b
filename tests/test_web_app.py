"""The field app (移动端) in a real browser at a phone's size, against the whole running system.

The run command starts every process (the four APIs, their workers and relays, the scheduler, and
the gateway serving the built app); the data are made through the APIs; Debian's Chromium, driven
by Playwright, logs in as a grid member, reloads, and reads the home screen and a unit's page by
its URL (the link of its QR code); a grid member inspects, and the grid's leader opens the two
hazards from the home screen, sees their photos and verifies the fix. Each screen is saved as a screenshot in test-artifacts/web/ and
checked with axe-core for serious or critical accessibility violations.
"""

import re
from datetime import timedelta
from typing import Any

import httpx

from shared.auth import Role
from shared.clock import local_today, utc_now
from tests.factories import create_zone_and_grid, enterprise_payload
from tests.support.browser import (
    BROWSER_TEST,
    PASSWORD,
    accessible,
    account,
    browser_page,
    headers_of,
    log_in,
    ok,
    photo_shown,
    shot,
    staff,
)
from tests.support.files import photo
from tests.support.processes import wait_until

pytestmark = BROWSER_TEST


def _zone_with_a_grid_member(gateway: str, admin: dict[str, str]) -> dict[str, Any]:
    """Through the APIs: a grid, a unit in it, a grid member with an account; the grid and the unit
    since 2020, so that they owe this week's duties whatever the day (one registered mid-week owes
    the weekly check from the next week)."""
    registry = httpx.Client(base_url=f"{gateway}/api/registry", headers=admin, timeout=30)
    inspections = httpx.Client(base_url=f"{gateway}/api/inspections", headers=admin, timeout=30)
    since = "2020-01-01"
    grid = create_zone_and_grid(registry, admin, valid_from=since, reason="自2020年起设立")
    unit = ok(
        registry.post(
            "/enterprises",
            json=enterprise_payload(grid["id"], name="华安化工有限公司", registered_on=since, reason="补录"),
        ),
        201,
    )
    username = staff(registry, grid["id"], "王网格", duty="grid_member", role="grid_member")
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
    hazard = ok(inspections.post("/hazards", json=hazard), 201)
    order = {
        "deadline": str(local_today() + timedelta(days=2)),
        "responsible_person": "李主任",
        "measures": "更换灭火器",
    }
    ok(inspections.post(f"/hazards/{hazard['id']}/actions/order_rectification", json=order))
    return hazard


def _grid_member_sees_it(gateway: str, username: str, unit_name: str) -> str:
    """Wait until the events have reached every copy: the grid member has a duty for the unit and
    an unread message; the name of the duty's rule."""
    member = headers_of(gateway, username)
    inspections = httpx.Client(base_url=f"{gateway}/api/inspections", headers=member, timeout=30)
    # the grid members' own duties: their patrols and checks (not the enterprise's self-checks)
    rules = [
        r for r in ok(inspections.get("/cadences/rules")) if r["activity"] in ("daily_patrol", "weekly_check")
    ]
    found: dict[str, str] = {}

    def duty() -> bool:
        for rule in rules:
            items = ok(inspections.get("/cadences/status", params={"rule": rule["code"]}))["items"]
            if any(o["subject_name"] == unit_name and o["status"] != "done" for o in items):
                found["rule"] = rule["label"].split(" / ")[0]  # the app shows the Chinese name
                return True
        return False

    wait_until(duty, timeout=60, interval=1)
    inbox = f"{gateway}/api/notifications/inbox"
    wait_until(lambda: ok(httpx.get(inbox, headers=member))["unread"] >= 1, timeout=60, interval=1)
    return found["rule"]


def test_grid_member_logs_in_on_a_phone_and_sees_the_day(system, make_token):
    from playwright.sync_api import expect

    admin = {"Authorization": f"Bearer {make_token(Role.zone_admin)}"}
    zone = _zone_with_a_grid_member(system, admin)
    unit = zone["unit"]
    hazard = _hazard_due_in_two_days(system, admin, unit)
    rule = _grid_member_sees_it(system, zone["username"], unit["name"])

    with browser_page() as page:
        # The unit's QR link, scanned before logging in: login first, then back to the unit.
        page.goto(f"{system}/units/{unit['id']}")
        expect(page.get_by_role("button", name="登录")).to_be_visible()
        shot(page, "login")
        accessible(page, "login")
        page.get_by_placeholder("请输入账号").fill(zone["username"])
        page.get_by_placeholder("请输入密码").fill("wrong password")
        page.get_by_role("button", name="登录").click()
        expect(page.get_by_role("alert")).to_contain_text("账号或密码错误")
        page.get_by_placeholder("请输入密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()

        expect(page).to_have_url(f"{system}/units/{unit['id']}")
        expect(page.get_by_text(hazard["description"], exact=True)).to_be_visible()
        expect(page.get_by_text("重点监管").last).to_be_visible()
        shot(page, "unit")
        accessible(page, "unit")

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
        shot(page, "home")
        accessible(page, "home")

        page.get_by_role("tab", name="消息").click()
        expect(page.locator(".unread").first).to_be_visible()
        shot(page, "inbox")
        accessible(page, "inbox")

        # 我的: who is logged in; logging out ends the session (a reload stays at the login).
        page.get_by_role("tab", name="我的").click()
        expect(page.locator(".van-cell", has_text="角色")).to_contain_text("网格员")
        shot(page, "me")
        accessible(page, "me")
        refresh = page.evaluate("() => JSON.parse(localStorage.getItem('gridsafe.session')).tokens.refresh")
        with page.expect_response("**/auth/logout") as logged_out:
            page.get_by_role("button", name="退出登录").click()
        assert logged_out.value.status == 204
        expect(page.get_by_role("button", name="登录")).to_be_visible()
        # the session is revoked at the registry, not only forgotten by the phone
        again = httpx.post(f"{system}/api/registry/auth/refresh", json={"refresh_token": refresh})
        assert again.status_code == 401, again.text
        page.reload()
        expect(page.get_by_role("button", name="登录")).to_be_visible()
        page.goto(f"{system}/units/{unit['id']}")
        expect(page).to_have_url(re.compile("/login"))


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
    """Two failed items become two hazards with their photos; the leader sees the photos on the
    hazards' pages and, once the enterprise has rectified one, verifies and closes it there."""
    from playwright.sync_api import expect

    admin = {"Authorization": f"Bearer {make_token(Role.zone_admin)}"}
    zone = _zone_with_a_grid_member(system, admin)
    unit = zone["unit"]
    inspections = httpx.Client(base_url=f"{system}/api/inspections", headers=admin, timeout=30)
    ok(inspections.post("/checklists", json=CHECKLIST), 201)
    taken = {"taken": utc_now().replace(microsecond=0), "position": (31.2304, 121.4737)}
    shots = [
        {"name": f"{name}.jpg", "mimeType": "image/jpeg", "buffer": photo("JPEG", **taken)}
        for name in ("extinguisher", "wiring")
    ]

    with browser_page() as page:
        log_in(page, system, zone["username"])
        page.goto(f"{system}/units/{unit['id']}")
        page.get_by_role("button", name="开始检查").click()
        page.get_by_text(CHECKLIST["name"]).click()
        items = {key: page.locator(f'[data-item="{key}"]') for key in ("exits", "extinguishers", "wiring")}
        items["exits"].get_by_text("合格", exact=True).click()
        page.get_by_role("button", name="提交检查").click()  # two items unanswered: said at each
        expect(page.get_by_role("alert")).to_contain_text("未完成")
        expect(items["wiring"].get_by_text("请选择检查结果")).to_be_visible()
        for key, picture, where in (
            ("extinguishers", shots[0], "二号仓库"),
            ("wiring", shots[1], "配电间"),
        ):
            items[key].get_by_text("不合格", exact=True).click()
            items[key].get_by_placeholder("隐患所在部位").fill(where)
            items[key].get_by_placeholder("隐患情况").fill(f"{where}发现问题")
            items[key].locator("input[type=file]").set_input_files(files=[picture])
            expect(items[key].locator(".van-uploader__preview")).to_have_count(1)
        shot(page, "inspect")
        accessible(page, "inspect")
        page.get_by_role("button", name="提交检查").click()

        expect(page).to_have_url(f"{system}/units/{unit['id']}")
        expect(page.get_by_text("二号仓库发现问题", exact=True)).to_be_visible()
        expect(page.get_by_text("配电间发现问题", exact=True)).to_be_visible()
        shot(page, "unit-after-inspection")

    # The grid's leader sees both hazards, each with its photo as before-evidence.
    registry = httpx.Client(base_url=f"{system}/api/registry", headers=admin, timeout=30)
    leader = staff(registry, zone["grid"]["id"], "李网格长", duty="grid_leader", role="leader")
    as_leader = httpx.Client(base_url=f"{system}/api/inspections", headers=headers_of(system, leader))

    def leader_sees_both() -> list[dict[str, Any]]:
        answer = as_leader.get("/hazards", params={"unit_id": unit["id"]})
        return (
            answer.json()["items"] if answer.status_code == 200 and len(answer.json()["items"]) == 2 else []
        )

    hazards = wait_until(leader_sees_both, timeout=60, interval=1)
    assert sorted(h["location"] for h in hazards) == ["二号仓库", "配电间"]
    photos: dict[str, str] = {}  # each hazard's before-photo, by the hazard's description
    for hazard in hazards:
        evidence = ok(as_leader.get(f"/hazards/{hazard['id']}/evidence"))["items"]
        assert [(e["tag"], e["content_type"]) for e in evidence] == [("before", "image/jpeg")]
        photos[hazard["description"]] = evidence[0]["filename"]

    # The enterprise sets both deadlines and rectifies the wiring, with its after-photo.
    manager, _ = account(registry, "周安全", "enterprise_user", enterprise_id=unit["id"])
    as_unit = httpx.Client(base_url=f"{system}/api/inspections", headers=headers_of(system, manager))
    due = {"deadline": str(local_today() + timedelta(days=2)), "responsible_person": "周安全"}
    by_place = {h["location"]: h for h in hazards}
    for hazard in hazards:
        order = {**due, "measures": f"整改{hazard['location']}"}
        ok(as_unit.post(f"/hazards/{hazard['id']}/actions/order_rectification", json=order))
    wiring, extinguisher = by_place["配电间"], by_place["二号仓库"]
    after = {"file": ("wiring-fixed.jpg", photo("JPEG"), "image/jpeg")}
    fixed = ok(as_unit.post(f"/hazards/{wiring['id']}/evidence", files=after, data={"tag": "after"}), 201)
    ok(as_unit.post(f"/hazards/{wiring['id']}/actions/mark_rectified", json={"evidence_ids": [fixed["id"]]}))

    # The leader opens each hazard from the home screen and sees its photos; verifies the fix.
    with browser_page() as page:
        log_in(page, system, leader)
        page.get_by_role("tab", name="即将到期 1").click()
        page.get_by_text(extinguisher["description"], exact=True).click()
        expect(page).to_have_url(f"{system}/hazards/{extinguisher['id']}")
        expect(page.get_by_text(unit["name"])).to_be_visible()
        photo_shown(page, f"整改前照片 {photos[extinguisher['description']]}")

        page.go_back()
        page.get_by_role("tab", name="待复查 1").click()
        page.get_by_text(wiring["description"], exact=True).click()
        expect(page).to_have_url(f"{system}/hazards/{wiring['id']}")
        photo_shown(page, f"整改前照片 {photos[wiring['description']]}")
        photo_shown(page, "整改后照片 wiring-fixed.jpg")
        expect(page.get_by_text("已整改待复查", exact=True)).to_be_visible()
        shot(page, "hazard")
        accessible(page, "hazard")

        # No result chosen, then failed without its reason: each refusal said at its field.
        field = {name: page.locator(".van-field", has_text=name) for name in ("复查结论", "复查意见")}
        submit = page.get_by_role("button", name="提交复查验收")
        submit.click()
        expect(field["复查结论"].locator(".van-field__error-message")).to_contain_text("必填")
        result = page.get_by_role("radiogroup", name="复查结论")
        result.get_by_text("不通过", exact=True).click()
        expect(page.locator(".van-field", has_text="新的整改期限")).to_be_visible()
        submit.click()
        expect(field["复查意见"].locator(".van-field__error-message")).to_contain_text("缺少必填项")
        expect(page.get_by_role("alert")).to_contain_text("缺少必填项")
        accessible(page, "hazard-refused")

        result.get_by_text("通过", exact=True).click()
        submit.click()
        expect(page.get_by_text("已验收待销号", exact=True)).to_be_visible()
        assert ok(as_leader.get(f"/hazards/{wiring['id']}"))["state"] == "verified"
        page.get_by_role("button", name="提交销号").click()
        expect(page.get_by_text("已销号", exact=True)).to_be_visible()
        shot(page, "hazard-closed")
    assert ok(as_leader.get(f"/hazards/{wiring['id']}"))["state"] == "closed"
