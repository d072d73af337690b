"""Training, exams, publicity and certificates (§4.5): one cadence engine, records, reminders."""

import uuid
from datetime import date, datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

import pytest

from services.inspections.cadence.service import check_due, check_missed
from services.inspections.runtime import runtime as inspections
from services.inspections.worker import consumer as inspections_consumer
from services.registry.certificate.service import check_expiry
from services.registry.runtime import runtime as registry
from shared.auth import Role
from shared.clock import local_today
from shared.events.contracts.registry import (
    AssignmentChangedV1,
    EnterpriseRegisteredV1,
    PersonChangedV1,
    ProductionStatus,
    UnitKind,
    UnitState,
)
from shared.periods import PeriodKind, containing
from tests.factories import enterprise_payload
from tests.support.files import pdf, photo
from tests.support.inspections import sql, sql_rows
from tests.support.notifications import told, zone_with_people
from tests.support.paging import walk
from tests.support.processes import wait_until
from tests.support.reporting import envelope

LAST_MONTH = containing(PeriodKind.month, local_today()).previous()


def inspections_know(
    unit_id: uuid.UUID,
    status: ProductionStatus = ProductionStatus.operating,
    grid_id=None,
    since=LAST_MONTH.start,
) -> list[uuid.UUID]:
    """The unit (registered on `since`) and three of its people, as the inspections service hears of them."""
    people = [uuid.uuid4() for _ in range(3)]
    grid_id = grid_id or uuid.uuid4()
    states = [
        UnitState(
            valid_from=since, valid_to=None, production_status=status, key_supervision=True, grid_id=grid_id
        )
    ]
    events = [envelope(EnterpriseRegisteredV1(enterprise_id=unit_id, name="宏达化工有限公司", credit_code="x", kind=UnitKind.enterprise, industry="化工", production_status=status, key_supervision=True, grid_id=grid_id, responsible_head=None, responsible_phone=None, version=1, states=states), "registry")]  # fmt: skip
    events += [envelope(PersonChangedV1(person_id=p, name=f"员工{i}", phone=None, email=None, enterprise_id=unit_id), "registry") for i, p in enumerate(people)]  # fmt: skip
    for event in events:
        assert inspections_consumer.process(event) == "applied"
    return people


def training(unit_id, people, day: date, team_id=None, kind="pre_shift", **changes) -> dict:
    return {
        "unit_id": str(unit_id),
        "team_id": str(team_id) if team_id else None,
        "kind": kind,
        "held_on": str(day),
        "topic": "受限空间作业安全",
        "trainer": "安全员 王",
        "attendee_ids": [str(p) for p in people],
        "duration_minutes": 30,
        "evidence_kind": "sign_in_sheet",
        "evidence_ref": "签到表-20261101.jpg",
    } | changes


def status_on(api, rule: str, day: date) -> dict[str, str]:
    rows = api("GET", "/cadences/status", role=Role.zone_admin, params={"rule": rule, "on": str(day)}).json()[
        "items"
    ]
    return {row["subject_name"]: row["status"] for row in rows}


