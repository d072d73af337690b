"""People, accounts and login; the responsibility ledger with its history; the organisation tree."""

import uuid

import pytest

from shared.auth import Role
from shared.clock import local_today
from shared.settings import get_settings
from tests.factories import enterprise_payload


def person(client, headers, name="赵六", **extra):
    response = client.post("/people", json={"name": name, "phone": "13812345678", **extra}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def assign(client, headers, person_id, duty, scope_id, valid_from, valid_to=None):
    body = {"person_id": person_id, "duty": duty, "scope_id": scope_id, "valid_from": valid_from}
    if valid_to:
        body["valid_to"] = valid_to
    return client.post("/responsibilities", json=body, headers=headers)


def test_login_issues_a_token_carrying_the_grids_a_member_staffs(clients, auth, grid):
    registry = clients["registry"]
    member = person(registry, auth(), email="li@example.com")
    assert assign(registry, auth(), member["id"], "grid_member", grid["id"], "2020-01-01").status_code == 201
    account = registry.post(
        "/accounts",
        json={
            "person_id": member["id"],
            "username": "li.member",
            "password": "s3cret-pass",
            "roles": ["grid_member"],
        },
        headers=auth(),
    )
    assert account.status_code == 201 and "password" not in account.text
    wrong = registry.post("/auth/token", data={"username": "li.member", "password": "nope-nope"})
    assert wrong.status_code == 401 and "wrong username or password" in wrong.json()["detail"]
    unknown = registry.post("/auth/token", data={"username": "nobody", "password": "s3cret-pass"})
    assert unknown.status_code == 401
    token = registry.post("/auth/token", data={"username": "li.member", "password": "s3cret-pass"}).json()
    me = registry.get("/auth/me", headers={"Authorization": f"Bearer {token['access_token']}"}).json()
    assert me["roles"] == ["grid_member"] and me["grid_ids"] == [grid["id"]] and me["name"] == "赵六"
    assert me["time_zone"] == get_settings().zone_timezone  # the screens show times in it
    taken = registry.post(
        "/accounts",
        json={
            "person_id": person(registry, auth())["id"],
            "username": "li.member",
            "password": "another-pass-1",
            "roles": ["auditor"],
        },
        headers=auth(),
    )
    assert taken.status_code == 409 and taken.json()["errors"][0]["loc"] == "username"


@pytest.mark.parametrize(
    "body, field",
    [
        ({"username": "x", "password": "long-enough", "roles": ["auditor"]}, "body.username"),
        ({"username": "short.pw", "password": "short", "roles": ["auditor"]}, "password"),
        ({"username": "no.role", "password": "long-enough", "roles": []}, "body.roles"),
        ({"username": "bad.role", "password": "long-enough", "roles": ["king"]}, "body.roles.0"),
    ],
)
def test_bad_account_input(clients, auth, body, field):
    registry = clients["registry"]
    response = registry.post(
        "/accounts", json={"person_id": person(registry, auth())["id"], **body}, headers=auth()
    )
    assert response.status_code == 422 and response.json()["errors"][0]["loc"] == field


def test_enterprise_user_account_must_belong_to_an_enterprise(clients, auth):
    registry = clients["registry"]
    body = {
        "person_id": person(registry, auth())["id"],
        "username": "ent.x",
        "password": "long-enough",
        "roles": ["enterprise_user"],
    }
    response = registry.post("/accounts", json=body, headers=auth())
    assert response.status_code == 422 and "must be a person of an enterprise" in response.json()["detail"]


def test_sole_duty_cannot_overlap_and_history_answers_who_was_responsible(clients, auth, grid):
    registry = clients["registry"]
    first, second = person(registry, auth(), "钱一"), person(registry, auth(), "孙二")
    started = assign(registry, auth(), first["id"], "grid_leader", grid["id"], "2026-01-01")
    assert started.status_code == 201
    clash = assign(registry, auth(), second["id"], "grid_leader", grid["id"], "2026-06-01")
    assert clash.status_code == 409 and "held by 钱一" in clash.json()["detail"]

    ended = registry.post(
        f"/responsibilities/{started.json()['id']}/end",
        json={"valid_to": "2026-05-31", "reason": "调任"},
        headers=auth(),
    )
    assert ended.status_code == 200
    again = registry.post(
        f"/responsibilities/{started.json()['id']}/end",
        json={"valid_to": "2026-07-31", "reason": "改写"},
        headers=auth(),
    )
    assert again.status_code == 409 and "never rewritten" in again.json()["detail"]
    assert assign(registry, auth(), second["id"], "grid_leader", grid["id"], "2026-06-01").status_code == 201

    def holder_on(day: str) -> list[str]:
        rows = registry.get(
            "/responsibilities", params={"scope_id": grid["id"], "on": day}, headers=auth()
        ).json()["items"]
        return [r["person_id"] for r in rows]

    assert holder_on("2026-05-31") == [first["id"]]
    assert holder_on("2026-06-01") == [second["id"]]
    assert holder_on("2025-12-31") == []
    assert (
        len(
            registry.get("/responsibilities", params={"scope_id": grid["id"]}, headers=auth()).json()["items"]
        )
        == 2
    )


@pytest.mark.parametrize(
    "duty, valid_from, valid_to, status, message",
    [
        ("grid_leader", "2026-05-01", "2026-04-30", 422, "ends before it starts"),
        ("duke", "2026-05-01", None, 422, "unknown duty"),
        ("principal_person", "2026-05-01", None, 422, "does not exist"),  # a grid is no enterprise
    ],
)
def test_bad_assignments(clients, auth, grid, duty, valid_from, valid_to, status, message):
    registry = clients["registry"]
    response = assign(
        registry, auth(), person(registry, auth())["id"], duty, grid["id"], valid_from, valid_to
    )
    assert response.status_code == status and message in response.text


def test_enterprise_user_manages_only_its_own_people_and_organisation(clients, auth, grid):
    registry = clients["registry"]
    own = registry.post("/enterprises", json=enterprise_payload(grid["id"]), headers=auth()).json()
    other = registry.post("/enterprises", json=enterprise_payload(grid["id"]), headers=auth()).json()
    user = auth(Role.enterprise_user, enterprise_id=uuid.UUID(own["id"]))
    assert person(registry, user, "车间主任", enterprise_id=own["id"])["enterprise_id"] == own["id"]
    foreign = registry.post("/people", json={"name": "x", "enterprise_id": other["id"]}, headers=user)
    assert foreign.status_code == 403
    company = registry.post(
        f"/enterprises/{own['id']}/org-units", json={"level": "company", "name": "公司"}, headers=user
    ).json()
    workshop = registry.post(
        f"/enterprises/{own['id']}/org-units",
        json={"level": "workshop", "name": "一车间", "parent_id": company["id"]},
        headers=user,
    ).json()
    wrong_parent = registry.post(
        f"/enterprises/{own['id']}/org-units",
        json={"level": "team", "name": "甲班", "parent_id": company["id"]},
        headers=user,
    )
    assert wrong_parent.status_code == 422 and wrong_parent.json()["errors"][0]["loc"] == "parent_id"
    team = registry.post(
        f"/enterprises/{own['id']}/org-units",
        json={"level": "team", "name": "甲班", "parent_id": workshop["id"]},
        headers=user,
    ).json()
    post = registry.post(
        f"/org-units/{team['id']}/posts",
        json={
            "name": "反应釜操作工",
            "responsibility_statement": "负责本岗位安全",
            "operating_rules": "先检查后操作",
        },
        headers=user,
    ).json()
    holder = person(registry, auth(), "操作工 小刘", enterprise_id=own["id"])
    assert assign(registry, auth(), holder["id"], "post_holder", post["id"], "2026-01-01").status_code == 201
    tree = registry.get(f"/enterprises/{own['id']}/organisation", headers=user).json()["items"]
    posts = tree[0]["children"][0]["children"][0]["posts"]
    assert posts[0]["name"] == "反应釜操作工" and posts[0]["responsible_person_id"] == holder["id"]
    assert registry.get(f"/enterprises/{other['id']}/organisation", headers=user).status_code == 403


def test_status_and_grid_changes_are_kept_in_history(clients, auth, grid):
    registry = clients["registry"]
    unit = registry.post("/enterprises", json=enterprise_payload(grid["id"]), headers=auth()).json()
    stopped = registry.post(
        f"/enterprises/{unit['id']}/status",
        json={"production_status": "suspended", "reason": "停产整顿"},
        headers=auth(),
    )
    assert stopped.status_code == 200 and stopped.json()["production_status"] == "suspended"
    same = registry.post(
        f"/enterprises/{unit['id']}/status",
        json={"production_status": "suspended", "reason": "again"},
        headers=auth(),
    )
    assert same.status_code == 409
    history = registry.get(f"/enterprises/{unit['id']}/history", headers=auth()).json()["items"]
    assert [(h["field"], h["old_value"], h["new_value"], h["reason"]) for h in history] == [
        ("production_status", "operating", "suspended", "停产整顿")
    ]


def test_checklists_list_every_required_rule_and_the_ten_haves(clients, auth, grid):
    registry = clients["registry"]
    unit = registry.post("/enterprises", json=enterprise_payload(grid["id"]), headers=auth()).json()
    rules = registry.get(f"/enterprises/{unit['id']}/safety-rules", headers=auth()).json()
    assert rules["next"] is None
    assert len(rules["items"]) == 16 and {r["status"] for r in rules["items"]} == {"missing"}
    updated = registry.put(
        f"/enterprises/{unit['id']}/safety-rules/hot_work",
        json={"status": "exists", "document_ref": "XX-AQ-008 动火作业管理制度"},
        headers=auth(Role.enterprise_user, enterprise_id=uuid.UUID(unit["id"])),
    ).json()
    assert updated["category"] == "hot_work" and updated["status"] == "exists"
    rules = registry.get(f"/enterprises/{unit['id']}/safety-rules", headers=auth()).json()["items"]
    assert {r["category"]: r["status"] for r in rules}["hot_work"] == "exists"
    unknown = registry.put(
        f"/enterprises/{unit['id']}/safety-rules/juggling", json={"status": "exists"}, headers=auth()
    )
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["loc"] == "category"
    office = registry.put(
        f"/zones/{grid['zone_id']}/ten-haves/office",
        json={"in_place": True, "evidence": "103室"},
        headers=auth(),
    ).json()
    assert office["item"] == "office" and office["in_place"]
    haves = registry.get(f"/zones/{grid['zone_id']}/ten-haves", headers=auth()).json()["items"]
    assert len(haves) == 10 and [h for h in haves if h["in_place"]][0]["item"] == "office"


def test_hazard_sources_of_a_unit(clients, auth, grid):
    registry = clients["registry"]
    unit = registry.post("/enterprises", json=enterprise_payload(grid["id"]), headers=auth()).json()
    own = auth(Role.enterprise_user, enterprise_id=uuid.UUID(unit["id"]))
    created = registry.post(
        f"/enterprises/{unit['id']}/hazard-sources",
        json={"kind": "major_hazard_source", "name": "液氨储罐", "location": "罐区"},
        headers=own,
    )
    assert created.status_code == 201
    bad_kind = registry.post(
        f"/enterprises/{unit['id']}/hazard-sources", json={"kind": "volcano", "name": "x"}, headers=own
    )
    assert bad_kind.status_code == 422 and bad_kind.json()["errors"][0]["loc"] == "body.kind"
    other = auth(Role.enterprise_user, enterprise_id=uuid.uuid4())
    assert (
        registry.post(
            f"/enterprises/{unit['id']}/hazard-sources", json={"kind": "key_area", "name": "x"}, headers=other
        ).status_code
        == 403
    )
    listed = registry.get(f"/enterprises/{unit['id']}/hazard-sources", headers=auth(Role.auditor)).json()[
        "items"
    ]
    assert [(s["kind"], s["name"]) for s in listed] == [("major_hazard_source", "液氨储罐")]


def test_abolishing_a_grid_ends_its_staffs_open_assignments_on_its_last_day(clients, auth, grid):
    registry = clients["registry"]
    leader = person(registry, auth(), "周七")
    started = assign(registry, auth(), leader["id"], "grid_leader", grid["id"], "2026-01-01")
    assert started.status_code == 201
    assert registry.delete(f"/grids/{grid['id']}", headers=auth()).status_code == 204

    today = local_today().isoformat()
    ledger = registry.get("/responsibilities", params={"scope_id": grid["id"]}, headers=auth()).json()[
        "items"
    ]
    assert [(a["id"], a["valid_to"]) for a in ledger] == [(started.json()["id"], today)]
    again = registry.post(
        f"/responsibilities/{started.json()['id']}/end",
        json={"valid_to": "2026-05-31", "reason": "网格撤销"},
        headers=auth(),
    )
    assert again.status_code == 409 and "history is never rewritten" in again.json()["detail"]
    refused = assign(registry, auth(), leader["id"], "grid_member", grid["id"], today)
    assert refused.status_code == 409 and "abolished" in refused.json()["detail"]
