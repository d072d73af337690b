"""Hazard authority per order No. 16 and the work plan, through the API: who may verify, close,
move a hazard out of enforcement, list it for supervision, regrade or void it; the plan before
work; the authority's review date; the source of a report; unacted hazards; overdue explanations.
Each forbidden step is a 403 naming its rule, each bad input a 422 naming its field."""

import uuid
from datetime import timedelta

import pytest

from services.inspections.hazard.service import check_deadlines, check_unacted
from services.inspections.runtime import runtime as inspections
from services.inspections.settings import get_inspections_settings
from shared.auth import Role
from shared.clock import local_today
from shared.events.contracts.inspections import HazardGrade, HazardState
from tests.support.inspections import events_of, known_unit
from tests.support.notifications import feed, hazard_event, told, zone_with_people
from tests.test_hazards import SIX_PARTS, evidence, step

GRID = uuid.uuid4()


@pytest.fixture
def grid_unit() -> uuid.UUID:
    return known_unit(grid_id=GRID)


def as_(role: Role, who: str, unit: uuid.UUID | None = None, grid: uuid.UUID = GRID) -> dict:
    """Who takes a step: an enterprise user of `unit`, grid staff of `grid`, or a zone-wide role."""
    if role == Role.enterprise_user:
        return {"who": who, "role": role, "enterprise_id": str(unit)}
    if role in (Role.grid_member, Role.leader):
        return {"who": who, "role": role, "grid_ids": [str(grid)]}
    return {"who": who, "role": role}


def reported(api, unit, grade="general", source="grid_patrol", by=None):
    by = by or as_(Role.grid_member, "网格员")
    body = {"unit_id": str(unit), "source": source, "category": "消防", "grade": grade, "location": "x", "description": "y"}  # fmt: skip
    response = api("POST", "/hazards", json=body, **by)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def order(api, hazard_id, by, plan=None, days=10):
    body = {
        "deadline": str(local_today() + timedelta(days=days)),
        "responsible_person": "张总",
        "measures": "更换",
    }
    return step(api, hazard_id, "order_rectification", plan=plan, **body, **by)


def rectified_by(api, hazard_id, by):
    photo = evidence(api, hazard_id)
    response = step(api, hazard_id, "mark_rectified", evidence_ids=[photo], **by)
    assert response.json()["state"] == "rectified", response.text
    return response


def test_a_colleague_of_the_enterprise_that_fixed_it_may_not_verify(api, grid_unit):
    hazard = reported(api, grid_unit)
    order(api, hazard, as_(Role.grid_member, "网格员"))
    rectified_by(api, hazard, as_(Role.enterprise_user, "企业甲", grid_unit))
    colleague = step(api, hazard, "verify", passed=True, **as_(Role.enterprise_user, "企业乙", grid_unit))
    assert colleague.status_code == 403 and "rule verify_independent_of_unit" in colleague.json()["detail"]
    checked = step(api, hazard, "verify", passed=True, **as_(Role.grid_member, "网格员"))
    assert checked.json()["state"] == "verified"


def test_nobody_of_the_grid_member_s_own_organisation_verifies_a_fix_on_the_spot(api, grid_unit):
    hazard = reported(api, grid_unit)
    photo = evidence(api, hazard)
    fixer = as_(Role.grid_member, "网格员")
    step(api, hazard, "fix_on_spot", reason="已更换", evidence_ids=[photo], **fixer)
    unit = step(api, hazard, "verify", passed=True, **as_(Role.enterprise_user, "企业", grid_unit))
    assert unit.status_code == 403 and "rule verify_independent_of_unit" in unit.json()["detail"]
    same_grid = step(api, hazard, "verify", passed=True, **as_(Role.leader, "网格长"))
    assert same_grid.status_code == 403 and "rule verify_independent_of_fixer" in same_grid.json()["detail"]
    assert step(api, hazard, "verify", passed=True, **as_(Role.safety_office, "安办")).status_code == 200


@pytest.mark.parametrize("allowed", [False, True])
def test_an_enterprise_verifies_its_own_self_report_only_when_the_rule_says_so(
    api, grid_unit, monkeypatch, allowed
):
    monkeypatch.setenv("UNIT_MAY_VERIFY_OWN_SELF_REPORT", str(allowed).lower())
    get_inspections_settings.cache_clear()
    try:
        fixer, colleague = (as_(Role.enterprise_user, name, grid_unit) for name in ("企业甲", "企业乙"))
        hazard = reported(api, grid_unit, source="self_report", by=fixer)
        order(api, hazard, fixer)
        rectified_by(api, hazard, fixer)
        assert step(api, hazard, "verify", passed=True, **fixer).status_code == 403  # never the fixer
        verified = step(api, hazard, "verify", passed=True, **colleague)
        assert verified.status_code == (200 if allowed else 403), verified.text
    finally:
        get_inspections_settings.cache_clear()


