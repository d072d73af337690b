"""The enterprise side of the field app (企业端) in a real browser at a phone's size, against the whole
running system: an enterprise safety manager rectifies an ordered hazard with an after-photo, which
the grid leader sees and verifies; reports a hazard of its own (自查自报); records a pre-shift
training with its sign-in sheet and the monthly exam; files the monthly risk report; and sees the
certificates to renew. Refused input shows the service's message at the field it names. A session
that ends while a form is typed returns to it after the login, as it was left; a camera's photo is
stored scaled down. Each screen is saved in test-artifacts/web/ and checked with axe-core.
"""

import io
import re
from datetime import datetime, timedelta
from typing import Any

import httpx
from PIL import Image
from pypdf import PdfReader

from services.inspections.hazard.service import check_deadlines
from services.inspections.runtime import runtime as inspections_runtime
from shared.auth import Role
from shared.clock import local_today, utc_now
from tests.factories import create_zone_and_grid, enterprise_payload
from tests.support.browser import (
    BROWSER_TEST,
    PASSWORD,
    accessible,
    account,
    browser_page,
    end_session,
    headers_of,
    log_in,
    log_in_here,
    ok,
    photo_shown,
    shot,
    staff,
)
from tests.support.files import pdf, photo
from tests.support.inspections import sql_rows
from tests.support.processes import wait_until

pytestmark = BROWSER_TEST

WORKERS = ("赵一", "钱二", "孙三")
MAX_SIDE = 1600  # web/src/photos.ts: a photo's long side above it is scaled down on the phone


def _enterprise_with_a_safety_manager(gateway: str, admin: dict[str, str]) -> dict[str, Any]:
    """Through the APIs: a grid with a leader, a unit in it with its safety manager (an account),
    three workers, and the manager's certificate expiring in ten days; every copy up to date."""
    registry = httpx.Client(base_url=f"{gateway}/api/registry", headers=admin, timeout=30)
    grid = create_zone_and_grid(registry, admin)
    unit = ok(
        registry.post("/enterprises", json=enterprise_payload(grid["id"], name="恒通机械有限公司")), 201
    )
    username, manager_id = account(registry, "周安全", "enterprise_user", enterprise_id=unit["id"])
    duty = {
        "person_id": manager_id,
        "duty": "safety_manager",
        "scope_id": unit["id"],
        "valid_from": "2020-01-01",
    }
    ok(registry.post("/responsibilities", json=duty), 201)
    certificate = {
        "kind": "safety_manager",
        "number": f"AQ-{manager_id[:8]}",
        "issuing_authority": "市应急管理局",
        "issued_on": str(local_today() - timedelta(days=3 * 365)),
        "expires_on": str(local_today() + timedelta(days=10)),
    }
    ok(registry.post(f"/people/{manager_id}/certificates", json=certificate), 201)
    workers = [
        ok(registry.post("/people", json={"name": name, "enterprise_id": unit["id"]}), 201)
        for name in WORKERS
    ]
    leader = staff(registry, grid["id"], "吴网格长", duty="grid_leader", role="leader")

    mine = headers_of(gateway, username)
    inspections = httpx.Client(base_url=f"{gateway}/api/inspections", headers=mine, timeout=30)
    year = local_today().year
    # inspections knows the unit and its people (training attendees are checked against them)
    wait_until(lambda: inspections.get(f"/units/{unit['id']}").status_code == 200, timeout=60)
    paths = [f"/people/{worker['id']}/training-hours" for worker in workers]

    def people_known() -> bool:
        return all(inspections.get(path, params={"year": year}).status_code == 200 for path in paths)

    wait_until(people_known, timeout=60)
    # reporting knows the unit (a filing names it)
    status = f"{gateway}/api/reporting/filings/status"
    month = {"kind": "monthly_risk", "period": local_today().strftime("%Y-%m")}

    def reporting_knows() -> bool:
        answer = httpx.get(status, params=month, headers=admin)
        return answer.status_code == 200 and any(u["unit_id"] == unit["id"] for u in answer.json()["units"])

    wait_until(reporting_knows, timeout=60)
    return {"unit": unit, "username": username, "leader": leader, "workers": workers}


