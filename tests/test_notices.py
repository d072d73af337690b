"""Hazard notices (隐患整改通知书, 复查意见书, 挂牌督办通知书, 移交执法函): issued at their lifecycle
step, numbered per kind, zone and year without gaps, kept as issued, rendered to PDF and read back."""

import os
import re
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import psycopg2
import pytest

from services.inspections.notices.models import NoticeKind
from services.inspections.notices.service import _next_serial
from services.inspections.runtime import runtime as inspections
from services.inspections.worker import consumer as inspections_consumer
from shared.auth import Role
from shared.clock import local_today
from shared.documents import _local_date
from shared.events.contracts.registry import GridChangedV1
from shared.events.envelope import CloudEvent
from tests.support.documents import pdf_pages
from tests.support.inspections import known_unit
from tests.test_hazards import SIX_PARTS, evidence, report, step

YEAR = local_today().year
ORDER = {"responsible_person": "王班长", "measures": "更换过期灭火器并建立月检制度"}
OFFICE = {"who": "office", "role": Role.safety_office}
UNIT_NAME, GRID_NAME = "示例机械制造有限公司", "城东第三网格(G03)"


@pytest.fixture
def unit_in_grid() -> uuid.UUID:
    """A unit in a grid of a zone of its own, both known to inspections (the notices show them)."""
    grid_id = uuid.uuid4()
    grid = GridChangedV1(grid_id=grid_id, zone_id=uuid.uuid4(), code="G03", name="城东第三网格", boundary={}, leader_person_id=None, member_person_ids=[])  # fmt: skip
    envelope = CloudEvent.wrap(grid, source="registry", subject=str(grid_id), correlation_id=None)
    assert inspections_consumer.process(envelope.model_dump(mode="json")) == "applied"
    return known_unit(grid_id)


def notices(api, hazard_id) -> list[dict]:
    response = api("GET", f"/hazards/{hazard_id}/notices", role=Role.auditor)
    assert response.status_code == 200, response.text
    return response.json()["items"]


def pdf_text(api, hazard_id, notice: dict, name: str) -> list[str]:
    response = api("GET", f"/hazards/{hazard_id}/notices/{notice['id']}.pdf", role=Role.auditor)
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    return pdf_pages(response.content, name)


def test_an_order_and_a_failed_verification_issue_notices_kept_as_issued(api, unit_in_grid):
    unit = unit_in_grid
    hazard = report(api, unit).json()
    deadline = local_today() + timedelta(days=7)
    step(api, hazard["id"], "order_rectification", deadline=str(deadline), **ORDER)
    [order] = notices(api, hazard["id"])
    assert order["kind"] == "rectification_order" and order["title"] == "隐患整改通知书"
    assert order["number"] == f"隐改〔{YEAR}〕第0001号"
    pages = pdf_text(api, hazard["id"], order, "notice-rectification-order")
    assert len(pages) == 1
    text = pages[0]
    for field in ("隐患整改通知书", order["number"], UNIT_NAME, GRID_NAME, "二号仓库", "灭火器过期", ORDER["measures"], "王班长", _local_date(deadline), "安全生产事故隐患排查治理暂行规定", "被检查单位负责人", "检查人员"):  # fmt: skip
        assert field in text, field

    photo = evidence(api, hazard["id"], who="unit")
    the_unit = {"who": "unit", "role": Role.enterprise_user, "enterprise_id": str(unit)}
    step(api, hazard["id"], "mark_rectified", evidence_ids=[photo], **the_unit)
    new_deadline = local_today() + timedelta(days=3)
    failed = step(api, hazard["id"], "verify", who="checker", passed=False, reason="仍有一具压力不足", deadline=str(new_deadline))  # fmt: skip
    assert failed.json()["deadline"] == str(new_deadline)
    first, review = notices(api, hazard["id"])
    assert first == order  # the order is unchanged by the new deadline
    assert pdf_text(api, hazard["id"], order, "notice-rectification-order-after") == pages
    assert review["kind"] == "review_opinion" and review["number"] == f"复查〔{YEAR}〕第0001号"
    review_text = pdf_text(api, hazard["id"], review, "notice-review-opinion")[0]
    for field in ("复查意见书", "整改不合格", "仍有一具压力不足", _local_date(new_deadline)):
        assert field in review_text, field

    # a second order of the same kind takes the next number
    other = report(api, unit, description="消防通道堵塞").json()
    step(api, other["id"], "order_rectification", deadline=str(deadline), **ORDER)
    assert notices(api, other["id"])[0]["number"] == f"隐改〔{YEAR}〕第0002号"