def test_a_month_of_scripted_activity_gives_the_right_done_due_missed_table(api):
    unit = uuid.uuid4()
    people = inspections_know(unit)
    teams = {}
    for name in ("甲班", "乙班"):
        answer = api(
            "POST", f"/units/{unit}/teams", role=Role.enterprise_user, enterprise_id=unit, json={"name": name}
        )
        assert answer.status_code == 201, answer.text
        teams[name] = answer.json()["id"]
    days = [LAST_MONTH.start + timedelta(days=n) for n in range((LAST_MONTH.end - LAST_MONTH.start).days)]
    skipped_by_a = {days[3], days[10], days[17]}  # 甲班 skips three days; 乙班 trains on even days only
    for day in days:
        for name, trains in (("甲班", day not in skipped_by_a), ("乙班", day.day % 2 == 0)):
            if trains:
                recorded = api("POST", "/trainings", role=Role.enterprise_user, enterprise_id=unit, json=training(unit, people, day, teams[name]))  # fmt: skip
                assert recorded.status_code == 201, recorded.text
    assert api("POST", "/exams", role=Role.enterprise_user, enterprise_id=unit, json={"unit_id": str(unit), "held_on": str(days[25]), "topic": "月度考试", "pass_mark": 60, "scores": [{"person_id": str(p), "score": 80} for p in people]}).status_code == 201  # fmt: skip

    table = {day: status_on(api, "team_pre_shift_training", day) for day in days}
    for day, row in table.items():
        if day.weekday() >= 5:  # a daily duty is owed on working days only (no holidays recorded here)
            assert row == {}, day
            continue
        assert row["宏达化工有限公司 甲班"] == ("missed" if day in skipped_by_a else "done"), day
        assert row["宏达化工有限公司 乙班"] == ("done" if day.day % 2 == 0 else "missed"), day
    today_owed = (
        {"宏达化工有限公司 甲班": "due", "宏达化工有限公司 乙班": "due"}
        if local_today().weekday() < 5
        else {}
    )
    assert status_on(api, "team_pre_shift_training", local_today()) == today_owed
    assert status_on(api, "unit_monthly_exam", LAST_MONTH.start) == {"宏达化工有限公司": "done"}
    assert status_on(api, "unit_monthly_exam", local_today()) == {"宏达化工有限公司": "due"}
    # the same engine the inspections use: one list of rules
    codes = {r["code"]: r for r in api("GET", "/cadences/rules").json()}
    assert (
        codes["team_pre_shift_training"]["record"] == "training"
        and codes["leader_key_unit_monthly"]["record"] == "inspection"
    )

    with inspections.transaction() as session:  # every closed period since the unit was registered
        emitted = check_missed(session, local_today())
    with inspections.transaction() as session:
        assert check_missed(session, local_today()) == 0  # once each
    missed = (
        "SELECT envelope->'data'->>'activity', count(*) FROM inspections.outbox "
        "WHERE event_type = 'training.missed' AND envelope->'data'->>'unit_id' = :u GROUP BY 1"
    )
    # the working days a team skipped last month, and both teams on each working day of this month
    # so far; no publicity (the unit was registered in this half year) and the exam was done
    this_month = [d for d in (LAST_MONTH.end + timedelta(days=n) for n in range(31)) if d < local_today()]
    skipped = [d for d in days if d.weekday() < 5 and d in skipped_by_a] + [
        d for d in days if d.weekday() < 5 and d.day % 2
    ]
    expected = len(skipped) + 2 * len([d for d in this_month if d.weekday() < 5])
    assert dict(sql_rows(missed, u=str(unit))) == ({"pre_shift": expected} if expected else {})
    assert emitted >= expected


def test_bad_training_and_exam_records_are_refused(api):
    unit, other = uuid.uuid4(), uuid.uuid4()
    people = inspections_know(unit)
    strangers = inspections_know(other)
    closed = uuid.uuid4()
    closed_people = inspections_know(closed, status=ProductionStatus.closed)
    yesterday = local_today() - timedelta(days=1)

    def post(path, body, enterprise=unit):
        return api("POST", path, role=Role.enterprise_user, enterprise_id=enterprise, json=body)

    future = post("/trainings", training(unit, people, local_today() + timedelta(days=1), kind="publicity"))
    assert future.status_code == 422 and "held_on" in future.text
    foreign = post("/trainings", training(unit, [people[0], strangers[0]], yesterday, kind="publicity"))
    assert foreign.status_code == 422 and str(strangers[0]) in foreign.text
    assert (
        post("/trainings", training(unit, people, yesterday)).status_code == 422
    )  # pre-shift without a team
    assert post("/trainings", training(other, strangers, yesterday, kind="publicity")).status_code == 403
    assert post("/trainings", training(closed, closed_people, yesterday, kind="publicity"), enterprise=closed).status_code == 409  # fmt: skip
    exam = {"unit_id": str(unit), "held_on": str(yesterday), "topic": "月考", "pass_mark": 60, "scores": [{"person_id": str(people[0]), "score": 101}]}  # fmt: skip
    assert post("/exams", exam).status_code == 422
    no_mark = {k: v for k, v in exam.items() if k != "pass_mark"} | {
        "scores": [{"person_id": str(people[0]), "score": 90}]
    }
    assert post("/exams", no_mark).status_code == 422
    exam["scores"] = [{"person_id": str(people[0]), "score": 55}, {"person_id": str(people[1]), "score": 75}]
    recorded = post("/exams", exam)
    assert recorded.status_code == 201 and recorded.json()["must_retake"] == [str(people[0])]
    failed = "SELECT count(*) FROM inspections.outbox WHERE event_type = 'exam.failed'"
    assert sql(failed) == 1

    assert post("/trainings", training(unit, people, yesterday, kind="three_post_reexam", duration_minutes=8 * 60)).status_code == 201  # fmt: skip
    hours = api(
        "GET", f"/people/{people[0]}/training-hours", role=Role.zone_admin, params={"year": yesterday.year}
    ).json()
    assert hours["hours"] == 8.0 and hours["required_hours"] == 12 and hours["enough"] is False


