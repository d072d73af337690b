"""Two tenants built through the four APIs: enterprise A in grid W1 and enterprise B in grid W2.

Each has people (with phones and e-mails), grid staff in the ledger, an organisation, a hazard
source, a certificate, a hazard with evidence, an inspection, a risk assessment, a team, a
training session with evidence, an exam, and a filing with an attachment. Events travel between
the services in this process (each outbox read and handed to its subscribers' real consumers).
"""

import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from shared.auth import Principal, Role, issue_token
from shared.clock import local_today
from shared.events.subscriptions import subscribers
from shared.periods import PeriodKind, containing
from tests.factories import ORIGIN, enterprise_payload, square
from tests.support.files import pdf, photo

PNG = photo("PNG")
PDF = pdf()
SERVICES = ("registry", "inspections", "notifications", "reporting")


def relay_in_process() -> int:
    """Hand every event in the four outboxes to its subscribers' consumers until none is new."""
    from services.inspections.worker import consumer as inspections
    from services.notifications.worker import consumer as notifications
    from services.registry.worker import consumer as registry
    from services.reporting.worker import consumer as reporting

    consumers = {"registry": registry, "inspections": inspections, "notifications": notifications}
    consumers["reporting"] = reporting
    handed, seen = 0, {name: 0 for name in SERVICES}
    while True:
        fresh = 0
        for name, consumer in consumers.items():
            outbox = consumer.runtime.tables.outbox
            with consumer.runtime.transaction() as session:
                rows = session.execute(
                    select(outbox.c.position, outbox.c.event_type, outbox.c.envelope)
                    .where(outbox.c.position > seen[name])
                    .order_by(outbox.c.position)
                ).all()
            for position, event_type, envelope in rows:
                seen[name] = position
                fresh += 1
                for subscriber in subscribers(event_type):
                    consumers[subscriber].process(envelope)
        handed += fresh
        if not fresh:
            return handed


@dataclass
class Tenant:
    """One enterprise, its grid, its people and the records made about it."""

    grid_id: str
    enterprise_id: str
    ids: dict[str, str] = field(default_factory=dict)  # path parameter name -> this tenant's id
    staff: dict[Role, str] = field(default_factory=dict)  # leader / member -> person id


def _ok(response: Any, status: int = 201) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def token(role: Role, tenant: Tenant, user_id: uuid.UUID | None = None) -> dict[str, str]:
    """A caller of `role` whose own tenant is `tenant` (grid staff staff its grid in the ledger)."""
    person_id = tenant.staff.get(role) or (tenant.ids["person_id"] if role == Role.enterprise_user else None)
    principal = Principal(
        user_id=user_id or uuid.uuid4(),
        name=f"{role} of {tenant.enterprise_id[:8]}",
        roles={role},
        person_id=uuid.UUID(person_id) if person_id else uuid.uuid4(),
        enterprise_id=uuid.UUID(tenant.enterprise_id) if role == Role.enterprise_user else None,
    )
    return {"Authorization": f"Bearer {issue_token(principal)}"}


