"""Notifications' copies of the registry follow versions and keep tombstones; the inbox belongs to
a person; a missed duty reaches those who owed it."""

import uuid
from datetime import date

from services.notifications.worker import consumer
from shared.auth import Principal, Role, issue_token
from shared.events.contracts.inspections import DutyHolder, InspectionMissedV1
from shared.events.contracts.registry import GridChangedV1, GridDeletedV1, PersonChangedV1
from tests.support.inspections import sql, sql_rows
from tests.support.notifications import feed, told, zone_with_people


def staff(grid_id: uuid.UUID | str) -> tuple | None:
    rows = sql_rows(
        "SELECT grid_name, leader_person_id, member_person_ids, valid_to, version "
        "FROM notifications.grid_staff WHERE grid_id = :g",
        g=str(grid_id),
    )
    return rows[0] if rows else None


def grid_changed(grid_id: uuid.UUID, version: int, members: list[uuid.UUID]) -> GridChangedV1:
    return GridChangedV1(
        grid_id=grid_id,
        zone_id=uuid.uuid4(),
        code="G1",
        name=f"第一网格 v{version}",
        boundary={},
        leader_person_id=None,
        member_person_ids=members,
        version=version,
        valid_from=date(2026, 11, 1),
    )


def test_a_late_older_grid_snapshot_neither_overwrites_a_newer_one_nor_revives_a_deleted_grid():
    grid_id, member = uuid.uuid4(), uuid.uuid4()
    feed(grid_changed(grid_id, 3, [member]))
    feed(grid_changed(grid_id, 2, []))  # sent later, but an older version
    assert staff(grid_id) == ("第一网格 v3", None, [member], None, 3)
    feed(GridDeletedV1(grid_id=grid_id, version=4, valid_to=date(2026, 11, 30)))
    feed(grid_changed(grid_id, 3, [member]))  # a retry of an older snapshot, delivered late
    assert staff(grid_id) == ("第一网格 v3", None, [], date(2026, 11, 30), 4)


def test_a_tombstone_arriving_before_the_grid_is_kept():
    grid_id = uuid.uuid4()
    feed(GridDeletedV1(grid_id=grid_id, version=5, valid_to=date(2026, 11, 29)))
    feed(grid_changed(grid_id, 4, [uuid.uuid4()]))
    assert staff(grid_id)[2:] == ([], date(2026, 11, 29), 5)


def test_a_grid_deleted_in_the_registry_stays_deleted_when_its_older_snapshot_comes_late(clients, auth, grid):
    registry, admin = clients["registry"], auth()
    member = registry.post("/people", json={"name": "网格员 孙"}, headers=admin).json()["id"]
    body = {
        "person_id": member,
        "duty": "grid_member",
        "scope_id": grid["id"],
        "valid_from": grid["valid_from"],
    }
    assert registry.post("/responsibilities", json=body, headers=admin).status_code == 201
    assert registry.delete(f"/grids/{grid['id']}", headers=admin).status_code == 204
    envelopes = {
        row[0]: row[1]
        for row in sql_rows(
            "SELECT envelope->>'type', envelope FROM registry.outbox WHERE envelope->>'subject' = :g "
            "AND envelope->>'type' LIKE 'grid.%' ORDER BY position",
            g=grid["id"],
        )
    }  # the last grid.changed (with the member) and the grid.deleted
    assert consumer.process(envelopes["grid.deleted"]) == "applied"
    assert consumer.process(envelopes["grid.changed"]) == "applied"  # late: an older version
    name, leader, members, valid_to, version = staff(grid["id"])
    assert members == [] and valid_to is not None and version == envelopes["grid.deleted"]["data"]["version"]


def test_person_copies_follow_the_version_not_the_arrival():
    person_id = uuid.uuid4()
    for version, phone in ((2, "13900000002"), (1, "13900000001")):
        feed(
            PersonChangedV1(
                person_id=person_id, name="钱", phone=phone, email=None, enterprise_id=None, version=version
            )
        )
    assert (
        sql("SELECT phone FROM notifications.person_contact WHERE person_id = :p", p=str(person_id))
        == "13900000002"
    )


def missed(zone, owed_by: DutyHolder, responsible: list[uuid.UUID]) -> InspectionMissedV1:
    return InspectionMissedV1(
        rule_code="member_unit_monthly",
        inspection_kind="routine",
        subject_id=zone.unit_id,
        grid_id=zone.grid_id,
        period="2026-10",
        period_start=date(2026, 10, 1),
        period_end=date(2026, 10, 31),
        done=0,
        required=1,
        owed_by=owed_by,
        responsible_person_ids=responsible,
    )


def test_a_missed_duty_reaches_the_staff_who_owed_it_and_a_units_own_duty_its_head():
    zone = zone_with_people()
    former = uuid.uuid4()  # held the duty in October, has left the grid since
    feed(PersonChangedV1(person_id=former, name="前网格员", phone=None, email=None, enterprise_id=None))
    envelope = feed(missed(zone, DutyHolder.grid_member, [former]))
    recipients = sql_rows(
        "SELECT person_id, why FROM notifications.inbox_message WHERE event_id = :e", e=envelope["id"]
    )
    assert recipients == [(former, "grid_members")]

    envelope = feed(missed(zone, DutyHolder.enterprise, []))
    recipients = sql_rows(
        "SELECT person_id, why FROM notifications.inbox_message WHERE event_id = :e", e=envelope["id"]
    )
    assert recipients == [(zone.people["principal"].person_id, "unit_principal")]

    envelope = feed(missed(zone, DutyHolder.grid_member, []))  # names no one: today's staff
    assert {
        r[0]
        for r in sql_rows(
            "SELECT person_id FROM notifications.inbox_message WHERE event_id = :e", e=envelope["id"]
        )
    } == {
        zone.people["member"].person_id,
        zone.people["leader"].person_id,
    }


def test_a_person_sees_what_they_were_told_before_they_had_an_account(clients):
    zone = zone_with_people()
    newcomer = uuid.uuid4()
    feed(
        PersonChangedV1(
            person_id=newcomer, name="新网格员", phone=None, email=None, enterprise_id=None, version=1
        )
    )
    feed(missed(zone, DutyHolder.grid_member, [newcomer]))
    assert told(type("P", (), {"person_id": newcomer})()) == 1

    account = uuid.uuid4()  # the account is created later: person.changed names it
    feed(
        PersonChangedV1(
            person_id=newcomer,
            name="新网格员",
            phone=None,
            email=None,
            enterprise_id=None,
            user_id=account,
            version=2,
        )
    )
    for principal in (
        Principal(user_id=account, roles={Role.grid_member}),  # found through the directory
        Principal(user_id=account, roles={Role.grid_member}, person_id=newcomer),  # named by the token
    ):
        headers = {"Authorization": f"Bearer {issue_token(principal)}"}
        inbox = clients["notifications"].get("/inbox", headers=headers).json()
        assert inbox["unread"] == 1 and len(inbox["items"]) == 1 and "漏检" in inbox["items"][0]["title"]
    read = clients["notifications"].post(f"/inbox/{inbox['items'][0]['id']}/read", headers=headers)
    assert read.status_code == 200 and read.json()["read_at"] is not None
    stranger = {
        "Authorization": f"Bearer {issue_token(Principal(user_id=uuid.uuid4(), roles={Role.grid_member}))}"
    }
    assert clients["notifications"].get("/inbox", headers=stranger).json()["items"] == []