def _ordered(
    gateway: str, admin: dict[str, str], unit: dict[str, Any], what: str, days: int
) -> dict[str, Any]:
    """A hazard the office found and ordered rectified within `days`."""
    inspections = httpx.Client(base_url=f"{gateway}/api/inspections", headers=admin, timeout=30)
    hazard = {
        "unit_id": unit["id"],
        "source": "superior_inspection",
        "category": "机械防护",
        "grade": "general",
        "location": "冲压车间",
        "description": what,
    }
    hazard = ok(inspections.post("/hazards", json=hazard), 201)
    order = {
        "deadline": str(local_today() + timedelta(days=days)),
        "responsible_person": "周安全",
        "measures": "加装防护罩",
    }
    ok(inspections.post(f"/hazards/{hazard['id']}/actions/order_rectification", json=order))
    return hazard


def _picture(name: str) -> dict[str, Any]:
    taken = {"taken": utc_now().replace(microsecond=0), "position": (31.2304, 121.4737)}
    return {"name": name, "mimeType": "image/jpeg", "buffer": photo("JPEG", **taken)}


def _screen(page: Any, name: str) -> None:
    shot(page, name)
    accessible(page, name)


def test_enterprise_rectifies_reports_trains_and_files_on_a_phone(system, make_token):
    from playwright.sync_api import expect

    admin = {"Authorization": f"Bearer {make_token(Role.zone_admin)}"}
    zone = _enterprise_with_a_safety_manager(system, admin)
    unit = zone["unit"]
    later = _ordered(system, admin, unit, "冲床防护罩缺失", days=10)
    sooner = _ordered(system, admin, unit, "砂轮机防护挡板松动", days=2)
    late = _ordered(system, admin, unit, "行车限位器失灵", days=1)
    with inspections_runtime.transaction() as session:  # the daily check, run as of two days on
        check_deadlines(session, local_today() + timedelta(days=2))

    with browser_page() as page:
        # An enterprise's user lands on the enterprise's home, the nearest deadline first.
        page.goto(f"{system}/login")
        page.get_by_placeholder("请输入账号").fill(zone["username"])
        page.get_by_placeholder("请输入密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        expect(page).to_have_url(f"{system}/enterprise")
        rows = page.locator(".rectify")
        expect(rows).to_have_count(3)
        expect(rows.first).to_contain_text(late["description"])
        expect(rows.first).to_contain_text("已逾期")
        expect(rows.nth(1)).to_contain_text(sooner["description"])
        expect(rows.nth(1)).to_contain_text("即将到期")
        expect(rows.last).to_contain_text(later["description"])
        expect(page.get_by_role("tab", name="自查自报")).to_be_visible()
        _screen(page, "enterprise-home")
        with page.expect_download(timeout=60_000) as downloaded:  # its own dossier (一企一档)
            page.get_by_text("本企业档案").click()
        assert downloaded.value.suggested_filename.endswith(".pdf")
        dossier = PdfReader(downloaded.value.path())
        assert unit["name"] in "".join(sheet.extract_text() for sheet in dossier.pages)

        # The hazard: no photo yet is said at the field; a file that is no photo is refused with the why.
        rows.nth(1).click()
        expect(page.get_by_text("整改后照片")).to_be_visible()
        page.get_by_role("button", name="提交整改完成").click()
        expect(page.get_by_text("请拍摄整改后照片")).to_be_visible()
        photos = page.locator(".van-uploader")
        broken = {"name": "broken.jpg", "mimeType": "image/jpeg", "buffer": b"not a photo at all"}
        photos.locator("input[type=file]").set_input_files(files=[broken])
        page.get_by_role("button", name="提交整改完成").click()
        expect(page.get_by_role("alert")).to_contain_text("照片未上传")
        said = page.locator(".van-field", has_text="整改后照片").locator(".van-field__error-message")
        expect(said).to_contain_text("broken.jpg")
        expect(said).to_contain_text("无法读取")  # the service's reason
        page.locator(".van-uploader__preview-delete").first.click()
        photos.locator("input[type=file]").set_input_files(files=[_picture("guard-fixed.jpg")])
        page.get_by_placeholder("已采取的措施(可不填)").fill("已紧固挡板")
        _screen(page, "enterprise-hazard")
        page.get_by_role("button", name="提交整改完成").click()
        expect(page.get_by_text("等待监管人员复查验收")).to_be_visible()
        photo_shown(page, "整改后照片 guard-fixed.jpg")
        shot(page, "enterprise-hazard-rectified")

        # 自查自报 from the tab bar, with a photo; the report opens as the enterprise's hazard.
        page.get_by_role("tab", name="自查自报").click()
        page.get_by_role("button", name="上报隐患").click()  # nothing filled: said at each field
        expect(page.get_by_text("请填写隐患部位")).to_be_visible()
        page.get_by_role("radio", name="用电").click()
        page.get_by_placeholder("隐患所在部位").fill("配电房")
        page.get_by_placeholder("发现的问题").fill("配电箱门未关闭")
        page.locator(".van-uploader input[type=file]").set_input_files(files=[_picture("panel.jpg")])
        expect(page.locator(".van-uploader__preview")).to_have_count(1)
        _screen(page, "enterprise-self-report")
        page.get_by_role("button", name="上报隐患").click()
        expect(page).to_have_url(re.compile("/enterprise/hazards/"))
        expect(page.get_by_text("配电箱门未关闭")).to_be_visible()
        expect(page.locator(".van-cell", has_text="来源")).to_contain_text("自查自报")
        shot(page, "enterprise-self-reported")

        # 班前教育: a new team; without attendees the service says so at the attendees.
        page.goto(f"{system}/enterprise/training")
        page.get_by_placeholder("班组名称").fill("冲压一班")
        page.get_by_role("button", name="添加").click()
        expect(page.get_by_role("radio", name="冲压一班")).to_be_checked()
        page.get_by_placeholder("如:受限空间作业安全").fill("冲压设备安全操作")
        page.locator(".van-uploader input[type=file]").set_input_files(files=[_picture("sign-in.jpg")])
        page.get_by_role("button", name="登记班前教育").click()
        expect(page.get_by_role("alert")).to_contain_text("attendee_ids")
        attendees = page.locator(".van-field", has_text="参训人员")
        expect(attendees.locator(".van-field__error-message")).to_be_visible()
        for name in WORKERS[:2]:
            page.get_by_role("checkbox", name=name).click()
        _screen(page, "enterprise-training")
        page.get_by_role("button", name="登记班前教育").click()
        expect(page.get_by_role("status")).to_contain_text("班前教育已登记")

        # 月度考试: one failed, who must retake is named.
        page.goto(f"{system}/enterprise/exam")
        page.get_by_placeholder("如:11月安全知识考试").fill("本月安全知识考试")
        page.get_by_role("button", name="登记考试").click()  # nobody's score: the service's word
        expect(page.get_by_role("alert")).to_contain_text("scores")
        expect(page.locator(".field-error")).to_contain_text("至少")  # under 成绩, where it belongs
        page.get_by_label(WORKERS[0]).fill("150")  # out of range: said at that person's score
        page.get_by_role("button", name="登记考试").click()
        said = page.locator(".van-field", has_text=WORKERS[0]).locator(".van-field__error-message")
        expect(said).to_be_visible()
        page.get_by_label(WORKERS[0]).fill("92")
        page.get_by_label(WORKERS[1]).fill("48")
        _screen(page, "enterprise-exam")
        page.get_by_role("button", name="登记考试").click()
        expect(page.get_by_text("需补考")).to_be_visible()
        expect(page.get_by_text(WORKERS[1], exact=True)).to_be_visible()

        # 月度风险分析报告: a month not yet begun is refused at the month; this month is filed.
        page.goto(f"{system}/enterprise/filing")
        next_month = (local_today().replace(day=28) + timedelta(days=5)).strftime("%Y-%m")
        page.get_by_label("报告月份").fill(next_month)
        page.get_by_label("存在的不足").fill("隐患排查记录不够细")
        page.get_by_label("薄弱环节").fill("夜班巡查")
        page.get_by_label("困难和问题").fill("老旧设备多")
        page.get_by_placeholder("主要风险").fill("机械伤害")
        page.get_by_placeholder("管控措施").fill("防护罩全覆盖,班前检查")
        page.locator(".van-uploader input[type=file]").set_input_files(
            files=[{"name": "monthly-report.pdf", "mimeType": "application/pdf", "buffer": pdf()}]
        )
        page.get_by_role("button", name="报送报告").click()
        expect(page.get_by_role("alert")).to_contain_text("统计期尚未开始")
        month_field = page.locator(".van-field", has_text="报告月份")
        expect(month_field.locator(".van-field__error-message")).to_contain_text("统计期尚未开始")
        page.get_by_label("报告月份").fill(local_today().strftime("%Y-%m"))
        _screen(page, "enterprise-filing")
        page.get_by_role("button", name="报送报告").click()
        expect(page.get_by_role("status")).to_contain_text("第 1 版")
        expect(page.locator(".filing")).to_have_count(1)
        expect(page.locator(".filing")).to_contain_text("第 1 版")
        shot(page, "enterprise-filed")

        # 三岗证书: the manager's certificate, ten days left.
        page.goto(f"{system}/enterprise/certificates")
        expect(page.locator(".certificate", has_text="周安全")).to_contain_text("还剩 10 天")
        _screen(page, "enterprise-certificates")

    # The grid leader sees the after-photo and verifies the fix.
    leader = httpx.Client(
        base_url=f"{system}/api/inspections", headers=headers_of(system, zone["leader"]), timeout=30
    )
    evidence = ok(leader.get(f"/hazards/{sooner['id']}/evidence"))["items"]
    assert [(e["tag"], e["filename"], e["content_type"]) for e in evidence] == [
        ("after", "guard-fixed.jpg", "image/jpeg")
    ]
    assert ok(leader.get(f"/hazards/{sooner['id']}"))["state"] == "rectified"
    verified = ok(leader.post(f"/hazards/{sooner['id']}/actions/verify", json={"passed": True}))
    assert verified["state"] == "verified"

    # What the screens recorded, as the services keep it.
    reported = ok(leader.get("/hazards", params={"unit_id": unit["id"], "source": "self_report"}))["items"]
    assert [(h["location"], h["state"]) for h in reported] == [("配电房", "reported")]
    assert [e["tag"] for e in ok(leader.get(f"/hazards/{reported[0]['id']}/evidence"))["items"]] == ["before"]
    assert _trainings(unit["id"]) == [("pre_shift", "冲压设备安全操作", 2, 1)]
    reporting = httpx.Client(base_url=f"{system}/api/reporting", headers=admin, timeout=30)
    filings = ok(reporting.get("/filings", params={"unit_id": unit["id"]}))["items"]
    assert [(f["period"], f["version"]) for f in filings] == [(local_today().strftime("%Y-%m"), 1)]
    attachments = ok(reporting.get(f"/filings/{filings[0]['id']}/attachments"))["items"]
    assert [a["content_type"] for a in attachments] == ["application/pdf"]


def _trainings(unit_id: str) -> list[tuple]:
    """The unit's recorded trainings as inspections keeps them: kind, topic, attendees, sign-in sheets."""
    return sql_rows(
        "SELECT s.kind, s.topic, cardinality(s.attendee_ids), count(e.id) FROM inspections.training_session s"
        " LEFT JOIN inspections.training_evidence e ON e.session_id = s.id WHERE s.unit_id = :unit"
        " GROUP BY s.id",
        unit=unit_id,
    )


def _self_report_typed(page: Any) -> None:
    """自查自报 opened from the tab bar and filled in, with a photo (panel.jpg)."""
    page.get_by_role("tab", name="自查自报").click()
    page.get_by_role("radio", name="用电").click()
    page.get_by_placeholder("隐患所在部位").fill("配电房")
    page.get_by_placeholder("发现的问题").fill("配电箱门未关闭")
    page.locator(".van-uploader input[type=file]").set_input_files(files=[_picture("panel.jpg")])


def _drafts(page: Any) -> list[str]:
    """The names of what the phone keeps of forms being filled in (web/src/drafts.ts)."""
    return page.evaluate(
        """() => new Promise((done, failed) => {
          const opened = indexedDB.open('gridsafe-drafts')
          opened.onerror = () => failed(opened.error)
          opened.onsuccess = () => {
            const keys = opened.result.transaction('forms').objectStore('forms').getAllKeys()
            keys.onsuccess = () => { opened.result.close(); done(keys.result) }
            keys.onerror = () => failed(keys.error)
          }
        })"""
    )


def _kept(page: Any, field: str) -> None:
    """Wait until the phone keeps `field` (`form/name`); each field is kept in the order typed."""
    wait_until(lambda: any(key.endswith(f"/{field}") for key in _drafts(page)), timeout=10)


def test_a_session_that_ends_while_forms_are_typed_returns_to_them_after_login(system, make_token):
    from playwright.sync_api import expect

    admin = {"Authorization": f"Bearer {make_token(Role.zone_admin)}"}
    zone = _enterprise_with_a_safety_manager(system, admin)
    unit = zone["unit"]

    with browser_page() as page:
        log_in(page, system, zone["username"], lands="/enterprise")

        # 自查自报 typed with a photo; the session ends, the page is opened again and the report sent.
        _self_report_typed(page)
        expect(page.locator(".van-uploader__preview")).to_have_count(1)
        _kept(page, "enterprise.report/photos")
        end_session(page)
        page.reload()
        expect(page.get_by_text("已恢复上次未提交的内容")).to_be_visible()
        expect(page.get_by_placeholder("发现的问题")).to_have_value("配电箱门未关闭")
        page.get_by_role("button", name="上报隐患").click()  # refused: back to login
        expect(page.get_by_role("button", name="登录")).to_be_visible()
        log_in_here(page, zone["username"])
        expect(page).to_have_url(f"{system}/enterprise/report")
        expect(page.get_by_role("radio", name="用电")).to_be_checked()
        expect(page.get_by_placeholder("隐患所在部位")).to_have_value("配电房")
        expect(page.get_by_placeholder("发现的问题")).to_have_value("配电箱门未关闭")
        expect(page.locator(".van-uploader__preview")).to_have_count(1)
        _screen(page, "enterprise-self-report-restored")
        page.get_by_role("button", name="上报隐患").click()
        expect(page).to_have_url(re.compile("/enterprise/hazards/"))
        expect(page.get_by_text("配电箱门未关闭")).to_be_visible()
        assert not [key for key in _drafts(page) if "/enterprise.report/" in key]
        page.goto(f"{system}/enterprise/report")
        page.reload()
        expect(page.get_by_placeholder("隐患所在部位")).to_have_value("")
        expect(page.locator(".van-uploader__preview")).to_have_count(0)
        expect(page.get_by_text("已恢复上次未提交的内容")).to_be_hidden()

        # 班前教育 typed with attendees and the sign-in sheet; the session ends, the screen's next call
        # is refused and the login comes; the training is recorded once after it.
        page.goto(f"{system}/enterprise/training")
        page.get_by_placeholder("班组名称").fill("冲压一班")
        page.get_by_role("button", name="添加").click()
        expect(page.get_by_role("radio", name="冲压一班")).to_be_checked()
        page.get_by_placeholder("如:受限空间作业安全").fill("冲压设备安全操作")
        for name in WORKERS[:2]:
            page.get_by_role("checkbox", name=name).click()
        page.locator(".van-uploader input[type=file]").set_input_files(files=[_picture("sign-in.jpg")])
        expect(page.locator(".van-uploader__preview")).to_have_count(1)
        _kept(page, "enterprise.training/sheet")
        end_session(page)
        page.reload()
        expect(page.get_by_role("button", name="登录")).to_be_visible()
        log_in_here(page, zone["username"])
        expect(page).to_have_url(f"{system}/enterprise/training")
        expect(page.get_by_role("radio", name="冲压一班")).to_be_checked()
        expect(page.get_by_placeholder("如:受限空间作业安全")).to_have_value("冲压设备安全操作")
        for name in WORKERS[:2]:
            expect(page.get_by_role("checkbox", name=name)).to_be_checked()
        expect(page.get_by_role("checkbox", name=WORKERS[2])).not_to_be_checked()
        expect(page.locator(".van-uploader__preview")).to_have_count(1)
        _screen(page, "enterprise-training-restored")
        page.get_by_role("button", name="登记班前教育").click()
        expect(page.get_by_role("status")).to_contain_text("2 人参训")
        assert not [key for key in _drafts(page) if "/enterprise.training/" in key]
        page.goto(f"{system}/enterprise/training")
        page.reload()
        # the one team is chosen by itself, which is not something typed: nothing is kept of it
        expect(page.get_by_role("radio", name="冲压一班")).to_be_checked()
        expect(page.get_by_text("已恢复上次未提交的内容")).to_be_hidden()
        assert not [key for key in _drafts(page) if "/enterprise.training/" in key]
        expect(page.get_by_role("checkbox", name=WORKERS[0])).not_to_be_checked()
        expect(page.get_by_placeholder("如:受限空间作业安全")).to_have_value("")
        expect(page.locator(".van-uploader__preview")).to_have_count(0)

        # 月度考试 typed, the page opened again: kept; 清空重填 empties the form and what was kept.
        page.goto(f"{system}/enterprise/exam")
        page.get_by_placeholder("如:11月安全知识考试").fill("本月安全知识考试")
        page.get_by_label(WORKERS[0]).fill("92")
        _kept(page, "enterprise.exam/scores")
        page.reload()
        expect(page.get_by_label(WORKERS[0])).to_have_value("92")
        expect(page.get_by_placeholder("如:11月安全知识考试")).to_have_value("本月安全知识考试")
        page.get_by_role("button", name="清空重填").click()
        page.get_by_role("button", name="清空", exact=True).click()
        expect(page.get_by_placeholder("如:11月安全知识考试")).to_have_value("")
        expect(page.get_by_label(WORKERS[0])).to_have_value("")
        expect(page.get_by_text("已恢复上次未提交的内容")).to_be_hidden()
        wait_until(lambda: not [key for key in _drafts(page) if "/enterprise.exam/" in key], timeout=10)

    # Each form recorded once, with its photo.
    inspections = httpx.Client(base_url=f"{system}/api/inspections", headers=admin, timeout=30)
    reported = ok(inspections.get("/hazards", params={"unit_id": unit["id"], "source": "self_report"}))
    assert [(h["location"], h["description"]) for h in reported["items"]] == [("配电房", "配电箱门未关闭")]
    evidence = ok(inspections.get(f"/hazards/{reported['items'][0]['id']}/evidence"))["items"]
    assert [(e["tag"], e["filename"]) for e in evidence] == [("before", "panel.jpg")]
    assert _trainings(unit["id"]) == [("pre_shift", "冲压设备安全操作", 2, 1)]


def test_a_rectification_photo_from_the_camera_is_kept_over_a_login_and_stored_scaled_down(
    system, make_token
):
    from playwright.sync_api import expect

    admin = {"Authorization": f"Bearer {make_token(Role.zone_admin)}"}
    zone = _enterprise_with_a_safety_manager(system, admin)
    hazard = _ordered(system, admin, zone["unit"], "冲床防护罩缺失", days=10)
    camera = photo("JPEG", taken=utc_now().replace(microsecond=0), size=(4000, 3000))

    with browser_page() as page:
        log_in(page, system, zone["username"], lands="/enterprise")
        page.locator(".rectify").first.click()
        page.locator(".van-uploader input[type=file]").set_input_files(
            files=[{"name": "guard-fitted.jpg", "mimeType": "image/jpeg", "buffer": camera}]
        )
        expect(page.locator(".van-uploader__preview")).to_have_count(1)
        page.get_by_placeholder("已采取的措施(可不填)").fill("已加装防护罩")
        _kept(page, f"enterprise.hazard:{hazard['id']}/reason")
        end_session(page)
        page.reload()
        expect(page.get_by_role("button", name="登录")).to_be_visible()
        log_in_here(page, zone["username"])
        expect(page).to_have_url(f"{system}/enterprise/hazards/{hazard['id']}")
        expect(page.locator(".van-uploader__preview")).to_have_count(1)
        expect(page.get_by_placeholder("已采取的措施(可不填)")).to_have_value("已加装防护罩")
        page.get_by_role("button", name="提交整改完成").click()
        expect(page.get_by_text("等待监管人员复查验收")).to_be_visible()

    inspections = httpx.Client(base_url=f"{system}/api/inspections", headers=admin, timeout=30)
    [after] = ok(inspections.get(f"/hazards/{hazard['id']}/evidence"))["items"]
    assert (after["tag"], after["filename"]) == ("after", "guard-fitted.jpg")
    # made smaller, the photo lost its EXIF; the time the phone took it came with it
    assert abs(datetime.fromisoformat(after["taken_at"]) - utc_now()) < timedelta(minutes=10)
    stored = inspections.get(f"/hazards/{hazard['id']}/evidence/{after['id']}")
    assert stored.status_code == 200, stored.text
    with Image.open(io.BytesIO(stored.content)) as image:
        assert (image.format, image.size) == ("JPEG", (MAX_SIDE, MAX_SIDE * 3 // 4))
        image.load()  # the whole image decodes


def test_a_photo_whose_answer_was_lost_is_stored_once_when_the_report_is_sent_again(system, make_token):
    """The service stores a self-report's photo, or a training's sign-in sheet, but its answer
    never reaches the phone: the photo is marked as not sent, and sending again (with the same key)
    stores nothing new."""
    from playwright.sync_api import Route, expect

    admin = {"Authorization": f"Bearer {make_token(Role.zone_admin)}"}
    zone = _enterprise_with_a_safety_manager(system, admin)
    keys: list[str | None] = []

    def answer_lost(route: Route) -> None:
        route.fetch()  # the service stores the photo …
        keys.append(route.request.headers.get("idempotency-key"))
        route.abort()  # … and its answer is lost on the way back

    with browser_page() as page:
        log_in(page, system, zone["username"], lands="/enterprise")
        _self_report_typed(page)
        page.route("**/api/inspections/hazards/*/evidence", answer_lost, times=1)
        page.get_by_role("button", name="上报隐患").click()
        expect(page.get_by_role("alert")).to_contain_text("照片未上传")
        expect(page.get_by_text("网络中断")).to_be_visible()
        _screen(page, "enterprise-self-report-photo-not-sent")
        # the phone closes the page: the report, its key and the photo are kept with the form
        _kept(page, "enterprise.report/key")
        _kept(page, "enterprise.report/reported")
        page.reload()
        expect(page.locator(".van-uploader__preview")).to_have_count(1)
        page.get_by_role("button", name="重新上传照片").click()
        expect(page).to_have_url(re.compile("/enterprise/hazards/"))

    inspections = httpx.Client(base_url=f"{system}/api/inspections", headers=admin, timeout=30)
    [reported] = ok(inspections.get("/hazards", params={"unit_id": zone["unit"]["id"]}))["items"]
    [stored] = ok(inspections.get(f"/hazards/{reported['id']}/evidence"))["items"]
    assert stored["filename"] == "panel.jpg" and keys[0]

    with browser_page() as page:
        log_in(page, system, zone["username"], lands="/enterprise")
        page.goto(f"{system}/enterprise/training")
        page.get_by_placeholder("班组名称").fill("冲压一班")
        page.get_by_role("button", name="添加").click()
        page.get_by_placeholder("如:受限空间作业安全").fill("冲压设备安全操作")
        page.get_by_role("checkbox", name=WORKERS[0]).click()
        page.locator(".van-uploader input[type=file]").set_input_files(files=[_picture("sign-in.jpg")])
        page.route("**/api/inspections/trainings/*/evidence", answer_lost, times=1)
        page.get_by_role("button", name="登记班前教育").click()
        expect(page.get_by_text("签到表未上传")).to_be_visible()
        expect(page.get_by_text("网络中断")).to_be_visible()
        page.get_by_role("button", name="重新上传签到表").click()
        expect(page.get_by_role("status")).to_contain_text("班前教育已登记")
    assert keys[1] and keys[1] != keys[0]
    assert _trainings(zone["unit"]["id"]) == [("pre_shift", "冲压设备安全操作", 1, 1)]
