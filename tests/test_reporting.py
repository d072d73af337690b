"""Reporting: figures from a scripted month of events, rebuilt from scratch, filings, exports."""

import io
import random
import uuid
from datetime import UTC, datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

import pypdfium2
import pytest
import time_machine
from openpyxl import load_workbook

from services.reporting.filings.jobs import check_overdue_reports
from services.reporting.filings.service import check_due, check_overdue
from services.reporting.rebuild import rebuild
from services.reporting.rules.service import due_on
from services.reporting.runtime import runtime
from services.reporting.worker import celery_app
from services.reporting.worker import consumer as reporting_consumer
from shared.auth import Role
from shared.clock import local_today
from shared.events.consumer import handle_event_task_name
from shared.events.contracts.inspections import InspectionCompletedV1, TrainingMissedV1, TrainingRecordedV1
from shared.events.contracts.registry import (
    EnterpriseRegisteredV1,
    PersonChangedV1,
    ProductionStatus,
    UnitKind,
)
from shared.events.contracts.reporting import ReportKind
from shared.periods import PeriodKind, containing
from tests.support.files import pdf, photo
from tests.support.inspections import sql
from tests.support.jobs import exported
from tests.support.notifications import told, zone_with_people
from tests.support.paging import walk
from tests.support.processes import wait_until
from tests.support.reporting import envelope, expected_figures, grid_duty, registry_events, scripted_month

LAST_MONTH = containing(PeriodKind.month, local_today()).previous()


