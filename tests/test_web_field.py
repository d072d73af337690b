"""The field app's inspection flow on a phone, against the whole running system: offline, the
outbox and its idempotency keys, 立改立销 with an after-photo, signatures, and a refusal that
arrives after the network returns.

Debian's Chromium at a phone's size with a GPS position; the app's service worker serves it
while the browser context is offline. Each new screen is saved in test-artifacts/web/ and checked
with axe-core.
"""

from typing import Any

import httpx
import pytest

from shared.auth import Role
from tests.support.browser import (
    BROWSER_TEST,
    accessible,
    browser_page,
    end_session,
    headers_of,
    log_in,
    log_in_here,
    ok,
    shot,
)
from tests.support.files import photo
from tests.support.processes import wait_until
from tests.test_web_app import CHECKLIST, _zone_with_a_grid_member

pytestmark = BROWSER_TEST

HERE = {"latitude": 30.5728, "longitude": 104.0668, "accuracy": 12}  # the phone's GPS
EXIF_PLACE = (31.2304, 121.4737)  # where the camera's own EXIF says the first photo was taken
PENDING = """async () => {
  const db = await new Promise((done, fail) => {
    const opened = indexedDB.open('gridsafe-outbox')
    opened.onsuccess = () => done(opened.result)
    opened.onerror = () => fail(opened.error)
  })
  const all = await new Promise((done) => {
    const read = db.transaction('pending').objectStore('pending').getAll()
    read.onsuccess = () => done(read.result)
  })
  return all.map((entry) => ({ id: entry.id, inspection: entry.inspection, state: entry.state }))
}"""


def _phone(**options: Any):
    return browser_page(geolocation=HERE, permissions=["geolocation"], **options)


def _app_works_offline(page: Any) -> None:
    """The service worker has installed the app shell and controls the page."""
    page.wait_for_function("() => navigator.serviceWorker?.controller != null", timeout=60_000)


def _zone_with_a_checklist(system: str, make_token: Any) -> tuple[dict[str, str], dict[str, Any]]:
    """The zone admin's headers; a grid, a unit in it, its grid member, and a published checklist."""
    admin = {"Authorization": f"Bearer {make_token(Role.zone_admin)}"}
    zone = _zone_with_a_grid_member(system, admin)
    ok(httpx.post(f"{system}/api/inspections/checklists", json=CHECKLIST, headers=admin), 201)
    return admin, zone


def _open_inspection(page: Any, system: str, unit_id: str) -> dict[str, Any]:
    from playwright.sync_api import expect

    page.goto(f"{system}/units/{unit_id}")
    page.get_by_role("button", name="开始检查").click()
    page.get_by_text(CHECKLIST["name"]).click()
    expect(page.get_by_role("status")).to_contain_text("已定位")
    return {key: page.locator(f'[data-item="{key}"]') for key in ("exits", "extinguishers", "wiring")}


def _inspect_offline(page: Any, system: str, zone: dict[str, Any]) -> dict[str, Any]:
    """Logged in with the app installed, the unit's inspection opened; then the network goes and the
    first item is answered 合格."""
    log_in(page, system, zone["username"])
    _app_works_offline(page)
    items = _open_inspection(page, system, zone["unit"]["id"])
    page.context.set_offline(True)
    items["exits"].get_by_text("合格", exact=True).click()
    return items


def _fail(item: Any, where: str, picture: dict[str, Any] | None = None) -> None:
    from playwright.sync_api import expect

    item.get_by_text("不合格", exact=True).click()
    item.get_by_placeholder("隐患所在部位").fill(where)
    item.get_by_placeholder("隐患情况").fill(f"{where}发现问题")
    if picture:
        item.locator("input[type=file]").first.set_input_files(files=[picture])
        expect(item.locator(".van-uploader__preview")).to_have_count(1)