def test_a_major_hazard_is_closed_only_by_the_authority_and_needs_no_restart_unless_listed_or_stopped(
    api, grid_unit
):
    hazard = reported(api, grid_unit, grade="major")
    order(api, hazard, as_(Role.grid_member, "网格员"), plan=SIX_PARTS)
    rectified_by(api, hazard, as_(Role.enterprise_user, "企业", grid_unit))
    # neither listed nor stopped: no evaluation, no restart application
    assert step(api, hazard, "verify", passed=True, **as_(Role.grid_member, "网格员")).status_code == 200
    by_member = step(api, hazard, "close", authority_review_on=str(local_today()), **as_(Role.grid_member, "网格员"))  # fmt: skip
    assert by_member.status_code == 403
    assert (
        "rule major_close_by_enforcement_officer_or_safety_office_or_zone_admin" in by_member.json()["detail"]
    )
    closed = step(api, hazard, "close", **as_(Role.safety_office, "安办"))
    assert closed.json()["state"] == "closed" and closed.json()["authority_review_on"] is None


def test_only_enforcement_or_the_zone_admin_moves_a_hazard_out_of_enforcement(api, grid_unit):
    hazard = reported(api, grid_unit)
    member = as_(Role.grid_member, "网格员")
    step(api, hazard, "refuse", reason="拒不整改", enforcement_owner="区执法大队", **member)
    for who in (as_(Role.enterprise_user, "企业", grid_unit), member, as_(Role.safety_office, "安办")):
        moved = order(api, hazard, who)
        assert moved.status_code == 403, moved.text
        assert "rule with_enforcement_moved_by_enforcement_officer_or_zone_admin" in moved.json()["detail"]
    voided = step(api, hazard, "void", reason="误报", **member)
    assert voided.status_code == 403 and "with_enforcement_moved_by" in voided.json()["detail"]
    assert order(api, hazard, as_(Role.enforcement_officer, "执法")).json()["state"] == "rectifying"


def test_work_on_a_major_hazard_never_starts_without_its_plan(api, grid_unit):
    member = as_(Role.grid_member, "网格员")
    hazard = reported(api, grid_unit, grade="major")
    cordon = evidence(api, hazard)
    stop = {"reason": "撤人警戒", "evidence_ids": [cordon]}
    no_deadline = step(api, hazard, "suspend", plan=SIX_PARTS, **stop, **member)
    assert no_deadline.status_code == 422 and no_deadline.json()["errors"][0]["loc"] == "deadline"
    deadline = str(local_today() + timedelta(days=20))
    no_plan = step(api, hazard, "suspend", deadline=deadline, **stop, **member)
    assert no_plan.status_code == 422 and no_plan.json()["errors"][0]["loc"] == "plan"
    stopped = step(api, hazard, "suspend", deadline=deadline, plan=SIX_PARTS, **stop, **member).json()
    assert (stopped["state"], stopped["deadline"], stopped["plan"], stopped["stop_ordered"]) == (
        "suspended", deadline, SIX_PARTS, True
    )  # fmt: skip
    # a general hazard under work, regraded major, needs its plan as well
    general = reported(api, grid_unit)
    order(api, general, member)
    regraded = step(api, general, "regrade", grade="major", reason="涉及液氨储罐", **member)
    assert regraded.status_code == 422 and regraded.json()["errors"][0]["loc"] == "plan"
    with_plan = step(api, general, "regrade", grade="major", reason="涉及液氨储罐", plan=SIX_PARTS, **member)
    assert with_plan.json()["grade"] == "major"


