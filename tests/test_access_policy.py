"""The access policy, proved: every operation of the four services called as every role, on its
own tenant's data and on another's (a matrix generated from their OpenAPI), the 24 cross-tenant
reads of issue 12, grid scope from the ledger, contact data, and the README's table."""

import re
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute

from shared.access import ACTION_OF, POLICY, PUBLIC_OPERATIONS, Scope, policy_markdown
from shared.auth import Principal, Role
from shared.clock import local_today
from shared.periods import PeriodKind, containing
from tests.support.tenants import PDF, PNG, Tenant, build_tenants, token

README = Path(__file__).parents[1] / "README.md"
LAST_MONTH = containing(PeriodKind.month, local_today()).previous().label
YESTERDAY = str(local_today() - timedelta(days=1))


def _apps() -> dict[str, Any]:
    from services.inspections.app import app as inspections
    from services.notifications.app import app as notifications
    from services.registry.app import app as registry
    from services.reporting.app import app as reporting

    return {
        "registry": registry,
        "inspections": inspections,
        "notifications": notifications,
        "reporting": reporting,
    }


def _action_of(route: APIRoute) -> str | None:
    pending = list(route.dependant.dependencies)
    while pending:
        dependency = pending.pop()
        if dependency.call in ACTION_OF:
            return ACTION_OF[dependency.call]
        pending.extend(dependency.dependencies)
    return None


def operations() -> list[tuple[str, str, str, dict[str, Any]]]:
    """(service, method, path, its OpenAPI operation) for every operation of the four services."""
    found = []
    for service, app in _apps().items():
        for path, methods in app.openapi()["paths"].items():
            for method, operation in methods.items():
                found.append((service, method.upper(), path, operation))
    return found


def _api_routes(router: Any, prefix: str = "") -> list[tuple[str, APIRoute]]:
    """(full path, route) of a router's routes, through the routers it includes."""
    found = []
    for route in router.routes:
        if isinstance(route, APIRoute):
            found.append((prefix + route.path_format, route))  # without converters, as in OpenAPI
        elif hasattr(route, "original_router"):  # an included router, its routes kept as declared
            found.extend(_api_routes(route.original_router, prefix + router.prefix))
    return found


def actions() -> dict[tuple[str, str, str], str]:
    """Each operation's rule, as its endpoint's `permit` dependency names it."""
    named = {}
    for service, app in _apps().items():
        for path, route in _api_routes(app.router):
            action = _action_of(route)
            for method in route.methods:
                if action:
                    named[(service, method, path)] = action
    return named


def test_every_operation_has_a_rule_in_the_table():
    named = actions()
    missing = [
        f"{service} {method} {path}"
        for service, method, path, _ in operations()
        if (service, method, path) not in named and (method, path) not in PUBLIC_OPERATIONS
    ]
    assert missing == []
    assert set(named.values()) <= set(POLICY)


def test_the_readme_role_section_is_the_policy_table():
    text = README.read_text(encoding="utf-8")
    assert policy_markdown() in text, "README out of date: paste shared.access.policy_markdown()"