def _sign(page: Any, name: str) -> None:
    pad = page.get_by_role("img", name=name)
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    page.mouse.move(box["x"] + 30, box["y"] + 100)
    page.mouse.down()
    for x, y in ((80, 40), (130, 120), (180, 50), (230, 110)):
        page.mouse.move(box["x"] + x, box["y"] + y, steps=5)
    page.mouse.up()


def _count(client: httpx.Client, path: str, **params: Any) -> int:
    return len(ok(client.get(path, params={"limit": 200, **params}))["items"])


def test_an_inspection_done_offline_is_recorded_once_with_its_fix_photos_and_signatures(system, make_token):
    from playwright.sync_api import expect

    _, zone = _zone_with_a_checklist(system, make_token)
    unit = zone["unit"]
    member = httpx.Client(
        base_url=f"{system}/api/inspections", headers=headers_of(system, zone["username"]), timeout=30
    )
    before = {
        "name": "extinguisher.jpg",
        "mimeType": "image/jpeg",
        "buffer": photo("JPEG", position=EXIF_PLACE),
    }
    after = {"name": "extinguisher-fixed.png", "mimeType": "image/png", "buffer": photo("PNG")}  # no EXIF
    wiring = {"name": "wiring.png", "mimeType": "image/png", "buffer": photo("PNG")}

    with _phone() as page:
        items = _inspect_offline(page, system, zone)
        _fail(items["extinguishers"], "二号仓库", before)
        items["extinguishers"].get_by_role("switch", name="第 2 项立改立销").click()
        items["extinguishers"].get_by_placeholder("现场采取的整改措施").fill("当场更换灭火器")
        items["extinguishers"].locator("input[type=file]").nth(1).set_input_files(files=[after])
        expect(items["extinguishers"].locator(".van-uploader__preview")).to_have_count(2)
        _fail(items["wiring"], "配电间", wiring)
        _sign(page, "检查人签名区")
        page.get_by_placeholder("企业在场人员姓名").fill("赵安全")
        _sign(page, "受检单位人员签名区")
        expect(page.get_by_text("已签名")).to_have_count(2)
        shot(page, "inspect-fix-and-signatures")
        accessible(page, "inspect-fix-and-signatures")
        page.get_by_role("button", name="提交检查").click()

        # Offline: kept on the phone, shown as waiting, still there after a reload without network.
        expect(page).to_have_url(f"{system}/outbox")
        expect(page.get_by_text("待上传(1)")).to_be_visible()
        expect(page.get_by_text("等待上传")).to_be_visible()
        page.reload()
        expect(page.get_by_text("待上传(1)")).to_be_visible()
        expect(page.get_by_text("3 项 · 3 张照片 · 2 个签名")).to_be_visible()
        shot(page, "outbox-offline")
        accessible(page, "outbox-offline")
        [pending] = page.evaluate(PENDING)
        assert _count(member, "/inspections", unit_id=unit["id"]) == 0

        # Back online: sent by itself, each step once.
        page.context.set_offline(False)
        expect(page.get_by_text("待上传(0)")).to_be_visible(timeout=60_000)
        expect(page.get_by_text("没有待上传的检查")).to_be_visible()
        shot(page, "outbox-sent")

        # The inspection sent again with its key (an answer lost on the way): the first one, no second.
        [recorded] = ok(member.get("/inspections", params={"unit_id": unit["id"]}))["items"]
        again = member.post(
            "/inspections",
            json=pending["inspection"],
            headers={"Idempotency-Key": f"{pending['id']}/inspection"},
        )
        assert again.status_code == 200 and again.json()["id"] == recorded["id"]
        assert _count(member, "/inspections", unit_id=unit["id"]) == 1
        assert _count(member, "/inspections", mine=True) == 1
        assert _count(member, "/hazards", unit_id=unit["id"]) == 2
        assert recorded["latitude"] == pytest.approx(HERE["latitude"])
        assert recorded["longitude"] == pytest.approx(HERE["longitude"])
        assert recorded["performed_at"] is not None

        # 立改立销: the extinguisher's hazard is rectified with its before- and after-photos; the
        # after-photo has no EXIF, so it keeps the phone's time and position.
        hazards = {
            h["location"]: h for h in ok(member.get("/hazards", params={"unit_id": unit["id"]}))["items"]
        }
        assert hazards["二号仓库"]["state"] == "rectified" and hazards["配电间"]["state"] == "reported"
        evidence = ok(member.get(f"/hazards/{hazards['二号仓库']['id']}/evidence"))["items"]
        by_tag = {e["tag"]: e for e in evidence}
        assert sorted(by_tag) == ["after", "before"] and len(evidence) == 2
        assert by_tag["before"]["latitude"] == pytest.approx(EXIF_PLACE[0], abs=1e-4)
        assert by_tag["after"]["latitude"] == pytest.approx(HERE["latitude"])
        assert by_tag["after"]["taken_at"] is not None
        fixed = ok(member.get(f"/hazards/{hazards['二号仓库']['id']}/history"))["items"][-1]
        assert fixed["action"] == "fix_on_spot" and fixed["evidence_ids"] == [by_tag["after"]["id"]]
        assert _count(member, f"/hazards/{hazards['配电间']['id']}/evidence") == 1

        # The two signatures are kept with the inspection, as PNGs one can download.
        files = ok(member.get(f"/inspections/{recorded['id']}/files"))["items"]
        assert sorted((f["tag"], f["content_type"]) for f in files) == [
            ("inspector_signature", "image/png"),
            ("unit_signature", "image/png"),
        ]
        assert {f["tag"]: f["signer"] for f in files}["unit_signature"] == "赵安全"
        png = member.get(f"/inspections/{recorded['id']}/files/{files[0]['id']}")
        assert png.status_code == 200 and png.content.startswith(b"\x89PNG")

        # My inspections, and the inspection's own page with its signatures.
        page.goto(f"{system}/inspections/mine")
        page.get_by_text(unit["name"]).click()
        expect(page.get_by_role("img", name="受检单位签名 赵安全")).to_be_visible()
        expect(page.get_by_role("link", name="下载")).to_have_count(2)
        shot(page, "inspection")
        accessible(page, "inspection")
        page.goto(f"{system}/inspections/mine")
        expect(page.get_by_text("2 项隐患")).to_be_visible()
        shot(page, "my-inspections")
        accessible(page, "my-inspections")