def deliver_through_worker(envelopes: list[dict]) -> None:
    """Send events to the real reporting worker, some twice and out of order, and wait for them."""
    rng = random.Random(7)
    shuffled = envelopes[:]
    for index in range(0, len(shuffled) - 1, 5):  # swap neighbours now and then
        shuffled[index], shuffled[index + 1] = shuffled[index + 1], shuffled[index]
    for env in shuffled + rng.sample(envelopes, len(envelopes) // 10):  # and redeliver a tenth
        celery_app.send_task(handle_event_task_name("reporting"), args=[[env]], queue="reporting")
    distinct = len({e["id"] for e in envelopes})
    wait_until(lambda: sql("SELECT count(*) FROM reporting.processed_event") == distinct, timeout=120)


def apply_in_order(envelopes: list[dict]) -> None:
    for env in envelopes:
        assert reporting_consumer.process(env) == "applied"


def statistics(clients, auth, group_by: str, period: str = LAST_MONTH.label) -> dict:
    answer = clients["reporting"].get(
        "/statistics/hazards",
        params={"period": period, "group_by": group_by, "limit": 500},
        headers=auth(Role.auditor),
    )
    assert answer.status_code == 200, answer.text
    return {
        row["key"]: {k: v for k, v in row.items() if k not in ("key", "label")}
        for row in answer.json()["items"]
    }


def test_a_scripted_month_gives_the_figures_computed_from_the_raw_events_and_a_rebuild_the_same(
    clients, workers, auth
):
    zone = registry_events()
    month = scripted_month(zone, LAST_MONTH.start, hazards=80, seed=2026)
    before = scripted_month(zone, LAST_MONTH.previous().start, hazards=10, seed=1)  # another month
    deliver_through_worker(zone.envelopes + month + before)

    for group_by, key in (("zone", None), ("grid", "grid_id"), ("grade", "grade"), ("unit", "unit_id")):
        expected = expected_figures(month, key)
        got = statistics(clients, auth, group_by)
        assert got == {(None if k is None else str(k)): v for k, v in expected.items()}, group_by

    incremental = {
        group_by: statistics(clients, auth, group_by) for group_by in ("zone", "grid", "category", "state")
    }
    assert rebuild(progress=False) == len(zone.envelopes + month + before)
    assert {group_by: statistics(clients, auth, group_by) for group_by in incremental} == incremental

    # the hazard ledger of the month opens in openpyxl with one row per hazard
    admin = auth(Role.zone_admin)
    ledger = exported(
        clients["reporting"],
        "reporting",
        clients["reporting"].post(
            "/exports/hazard-ledger", params={"period": LAST_MONTH.label}, headers=admin
        ),
        admin,
    )
    assert ledger.status_code == 200 and "attachment" in ledger.headers["content-disposition"]
    rows = list(load_workbook(io.BytesIO(ledger.content), read_only=True).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("序号", "隐患编号", "单位名称", "所属网格")
    # every report of the month, voided ones (误报) too; the figures above count no voided one
    voided = {e["data"]["hazard_id"] for e in month if e["type"] == "hazard.voided"}
    hazards = {e["data"]["hazard_id"] for e in month}
    assert voided and expected_figures(month, None)[None]["found"] == len(hazards) - len(voided)
    assert len(rows) == 1 + len(hazards)
    assert {r[1] for r in rows[1:]} == hazards

    # the committee's monthly PDF has its charts: render the first page and look at it
    pdf = clients["reporting"].get(
        "/reports/monthly.pdf", params={"month": LAST_MONTH.label}, headers=auth(Role.leader)
    )
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    document = pypdfium2.PdfDocument(pdf.content)
    assert len(document) >= 2  # typeset on A4: figures and charts, then the tables (tests/test_documents.py)
    image = document[0].render(scale=1).to_pil().convert("RGB")
    colours = image.getcolors(maxcolors=1_000_000)
    non_white = sum(count for count, rgb in colours if rgb != (255, 255, 255))
    assert non_white > 0.02 * image.width * image.height and len(colours) > 50

    by_grid_xlsx = clients["reporting"].get(
        "/statistics/hazards.xlsx",
        params={"period": LAST_MONTH.label, "group_by": "grid"},
        headers=auth(Role.auditor),
    )
    sheet = list(load_workbook(io.BytesIO(by_grid_xlsx.content)).active.iter_rows(values_only=True))
    assert sheet[0][:3] == ("分组", "排查发现", "立改立销") and len(sheet) == 1 + len(
        expected_figures(month, "grid_id")
    )
    csv_text = (
        clients["reporting"]
        .get("/statistics/hazards.csv", params={"period": LAST_MONTH.label}, headers=auth(Role.auditor))
        .text
    )
    assert csv_text.splitlines()[0].startswith("key,label,found")


def test_exports_of_an_empty_period_are_valid_empty_files(clients, auth):
    empty = "2021-Q1"
    admin = auth()
    submitted = clients["reporting"].post("/exports/hazard-ledger", params={"period": empty}, headers=admin)
    ledger = exported(clients["reporting"], "reporting", submitted, admin)
    assert list(load_workbook(io.BytesIO(ledger.content)).active.iter_rows(values_only=True))[1:] == []
    assert len(clients["reporting"].get("/statistics/hazards.csv", params={"period": empty}, headers=auth()).text.splitlines()) == 2  # fmt: skip
    pdf = clients["reporting"].get("/reports/monthly.pdf", params={"month": "2021-02"}, headers=auth())
    assert pdf.status_code == 200 and len(pypdfium2.PdfDocument(pdf.content)) >= 1


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"period": "2026-13"}, "period"),
        ({"period": "2026-Q5"}, "period"),
        ({"period": "last month"}, "period"),
        ({"period": "2026-11", "group_by": "colour"}, "group_by"),
        ({"period": "2026-11", "limit": 5000}, "limit"),
        ({}, "period"),  # no unbounded statistics
    ],
)
def test_statistics_queries_that_do_not_parse_or_are_unbounded_are_refused(clients, auth, params, field):
    answer = clients["reporting"].get("/statistics/hazards", params=params, headers=auth())
    assert answer.status_code == 422 and field in answer.text


