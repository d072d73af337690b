"""一企一档: the dossier gathered from the registry, inspections and reporting, as JSON and as a PDF,
with real APIs of inspections and reporting; a section whose service is down is marked unavailable."""

import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest

from services.inspections.worker import consumer as inspections_consumer
from services.reporting.worker import consumer as reporting_consumer
from shared.auth import Role
from shared.clock import local_today
from shared.events.contracts.registry import EnterpriseRegisteredV1, ProductionStatus, UnitKind
from shared.events.envelope import CloudEvent
from tests.factories import create_zone_and_grid, enterprise_payload
from tests.support.documents import pdf_pages
from tests.support.processes import ManagedProcess, start_api

pytestmark = pytest.mark.committed  # the started APIs must see the data


@pytest.fixture(scope="module")
def section_apis(log_dir, migrated_database) -> Iterator[dict[str, ManagedProcess]]:
    started = {}
    try:
        for service in ("inspections", "reporting"):
            started[service] = start_api(service, log_dir)
        yield started
    finally:
        for api in started.values():
            api.stop()


def told_of(unit: dict) -> None:
    """Inspections and reporting hear of the unit through their real consumers."""
    data = EnterpriseRegisteredV1(
        enterprise_id=uuid.UUID(unit["id"]),
        name=unit["name"],
        credit_code=unit["credit_code"],
        kind=UnitKind.enterprise,
        industry=unit["industry"],
        production_status=ProductionStatus.operating,
        key_supervision=True,
        grid_id=uuid.UUID(unit["grid_id"]),
        responsible_head=None,
        responsible_phone=None,
        version=unit["version"],
    )
    envelope = CloudEvent.wrap(data, source="registry", subject=unit["id"], correlation_id=None)
    for consumer in (inspections_consumer, reporting_consumer):
        assert consumer.process(envelope.model_dump(mode="json")) == "applied"