def test_an_offline_inspection_the_service_refuses_later_stays_with_its_reason(system, make_token):
    from playwright.sync_api import expect

    admin, zone = _zone_with_a_checklist(system, make_token)
    unit = zone["unit"]
    inspections = httpx.Client(base_url=f"{system}/api/inspections", headers=admin, timeout=30)

    with _phone() as page:
        items = _inspect_offline(page, system, zone)
        _fail(items["extinguishers"], "二号仓库")
        items["wiring"].get_by_text("不适用", exact=True).click()
        page.get_by_role("button", name="提交检查").click()
        expect(page.get_by_text("待上传(1)")).to_be_visible()

        # Meanwhile the unit is closed: the service no longer takes hazards at it.
        change = {"production_status": "closed", "reason": "企业注销"}
        ok(httpx.post(f"{system}/api/registry/enterprises/{unit['id']}/status", json=change, headers=admin))
        wait_until(
            lambda: inspections.get(f"/units/{unit['id']}").json()["production_status"] == "closed",
            timeout=60,
        )

        page.context.set_offline(False)
        entry = page.locator("[data-pending]")
        expect(entry.get_by_text("被拒绝")).to_be_visible(timeout=60_000)
        expect(entry.get_by_role("alert")).to_contain_text("单位已关闭")
        # kept, not dropped: after a reload and a retry it is still there, with its reason
        page.reload()
        expect(page.get_by_text("待上传(1)")).to_be_visible()
        entry.get_by_role("button", name="重试").click()
        expect(entry.get_by_role("alert")).to_contain_text("单位已关闭")
        shot(page, "outbox-refused")
        accessible(page, "outbox-refused")
        page.get_by_role("tab", name="我的").click()
        expect(page.get_by_text("1 条")).to_be_visible()
        page.get_by_text("待上传").click()

        entry.get_by_role("button", name="放弃").click()
        page.get_by_role("button", name="放弃", exact=True).last.click()
        expect(page.get_by_text("没有待上传的检查")).to_be_visible()
        assert _count(inspections, "/inspections", unit_id=unit["id"]) == 0