def test_statistics_groups_page_by_cursor_to_the_last_group(clients, auth):
    zone = registry_events(grid_count=2, units_per_grid=3)
    month = scripted_month(zone, LAST_MONTH.start, hazards=30, seed=4)
    apply_in_order(zone.envelopes + month)
    whole = statistics(clients, auth, "unit")
    params = {"period": LAST_MONTH.label, "group_by": "unit", "limit": 2}
    get = partial(clients["reporting"].get, "/statistics/hazards", headers=auth(Role.auditor))
    first = get(params=params).json()
    assert len(first["items"]) == 2 and first["next"] and first["total_groups"] == len(whole) > 2
    paged = walk(get, **params)
    assert [row["key"] for row in paged] == list(whole)  # the most hazards first, each group once
    by_grid = get(params={**params, "group_by": "grid", "cursor": first["next"]})
    assert by_grid.status_code == 422 and by_grid.json()["errors"][0]["loc"] == "cursor"


def test_statistics_are_for_supervisors_and_grid_staff_see_their_own_grids(clients, workers, auth):
    zone = registry_events(grid_count=2, units_per_grid=1)
    month = scripted_month(zone, LAST_MONTH.start, hazards=20, seed=3)
    apply_in_order(zone.envelopes + month)
    mine = zone.grids[0]
    own = statistics(clients, lambda *r: auth(Role.grid_member, grid_ids=[mine]), "grid")
    assert list(own) == [str(mine)]
    answer = clients["reporting"].get("/statistics/hazards", params={"period": LAST_MONTH.label}, headers=auth(Role.enterprise_user))  # fmt: skip
    assert answer.status_code == 403


def monthly_report(unit_id, period, **changes) -> dict:
    return {
        "unit_id": str(unit_id),
        "kind": "monthly_risk",
        "period": period,
        "monthly_risk": {
            "shortcomings": "部分员工安全培训不到位",
            "weak_points": "夜班巡检",
            "difficulties": "老旧设备改造资金不足",
            "main_risks": [{"risk": "液氨泄漏", "measures": "每班巡检、泄漏报警联锁"}],
        },
    } | changes