@pytest.fixture
def enterprise(clients, auth) -> dict:
    admin = auth()
    grid = create_zone_and_grid(clients["registry"], admin)
    unit = clients["registry"].post("/enterprises", json=enterprise_payload(grid["id"]), headers=admin).json()
    told_of(unit)
    registry = clients["registry"]
    company = registry.post(
        f"/enterprises/{unit['id']}/org-units", json={"level": "company", "name": "总公司"}, headers=admin
    ).json()
    registry.post(f"/org-units/{company['id']}/posts", json={"name": "安全员"}, headers=admin)
    person = registry.post(
        "/people", json={"name": "李四", "title": "安全主管", "enterprise_id": unit["id"]}, headers=admin
    ).json()
    registry.post(
        f"/people/{person['id']}/certificates",
        json={
            "kind": "safety_manager",
            "number": f"AQ{uuid.uuid4().hex[:8]}",
            "issuing_authority": "市应急管理局",
            "issued_on": str(local_today() - timedelta(days=100)),
            "expires_on": str(local_today() + timedelta(days=1000)),
        },
        headers=admin,
    )
    registry.post(
        f"/enterprises/{unit['id']}/hazard-sources",
        json={"kind": "major_hazard_source", "name": "液氨储罐区", "location": "厂区东侧"},
        headers=admin,
    )
    office = auth(Role.safety_office)
    hazard = clients["inspections"].post(
        "/hazards",
        json={
            "unit_id": unit["id"],
            "source": "superior_inspection",
            "category": "消防",
            "grade": "general",
            "location": "二号仓库",
            "description": "灭火器过期未更换",
        },
        headers=office,
    )
    assert hazard.status_code == 201, hazard.text
    last_month = (local_today().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    filing = clients["reporting"].post(
        "/filings",
        json={
            "unit_id": unit["id"],
            "kind": "monthly_risk",
            "period": last_month,
            "monthly_risk": {
                "shortcomings": "培训不到位",
                "weak_points": "夜班巡检",
                "difficulties": "资金不足",
                "main_risks": [{"risk": "液氨泄漏", "measures": "每班巡检"}],
            },
        },
        headers=auth(Role.enterprise_user, enterprise_id=unit["id"]),
    )
    assert filing.status_code == 201, filing.text
    return unit


def test_the_dossier_gathers_every_section_and_prints_it(clients, auth, section_apis, enterprise):
    own = auth(Role.enterprise_user, enterprise_id=enterprise["id"])
    response = clients["registry"].get(f"/enterprises/{enterprise['id']}/dossier", headers=own)
    assert response.status_code == 200, response.text
    dossier = response.json()
    assert dossier["enterprise"]["name"] == enterprise["name"]
    assert dossier["place"]["grid_code"] == "G1"
    assert [unit["name"] for unit in dossier["organisation"]] == ["总公司"]
    assert dossier["organisation"][0]["posts"][0]["name"] == "安全员"
    assert dossier["people"][0]["person"]["name"] == "李四"
    assert dossier["people"][0]["certificates"][0]["kind"] == "safety_manager"
    assert len(dossier["safety_rules"]) == 16 and len(dossier["ten_haves"]) == 10
    assert dossier["hazard_sources"][0]["name"] == "液氨储罐区"
    inspections = dossier["inspections"]
    assert inspections["available"] is True, inspections
    assert inspections["data"]["hazards"]["total"] == 1 and inspections["data"]["open_hazards"] == 1
    assert inspections["data"]["hazards"]["items"][0]["description"] == "灭火器过期未更换"
    reporting = dossier["reporting"]
    assert reporting["available"] is True, reporting
    assert reporting["data"]["filings"]["items"][0]["kind"] == "monthly_risk"

    pdf = clients["registry"].get(f"/enterprises/{enterprise['id']}/dossier.pdf", headers=own)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    pages = pdf_pages(pdf.content, "dossier")
    text = "".join(pages)
    assert len(pages) >= 2
    for field in ("一企一档", enterprise["name"], enterprise["credit_code"], "总公司", "李四", "液氨储罐区", "灭火器过期未更换", "月度风险分析报告"):  # fmt: skip
        assert field in text, field
    assert "本部分暂缺" not in text
    assert f"共 {len(pages)} 页" in pages[-1]


def test_the_dossier_follows_the_access_policy(clients, auth, section_apis, enterprise):
    other = auth(Role.enterprise_user, enterprise_id=uuid.uuid4())
    assert (
        clients["registry"].get(f"/enterprises/{enterprise['id']}/dossier", headers=other).status_code == 403
    )
    missing = clients["registry"].get(f"/enterprises/{uuid.uuid4()}/dossier", headers=auth())
    assert missing.status_code == 404


def test_a_section_whose_service_is_down_is_marked_unavailable(
    clients, auth, section_apis, enterprise, log_dir
):
    section_apis["reporting"].stop()
    try:
        response = clients["registry"].get(f"/enterprises/{enterprise['id']}/dossier", headers=auth())
        assert response.status_code == 200
        dossier = response.json()
        assert dossier["inspections"]["available"] is True
        assert dossier["reporting"]["available"] is False and dossier["reporting"]["data"] is None
        assert "reporting" in dossier["reporting"]["problem"]
        pdf = clients["registry"].get(f"/enterprises/{enterprise['id']}/dossier.pdf", headers=auth())
        text = "".join(pdf_pages(pdf.content, "dossier-reporting-down"))
        assert "本部分暂缺" in text and "灭火器过期未更换" in text
    finally:
        section_apis["reporting"] = start_api("reporting", log_dir)


def test_a_unit_the_other_services_have_not_heard_of_yet_has_its_sections_marked(clients, auth, section_apis):
    admin = auth()
    grid = create_zone_and_grid(clients["registry"], admin, code="G2")
    unit = clients["registry"].post("/enterprises", json=enterprise_payload(grid["id"]), headers=admin).json()
    dossier = clients["registry"].get(f"/enterprises/{unit['id']}/dossier", headers=admin).json()
    assert dossier["enterprise"]["id"] == unit["id"] and len(dossier["safety_rules"]) == 16
    for section in ("inspections", "reporting"):
        assert dossier[section]["available"] is False and "404" in dossier[section]["problem"], dossier[
            section
        ]