# Sample bodies for the writes whose tenant is in the body or path (placeholders filled per tenant).
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/people"): {"name": "新员工", "enterprise_id": "{enterprise_id}"},
    ("PATCH", "/people/{person_id}"): {"title": "安全员"},
    ("POST", "/people/{person_id}/certificates"): {
        "kind": "safety_manager",
        "number": "N-1",
        "issuing_authority": "应急管理局",
        "issued_on": "2025-01-01",
        "expires_on": "2028-01-01",
    },
    ("POST", "/enterprises/{enterprise_id}/org-units"): {"name": "车间", "level": "company"},
    ("POST", "/org-units/{org_unit_id}/posts"): {"name": "操作工"},
    ("POST", "/enterprises/{enterprise_id}/hazard-sources"): {"kind": "key_area", "name": "罐区"},
    ("PUT", "/enterprises/{enterprise_id}/safety-rules/{category}"): {"status": "in_place"},
    ("POST", "/hazards"): {
        "unit_id": "{unit_id}",
        "source": "grid_patrol",
        "category": "消防",
        "grade": "general",
        "location": "仓库",
        "description": "通道堵塞",
    },
    ("POST", "/hazards/{hazard_id}/penalties"): {"decided_on": YESTERDAY, "decision_number": "罚-1"},
    ("POST", "/risk-assessments"): {
        "unit_id": "{unit_id}",
        "target": "罐区",
        "method": "LEC",
        "factors": {"L": 1, "E": 1, "C": 1},
    },
    ("POST", "/units/{unit_id}/teams"): {"name": "二班"},
    ("POST", "/trainings"): {
        "unit_id": "{unit_id}",
        "kind": "publicity",
        "held_on": YESTERDAY,
        "topic": "宣传",
        "trainer": "王",
        "attendee_ids": ["{person_id}"],
        "duration_minutes": 30,
        "evidence_kind": "photo",
        "evidence_ref": "x.jpg",
    },
    ("POST", "/exams"): {
        "unit_id": "{unit_id}",
        "held_on": YESTERDAY,
        "topic": "考试",
        "pass_mark": 60,
        "scores": [{"person_id": "{person_id}", "score": 90}],
    },
    ("POST", "/filings"): {
        "unit_id": "{unit_id}",
        "kind": "monthly_risk",
        "period": LAST_MONTH,
        "monthly_risk": {
            "shortcomings": "无",
            "weak_points": "无",
            "difficulties": "无",
            "main_risks": [{"risk": "泄漏", "measures": "巡检"}],
        },
    },
}
UPLOADS = {
    "/hazards/{hazard_id}/evidence": PNG,
    "/trainings/{session_id}/evidence": PNG,
    "/filings/{filing_id}/attachments": PDF,
}
# Values of the other parameters (not a tenant's).
SAMPLES = {
    "category": "safety_meeting",
    "item": "organisation",
    "code": "daily_patrol",
    "action": "verify",
    "image_format": "svg",
    "dead_letter_id": "1",
    "rule": "grid_daily_patrol",
    "year": str(local_today().year),
    "period": LAST_MONTH,
    "month": LAST_MONTH,
    "kind": "monthly_risk",
}
TENANT_FILTERS = {"enterprise_id", "unit_id", "scope_id", "grid_id", "person_id"}


def _fill(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, str):
        return re.sub(r"\{(\w+)\}", lambda m: ids[m.group(1)], value)
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


def _request(method: str, path: str, operation: dict, tenant: Tenant, zone: dict, index: int, other: bool):
    ids = {**zone, **tenant.ids}
    url = re.sub(
        r"\{(\w+)\}", lambda m: ids.get(m.group(1)) or SAMPLES.get(m.group(1)) or str(uuid.uuid4()), path
    )
    params: dict[str, str] = {}
    for parameter in operation.get("parameters", []):
        name = parameter["name"]
        if parameter["in"] != "query":
            continue
        if name == "longitude":
            params[name] = str(0.005 + 117.30 + index * 0.02)
        elif name == "latitude":
            params[name] = "31.805"
        elif parameter.get("required") or (other and name in TENANT_FILTERS):
            params[name] = ids.get(name) or SAMPLES.get(name) or str(uuid.uuid4())
    kwargs: dict[str, Any] = {"params": params}
    if path in UPLOADS and method == "POST":
        kwargs["files"] = {"file": ("f.png" if UPLOADS[path] == PNG else "f.pdf", UPLOADS[path])}
    elif "requestBody" in operation:
        kwargs["json"] = _fill(BODIES.get((method, path), {}), ids)
    return url, kwargs


def _private_ids(tenant: Tenant, scope: Scope) -> set[str]:
    """What another tenant's caller must never be shown (grids are zone geography for enterprises)."""
    private = {v for k, v in tenant.ids.items() if k != "grid_id"} | set(tenant.staff.values())
    if scope == Scope.grid:
        private.add(tenant.grid_id)
    return private


@pytest.fixture
def tenants(clients, auth):
    return build_tenants(clients, auth())