def test_filing_reports_versions_lateness_status_and_the_overdue_reminder(clients, workers, relay, auth):
    relay("reporting")
    people = zone_with_people()  # the unit as notifications knows it, with its principal person
    zone = registry_events(grid_count=1, units_per_grid=2)
    unit, other = list(zone.units)
    # the same unit for reporting as for notifications
    apply_in_order(zone.envelopes)
    apply_in_order([envelope(EnterpriseRegisteredV1(enterprise_id=people.unit_id, name="宏达化工有限公司", credit_code="x", kind=UnitKind.enterprise, industry="化工", production_status=ProductionStatus.operating, key_supervision=True, grid_id=people.grid_id, responsible_head=None, responsible_phone=None), "registry")])  # fmt: skip
    mine = auth(Role.enterprise_user, enterprise_id=unit)
    this_month = containing(PeriodKind.month, local_today())
    next_month = (this_month.end + timedelta(days=1)).strftime("%Y-%m")

    def file(body: dict, headers: dict = mine):
        return clients["reporting"].post("/filings", json=body, headers=headers)

    assert file(monthly_report(unit, next_month)).status_code == 422  # a month that has not begun
    assert file(monthly_report(other, LAST_MONTH.label)).status_code == 403  # someone else's enterprise
    assert file(monthly_report(unit, "2026-13")).status_code == 422
    assert file(monthly_report(unit, "2026-Q3")).status_code == 422  # a quarter is not a month
    missing = file(monthly_report(unit, LAST_MONTH.label, monthly_risk=None))
    assert missing.status_code == 422 and "monthly_risk" in missing.text
    empty_section = monthly_report(unit, LAST_MONTH.label)
    empty_section["monthly_risk"]["main_risks"] = []
    assert file(empty_section).status_code == 422
    assert file(monthly_report(uuid.uuid4(), LAST_MONTH.label), auth(Role.zone_admin)).status_code == 404

    first = file(monthly_report(unit, LAST_MONTH.label))
    assert first.status_code == 201 and first.json()["version"] == 1 and first.json()["late"] is True
    second = file(monthly_report(unit, LAST_MONTH.label, monthly_risk=monthly_report(unit, "x")["monthly_risk"] | {"free_text": "补充说明"}))  # fmt: skip
    assert second.json()["version"] == 2
    versions = (
        clients["reporting"].get("/filings", params={"unit_id": str(unit)}, headers=mine).json()["items"]
    )
    assert [v["version"] for v in versions] == [2, 1]  # the first filing is kept

    # the signed scan goes with the filing, judged by its content
    scan = pdf(3)
    attach = f"/filings/{second.json()['id']}/attachments"
    added = clients["reporting"].post(attach, files={"file": ("月度报告.pdf", scan)}, headers=mine)
    assert added.status_code == 201 and added.json()["content_type"] == "application/pdf"
    assert (
        clients["reporting"].post(attach, files={"file": ("x.pdf", b"not a pdf")}, headers=mine).status_code
        == 422
    )
    # a photo the phone made smaller (no EXIF left) keeps the time the phone says it took it
    shrunk = clients["reporting"].post(
        attach, files={"file": ("现场.jpg", photo("JPEG"))}, data={"taken_at": "2026-11-02T07:30:00+08:00"}, headers=mine
    )  # fmt: skip
    assert shrunk.status_code == 201
    assert datetime.fromisoformat(shrunk.json()["taken_at"]) == datetime(
        2026, 11, 2, 7, 30, tzinfo=ZoneInfo("Asia/Shanghai")
    )
    half = clients["reporting"].post(attach, files={"file": ("现场.jpg", photo("JPEG"))}, data={"latitude": "31.8"}, headers=mine)  # fmt: skip
    assert half.status_code == 422 and "longitude" in half.text
    pretended = clients["reporting"].post(attach, files={"file": ("扫描件.pdf", b"%PDF-1.7 scanned report")}, headers=mine)  # fmt: skip
    assert pretended.status_code == 422 and "扫描件.pdf" in pretended.json()["detail"]
    others = auth(Role.enterprise_user, enterprise_id=other)
    assert (
        clients["reporting"].post(attach, files={"file": ("x.pdf", scan)}, headers=others).status_code == 403
    )
    listed = clients["reporting"].get(attach, headers=auth(Role.auditor)).json()["items"]
    assert clients["reporting"].get(f"{attach}/{listed[0]['id']}", headers=mine).content == scan
    downloads = clients["reporting"].get("/audit", params={"action": "download"}, headers=auth(Role.auditor))
    assert [e["target"] for e in downloads.json()["items"]] == [f"filing-attachment:{listed[0]['id']}"]

    statistics_report = {"unit_id": str(unit), "kind": "quarterly_statistics", "period": "2026-Q2",
                         "statistics": {"hazards_found": 3, "major_hazards": 0, "hazards_rectified": 3}}  # fmt: skip
    unsigned = file(statistics_report)
    assert unsigned.status_code == 422 and "signed_by" in unsigned.text
    statistics_report["statistics"]["signed_by"] = "王总"
    assert file(statistics_report).json()["signed_by"] == "王总"

    status = (
        clients["reporting"]
        .get(
            "/filings/status",
            params={"kind": "monthly_risk", "period": LAST_MONTH.label},
            headers=auth(Role.zone_admin),
        )
        .json()
    )
    states = {row["unit_id"]: row["status"] for row in status["units"]}
    assert states[str(unit)] == "late" and states[str(other)] == "missing"
    assert status["counts"]["late"] == 1 and status["counts"]["missing"] == 2
    assert status["main_risks"][0]["risk"] == "液氨泄漏"

    # report.overdue once per unit, kind and period, however often the check runs; it reaches the principal
    with runtime.transaction() as session:
        first_run = check_overdue(session, local_today())
    with runtime.transaction() as session:
        assert check_overdue(session, local_today()) == 0
    assert first_run >= 2
    overdue = (
        "SELECT count(*) FROM reporting.outbox WHERE event_type = 'report.overdue' AND envelope->'data'->>'unit_id' = :u "
        "AND envelope->'data'->>'kind' = 'monthly_risk' AND envelope->'data'->>'period' = :p"
    )
    assert sql(overdue, u=str(unit), p=LAST_MONTH.label) == 0  # it filed, late
    assert sql(overdue, u=str(people.unit_id), p=LAST_MONTH.label) == 1
    wait_until(lambda: told(people.people["principal"], "event:") >= 1)