def test_listing_for_supervision_is_the_authority_s_act_and_a_late_review_is_flagged_and_told(api, grid_unit):
    hazard = reported(api, grid_unit, grade="major")
    listing = {"listing_authority": "区安委会", "reason": "涉及重大危险源"}
    by_member = step(api, hazard, "list_for_supervision", **listing, **as_(Role.grid_member, "网格员"))
    assert by_member.status_code == 403 and "rule list_for_supervision_by_" in by_member.json()["detail"]
    leader = as_(Role.committee_leader, "主任")
    nameless = step(api, hazard, "list_for_supervision", reason="x", **leader)
    assert nameless.status_code == 422 and nameless.json()["errors"][0]["loc"] == "body.listing_authority"
    listed = step(api, hazard, "list_for_supervision", **listing, **leader).json()
    assert listed["listing_authority"] == "区安委会" and listed["listed_at"] and listed["state"] == "reported"
    assert step(api, hazard, "list_for_supervision", **listing, **leader).status_code == 409  # once
    assert step(api, hazard, "regrade", grade="general", reason="x", **as_(Role.safety_office, "安办")).status_code == 409  # fmt: skip
    general = reported(api, grid_unit)
    assert step(api, general, "list_for_supervision", **listing, **leader).status_code == 409  # major only

    order(api, hazard, as_(Role.grid_member, "网格员"), plan=SIX_PARTS)
    rectified_by(api, hazard, as_(Role.enterprise_user, "企业", grid_unit))
    checker = as_(Role.grid_member, "网格员")
    needs = step(api, hazard, "verify", passed=True, **checker)  # listed: evaluation and restart application
    assert needs.status_code == 422 and "evaluation, restart_applied_on" in needs.json()["detail"]
    applied = local_today() - timedelta(days=15)
    evaluated = {"passed": True, "evaluation": "评估合格", "restart_applied_on": str(applied)}
    assert step(api, hazard, "verify", **evaluated, **checker).status_code == 200
    office = as_(Role.safety_office, "安办")
    missing = step(api, hazard, "close", **office)
    assert missing.status_code == 422 and missing.json()["errors"][0]["loc"] == "authority_review_on"
    closed = step(api, hazard, "close", authority_review_on=str(local_today()), **office).json()
    assert (closed["state"], closed["review_late"], closed["authority_review_on"]) == (
        "closed", True, str(local_today())
    )  # fmt: skip
    assert events_of(hazard)[-3:] == ["hazard.verified", "hazard.closed", "hazard.review_late"]
    assert "hazard.listed" in events_of(hazard)
    history = api("GET", f"/hazards/{hazard}/history", role=Role.auditor).json()["items"]
    assert history[-1]["action"] == "review_late" and "15 days after" in history[-1]["reason"]
    listing_row = next(h for h in history if h["action"] == "list_for_supervision")
    assert listing_row["details"] == {"listing_authority": "区安委会"} and listing_row["actor_name"] == "主任"


@pytest.mark.parametrize(
    ("source", "role", "status"),
    [
        ("self_report", Role.grid_member, 422),
        ("self_report", Role.zone_admin, 422),
        ("grid_patrol", Role.enterprise_user, 422),
        ("superior_inspection", Role.grid_member, 422),
        ("superior_inspection", Role.enterprise_user, 422),
        ("self_report", Role.enterprise_user, 201),
        ("grid_patrol", Role.leader, 201),
        ("superior_inspection", Role.safety_office, 201),
        ("superior_inspection", Role.committee_leader, 403),  # reads and lists; reports through its office
        ("superior_inspection", Role.enforcement_officer, 201),
    ],
)
def test_the_source_matches_who_reports(api, grid_unit, source, role, status):
    body = {"unit_id": str(grid_unit), "source": source, "category": "消防", "grade": "general", "location": "x", "description": "y"}  # fmt: skip
    response = api("POST", "/hazards", json=body, **as_(role, "上报人", grid_unit))
    assert response.status_code == status, response.text
    if status == 422:
        assert response.json()["errors"][0]["loc"] == "source"
    if status == 403:
        assert "hazard.report" in response.json()["detail"]


def test_regrade_and_void_need_a_reason_and_a_supervisor_and_stay_in_the_history(api, grid_unit):
    hazard = reported(api, grid_unit)
    member = as_(Role.grid_member, "网格员")
    reasonless = step(api, hazard, "regrade", grade="major", **member)
    assert reasonless.status_code == 422 and reasonless.json()["errors"][0]["loc"] == "body.reason"
    unit = step(
        api, hazard, "regrade", grade="major", reason="x", **as_(Role.enterprise_user, "企业", grid_unit)
    )
    assert unit.status_code == 403 and "rule regrade_by_" in unit.json()["detail"]
    same = step(api, hazard, "regrade", grade="general", reason="x", **member)
    assert same.status_code == 422 and same.json()["errors"][0]["loc"] == "grade"
    regraded = step(api, hazard, "regrade", grade="major", reason="波及液氨储罐", **member).json()
    assert regraded["grade"] == "major" and regraded["state"] == "reported"
    assert step(api, hazard, "void", **member).json()["errors"][0]["loc"] == "body.reason"
    voided = step(api, hazard, "void", reason="误报:系演练设施", **member).json()
    assert voided["state"] == "voided" and voided["allowed_actions"] == []
    history = api("GET", f"/hazards/{hazard}/history", role=Role.auditor).json()["items"]
    assert [(h["action"], h["reason"]) for h in history[-2:]] == [
        ("regrade", "波及液氨储罐"), ("void", "误报:系演练设施")
    ]  # fmt: skip
    assert history[-2]["details"] == {"previous_grade": "general", "grade": "major"}
    assert events_of(hazard)[-2:] == ["hazard.regraded", "hazard.voided"]