def test_every_operation_as_every_role_on_its_own_and_another_tenants_data(clients, tenants):
    a, b, zone = tenants
    named = actions()
    problems: list[str] = []
    callers = {role: token(role, a) for role in Role}
    for service, method, path, operation in operations():
        if (method, path) in PUBLIC_OPERATIONS:
            continue
        rule = POLICY[named[(service, method, path)]]
        for role, headers in callers.items():
            scope = rule.scope_of(Principal(user_id=uuid.uuid4(), roles={role}))
            for target, other in ((a, False), (b, True)):
                url, kwargs = _request(method, path, operation, target, zone, 0 if target is a else 1, other)
                response = clients[service].request(method, url, headers=headers, **kwargs)
                where = f"{role} {method} {service}{path} on {'B' if other else 'A'}: {response.status_code}"
                names_rule = f"rule {rule.action}" in response.text
                if response.status_code >= 500:
                    problems.append(f"{where} (server error) {response.text[:200]}")
                elif scope is None:
                    if response.status_code != 403 or not names_rule:
                        problems.append(f"{where}, expected 403 naming rule {rule.action}")
                elif response.status_code == 401:
                    problems.append(f"{where}, unauthorised")
                elif not other or scope == Scope.zone:
                    if response.status_code == 403 and names_rule:
                        problems.append(f"{where}, the policy allows it: {response.text[:200]}")
                elif response.is_success:
                    leaked = [i for i in _private_ids(b, scope) if i in response.text]
                    if leaked:
                        problems.append(f"{where}, another tenant's rows: {leaked}")
    assert problems == []


# The 24 cross-tenant reads of issue 12: (service, path, query) on tenant B's data.
READS = [
    ("registry", "/responsibilities", {"scope_id": "{enterprise_id}"}),
    ("registry", "/responsibilities", {}),
    ("registry", "/people", {"enterprise_id": "{enterprise_id}"}),
    ("registry", "/people/{person_id}", {}),
    ("registry", "/people/{person_id}/certificates", {}),
    ("inspections", "/people/{person_id}/training-hours", {"year": str(local_today().year)}),
    ("inspections", "/units/{unit_id}", {}),
    ("inspections", "/units/{unit_id}/penalties", {}),
    ("notifications", "/directory/units/{unit_id}", {}),
    ("reporting", "/filings", {"unit_id": "{unit_id}"}),
    ("reporting", "/filings/{filing_id}/attachments", {}),
    ("reporting", "/filings/{filing_id}/attachments/{attachment_id}", {}),
]


@pytest.mark.parametrize(("service", "path", "query"), READS, ids=[f"{s}{p}{sorted(q)}" for s, p, q in READS])
def test_a_cross_tenant_read_of_issue_12_is_refused(clients, tenants, service, path, query):
    a, b, _ = tenants
    for role in (Role.enterprise_user, Role.grid_member, Role.leader):
        headers = token(role, a)
        mine = clients[service].get(_fill(path, a.ids), params=_fill(query, a.ids), headers=headers)
        assert mine.status_code == 200, (role, mine.text)
        theirs = clients[service].get(_fill(path, b.ids), params=_fill(query, b.ids), headers=headers)
        if theirs.status_code == 200:  # a list: it may answer, but without B's rows
            assert "items" in theirs.json() and not _private_ids(b, Scope.grid) & set(
                re.findall(r"[0-9a-f-]{36}", theirs.text)
            ), (role, theirs.text)
        else:
            assert theirs.status_code == 403 and "forbidden by rule" in theirs.json()["detail"], (
                role,
                theirs.text,
            )


def test_grid_scope_follows_the_ledger_today_not_the_token(clients, tenants, auth):
    a, b, _ = tenants
    registry = clients["registry"]
    member = token(Role.grid_member, a)
    assert registry.get(f"/enterprises/{b.enterprise_id}", headers=member).status_code == 403
    # the member is moved to W2 today: the same token now reaches B and no longer A
    ledger = registry.get(
        "/responsibilities", params={"person_id": a.staff[Role.grid_member]}, headers=auth()
    )
    (assignment,) = [x for x in ledger.json()["items"] if x["duty"] == "grid_member"]
    ended = registry.post(
        f"/responsibilities/{assignment['id']}/end",
        json={"valid_to": YESTERDAY, "reason": "调整网格"},
        headers=auth(),
    )
    assert ended.status_code == 200, ended.text
    body = {"person_id": a.staff[Role.grid_member], "duty": "grid_member", "scope_id": b.grid_id}
    moved = registry.post(
        "/responsibilities", json={**body, "valid_from": str(local_today())}, headers=auth()
    )
    assert moved.status_code == 201, moved.text
    assert registry.get(f"/enterprises/{b.enterprise_id}", headers=member).status_code == 200
    assert registry.get(f"/enterprises/{a.enterprise_id}", headers=member).status_code == 403