def test_a_unit_that_has_not_filed_is_reminded_once_before_the_due_date_and_one_that_filed_is_not(
    clients, workers, relay, auth
):
    relay("reporting")
    late, filed = zone_with_people(), zone_with_people()  # two units as notifications knows them
    for zone in (late, filed):
        apply_in_order([envelope(EnterpriseRegisteredV1(enterprise_id=zone.unit_id, name="宏达化工有限公司", credit_code="x", kind=UnitKind.enterprise, industry="化工", production_status=ProductionStatus.operating, key_supervision=True, grid_id=zone.grid_id, responsible_head=None, responsible_phone=None), "registry")])  # fmt: skip
    this_month = containing(PeriodKind.month, local_today())
    body = monthly_report(filed.unit_id, this_month.label)
    headers = auth(Role.enterprise_user, enterprise_id=filed.unit_id)
    assert clients["reporting"].post("/filings", json=body, headers=headers).status_code == 201

    # the zone rule's reminder days (3) before the due date, and on each later day up to it, the
    # check may run as often as it likes
    with runtime.transaction() as session:
        due = due_on(session, ReportKind.monthly_risk, this_month)
    with runtime.transaction() as session:
        assert check_due(session, due - timedelta(days=4)) == 0  # too early
    published = 0
    for day in (due - timedelta(days=3), due - timedelta(days=3), due - timedelta(days=1), due):
        with runtime.transaction() as session:
            published += check_due(session, day)
    reminders = "SELECT count(*) FROM reporting.outbox WHERE event_type = 'report.due' AND envelope->'data'->>'unit_id' = :u"
    assert sql(reminders, u=str(late.unit_id)) == 1 and sql(reminders, u=str(filed.unit_id)) == 0
    assert published == 1

    # through the relay and the notifications worker: the unit's head and its grid member, once each
    inbox = (
        "SELECT count(*) FROM notifications.inbox_message WHERE event_type = 'report.due' AND person_id = :p"
    )
    wait_until(
        lambda: sql("SELECT count(*) FROM notifications.inbox_message WHERE event_type = 'report.due'") >= 2
    )
    assert sql(inbox, p=str(late.people["principal"].person_id)) == 1
    assert sql(inbox, p=str(late.people["member"].person_id)) == 1
    assert sql("SELECT count(*) FROM notifications.inbox_message WHERE event_type = 'report.due'") == 2
    for role in ("principal", "member"):
        assert told(filed.people[role], "event:") == 0


