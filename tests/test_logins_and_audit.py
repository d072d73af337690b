"""Logins: throttling and lockout, the password policy, changing one's password; the audit log of
every service: what it records, that the database keeps it append-only, and who may read it."""

import os
import stat
import uuid

import pytest
import time_machine
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from services.notifications.worker import consumer as notifications
from services.registry import demo
from services.registry.settings import get_registry_settings
from shared.auth import Principal, Role, issue_token
from shared.clock import utc_now
from shared.db import transaction
from shared.settings import SERVICE_NAMES


def account(
    registry, headers, username: str, password: str = "Right-horse-9", role: str = "grid_member"
) -> dict:
    person = registry.post("/people", json={"name": f"{username} 本人"}, headers=headers)
    assert person.status_code == 201, person.text
    created = registry.post(
        "/accounts",
        json={"person_id": person.json()["id"], "username": username, "password": password, "roles": [role]},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    return created.json()


def log_in(registry, username: str, password: str, agent: str = "pytest-browser/1.0"):
    return registry.post(
        "/auth/token", data={"username": username, "password": password}, headers={"User-Agent": agent}
    )


def audit_entries(client, headers, **params) -> list[dict]:
    response = client.get("/audit", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["items"]


def sql(query: str, **params) -> list:
    with transaction(os.environ["DATABASE_URL"]) as session:
        return list(session.execute(text(query), params).all())


def test_failed_and_successful_logins_are_audited_with_the_address(clients, auth):
    registry = clients["registry"]
    created = account(registry, auth(), "zhao.login")
    assert log_in(registry, "zhao.login", "wrong-password-1").status_code == 401
    assert log_in(registry, "zhao.login", "Right-horse-9").status_code == 200

    failed = audit_entries(registry, auth(Role.auditor), action="login_failed")
    assert len(failed) == 1
    assert failed[0]["target"] == "account:zhao.login" and failed[0]["actor_id"] is None
    assert failed[0]["client_address"] == "testclient" and failed[0]["user_agent"] == "pytest-browser/1.0"
    assert "wrong-password" not in str(failed[0])  # the password tried is never written down
    logged_in = audit_entries(registry, auth(Role.auditor), action="login")
    assert [(e["actor_id"], e["client_address"]) for e in logged_in] == [(created["id"], "testclient")]
    mine = audit_entries(registry, auth(Role.zone_admin), actor_id=created["id"])
    assert [e["action"] for e in mine] == ["login"]
    today = utc_now().astimezone(get_registry_settings().zone).date().isoformat()
    assert (
        len(audit_entries(registry, auth(Role.auditor), period=today)) >= 3
    )  # account created, failed, login
    assert audit_entries(registry, auth(Role.auditor), period="2001-01") == []


def test_repeated_failures_lock_the_account_with_growing_lockouts_and_tell_its_owner(clients, auth):
    registry = clients["registry"]
    created = account(registry, auth(), "qian.locked")
    settings = get_registry_settings()
    start = utc_now()
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(settings.login_max_failures):
            assert log_in(registry, "qian.locked", "Wrong-guess-1").status_code == 401
        locked = log_in(registry, "qian.locked", "Right-horse-9")  # the right password, unheard
        assert locked.status_code == 429
        assert locked.headers["Retry-After"] == str(settings.login_lockout_seconds)
        assert "请" in locked.json()["detail"] and "wrong" not in locked.json()["detail"]
        assert log_in(registry, "qian.locked", "Wrong-guess-1").status_code == 429  # the same answer

        clock.shift(settings.login_lockout_seconds + 1)
        assert log_in(registry, "qian.locked", "Wrong-guess-1").status_code == 401  # one more: twice as long
        again = log_in(registry, "qian.locked", "Right-horse-9")
        assert again.status_code == 429 and again.headers["Retry-After"] == str(
            2 * settings.login_lockout_seconds
        )

        clock.shift(2 * settings.login_lockout_seconds + 1)
        assert log_in(registry, "qian.locked", "Right-horse-9").status_code == 200
        assert (
            log_in(registry, "qian.locked", "Wrong-guess-1").status_code == 401
        )  # a success forgot the count
        assert log_in(registry, "qian.locked", "Right-horse-9").status_code == 200

    actions = [e["action"] for e in audit_entries(registry, auth(Role.auditor), limit=100)]
    assert actions.count("account_locked") == 2 and actions.count("login_refused") == 3
    events = sql("SELECT envelope FROM registry.outbox WHERE event_type = 'account.locked' ORDER BY position")
    assert len(events) == 2
    data = events[0][0]["data"]
    assert data["user_id"] == created["id"] and data["username"] == "qian.locked"
    assert data["failures"] == settings.login_max_failures and data["client_address"] == "testclient"

    # notifications tells the account's owner, in their inbox
    outbox = sql("SELECT envelope FROM registry.outbox ORDER BY position")
    for (envelope,) in outbox:  # the person and account, then the lockouts
        if envelope["type"] in ("person.changed", "account.locked"):
            assert notifications.process(envelope) == "applied"
    owner = Principal(user_id=uuid.UUID(created["id"]), name="钱", roles=frozenset({Role.grid_member}))
    inbox = clients["notifications"].get("/inbox", headers={"Authorization": f"Bearer {issue_token(owner)}"})
    assert inbox.json()["unread"] == 2
    message = inbox.json()["items"][-1]
    assert "锁定" in message["title"] and "testclient" in message["body"]
    assert message["why"] == "account_holder" and message["urgent"] is True


def test_a_client_address_failing_on_many_accounts_is_locked_out(clients, auth, monkeypatch):
    registry = clients["registry"]
    account(registry, auth(), "sun.victim")
    monkeypatch.setattr(get_registry_settings(), "login_address_max_failures", 3)
    for name in ("guess.one", "guess.two", "guess.three"):  # unknown names count for the address too
        assert log_in(registry, name, "Wrong-guess-1").status_code == 401
    refused = log_in(registry, "sun.victim", "Right-horse-9")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert sql("SELECT count(*) FROM registry.outbox WHERE event_type = 'account.locked'") == [(0,)]


@pytest.mark.parametrize(
    "password, problem",
    [
        ("Short-1", "at least 10"),
        ("aaaaaaaaaaaaaaa", "two kinds"),
        ("1234567890123", "two kinds"),
        ("li.weak.name-2026", "user name"),
        ("Password123", "too common"),
    ],
)
def test_the_password_policy_names_the_password(clients, auth, password, problem):
    registry = clients["registry"]
    person = registry.post("/people", json={"name": "李弱"}, headers=auth()).json()
    response = registry.post(
        "/accounts",
        json={
            "person_id": person["id"],
            "username": "li.weak.name",
            "password": password,
            "roles": ["auditor"],
        },
        headers=auth(),
    )
    assert response.status_code == 422 and problem in response.json()["detail"]
    assert response.json()["errors"][0]["loc"] == "password"


def test_a_user_changes_their_own_password(clients, auth):
    registry = clients["registry"]
    created = account(registry, auth(), "zhou.change")
    me = {
        "Authorization": f"Bearer {log_in(registry, 'zhou.change', 'Right-horse-9').json()['access_token']}"
    }

    def change(current: str, new: str, headers: dict = me):
        return registry.post(
            "/auth/password", json={"current_password": current, "new_password": new}, headers=headers
        )

    wrong = change("Not-my-password-1", "Brand-new-pass-7")
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["loc"] == "current_password"
    guessed = audit_entries(registry, auth(Role.auditor), action="login_failed")  # counted like a login
    assert [e["target"] for e in guessed] == ["account:zhou.change"]
    weak = change("Right-horse-9", "brandnewpassword")
    assert weak.status_code == 422 and weak.json()["errors"][0]["loc"] == "new_password"
    assert change("Right-horse-9", "Brand-new-pass-7", headers={}).status_code == 401
    assert change("Right-horse-9", "Brand-new-pass-7").status_code == 204
    assert log_in(registry, "zhou.change", "Right-horse-9").status_code == 401
    assert log_in(registry, "zhou.change", "Brand-new-pass-7").status_code == 200
    changed = audit_entries(registry, auth(Role.auditor), action="password_changed")
    assert [(e["actor_id"], e["target"]) for e in changed] == [(created["id"], "account:zhou.change")]


def test_exports_of_ledgers_and_people_lists_are_audited(clients, auth, grid):
    admin, auditor = auth(Role.zone_admin), auth(Role.auditor)
    exported = clients["registry"].post(
        "/ledger/enterprises/export", headers={**admin, "User-Agent": "excel-fan"}
    )
    assert exported.status_code == 202
    assert clients["registry"].get("/people", headers=admin).status_code == 200
    entries = audit_entries(clients["registry"], auditor)
    assert [e["action"] for e in entries[:2]] == ["personal_data_read", "export"]  # newest first
    assert entries[1]["path"] == "/ledger/enterprises/export" and entries[1]["user_agent"] == "excel-fan"
    assert entries[1]["actor_roles"] == ["zone_admin"] and entries[1]["client_address"] == "testclient"

    ledger = clients["reporting"].post("/exports/hazard-ledger", params={"period": "2026-10"}, headers=admin)
    assert ledger.status_code == 202
    reported = audit_entries(clients["reporting"], auditor, action="export")
    assert [(e["target"], e["path"]) for e in reported] == [
        ("hazard-ledger:2026-10", "/exports/hazard-ledger?period=2026-10")
    ]


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_the_database_refuses_to_change_or_delete_audit_entries(clients, auth, service):
    clients[service].get("/audit", headers=auth(Role.auditor))
    with transaction(os.environ["DATABASE_URL"]) as session:
        session.execute(
            text(
                f"INSERT INTO {service}.audit_entry (actor_name, actor_roles, action, target, method, path) "
                "VALUES ('x', '{}', 'export', 't', 'GET', '/p')"
            )
        )
    for statement in (
        f"UPDATE {service}.audit_entry SET target = 'forged'",
        f"DELETE FROM {service}.audit_entry",
    ):
        with (
            pytest.raises(DBAPIError, match="append-only"),
            transaction(os.environ["DATABASE_URL"]) as session,
        ):
            session.execute(text(statement))
    assert sql(f"SELECT target FROM {service}.audit_entry") == [("t",)]


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_auditors_and_zone_admins_read_the_audit_log_and_grid_members_do_not(clients, auth, service):
    assert clients[service].get("/audit", headers=auth(Role.grid_member)).status_code == 403
    assert clients[service].get("/audit", headers=auth(Role.enterprise_user)).status_code == 403
    assert clients[service].get("/audit", headers=auth(Role.auditor)).status_code == 200
    assert clients[service].get("/audit", headers=auth(Role.zone_admin)).status_code == 200
    assert clients[service].get("/audit").status_code == 401
    bad = clients[service].get("/audit", params={"period": "someday"}, headers=auth(Role.auditor))
    assert bad.status_code == 422 and "period" in bad.text


class Undone(Exception):
    """Raised to roll a transaction back."""


def test_demo_passwords_differ_per_account_and_install_and_sit_in_a_private_file(clients, tmp_path):
    with pytest.raises(Undone), transaction(os.environ["DATABASE_URL"]) as session:
        other_install = demo.load(session)
        raise Undone
    with transaction(os.environ["DATABASE_URL"]) as session:
        passwords = demo.load(session)
    assert other_install is not None and passwords is not None
    assert (
        len(set(passwords.values()))
        == len(passwords)
        == sql("SELECT count(*) FROM registry.user_account")[0][0]
    )
    assert not set(passwords.values()) & set(other_install.values())
    path = demo.write_passwords(passwords, tmp_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text(encoding="utf-8").splitlines()[0] == f"admin\t{passwords['admin']}"
    assert log_in(clients["registry"], "admin", passwords["admin"]).status_code == 200
    assert (
        log_in(clients["registry"], "admin", "gridsafe-demo-2026").status_code == 401
    )  # no published password