def test_a_missed_monthly_exam_reaches_the_enterprise_heads_inbox(workers, relay):
    relay("inspections")
    people = zone_with_people()  # notifications knows the unit and its principal person
    inspections_know(people.unit_id, grid_id=people.grid_id)  # inspections knows it too
    with inspections.transaction() as session:
        check_missed(session, local_today())

    def titles() -> str:
        return sql(
            "SELECT coalesce(string_agg(title, '|'), '') FROM notifications.inbox_message WHERE person_id = :p",
            p=str(people.people["principal"].person_id),
        )

    wait_until(lambda: f"{LAST_MONTH.label} 月度安全考试" in titles())


def test_a_certificate_30_days_from_expiry_gives_one_reminder_however_often_the_check_runs(
    clients, workers, relay, auth, grid
):
    relay("registry")
    registry_api, admin = clients["registry"], auth()
    unit = registry_api.post("/enterprises", json=enterprise_payload(grid["id"]), headers=admin).json()
    person = registry_api.post("/people", json={"name": "主要负责人 王", "enterprise_id": unit["id"], "email": "wang@example.cn"}, headers=admin).json()  # fmt: skip
    account = registry_api.post("/accounts", json={"person_id": person["id"], "username": "wang", "password": "long-enough-1", "roles": ["enterprise_user"]}, headers=admin)  # fmt: skip
    assert account.status_code == 201
    duty = {
        "person_id": person["id"],
        "duty": "principal_person",
        "scope_id": unit["id"],
        "valid_from": "2020-01-01",
    }
    assert registry_api.post("/responsibilities", json=duty, headers=admin).status_code == 201
    mine = auth(Role.enterprise_user, enterprise_id=uuid.UUID(unit["id"]))

    today = local_today()
    certificate = {"kind": "principal_person", "number": "AQ-2023-0001", "issuing_authority": "市应急管理局",
                   "issued_on": str(today - timedelta(days=3 * 365)), "expires_on": str(today + timedelta(days=30))}  # fmt: skip
    missing = registry_api.get(
        "/certificates/missing", params={"enterprise_id": unit["id"]}, headers=mine
    ).json()["items"]
    assert [m["person_id"] for m in missing] == [person["id"]]  # no certificate yet
    assert (
        registry_api.post(f"/people/{person['id']}/certificates", json=certificate, headers=mine).status_code
        == 201
    )
    assert registry_api.get(
        "/certificates/missing", params={"enterprise_id": unit["id"]}, headers=mine
    ).json() == {"items": [], "next": None}
    duplicate = registry_api.post(f"/people/{person['id']}/certificates", json=certificate, headers=mine)
    assert duplicate.status_code == 409
    backwards = certificate | {"number": "AQ-2", "expires_on": certificate["issued_on"]}
    assert (
        registry_api.post(f"/people/{person['id']}/certificates", json=backwards, headers=mine).status_code
        == 422
    )
    welder = {
        "kind": "special_operation",
        "number": "T-1",
        "issuing_authority": "市应急管理局",
        "issued_on": "2024-03-01",
    }
    assert (
        registry_api.post(f"/people/{person['id']}/certificates", json=welder, headers=mine).status_code
        == 422
    )  # no category
    welder["category"] = "焊接与热切割作业"
    made = registry_api.post(f"/people/{person['id']}/certificates", json=welder, headers=mine).json()
    assert (made["expires_on"], made["review_on"]) == (
        "2030-03-01",
        "2027-03-01",
    )  # valid 6 years, reviewed every 3

    for _ in range(3):  # the scheduler runs again and again
        with registry.transaction() as session:
            check_expiry(session, today, 30)
    expiring = "SELECT count(*) FROM registry.outbox WHERE event_type = 'certificate.expiring'"
    assert sql(expiring) == 1
    wait_until(lambda: sql("SELECT count(*) FROM notifications.inbox_message WHERE event_type = 'certificate.expiring'") == 1)  # fmt: skip
    assert (
        sql("SELECT why FROM notifications.inbox_message WHERE event_type = 'certificate.expiring'")
        == "certificate_holder"
    )
    with registry.transaction() as session:  # a month later it has expired: one more notice
        check_expiry(session, today + timedelta(days=31), 30)
    assert sql("SELECT count(*) FROM registry.outbox WHERE event_type = 'certificate.expired'") == 1