def test_an_unacted_reported_hazard_is_reminded_then_escalated_once_each(api, grid_unit):
    hazard = reported(api, grid_unit)
    acted_on = reported(api, grid_unit)
    order(api, acted_on, as_(Role.grid_member, "网格员"))
    today = local_today()

    def check(days: int) -> dict[str, int]:
        with inspections.transaction() as session:
            return check_unacted(session, today + timedelta(days=days))

    assert check(2) == {"unacted_reminded": 0, "unacted_escalated": 0}
    assert check(3) == {"unacted_reminded": 1, "unacted_escalated": 0}
    assert check(4) == {"unacted_reminded": 0, "unacted_escalated": 0}
    assert check(7) == {"unacted_reminded": 0, "unacted_escalated": 1}
    assert check(8) == {"unacted_reminded": 0, "unacted_escalated": 0}
    assert events_of(hazard)[-2:] == ["hazard.unacted_reminded", "hazard.unacted_escalated"]
    assert "hazard.unacted_reminded" not in events_of(acted_on)


def test_a_hazard_that_has_been_overdue_explains_the_delay_in_any_open_state(api, grid_unit):
    member = as_(Role.grid_member, "网格员")
    late, in_time = reported(api, grid_unit), reported(api, grid_unit)
    refused_late = reported(api, grid_unit)
    order(api, late, member, days=1)
    order(api, refused_late, member, days=1)
    order(api, in_time, member, days=5)
    with inspections.transaction() as session:
        check_deadlines(session, local_today() + timedelta(days=2))  # two are overdue...
    step(api, refused_late, "refuse", reason="拒不整改", enforcement_owner="区执法大队", **member)
    handed = step(api, refused_late, "explain_overdue", reason="企业拒绝整改导致逾期", **member)
    assert handed.json()["state"] == "with_enforcement" and handed.json()["overdue_explanation"]
    rectified_by(api, late, as_(Role.enterprise_user, "企业", grid_unit))  # ...and fixed late
    explained = step(api, late, "explain_overdue", reason="配件延期到货", **member)
    assert (
        explained.json()["overdue_explanation"] == "配件延期到货" and explained.json()["state"] == "rectified"
    )
    # the second, never overdue, is handed to enforcement: nothing to explain
    step(api, in_time, "refuse", reason="拒不整改", enforcement_owner="区执法大队", **member)
    never = step(api, in_time, "explain_overdue", reason="x", **member)
    assert never.status_code == 409 and "never been overdue" in never.json()["detail"]


def test_listing_reaches_the_enterprise_head_and_grid_staff_and_a_late_review_the_safety_office(workers):
    zone = zone_with_people()
    people = zone.people
    listed, late = uuid.uuid4(), uuid.uuid4()
    major = {"grade": HazardGrade.major}
    feed(hazard_event(zone, "hazard.listed", hazard_id=listed, state=HazardState.rectifying, listing_authority="区安委会", **major))  # fmt: skip
    for who in ("principal", "member", "leader"):
        assert told(people[who], "event:") == 1, who
    assert told(people["officer"]) == 0
    from tests.support.inspections import sql

    body = sql(
        "SELECT body FROM notifications.inbox_message WHERE person_id = :p",
        p=str(people["principal"].person_id),
    )
    assert "挂牌督办单位:区安委会" in body
    today = local_today()
    feed(hazard_event(zone, "hazard.review_late", hazard_id=late, state=HazardState.closed, restart_applied_on=today - timedelta(days=15), authority_review_on=today, **major))  # fmt: skip
    title = sql("SELECT title FROM notifications.inbox_message WHERE person_id = :p AND subject_id = :h", p=str(people["office"].person_id), h=str(late))  # fmt: skip
    assert "复产审查超期" in title
    assert told(people["principal"], "event:") == 1  # the late review is the office's to follow up
    # an unacted general hazard: reminded to the unit's head and grid member, escalated to the leader and office
    unacted = uuid.uuid4()
    office_before, leader_before = told(people["office"]), told(people["leader"])
    feed(hazard_event(zone, "hazard.unacted_reminded", hazard_id=unacted, state=HazardState.reported))
    assert told(people["member"], "event:") == 2 and told(people["principal"], "event:") == 2
    assert (told(people["office"]), told(people["leader"])) == (office_before, leader_before)
    feed(hazard_event(zone, "hazard.unacted_escalated", hazard_id=unacted, state=HazardState.reported))
    assert (told(people["office"]), told(people["leader"])) == (office_before + 1, leader_before + 1)