def build_tenants(clients: dict[str, Any], admin: dict[str, str]) -> tuple[Tenant, Tenant, dict[str, str]]:
    """Tenants A and B and the zone's own ids (zone, checklist, cadence rule, delivery ...)."""
    registry, inspections, reporting = clients["registry"], clients["inspections"], clients["reporting"]
    zone = _ok(registry.post("/zones", json={"code": "Z-M", "name": "矩阵开发区"}, headers=admin))
    tenants = []
    for index, code in enumerate(("W1", "W2")):
        boundary = square(ORIGIN[0] + index * 0.02, ORIGIN[1])
        grid = _ok(
            registry.post(
                "/grids",
                json={
                    "zone_id": zone["id"],
                    "code": code,
                    "name": f"{code}网格",
                    "boundary": boundary,
                    "valid_from": "2020-01-01",  # staffed from then on (below), scored last month
                    "reason": "补录 / recorded late",
                },
                headers=admin,
            )
        )
        unit = _ok(registry.post("/enterprises", json=enterprise_payload(grid["id"]), headers=admin))
        tenant = Tenant(grid_id=grid["id"], enterprise_id=unit["id"])
        tenant.ids |= {"grid_id": grid["id"], "enterprise_id": unit["id"], "unit_id": unit["id"]}
        person = _ok(
            registry.post(
                "/people",
                json={
                    "name": f"{code}企业 员工",
                    "phone": f"1380000000{index}",
                    "email": f"p{index}@x.cn",
                    "enterprise_id": unit["id"],
                },
                headers=admin,
            )
        )
        tenant.ids["person_id"] = person["id"]
        for role, duty in ((Role.leader, "grid_leader"), (Role.grid_member, "grid_member")):
            staff = _ok(
                registry.post(
                    "/people", json={"name": f"{code} {duty}", "phone": f"1390000000{index}"}, headers=admin
                )
            )
            body = {
                "person_id": staff["id"],
                "duty": duty,
                "scope_id": grid["id"],
                "valid_from": "2020-01-01",
            }
            _ok(registry.post("/responsibilities", json=body, headers=admin))
            tenant.staff[role] = staff["id"]
        principal = {
            "person_id": person["id"],
            "duty": "principal_person",
            "scope_id": unit["id"],
            "valid_from": "2020-01-01",
        }
        tenant.ids["assignment_id"] = _ok(registry.post("/responsibilities", json=principal, headers=admin))[
            "id"
        ]
        org = _ok(
            registry.post(
                f"/enterprises/{unit['id']}/org-units",
                json={"name": "公司", "level": "company"},
                headers=admin,
            )
        )
        tenant.ids["org_unit_id"] = org["id"]
        _ok(
            registry.post(
                f"/enterprises/{unit['id']}/hazard-sources",
                json={"kind": "major_hazard_source", "name": "液氨储罐"},
                headers=admin,
            )
        )
        certificate = {
            "kind": "principal_person",
            "number": f"C-{code}",
            "issuing_authority": "应急管理局",
            "issued_on": "2025-01-01",
            "expires_on": "2028-01-01",
        }
        _ok(registry.post(f"/people/{person['id']}/certificates", json=certificate, headers=admin))
        tenants.append(tenant)
    relay_in_process()

    checklist = _ok(
        inspections.post(
            "/checklists",
            json={
                "code": "M-1",
                "name": "矩阵检查表",
                "items": [{"key": "1", "text": "灭火器在有效期内", "category": "消防"}],
            },
            headers=admin,
        )
    )
    yesterday = local_today() - timedelta(days=1)
    last_month = containing(PeriodKind.month, local_today()).previous().label
    for tenant in tenants:
        unit_id = tenant.enterprise_id
        hazard = _ok(
            inspections.post(
                "/hazards",
                json={
                    "unit_id": unit_id,
                    "source": "grid_patrol",
                    "category": "消防",
                    "grade": "general",
                    "location": "二号仓库",
                    "description": "灭火器过期",
                },
                headers=admin,
            )
        )
        tenant.ids["hazard_id"] = hazard["id"]
        _ok(
            inspections.post(
                f"/hazards/{hazard['id']}/evidence", files={"file": ("a.png", PNG)}, headers=admin
            )
        )
        inspection = {
            "unit_id": unit_id,
            "kind": "daily_patrol",
            "template_id": checklist["id"],
            "inspected_on": str(yesterday),
            "answers": [{"item_key": "1", "result": "pass"}],
        }
        tenant.ids["inspection_id"] = _ok(inspections.post("/inspections", json=inspection, headers=admin))[
            "id"
        ]
        assessment = {
            "unit_id": unit_id,
            "target": "液氨储罐",
            "method": "LEC",
            "factors": {"L": 3, "E": 6, "C": 7},
        }
        _ok(inspections.post("/risk-assessments", json=assessment, headers=admin))
        team = _ok(inspections.post(f"/units/{unit_id}/teams", json={"name": "一班"}, headers=admin))
        tenant.ids["team_id"] = team["id"]
        training = {
            "unit_id": unit_id,
            "team_id": None,
            "kind": "publicity",
            "held_on": str(yesterday),
            "topic": "受限空间作业安全",
            "trainer": "安全员 王",
            "attendee_ids": [tenant.ids["person_id"]],
            "duration_minutes": 30,
            "evidence_kind": "sign_in_sheet",
            "evidence_ref": "签到表.jpg",
        }
        session_id = _ok(inspections.post("/trainings", json=training, headers=admin))["id"]
        tenant.ids["session_id"] = session_id
        tenant.ids["file_id"] = _ok(
            inspections.post(
                f"/trainings/{session_id}/evidence", files={"file": ("s.png", PNG)}, headers=admin
            )
        )["id"]
        exam = {
            "unit_id": unit_id,
            "held_on": str(yesterday),
            "topic": "月度考试",
            "pass_mark": 60,
            "scores": [{"person_id": tenant.ids["person_id"], "score": 80}],
        }
        tenant.ids["exam_id"] = _ok(inspections.post("/exams", json=exam, headers=admin))["id"]
        filing = {
            "unit_id": unit_id,
            "kind": "monthly_risk",
            "period": last_month,
            "monthly_risk": {
                "shortcomings": "培训不到位",
                "weak_points": "夜班巡检",
                "difficulties": "资金不足",
                "main_risks": [{"risk": "液氨泄漏", "measures": "每班巡检"}],
            },
        }
        filing_id = _ok(reporting.post("/filings", json=filing, headers=admin))["id"]
        tenant.ids["filing_id"] = filing_id
        tenant.ids["attachment_id"] = _ok(
            reporting.post(f"/filings/{filing_id}/attachments", files={"file": ("r.pdf", PDF)}, headers=admin)
        )["id"]
    relay_in_process()
    zone_ids = {"zone_id": zone["id"], "checklist_id": checklist["id"]}
    return tenants[0], tenants[1], zone_ids