def test_the_assessment_scores_grid_staff_with_the_detail_behind_each_score(clients, workers, auth):
    zone = registry_events(grid_count=1, units_per_grid=2)
    grid = zone.grids[0]
    member, leader = uuid.uuid4(), uuid.uuid4()
    member_user = uuid.uuid4()
    staff = [
        envelope(PersonChangedV1(person_id=member, name="网格员 李", phone=None, email=None, enterprise_id=None, user_id=member_user), "registry"),
        envelope(PersonChangedV1(person_id=leader, name="网格长 陈", phone=None, email=None, enterprise_id=None, user_id=uuid.uuid4()), "registry"),
        grid_duty(member, grid, "grid_member", LAST_MONTH.start - timedelta(days=40)),
        grid_duty(leader, grid, "grid_leader", LAST_MONTH.start - timedelta(days=40)),
    ]  # fmt: skip
    unit = next(iter(zone.units))
    inspections = [
        envelope(InspectionCompletedV1(inspection_id=uuid.uuid4(), unit_id=unit, grid_id=grid, kind="daily_patrol", inspector_id=member_user, inspected_on=LAST_MONTH.start + timedelta(days=d), items=10, failed=0, hazard_ids=[]), "inspections")
        for d in range(3)
    ]  # fmt: skip
    month = scripted_month(zone, LAST_MONTH.start, hazards=12, seed=11)
    for env in month:  # the member reported them all, one of them by mistake (voided)
        if env["type"] == "hazard.reported":
            env["data"]["actor_id"] = str(member_user)
    assert any(env["type"] == "hazard.voided" for env in month)
    apply_in_order(zone.envelopes + staff + inspections + month)
    expected = expected_figures(month, None)[None]

    answer = clients["reporting"].get(
        "/assessment", params={"month": LAST_MONTH.label}, headers=auth(Role.zone_admin)
    )
    assert answer.status_code == 200, answer.text
    scores = {s["name"]: s for s in answer.json()["scores"]}
    items = {i["metric"]: i for i in scores["网格员 李"]["items"]}
    assert items["inspections_done"]["count"] == 3 and items["inspections_done"]["points"] == 6.0
    assert items["hazards_found"]["count"] == expected["found"]  # a voided report earns nothing
    assert items["escalated"]["count"] == expected["escalated"]
    assert scores["网格员 李"]["score"] == round(sum(i["points"] for i in items.values()), 2)
    leader_items = {i["metric"]: i for i in scores["网格长 陈"]["items"]}
    assert (
        leader_items["inspections_done"]["count"] == 0
        and leader_items["escalated"]["count"] == expected["escalated"]
    )
    assert scores["网格员 李"]["rank"] < scores["网格长 陈"]["rank"]
    assert (
        clients["reporting"].get("/assessment", params={"month": "2026"}, headers=auth()).status_code == 422
    )
    assert clients["reporting"].get("/assessment", params={"month": LAST_MONTH.label}, headers=auth(Role.grid_member)).status_code == 403  # fmt: skip


def test_the_campaign_shows_the_plans_phases_and_progress(clients, auth):
    phases = clients["reporting"].get("/campaign", headers=auth(Role.leader)).json()["items"]
    assert [p["name"] for p in phases] == [
        "调查摸底、建立台帐阶段",
        "落实责任、形成网格阶段",
        "总结提高、建立机制阶段",
    ]
    assert all(
        p["status"] == "behind" and p["progress"] == 0 for p in phases
    )  # 2021's dates, nothing recorded
    task = phases[1]["tasks"][0]
    future = str(local_today() + timedelta(days=1))
    assert clients["reporting"].put(f"/campaign/tasks/{task['id']}/done", json={"done_on": future}, headers=auth()).status_code == 422  # fmt: skip
    assert clients["reporting"].put(f"/campaign/tasks/{task['id']}/done", json={"done_on": "2021-05-01"}, headers=auth(Role.leader)).status_code == 403  # fmt: skip
    assert clients["reporting"].put(f"/campaign/tasks/{task['id']}/done", json={"done_on": "2021-05-01"}, headers=auth()).status_code == 200  # fmt: skip
    moved = (
        clients["reporting"]
        .put(
            f"/campaign/phases/{phases[1]['id']}/dates",
            json={
                "starts_on": str(local_today() - timedelta(days=30)),
                "ends_on": str(local_today() + timedelta(days=30)),
            },
            headers=auth(),
        )
        .json()
    )
    assert moved["id"] == phases[1]["id"]
    assert moved["status"] == "in_progress" and moved["progress"] == round(1 / 3, 4)
    bad = clients["reporting"].put(f"/campaign/phases/{phases[1]['id']}/dates", json={"starts_on": "2026-12-31", "ends_on": "2026-01-01"}, headers=auth())  # fmt: skip
    assert bad.status_code == 422


def test_the_dashboard_gives_the_zone_at_a_glance(clients, auth):
    zone = registry_events(grid_count=1, units_per_grid=3)
    this_month = containing(PeriodKind.month, local_today())
    month = scripted_month(zone, this_month.start, hazards=15, seed=5)
    apply_in_order(zone.envelopes + month)
    board = clients["reporting"].get("/dashboard", headers=auth(Role.enforcement_officer)).json()
    assert board["units"] == {"enterprise": 3} and board["risk_colours"] == {"unassessed": 3}
    expected = expected_figures(month, None)[None]
    assert {k: board["this_month"][k] for k in expected} == expected
    assert sum(board["monthly_risk_reports"].values()) == 3
    assert len(board["trend"]) == 12 and board["trend"][-1]["month"] == this_month.label
    assert board["trend"][-1]["found"] == expected["found"]