def test_a_listed_major_hazard_and_a_refusal_issue_their_notices(api, unit):
    hazard = report(api, unit, grade="major", description="液氨储罐区可燃气体报警器失效").json()
    step(api, hazard["id"], "order_rectification", deadline=str(local_today() + timedelta(days=30)), plan=SIX_PARTS, **ORDER)  # fmt: skip
    listed = step(api, hazard["id"], "list_for_supervision", reason="重大事故隐患", listing_authority="区安委会", **OFFICE)  # fmt: skip
    assert listed.status_code == 200, listed.text
    kinds = {n["kind"]: n for n in notices(api, hazard["id"])}
    listing = kinds["supervision_listing"]
    text = pdf_text(api, hazard["id"], listing, "notice-supervision-listing")[0]
    for field in ("挂牌督办通知书", listing["number"], "区安委会", "液氨储罐区可燃气体报警器失效", "重大"):
        assert field in text, field
    # the order of a major hazard prints its six-part plan
    order_text = "".join(pdf_text(api, hazard["id"], kinds["rectification_order"], "notice-major-order"))
    assert SIX_PARTS["safety_and_emergency_measures"] in order_text

    refused = report(api, unit, description="违规动火作业").json()
    step(api, refused["id"], "refuse", reason="企业拒不整改", enforcement_owner="区应急管理局执法大队")
    [handoff] = notices(api, refused["id"])
    text = pdf_text(api, refused["id"], handoff, "notice-enforcement-handoff")[0]
    for field in ("移交执法函", handoff["number"], "区应急管理局执法大队", "企业拒不整改", "违规动火作业"):
        assert field in text, field


def test_a_notice_the_hazards_state_does_not_issue_is_409_naming_the_state(api, unit):
    hazard = report(api, unit).json()
    refused = api("POST", f"/hazards/{hazard['id']}/notices?kind=rectification_order", role=Role.zone_admin)
    assert refused.status_code == 409
    assert "reported" in refused.json()["detail"] and refused.json()["errors"][0]["loc"] == "state"
    step(api, hazard["id"], "order_rectification", deadline=str(local_today() + timedelta(days=5)), **ORDER)
    again = api("POST", f"/hazards/{hazard['id']}/notices?kind=rectification_order", role=Role.zone_admin)
    assert again.status_code == 200 and again.json() == notices(api, hazard["id"])[0]  # the one issued
    handoff = api("POST", f"/hazards/{hazard['id']}/notices?kind=enforcement_handoff", role=Role.zone_admin)
    assert handoff.status_code == 409 and "rectifying" in handoff.json()["detail"]
    unknown = api("POST", f"/hazards/{hazard['id']}/notices?kind=summons", role=Role.zone_admin)
    assert unknown.status_code == 422
    missing = api("GET", f"/hazards/{hazard['id']}/notices/{uuid.uuid4()}.pdf", role=Role.auditor)
    assert missing.status_code == 404
    outsider = api("GET", f"/hazards/{hazard['id']}/notices", role=Role.enterprise_user, enterprise_id=str(uuid.uuid4()))  # fmt: skip
    assert outsider.status_code == 403


@pytest.mark.committed
def test_concurrent_orders_are_numbered_in_sequence_kept_as_issued_and_a_rollback_leaves_no_gap(api, unit):
    hazards = [report(api, unit, description=f"隐患{i}").json()["id"] for i in range(8)]
    deadline = str(local_today() + timedelta(days=5))
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(
            pool.map(lambda h: step(api, h, "order_rectification", deadline=deadline, **ORDER), hazards)
        )
    assert all(a.status_code == 200 for a in answers), [a.text for a in answers]
    numbers = sorted(int(re.search(r"第(\d+)号", notices(api, h)[0]["number"]).group(1)) for h in hazards)
    assert numbers == list(range(1, 9))
    with inspections.session_factory() as session:  # a number taken in a transaction that rolls back
        assert _next_serial(session, NoticeKind.rectification_order, "none", YEAR) == 9
        session.rollback()
    late = report(api, unit, description="隐患9").json()["id"]
    step(api, late, "order_rectification", deadline=deadline, **ORDER)
    assert notices(api, late)[0]["number"] == f"隐改〔{YEAR}〕第0009号"

    conn = psycopg2.connect(os.environ["DATABASE_URL"].replace("postgresql+psycopg2://", "postgresql://"))
    try:  # an issued notice is never rewritten, not even in the database
        with pytest.raises(psycopg2.errors.RaiseException, match="append-only"):
            conn.cursor().execute("UPDATE inspections.hazard_notice SET number = 'x'")
        conn.rollback()
        with pytest.raises(psycopg2.errors.RaiseException, match="append-only"):
            conn.cursor().execute("DELETE FROM inspections.hazard_notice")
    finally:
        conn.close()