@pytest.mark.parametrize("role", [Role.grid_member, Role.auditor])
def test_certificates_of_another_enterprise_are_not_for_enterprise_users(clients, auth, grid, role):
    admin = auth()
    unit = clients["registry"].post("/enterprises", json=enterprise_payload(grid["id"]), headers=admin).json()
    person = (
        clients["registry"]
        .post("/people", json={"name": "x", "enterprise_id": unit["id"]}, headers=admin)
        .json()
    )
    other = auth(Role.enterprise_user, enterprise_id=uuid.uuid4())
    body = {"kind": "safety_manager", "number": "S-1", "issuing_authority": "局", "issued_on": "2025-01-01", "expires_on": "2028-01-01"}  # fmt: skip
    assert (
        clients["registry"].post(f"/people/{person['id']}/certificates", json=body, headers=other).status_code
        == 403
    )
    assert (
        clients["registry"]
        .post(f"/people/{person['id']}/certificates", json=body, headers=auth(role))
        .status_code
        == 403
    )


def test_an_enterprise_sees_its_certificates_to_renew_soonest_first_not_those_renewed(clients, auth, grid):
    registry_api, admin = clients["registry"], auth()
    unit, other_unit = (
        registry_api.post("/enterprises", json=enterprise_payload(grid["id"]), headers=admin).json()
        for _ in range(2)
    )

    def person(name: str, enterprise: dict) -> str:
        made = {"name": name, "enterprise_id": enterprise["id"]}
        return registry_api.post("/people", json=made, headers=admin).json()["id"]

    head, welder, stranger = (
        person("负责人 张", unit),
        person("焊工 李", unit),
        person("外单位 赵", other_unit),
    )
    today = local_today()

    def certify(holder: str, number: str, expires_in: int, kind="safety_manager", category=None) -> None:
        body = {"kind": kind, "category": category, "number": number, "issuing_authority": "市应急管理局",
                "issued_on": str(today - timedelta(days=1000)), "expires_on": str(today + timedelta(days=expires_in))}  # fmt: skip
        assert (
            registry_api.post(f"/people/{holder}/certificates", json=body, headers=admin).status_code == 201
        )

    certify(head, "S-1", 20)
    certify(welder, "T-old", -5, "special_operation", "焊接与热切割作业")  # expired, and renewed:
    certify(welder, "T-new", 2000, "special_operation", "焊接与热切割作业")
    certify(welder, "E-1", -3, "special_operation", "电工作业")  # expired, not renewed
    certify(welder, "E-0", 100, "special_operation", "高处作业")
    certify(stranger, "S-9", 10)
    mine = auth(Role.enterprise_user, enterprise_id=uuid.UUID(unit["id"]))

    def expiring(**params) -> list[tuple[str, str, int]]:
        answer = registry_api.get(
            "/certificates/expiring", params={"enterprise_id": unit["id"]} | params, headers=mine
        )
        assert answer.status_code == 200, answer.text
        return [(c["number"], c["holder_name"], c["days_left"]) for c in answer.json()["items"]]

    assert expiring() == [("E-1", "焊工 李", -3), ("S-1", "负责人 张", 20)]  # within 30 days by default
    assert [number for number, _, _ in expiring(within_days=120)] == ["E-1", "S-1", "E-0"]
    pages = walk(partial(registry_api.get, "/certificates/expiring", headers=mine), enterprise_id=unit["id"], within_days=120, limit=1)  # fmt: skip
    assert [c["number"] for c in pages] == ["E-1", "S-1", "E-0"]
    too_far = registry_api.get(
        "/certificates/expiring", params={"enterprise_id": unit["id"], "within_days": 400}, headers=mine
    )
    assert too_far.status_code == 422 and too_far.json()["errors"][0]["loc"] == "query.within_days"
    theirs = registry_api.get(
        "/certificates/expiring", params={"enterprise_id": other_unit["id"]}, headers=mine
    )
    assert theirs.status_code == 403