def test_training_compliance_per_unit_and_grid_and_in_the_assessment(clients, auth):
    zone = registry_events(grid_count=1, units_per_grid=2)
    diligent, lax = list(zone.units)
    grid = zone.grids[0]
    member = uuid.uuid4()
    day = LAST_MONTH.start + timedelta(days=2)
    events = [
        envelope(PersonChangedV1(person_id=member, name="网格员 赵", phone=None, email=None, enterprise_id=None, user_id=uuid.uuid4()), "registry"),
        grid_duty(member, grid, "grid_member", LAST_MONTH.start),
    ]  # fmt: skip
    events += [
        envelope(TrainingRecordedV1(session_id=uuid.uuid4(), unit_id=diligent, grid_id=grid, team_id=None, kind=kind, held_on=day, attendees=12, duration_minutes=30), "inspections")
        for kind in ("pre_shift", "pre_shift", "publicity")
    ]  # fmt: skip
    events += [
        envelope(TrainingMissedV1(rule_code="unit_monthly_exam", activity="exam", subject_id=lax, unit_id=lax, grid_id=grid, period=LAST_MONTH.label, period_start=LAST_MONTH.start, period_end=LAST_MONTH.end - timedelta(days=1), done=0, required=1), "inspections"),
    ]  # fmt: skip
    apply_in_order(zone.envelopes + events)
    answer = clients["reporting"].get(
        "/statistics/training", params={"period": LAST_MONTH.label}, headers=auth(Role.auditor)
    )
    units = {row["unit_id"]: row for row in answer.json()["units"]}
    assert (
        units[str(diligent)]["recorded"] == {"pre_shift": 2, "publicity": 1}
        and units[str(diligent)]["missed"] == {}
    )
    assert units[str(lax)]["missed"] == {"exam": 1}
    assert answer.json()["by_grid"][str(grid)] == {"recorded": 3, "missed": 1}
    scores = (
        clients["reporting"]
        .get("/assessment", params={"month": LAST_MONTH.label}, headers=auth())
        .json()["scores"]
    )
    items = {i["metric"]: i for i in scores[0]["items"]}
    assert items["missed_training"]["count"] == 0  # the unit's own exam: not the grid member's duty
    compliance = clients["reporting"].get(
        "/assessment/enterprises", params={"month": LAST_MONTH.label}, headers=auth(Role.auditor)
    )
    assert compliance.status_code == 200, compliance.text
    assert [
        (row["unit_id"], row["missed_training"], row["by_rule"]) for row in compliance.json()["items"]
    ] == [(str(lax), 1, {"unit_monthly_exam": 1})]


def test_the_overdue_check_runs_on_the_zones_date_not_on_utcs():
    """The scheduled job takes its day from the zone clock; the test moves that clock."""
    zone = registry_events(grid_count=1, units_per_grid=1)
    apply_in_order(zone.envelopes)
    march_overdue = (
        "SELECT count(*) FROM reporting.outbox WHERE event_type = 'report.overdue' "
        "AND envelope->'data'->>'kind' = 'monthly_risk' AND envelope->'data'->>'period' = '2026-03'"
    )
    # March's monthly risk report is due on 20 March; 15:30 UTC is 23:30 in the zone: still in time
    with time_machine.travel(datetime(2026, 3, 20, 15, 30, tzinfo=UTC), tick=False):
        check_overdue_reports()
    assert sql(march_overdue) == 0
    # 16:30 UTC is still the 20th in UTC but already the 21st in the zone: overdue
    with time_machine.travel(datetime(2026, 3, 20, 16, 30, tzinfo=UTC), tick=False):
        check_overdue_reports()
    assert sql(march_overdue) == 1
