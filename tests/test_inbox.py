"""A hazard found in the field reaches the right people's inboxes, through real relays and workers."""

import os
import uuid

from sqlalchemy import text

from shared.auth import Principal, Role, issue_token
from shared.db import transaction
from tests.factories import enterprise_payload
from tests.support.processes import wait_until


def count(sql: str, **params: object) -> int:
    with transaction(os.environ["DATABASE_URL"]) as session:  # the test's own transaction, if it has one
        return session.execute(text(sql), params).scalar()


def person_with_account(registry, headers, name, username, role):
    body = {"name": name, "phone": "13800000001", "email": f"{username}@example.cn"}
    person = registry.post("/people", json=body, headers=headers).json()
    account = registry.post(
        "/accounts",
        json={"person_id": person["id"], "username": username, "password": "long-enough-1", "roles": [role]},
        headers=headers,
    ).json()
    return person["id"], account["id"]


def test_major_hazard_reaches_the_grid_leaders_inbox_and_email_once(
    clients, workers, relay, auth, grid, mail
):
    relay("registry")
    relay("inspections")
    registry, admin = clients["registry"], auth()
    leader, leader_user = person_with_account(registry, admin, "网格长 陈", "chen.leader", "leader")
    member, member_user = person_with_account(registry, admin, "网格员 李", "li.member", "grid_member")
    for person_id, duty in ((leader, "grid_leader"), (member, "grid_member")):
        body = {"person_id": person_id, "duty": duty, "scope_id": grid["id"], "valid_from": "2020-01-01"}
        assert registry.post("/responsibilities", json=body, headers=admin).status_code == 201
    unit = registry.post("/enterprises", json=enterprise_payload(grid["id"]), headers=admin).json()
    wait_until(
        lambda: count("SELECT count(*) FROM inspections.supervised_unit WHERE id = :u", u=unit["id"]) == 1
    )
    wait_until(
        lambda: count("SELECT count(*) FROM notifications.person_contact WHERE user_id IS NOT NULL") == 2
    )
    wait_until(
        lambda: (
            count("SELECT count(*) FROM notifications.grid_staff WHERE leader_person_id = :p", p=leader) == 1
        )
    )

    reported = clients["inspections"].post(
        "/hazards",
        json={
            "unit_id": unit["id"],
            "source": "grid_patrol",
            "category": "危化品",
            "grade": "major",
            "location": "液氨储罐区",
            "description": "储罐阀门泄漏",
        },  # fmt: skip
        headers=admin,
    )
    assert reported.status_code == 201

    def inbox(user_id: str) -> dict:
        token = issue_token(Principal(user_id=uuid.UUID(user_id), roles={Role.leader}))
        return clients["notifications"].get("/inbox", headers={"Authorization": f"Bearer {token}"}).json()

    wait_until(lambda: inbox(leader_user)["unread"] == 2)  # hazard.reported (major) and hazard.escalated
    messages = inbox(leader_user)["items"]
    assert {m["event_type"] for m in messages} == {"hazard.reported", "hazard.escalated"}
    assert all(m["urgent"] and "重大隐患" in m["title"] and "液氨储罐区" not in m["title"] for m in messages)
    wait_until(lambda: inbox(member_user)["unread"] == 1)  # members hear of the report, not the escalation
    assert inbox(member_user)["items"][0]["why"] == "grid_members"

    token = issue_token(Principal(user_id=uuid.UUID(leader_user), roles={Role.leader}))
    read = clients["notifications"].post(
        f"/inbox/{messages[0]['id']}/read", headers={"Authorization": f"Bearer {token}"}
    )
    assert read.status_code == 200 and read.json()["read_at"] is not None
    assert inbox(leader_user)["unread"] == 1
    other = clients["notifications"].post(f"/inbox/{messages[1]['id']}/read", headers=auth(Role.auditor))
    assert other.status_code == 404  # someone else's message
    assert count("SELECT count(*) FROM notifications.inbox_message") == 3

    # by email too: ordinary notices by email, urgent ones (a major hazard) by email and SMS
    wait_until(lambda: len(mail.to("chen.leader@example.cn")) == 2)
    subjects = sorted(m["Subject"] for m in mail.to("chen.leader@example.cn"))
    assert all("重大隐患" in s for s in subjects) and "重大隐患上报" in subjects[1] + subjects[0]
    assert "网格长 陈" in mail.to("chen.leader@example.cn")[0].get_content()
