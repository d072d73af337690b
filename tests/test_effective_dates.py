"""Effective-dated facts in the registry: a unit's registration day and dated states, a grid's
first and last day (a tombstone), versions in every event, and changes published on their day."""

import uuid
from datetime import UTC, date, datetime, timedelta

import time_machine

from services.registry.effective.jobs import publish_effective_changes
from shared.clock import local_today
from tests.factories import create_zone_and_grid, enterprise_payload, square
from tests.support.inspections import sql, sql_rows

REASON = "补录历史 / entering past records"


def events(event_type: str, subject: str) -> list[dict]:
    """The data of the events of one type about one entity the registry has published, oldest first."""
    rows = sql_rows(
        "SELECT envelope FROM registry.outbox WHERE event_type = :t AND envelope->>'subject' = :s ORDER BY position",
        t=event_type,
        s=subject,
    )
    return [row[0]["data"] for row in rows]


def register(registry, headers, grid_id, **extra) -> dict:
    response = registry.post("/enterprises", json=enterprise_payload(grid_id, **extra), headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def states(registry, headers, unit_id) -> list[tuple]:
    items = registry.get(f"/enterprises/{unit_id}/states", headers=headers).json()["items"]
    return [(s["valid_from"], s["valid_to"], s["production_status"], s["key_supervision"]) for s in items]


def test_a_unit_is_registered_from_today_or_a_past_day_with_a_reason(clients, auth, grid):
    registry, admin = clients["registry"], auth()
    today = local_today()
    unit = register(registry, admin, grid["id"])
    assert unit["registered_on"] == today.isoformat() and unit["version"] == 1
    assert states(registry, admin, unit["id"]) == [(today.isoformat(), None, "operating", True)]
    registered = events("enterprise.registered", unit["id"])
    assert registered[0]["version"] == 1
    assert registered[0]["states"] == [
        {
            "valid_from": today.isoformat(),
            "valid_to": None,
            "production_status": "operating",
            "key_supervision": True,
            "grid_id": grid["id"],
        }
    ]

    past = (today - timedelta(days=40)).isoformat()
    no_reason = registry.post(
        "/enterprises", json=enterprise_payload(grid["id"], registered_on=past), headers=admin
    )
    assert no_reason.status_code == 422 and no_reason.json()["errors"][0]["loc"] == "reason"
    future = (today + timedelta(days=1)).isoformat()
    later = registry.post(
        "/enterprises", json=enterprise_payload(grid["id"], registered_on=future), headers=admin
    )
    assert later.status_code == 422 and later.json()["errors"][0]["loc"] == "registered_on"
    # the grid exists from today only: no unit is in it before
    before_grid = registry.post(
        "/enterprises", json=enterprise_payload(grid["id"], registered_on=past, reason=REASON), headers=admin
    )
    assert before_grid.status_code == 409 and "exists from" in before_grid.json()["detail"]
    assert sql("SELECT count(*) FROM registry.enterprise") == 1

    old_grid = create_zone_and_grid(registry, admin, "G7", valid_from=past, reason=REASON)
    old = register(registry, admin, old_grid["id"], registered_on=past, reason=REASON)
    assert old["registered_on"] == past and states(registry, admin, old["id"])[0][0] == past


def test_a_dated_change_starts_a_new_state_and_ends_the_one_before(clients, auth, grid):
    registry, admin = clients["registry"], auth()
    today = local_today()
    unit = register(registry, admin, grid["id"])
    unit_id = unit["id"]
    tomorrow, in_ten = today + timedelta(days=1), today + timedelta(days=10)

    suspended = registry.post(
        f"/enterprises/{unit_id}/status",
        json={"production_status": "suspended", "reason": "停产整顿", "effective_on": tomorrow.isoformat()},
        headers=admin,
    )
    assert suspended.status_code == 200
    assert suspended.json()["production_status"] == "operating"  # today's state: the change is tomorrow's
    key = registry.post(
        f"/enterprises/{unit_id}/states",
        json={"key_supervision": False, "effective_on": in_ten.isoformat()},
        headers=admin,
    )
    assert key.status_code == 200, key.text
    assert states(registry, admin, unit_id) == [
        (today.isoformat(), today.isoformat(), "operating", True),
        (tomorrow.isoformat(), (in_ten - timedelta(days=1)).isoformat(), "suspended", True),
        (in_ten.isoformat(), None, "suspended", False),
    ]
    # the copies hear of the coming states at once, with a higher version each time
    updated = events("enterprise.updated", unit_id)
    assert [(e["version"], e["changed"], e["production_status"]) for e in updated] == [
        (2, ["states"], "operating"),
        (3, ["states"], "operating"),
    ]
    assert len(updated[-1]["states"]) == 3

    # before the latest recorded change: refused, naming it; nothing changed
    early = registry.post(
        f"/enterprises/{unit_id}/status",
        json={"production_status": "closed", "reason": "关闭", "effective_on": tomorrow.isoformat()},
        headers=admin,
    )
    assert early.status_code == 409 and in_ten.isoformat() in early.json()["detail"]
    assert early.json()["errors"][0]["loc"] == "effective_on"
    # the same day as the latest change amends it
    closed = registry.post(
        f"/enterprises/{unit_id}/states",
        json={"production_status": "closed", "effective_on": in_ten.isoformat()},
        headers=admin,
    )
    assert closed.status_code == 200
    assert states(registry, admin, unit_id)[-1] == (in_ten.isoformat(), None, "closed", False)
    history = registry.get(f"/enterprises/{unit_id}/history", headers=admin).json()["items"]
    assert [(h["field"], h["new_value"], h["effective_on"]) for h in history] == [
        ("production_status", "suspended", tomorrow.isoformat()),
        ("key_supervision", "False", in_ten.isoformat()),
        ("production_status", "closed", in_ten.isoformat()),
    ]


def test_bad_dated_changes_are_refused_and_change_nothing(clients, auth, grid):
    registry, admin = clients["registry"], auth()
    today = local_today()
    unit_id = register(registry, admin, grid["id"])["id"]
    before = states(registry, admin, unit_id)

    def change(body: dict) -> tuple[int, str | None]:
        response = registry.post(f"/enterprises/{unit_id}/states", json=body, headers=admin)
        errors = response.json().get("errors") or [{}]
        return response.status_code, errors[0].get("loc")

    yesterday = (today - timedelta(days=1)).isoformat()
    assert change({"production_status": "suspended", "effective_on": yesterday}) == (422, "reason")
    # before the unit's registration (today), even with a reason
    assert change({"production_status": "suspended", "effective_on": yesterday, "reason": REASON}) == (
        409,
        "effective_on",
    )
    assert change({"effective_on": today.isoformat()}) == (422, "production_status")  # nothing to change
    assert change({"production_status": "operating"}) == (409, "production_status")  # already so
    assert change({"grid_id": str(uuid.uuid4())}) == (422, "grid_id")
    assert change({"production_status": "bankrupt"})[0] == 422
    later_grid = create_zone_and_grid(
        registry, admin, "G5", west=0.5, valid_from=(today + timedelta(days=5)).isoformat()
    )
    assert change({"grid_id": later_grid["id"], "effective_on": (today + timedelta(days=2)).isoformat()}) == (
        409,
        "grid_id",
    )
    assert states(registry, admin, unit_id) == before
    assert sql("SELECT count(*) FROM registry.enterprise_change") == 0


def test_a_grid_is_abolished_as_a_tombstone_that_no_change_reaches(clients, auth, grid):
    registry, admin = clients["registry"], auth()
    today = local_today()
    grid_id = grid["id"]
    assert grid["valid_from"] == today.isoformat() and grid["version"] == 1
    unit_id = register(registry, admin, grid_id)["id"]
    other = create_zone_and_grid(registry, admin, "G2", west=0.3)

    still_there = registry.delete(f"/grids/{grid_id}", headers=admin)
    assert still_there.status_code == 409 and "still has 1 units" in still_there.json()["detail"]
    # the unit leaves tomorrow: the grid may end today, not yesterday (it did not exist then)
    tomorrow = (today + timedelta(days=1)).isoformat()
    moved = registry.post(
        f"/enterprises/{unit_id}/grid",
        json={"grid_id": other["id"], "reason": "区划调整", "effective_on": tomorrow},
        headers=admin,
    )
    assert moved.status_code == 200
    yesterday = (today - timedelta(days=1)).isoformat()
    early = registry.delete(
        f"/grids/{grid_id}", params={"valid_to": yesterday, "reason": "撤销"}, headers=admin
    )
    assert early.status_code == 422 and early.json()["errors"][0]["loc"] == "valid_to"
    future = registry.delete(f"/grids/{grid_id}", params={"valid_to": tomorrow}, headers=admin)
    assert future.status_code == 422 and future.json()["errors"][0]["loc"] == "valid_to"
    assert registry.delete(f"/grids/{grid_id}", headers=admin).status_code == 204

    assert sql("SELECT valid_to FROM registry.grid WHERE id = :g", g=grid_id) == today  # the row stays
    assert registry.get(f"/grids/{grid_id}", headers=admin).status_code == 404
    assert grid_id not in [g["id"] for g in registry.get("/grids", headers=admin).json()["items"]]
    renamed = registry.patch(f"/grids/{grid_id}", json={"name": "新名"}, headers=admin)
    assert renamed.status_code == 409 and "abolished" in renamed.json()["detail"]
    assert registry.delete(f"/grids/{grid_id}", headers=admin).status_code == 409
    reused = registry.post(
        "/grids",
        json={
            "zone_id": grid["zone_id"],
            "code": grid["code"],
            "name": "重建",
            "boundary": square(117.3, 31.8),
        },
        headers=admin,
    )
    assert reused.status_code == 409 and "never given to another grid" in reused.json()["detail"]
    moved_back = registry.post(
        f"/enterprises/{unit_id}/states", json={"grid_id": grid_id, "effective_on": tomorrow}, headers=admin
    )
    assert moved_back.status_code == 409 and moved_back.json()["errors"][0]["loc"] == "grid_id"

    changed, deleted = events("grid.changed", grid_id), events("grid.deleted", grid_id)
    assert [e["version"] for e in changed] == [1] and changed[0]["valid_from"] == today.isoformat()
    assert deleted == [{"grid_id": grid_id, "version": 2, "valid_to": today.isoformat()}]


def test_a_past_grid_needs_a_reason(clients, auth, grid):
    past = (local_today() - timedelta(days=3)).isoformat()
    body = {
        "zone_id": grid["zone_id"],
        "code": "G3",
        "name": "三",
        "boundary": square(118.0, 31.8),
        "valid_from": past,
    }
    refused = clients["registry"].post("/grids", json=body, headers=auth())
    assert refused.status_code == 422 and refused.json()["errors"][0]["loc"] == "reason"
    created = clients["registry"].post("/grids", json=body | {"reason": REASON}, headers=auth())
    assert created.status_code == 201 and created.json()["valid_from"] == past


def test_changes_are_published_on_their_day_once_and_caught_up_after_downtime(clients, auth, grid):
    registry, admin = clients["registry"], auth()
    start = datetime.combine(local_today(), datetime.min.time(), tzinfo=UTC) + timedelta(hours=4)
    today = local_today()
    day = [today + timedelta(days=n) for n in range(6)]
    unit_id = register(registry, admin, grid["id"])["id"]
    person = registry.post("/people", json={"name": "网格员 钱"}, headers=admin).json()["id"]
    joins = registry.post(
        "/responsibilities",
        json={
            "person_id": person,
            "duty": "grid_member",
            "scope_id": grid["id"],
            "valid_from": day[2].isoformat(),
        },
        headers=admin,
    ).json()
    assert joins["person_id"] == person
    registry.post(
        f"/enterprises/{unit_id}/status",
        json={"production_status": "suspended", "reason": "停产", "effective_on": day[1].isoformat()},
        headers=admin,
    )
    registry.post(
        f"/enterprises/{unit_id}/status",
        json={"production_status": "operating", "reason": "复产", "effective_on": day[4].isoformat()},
        headers=admin,
    )
    assert publish_effective_changes() == 0  # nothing takes effect today

    with time_machine.travel(start + timedelta(days=1), tick=False):
        assert publish_effective_changes() == 1
        assert publish_effective_changes() == 0  # once
        unit = registry.get(f"/enterprises/{unit_id}", headers=auth()).json()
    assert unit["production_status"] == "suspended"
    last = events("enterprise.updated", unit_id)[-1]
    assert last["changed"] == ["production_status"] and last["production_status"] == "suspended"

    with time_machine.travel(start + timedelta(days=2, hours=1), tick=False):  # the member starts today
        assert publish_effective_changes() == 1
        members = registry.get(f"/grids/{grid['id']}", headers=auth()).json()["member_person_ids"]
    assert members == [person]
    assignment_events = events("assignment.changed", grid["id"])
    assert [e["version"] for e in assignment_events] == [1, 2]
    assert events("grid.changed", grid["id"])[-1]["member_person_ids"] == [person]

    ends = registry.post(
        f"/responsibilities/{joins['id']}/end",
        json={"valid_to": day[2].isoformat(), "reason": "调岗"},
        headers=auth(),
    )
    assert ends.status_code == 200, ends.text
    with time_machine.travel(start + timedelta(days=5), tick=False):  # down for days 3 and 4: caught up
        assert publish_effective_changes() == 2
        assert publish_effective_changes() == 0
        unit = registry.get(f"/enterprises/{unit_id}", headers=auth()).json()
        staff = registry.get(f"/grids/{grid['id']}", headers=auth()).json()
    assert unit["production_status"] == "operating" and staff["member_person_ids"] == []
    grid_events = events("grid.changed", grid["id"])
    assert grid_events[-1]["member_person_ids"] == []
    assert [e["version"] for e in grid_events] == sorted({e["version"] for e in grid_events})  # rising
    assert sql("SELECT count(*) FROM registry.scheduled_effect WHERE published_at IS NULL") == 0
    assert day[0] == today and isinstance(day[5], date)