def test_a_leaders_monthly_inspection_not_done_by_the_20th_is_reminded_once(workers, relay):
    relay("inspections")
    people = zone_with_people()  # a key unit in a grid, with its leader, as notifications knows them
    inspections_know(people.unit_id, grid_id=people.grid_id)
    this_month = containing(PeriodKind.month, local_today())
    with inspections.transaction() as session:  # the 19th: not yet
        assert check_due(session, this_month.start + timedelta(days=18)) == 0
    for _ in range(2):  # the 25th, the scheduler running twice
        with inspections.transaction() as session:
            check_due(session, this_month.start + timedelta(days=24))
    due = "SELECT string_agg(event_type, ',' ORDER BY event_type) FROM inspections.outbox WHERE event_type LIKE '%.due'"
    assert (
        sql(due) == "inspection.due,training.due"
    )  # the leader's inspection of the key unit, the monthly exam
    wait_until(lambda: told(people.people["leader"], "event:") == 1)
    title = sql(
        "SELECT title FROM notifications.inbox_message WHERE person_id = :p",
        p=str(people.people["leader"].person_id),
    )
    assert title.startswith("【待检查】宏达化工有限公司") and "分管领导检查" in title
    wait_until(lambda: told(people.people["principal"], "event:") == 1)  # the exam, to the enterprise's head


def test_principal_persons_and_safety_managers_owe_the_annual_re_examination_in_the_same_engine(api):
    unit = uuid.uuid4()
    people = inspections_know(unit, since=date(local_today().year - 1, 1, 1))
    for person, duty in (
        (people[0], "principal_person"),
        (people[1], "safety_manager"),
        (people[2], "grid_member"),
    ):
        assignment = AssignmentChangedV1(assignment_id=uuid.uuid4(), person_id=person, duty=duty, scope_type="enterprise", scope_id=unit, valid_from=date(2020, 1, 1), valid_to=None)  # fmt: skip
        assert inspections_consumer.process(envelope(assignment, "registry")) == "applied"
    today = local_today()
    assert status_on(api, "three_post_annual_reexam", today) == {"宏达化工有限公司 员工0": "due", "宏达化工有限公司 员工1": "due"}  # fmt: skip
    body = training(
        unit, [people[0]], today - timedelta(days=1), kind="three_post_reexam", duration_minutes=12 * 60
    )
    assert (
        api("POST", "/trainings", role=Role.enterprise_user, enterprise_id=unit, json=body).status_code == 201
    )
    assert status_on(api, "three_post_annual_reexam", today) == {"宏达化工有限公司 员工0": "done", "宏达化工有限公司 员工1": "due"}  # fmt: skip
    last_year = date(today.year - 1, 6, 1)
    assert set(status_on(api, "three_post_annual_reexam", last_year).values()) == {"missed"}