def test_phones_and_emails_only_for_those_who_must_reach_the_person(clients, tenants):
    a, _, _ = tenants
    registry = clients["registry"]
    path = f"/people/{a.ids['person_id']}"
    for role in (Role.zone_admin, Role.safety_office, Role.enforcement_officer, Role.committee_leader):
        assert registry.get(path, headers=token(role, a)).json()["phone"] is not None, role
    for role in (Role.enterprise_user, Role.grid_member, Role.leader):  # their enterprise, their grid
        assert registry.get(path, headers=token(role, a)).json()["email"] is not None, role
    shown = registry.get(path, headers=token(Role.auditor, a)).json()
    assert shown["name"] and shown["phone"] is None and shown["email"] is None
    contact = clients["notifications"].get(
        f"/directory/units/{a.enterprise_id}", headers=token(Role.auditor, a)
    )
    assert contact.status_code == 200 and contact.json()["responsible_phone"] is None
    own = clients["notifications"].get(
        f"/directory/units/{a.enterprise_id}", headers=token(Role.grid_member, a)
    )
    assert own.json()["responsible_phone"] == "13800000000"
    unit = f"/enterprises/{a.enterprise_id}"
    assert registry.get(unit, headers=token(Role.auditor, a)).json()["responsible_phone"] is None
    assert (
        registry.get(unit, headers=token(Role.enterprise_user, a)).json()["responsible_phone"]
        == "13800000000"
    )
    # who was told of the hazards: auditors see that a person was told, not their phone or e-mail
    sent = {"limit": 100}
    audited = clients["notifications"].get("/deliveries", params=sent, headers=token(Role.auditor, a)).json()
    kept = clients["notifications"].get("/deliveries", params=sent, headers=token(Role.zone_admin, a)).json()
    to_people = [d for d in kept["items"] if d["person_id"]]
    assert any(d["address"] for d in to_people)  # some people have no e-mail: no address at all
    assert all(d["address"] is None for d in audited["items"] if d["person_id"])


def test_a_forbidden_action_names_the_rule(clients, tenants):
    a, _, _ = tenants
    refused = clients["registry"].post(
        "/zones", json={"code": "Z", "name": "x"}, headers=token(Role.auditor, a)
    )
    assert refused.status_code == 403 and "rule zone.administer" in refused.json()["detail"]


def test_the_committee_leader_reads_the_whole_zone_and_writes_nothing_of_it(clients, tenants):
    a, b, _ = tenants
    leader = token(Role.committee_leader, a)
    assert len(clients["registry"].get("/enterprises", headers=leader).json()["items"]) == 2
    assert len(clients["inspections"].get("/hazards", headers=leader).json()["items"]) == 2
    assert clients["reporting"].get("/dashboard", headers=leader).status_code == 200
    assert POLICY["hazard.list_for_supervision"].grants[Role.committee_leader] == Scope.zone
    assert (
        clients["registry"].patch(f"/enterprises/{b.enterprise_id}", json={}, headers=leader).status_code
        == 403
    )


def test_a_leader_assesses_the_staff_of_their_own_grids(clients, tenants):
    a, b, _ = tenants
    month = {"month": LAST_MONTH}
    everyone = (
        clients["reporting"].get("/assessment", params=month, headers=token(Role.safety_office, a)).json()
    )
    assert {s["person_id"] for s in everyone["scores"]} == {*a.staff.values(), *b.staff.values()}
    mine = clients["reporting"].get("/assessment", params=month, headers=token(Role.leader, a)).json()
    assert {s["person_id"] for s in mine["scores"]} == set(a.staff.values())


def test_the_web_app_learns_each_roles_actions_from_the_policy(clients, tenants):
    a, _, _ = tenants
    for role in Role:
        if role == Role.service:
            continue
        actions = clients["registry"].get("/auth/actions", headers=token(role, a)).json()
        principal = Principal(user_id=uuid.uuid4(), name="x", roles={role})
        assert actions == {
            action: str(rule.scope_of(principal))
            for action, rule in POLICY.items()
            if rule.scope_of(principal) is not None
        }, role
    auditor = clients["registry"].get("/auth/actions", headers=token(Role.auditor, a)).json()
    assert "hazard.read" in auditor and "hazard.step" not in auditor and "unit.register" not in auditor
    enterprise = clients["registry"].get("/auth/actions", headers=token(Role.enterprise_user, a)).json()
    assert enterprise["unit.read"] == "enterprise" and "hazard.verify" not in enterprise