MAJOR_BASIS = "工贸行业重大事故隐患判定标准(2023)第四条(一)"
MAJOR_CHECKLIST = {
    "code": "BROWSER-MAJOR",
    "name": "粉尘涉爆重大隐患判定",
    "items": [
        {
            "key": "dust-removal",
            "text": "除尘系统采用正压吹送粉尘,且无可靠的防范点燃源措施",
            "category": "粉尘防爆",
            "basis": MAJOR_BASIS,
            "major_criterion": True,
        },
        {"key": "exits", "text": "安全出口、疏散通道畅通", "category": "消防"},
    ],
}


def test_a_failed_major_hazard_criterion_is_reported_as_major_from_the_phone(system, make_token):
    """A finding under a major-hazard standard's item is proposed as major (the service refuses it
    as general); the item shows the clause it comes from, and it cannot be fixed on the spot."""
    from playwright.sync_api import expect

    admin = {"Authorization": f"Bearer {make_token(Role.zone_admin)}"}
    zone = _zone_with_a_grid_member(system, admin)
    ok(httpx.post(f"{system}/api/inspections/checklists", json=MAJOR_CHECKLIST, headers=admin), 201)
    unit = zone["unit"]

    with _phone() as page:
        log_in(page, system, zone["username"])
        page.goto(f"{system}/units/{unit['id']}/inspect")  # the one checklist is chosen by itself
        item = page.locator('[data-item="dust-removal"]')
        expect(item.get_by_text("重大隐患判定项")).to_be_visible()
        expect(item.get_by_text(f"依据:{MAJOR_BASIS}")).to_be_visible()
        _fail(item, "除尘间")
        expect(item.get_by_role("radio", name="重大隐患")).to_have_attribute("aria-checked", "true")
        expect(item.get_by_role("radio", name="一般隐患")).to_have_attribute("aria-disabled", "true")
        item.get_by_role("radio", name="一般隐患").click(force=True)
        expect(item.get_by_role("radio", name="重大隐患")).to_have_attribute("aria-checked", "true")
        expect(item.get_by_role("switch")).to_have_count(0)  # no 立改立销 for a major hazard
        page.locator('[data-item="exits"]').get_by_text("合格", exact=True).click()
        shot(page, "inspect-major-criterion")
        accessible(page, "inspect-major-criterion")
        page.get_by_role("button", name="提交检查").click()
        expect(page).to_have_url(f"{system}/units/{unit['id']}")

    [hazard] = ok(
        httpx.get(f"{system}/api/inspections/hazards", params={"unit_id": unit["id"]}, headers=admin)
    )["items"]
    assert (hazard["grade"], hazard["basis"], hazard["location"]) == ("major", MAJOR_BASIS, "除尘间")


def test_a_session_that_ends_while_an_inspection_is_typed_returns_to_it_after_login(system, make_token):
    from playwright.sync_api import expect

    _, zone = _zone_with_a_checklist(system, make_token)
    unit = zone["unit"]

    with _phone() as page:
        log_in(page, system, zone["username"])
        items = _open_inspection(page, system, unit["id"])
        _fail(items["extinguishers"], "二号仓库")
        end_session(page)  # its tokens revoked elsewhere: the next call is refused
        page.reload()  # the page's next call is refused: back to login
        expect(page.get_by_role("button", name="登录")).to_be_visible()
        log_in_here(page, zone["username"])
        expect(page).to_have_url(f"{system}/units/{unit['id']}/inspect")
        expect(items["extinguishers"].get_by_placeholder("隐患所在部位")).to_have_value("二号仓库")