def test_a_training_sessions_sign_in_sheet_is_kept_and_checked_by_its_content(api):
    unit = uuid.uuid4()
    people = inspections_know(unit)
    body = training(unit, people, local_today() - timedelta(days=1), kind="publicity")
    session_id = api("POST", "/trainings", role=Role.enterprise_user, enterprise_id=unit, json=body).json()[
        "id"
    ]
    sheet = pdf()

    def upload(content: bytes, name: str, enterprise=unit, key: str | None = None):
        files = {"file": (name, content, "application/octet-stream")}
        headers = {"Idempotency-Key": key} if key else {}
        return api("POST", f"/trainings/{session_id}/evidence", role=Role.enterprise_user, enterprise_id=enterprise, files=files, headers=headers)  # fmt: skip

    kept = upload(sheet, "签到表.pdf", key="sheet-1")
    assert kept.status_code == 201 and kept.json()["content_type"] == "application/pdf"
    again = upload(sheet, "签到表.pdf", key="sheet-1")  # its answer was lost: sent again
    assert again.status_code == 200 and again.json()["id"] == kept.json()["id"]
    other = upload(pdf(pages=2), "另一张.pdf", key="sheet-1")
    assert other.status_code == 409 and "Idempotency-Key" in other.json()["detail"]
    # a photo the phone made smaller has no EXIF left: the time the phone took it is kept instead
    shrunk = api(
        "POST", f"/trainings/{session_id}/evidence", role=Role.enterprise_user, enterprise_id=unit,
        files={"file": ("签到表-缩小.jpg", photo("JPEG"), "image/jpeg")}, data={"taken_at": "2026-11-02T07:30:00+08:00"},
    )  # fmt: skip
    assert shrunk.status_code == 201
    assert datetime.fromisoformat(shrunk.json()["taken_at"]) == datetime(
        2026, 11, 2, 7, 30, tzinfo=ZoneInfo("Asia/Shanghai")
    )
    assert upload(b"MZ not a photo", "photo.jpg").status_code == 422  # judged by content, not name
    pretended = upload(b"%PDF-1.4 sign-in sheet", "签到表.pdf")  # decoded whole, not by its first bytes
    assert pretended.status_code == 422 and "签到表.pdf" in pretended.json()["detail"]
    taken = datetime(2026, 11, 1, 8, 0)
    scene = upload(photo("JPEG", taken=taken, position=(31.8, 117.3)), "现场.jpg").json()
    assert (scene["latitude"], scene["longitude"]) == (pytest.approx(31.8), pytest.approx(117.3))
    assert upload(b"", "empty.png").status_code == 422
    assert upload(sheet, "x.pdf", enterprise=uuid.uuid4()).status_code == 403
    listed = api("GET", f"/trainings/{session_id}/evidence", role=Role.zone_admin).json()["items"]
    by_name = {e["filename"]: e for e in listed}
    assert len(listed) == len(by_name)  # the sheet sent again was not stored twice
    assert (
        by_name.keys() == {"签到表.pdf", "现场.jpg", "签到表-缩小.jpg"}
        and by_name["签到表.pdf"]["taken_at"] is None
    )
    assert datetime.fromisoformat(by_name["现场.jpg"]["taken_at"]) == taken.replace(
        tzinfo=ZoneInfo("Asia/Shanghai")
    )
    download = api(
        "GET", f"/trainings/{session_id}/evidence/{by_name['签到表.pdf']['id']}", role=Role.zone_admin
    )
    assert download.content == sheet and download.headers["content-type"] == "application/pdf"
    logged = api("GET", "/audit", role=Role.auditor, params={"action": "download"}).json()["items"]
    assert [(e["target"], e["actor_roles"], e["client_address"]) for e in logged] == [
        (f"training-evidence:{by_name['签到表.pdf']['id']}", ["zone_admin"], "testclient")
    ]


def test_coverage_counts_every_duty_per_grid(api):
    grid = uuid.uuid4()
    unit = uuid.uuid4()
    people = inspections_know(unit, grid_id=grid, since=containing(PeriodKind.half_year, local_today()).start)
    api("POST", f"/units/{unit}/teams", role=Role.enterprise_user, enterprise_id=unit, json={"name": "甲班"})
    yesterday = local_today() - timedelta(days=1)
    while yesterday.weekday() >= 5:  # the last working day (no holidays recorded here)
        yesterday -= timedelta(days=1)
    body = training(unit, people, yesterday, kind="publicity")
    assert (
        api("POST", "/trainings", role=Role.enterprise_user, enterprise_id=unit, json=body).status_code == 201
    )
    rows = api(
        "GET", "/cadences/coverage", role=Role.grid_member, grid_ids=[grid], params={"on": str(yesterday)}
    ).json()["items"]
    mine = {row["rule_code"]: row for row in rows if row["grid_id"] == str(grid)}
    assert mine["team_pre_shift_training"]["missed"] == 1  # the team had no pre-shift training that day
    assert mine["unit_half_year_publicity"]["done"] == 1
    assert mine["unit_monthly_exam"]["due"] + mine["unit_monthly_exam"]["missed"] == 1


def test_a_units_teams_page_by_name(api):
    unit = uuid.uuid4()
    inspections_know(unit, grid_id=uuid.uuid4())
    for name in ("3班", "1班", "4班", "2班"):
        added = api(
            "POST", f"/units/{unit}/teams", role=Role.enterprise_user, enterprise_id=unit, json={"name": name}
        )
        assert added.status_code == 201, added.text
    teams = walk(
        partial(api, "GET", f"/units/{unit}/teams", role=Role.enterprise_user, enterprise_id=unit), limit=3
    )
    assert [t["name"] for t in teams] == ["1班", "2班", "3班", "4班"]
