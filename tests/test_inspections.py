"""Inspection records against versioned checklists; failed items become hazards in the ledger."""

from datetime import timedelta

import pytest

from shared.auth import Role
from shared.clock import local_today
from tests.support.inspections import events_of, known_unit, sql

ITEMS = [
    {"key": "fire.1", "text": "灭火器在有效期内", "category": "消防"},
    {"key": "elec.1", "text": "配电箱无裸露线头", "category": "用电"},
    {"key": "eq.1", "text": "特种设备定期检验", "category": "特种设备"},
]


@pytest.fixture
def checklist(api):
    response = api(
        "POST",
        "/checklists",
        role=Role.zone_admin,
        json={"code": "PATROL", "name": "日常巡查表", "items": ITEMS},
    )
    assert response.status_code == 201 and response.json()["version"] == 1
    return response.json()


def answers(failed_key: str | None = None) -> list[dict]:
    result = []
    for item in ITEMS:
        if item["key"] == failed_key:
            finding = {"grade": "general", "location": "一号车间", "description": f"{item['text']}:不符合"}
            result.append({"item_key": item["key"], "result": "fail", "finding": finding})
        else:
            result.append({"item_key": item["key"], "result": "pass"})
    return result


def inspect(
    api, unit, checklist, body_answers, kind="daily_patrol", role=Role.zone_admin, grid_ids=None, **extra
):
    body = {"unit_id": str(unit), "kind": kind, "template_id": checklist["id"], "inspected_on": str(local_today()),
            "answers": body_answers, **extra}  # fmt: skip
    return api("POST", "/inspections", role=role, grid_ids=grid_ids or [], json=body)


def test_a_failed_item_raises_a_hazard_linked_to_it(api, unit, checklist):
    recorded = inspect(api, unit, checklist, answers(failed_key="elec.1"))
    assert recorded.status_code == 201, recorded.text
    items = {i["item_key"]: i for i in recorded.json()["items"]}
    hazard_id = items["elec.1"]["hazard_id"]
    assert items["fire.1"]["hazard_id"] is None and hazard_id is not None
    hazard = api("GET", f"/hazards/{hazard_id}", role=Role.zone_admin).json()
    assert (hazard["category"], hazard["source"], hazard["state"]) == ("用电", "grid_patrol", "reported")
    assert sql("SELECT count(*) FROM inspections.outbox WHERE event_type = 'inspection.completed'") == 1
    assert events_of(hazard_id) == ["hazard.reported"]


def test_a_new_list_under_the_same_code_is_the_next_version(api, checklist):
    second = api(
        "POST",
        "/checklists",
        role=Role.zone_admin,
        json={"code": "PATROL", "name": "日常巡查表(修订)", "items": ITEMS[:2]},
    )
    assert second.json()["version"] == 2
    assert [c["version"] for c in api("GET", "/checklists", role=Role.auditor).json()["items"]] == [1, 2]
    repeated = api(
        "POST",
        "/checklists",
        role=Role.zone_admin,
        json={"code": "X", "name": "x", "items": [ITEMS[0], ITEMS[0]]},
    )
    assert repeated.status_code == 422 and "repeated item keys: fire.1" in repeated.json()["detail"]


@pytest.mark.parametrize(
    "change, loc, message",
    [
        (lambda a: a[:2], "answers", "missing eq.1"),
        (lambda a: [*a, {"item_key": "zzz", "result": "pass"}], "answers", "unknown zzz"),
        (lambda a: [a[0], {**a[1], "result": "fail"}, a[2]], "answers.1.finding", "needs its finding"),
        (lambda a: [{**a[0], "result": "pass"}, a[1], a[2]], "answers.0.finding", "only a failed item"),
    ],
)
def test_every_item_answered_once_and_only_failures_carry_findings(
    api, unit, checklist, change, loc, message
):
    response = inspect(api, unit, checklist, change(answers(failed_key="fire.1")))
    assert response.status_code == 422 and message in response.json()["detail"]
    assert response.json()["errors"][0]["loc"] == loc
    assert sql("SELECT count(*) FROM inspections.inspection") == 0
    assert sql("SELECT count(*) FROM inspections.hazard") == 0


def test_who_inspects_what_and_when(api, unit, checklist):
    by_admin = inspect(api, unit, checklist, answers(), kind="leader_inspection")
    assert by_admin.status_code == 403  # a zone admin is no leader
    by_other_leader = inspect(api, unit, checklist, answers(), kind="leader_inspection", role=Role.leader)
    assert by_other_leader.status_code == 403  # not a leader of this unit's grid
    grid = str(sql("SELECT grid_id FROM inspections.supervised_unit WHERE id = :u", u=unit))
    by_leader = inspect(
        api, unit, checklist, answers(), kind="leader_inspection", role=Role.leader, grid_ids=[grid]
    )
    assert by_leader.status_code == 201
    future = inspect(api, unit, checklist, answers(), inspected_on=str(local_today() + timedelta(days=1)))
    assert future.status_code == 422 and future.json()["errors"][0]["loc"] == "inspected_on"
    self_check = api("POST", "/inspections", who="ent", role=Role.enterprise_user, enterprise_id=str(unit), json={
        "unit_id": str(unit), "kind": "self_check", "template_id": checklist["id"], "inspected_on": str(local_today()),
        "answers": answers(failed_key="eq.1")})  # fmt: skip
    assert self_check.status_code == 201
    hazard_id = [i for i in self_check.json()["items"] if i["hazard_id"]][0]["hazard_id"]
    assert api("GET", f"/hazards/{hazard_id}", role=Role.auditor).json()["source"] == "self_report"
    other = known_unit()
    foreign = api("POST", "/inspections", who="ent", role=Role.enterprise_user, enterprise_id=str(other), json={
        "unit_id": str(unit), "kind": "self_check", "template_id": checklist["id"], "inspected_on": str(local_today()),
        "answers": answers()})  # fmt: skip
    assert foreign.status_code == 403
