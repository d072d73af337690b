"""The cadence engine: due, done and missed per subject and period; inspection.missed once each."""

import uuid
from datetime import date, timedelta

import pytest

from services.inspections.cadence.service import check_missed
from services.inspections.runtime import runtime
from services.inspections.worker import consumer as inspections_consumer
from shared.auth import Role
from shared.clock import local_today
from shared.events.contracts.registry import (
    AssignmentChangedV1,
    EnterpriseRegisteredV1,
    EnterpriseUpdatedV1,
    GridChangedV1,
    GridDeletedV1,
    ProductionStatus,
    ScopeType,
    UnitKind,
    UnitState,
)
from shared.periods import PeriodKind, containing, parse_period
from tests.support.inspections import known_unit, sql, sql_rows
from tests.support.reporting import envelope

ITEMS = [{"key": "k1", "text": "检查项", "category": "消防"}]


@pytest.mark.parametrize(
    "kind, day, start, last_day, name",
    [
        (PeriodKind.day, date(2026, 11, 29), date(2026, 11, 29), date(2026, 11, 29), "2026-11-29"),
        (PeriodKind.week, date(2026, 11, 29), date(2026, 11, 23), date(2026, 11, 29), "2026-W48"),
        (PeriodKind.month, date(2026, 2, 10), date(2026, 2, 1), date(2026, 2, 28), "2026-02"),
        (PeriodKind.quarter, date(2026, 11, 29), date(2026, 10, 1), date(2026, 12, 31), "2026-Q4"),
        (PeriodKind.half_year, date(2026, 3, 1), date(2026, 1, 1), date(2026, 6, 30), "2026-H1"),
        (PeriodKind.year, date(2024, 2, 29), date(2024, 1, 1), date(2024, 12, 31), "2024"),
    ],
)
def test_periods(kind, day, start, last_day, name):
    period = containing(kind, day)
    assert (period.start, period.last_day, period.label) == (start, last_day, name)
    assert period.end == last_day + timedelta(days=1)  # half-open: the end is the next period's start
    assert period.next().start == period.end and period.previous().end == period.start
    assert parse_period(name, kinds=list(PeriodKind)) == period


def test_leader_inspections_of_key_units_due_done_and_missed(api):
    since = containing(PeriodKind.month, local_today()).start
    key_done, key_missed = known_unit(since=since), known_unit(since=since)  # both key-supervision units
    grid_of = {
        u: str(sql("SELECT grid_id FROM inspections.supervised_unit WHERE id = :u", u=u))
        for u in (key_done, key_missed)
    }
    template = api(
        "POST", "/checklists", role=Role.zone_admin, json={"code": "L", "name": "领导检查表", "items": ITEMS}
    ).json()
    today = local_today()
    recorded = api("POST", "/inspections", who="leader", role=Role.leader, grid_ids=[grid_of[key_done]], json={
        "unit_id": str(key_done), "kind": "leader_inspection", "template_id": template["id"],
        "inspected_on": str(today), "answers": [{"item_key": "k1", "result": "pass"}]})  # fmt: skip
    assert recorded.status_code == 201
    now = {o["subject_id"]: o["status"] for o in api("GET", "/cadences/status", role=Role.zone_admin,
           params={"rule": "leader_key_unit_monthly"}).json()["items"]}  # fmt: skip
    assert now[str(key_done)] == "done" and now[str(key_missed)] == "due"

    next_month = containing(PeriodKind.month, today).next().start
    with runtime.transaction() as session:
        emitted = check_missed(session, next_month)
    with runtime.transaction() as session:
        again = check_missed(session, next_month + timedelta(days=1))
    missed = sql("SELECT count(*) FROM inspections.outbox WHERE event_type = 'inspection.missed' "
                 "AND envelope->'data'->>'rule_code' = 'leader_key_unit_monthly'")  # fmt: skip
    # the second run finds the next day's self-checks of both units on a working day (and a new
    # week's checks on a Monday), but never this month's leader duty again
    new_week = (next_month + timedelta(days=1)).weekday() == 0
    assert missed == 1 and emitted >= 1 and again == 2 * ((next_month.weekday() < 5) + new_week)
    subject = sql("SELECT envelope->'data'->>'subject_id' FROM inspections.outbox WHERE event_type = 'inspection.missed' "
                  "AND envelope->'data'->>'rule_code' = 'leader_key_unit_monthly'")  # fmt: skip
    assert subject == str(key_missed)
    member = api("GET", "/cadences/status", role=Role.grid_member, grid_ids=[grid_of[key_done]],
                 params={"rule": "leader_key_unit_monthly"}).json()["items"]  # fmt: skip
    assert [o["subject_id"] for o in member] == [str(key_done)]


# --- history: each period judged by what was true then -------------------------------------------

SEPTEMBER = containing(PeriodKind.month, date(2026, 9, 1))  # Tuesday the 1st; the 26th is a Saturday


def tell(data) -> None:
    assert inspections_consumer.process(envelope(data, "registry")) == "applied"


def unit_with(states: list[tuple], version: int = 1, name: str = "宏达化工") -> uuid.UUID:
    """A unit registered with dated states: (from, to, status, key, grid)."""
    unit_id = uuid.uuid4()
    dated = [UnitState(valid_from=f, valid_to=t, production_status=s, key_supervision=k, grid_id=g) for f, t, s, k, g in states]  # fmt: skip
    last = dated[-1]
    tell(EnterpriseRegisteredV1(enterprise_id=unit_id, name=name, credit_code="x", kind=UnitKind.enterprise, industry="化工", production_status=last.production_status, key_supervision=last.key_supervision, grid_id=last.grid_id, responsible_head=None, responsible_phone=None, version=version, states=dated))  # fmt: skip
    return unit_id


def grid_from(day: date, version: int = 1, grid_id: uuid.UUID | None = None) -> uuid.UUID:
    grid_id = grid_id or uuid.uuid4()
    tell(GridChangedV1(grid_id=grid_id, zone_id=uuid.uuid4(), code=f"G{grid_id.hex[:6]}", name="一号网格", boundary={}, leader_person_id=None, member_person_ids=[], version=version, valid_from=day))  # fmt: skip
    return grid_id


def staff(grid_id: uuid.UUID, duty: str, first: date, last: date | None = None) -> uuid.UUID:
    person = uuid.uuid4()
    tell(AssignmentChangedV1(assignment_id=uuid.uuid4(), person_id=person, duty=duty, scope_type=ScopeType.grid, scope_id=grid_id, valid_from=first, valid_to=last, version=1))  # fmt: skip
    return person


def owed(api, rule: str, day: date) -> dict[str, str]:
    rows = api("GET", "/cadences/status", role=Role.zone_admin, params={"rule": rule, "on": str(day)}).json()
    return {row["subject_id"]: row["status"] for row in rows["items"]}


def days_of(period) -> list[date]:
    return [period.start + timedelta(days=n) for n in range((period.end - period.start).days)]


OPERATING, SUSPENDED = ProductionStatus.operating, ProductionStatus.suspended


def test_a_grid_created_today_owes_nothing_for_yesterday(api):
    today = local_today()
    grid = grid_from(today)
    staff(grid, "grid_member", today)
    assert str(grid) not in owed(api, "grid_daily_patrol", today - timedelta(days=1))
    expected = {str(grid): "due"} if today.weekday() < 5 else {}
    assert {k: v for k, v in owed(api, "grid_daily_patrol", today).items() if k == str(grid)} == expected
    with runtime.transaction() as session:
        check_missed(session, today)
    assert (
        sql("SELECT count(*) FROM inspections.outbox WHERE envelope->'data'->>'subject_id' = :g", g=str(grid))
        == 0
    )


def test_nothing_is_owed_before_anything_existed(api):
    unit_with([(SEPTEMBER.start, None, OPERATING, True, uuid.uuid4())])
    assert owed(api, "leader_key_unit_monthly", date(2020, 1, 1)) == {}
    assert owed(api, "unit_daily_self_check", date(2020, 1, 2)) == {}


def test_a_unit_suspended_mid_month_owes_no_daily_duty_while_suspended(api):
    grid = uuid.uuid4()
    unit = str(unit_with([
        (SEPTEMBER.start, date(2026, 9, 9), OPERATING, False, grid),
        (date(2026, 9, 10), date(2026, 9, 20), SUSPENDED, False, grid),
        (date(2026, 9, 21), None, OPERATING, False, grid),
    ]))  # fmt: skip
    for day in days_of(SEPTEMBER):
        expected = (
            "missed" if day.weekday() < 5 and not date(2026, 9, 10) <= day <= date(2026, 9, 20) else None
        )
        assert owed(api, "unit_daily_self_check", day).get(unit) == expected, day
    # a monthly duty is owed by who qualifies on the month's first day: the unit was operating then
    assert owed(api, "unit_monthly_patrol", SEPTEMBER.start).get(unit) == "missed"


def test_a_key_flag_set_mid_month_owes_the_leaders_inspection_from_the_next_month(api):
    grid = uuid.uuid4()
    unit = str(unit_with([
        (date(2026, 8, 1), date(2026, 9, 14), OPERATING, False, grid),
        (date(2026, 9, 15), None, OPERATING, True, grid),
    ]))  # fmt: skip
    assert unit not in owed(api, "leader_key_unit_monthly", SEPTEMBER.start)
    assert owed(api, "leader_key_unit_monthly", date(2026, 10, 5)).get(unit) == "missed"


def test_a_holiday_and_a_make_up_saturday_decide_which_days_owe_the_daily_patrol(api):
    grid = str(grid_from(date(2026, 8, 1)))
    holiday, saturday = date(2026, 9, 25), date(2026, 9, 26)  # a Friday off, the Saturday worked
    body = {
        "day": str(holiday),
        "kind": "holiday",
        "name": "测试假日",
        "source": "管委会通知",
        "reason": "补录",
    }
    assert api("POST", "/calendar", role=Role.grid_member, json=body).status_code == 403
    assert api("POST", "/calendar", role=Role.zone_admin, json=body).status_code == 201
    assert api("POST", "/calendar", role=Role.zone_admin, json=body).status_code == 409  # duplicated
    worked = {"day": str(saturday), "kind": "make_up_workday", "name": "调休上班", "source": "管委会通知"}
    no_reason = api("POST", "/calendar", role=Role.zone_admin, json=worked)  # a past day needs a reason
    assert no_reason.status_code == 422 and "reason" in no_reason.text
    assert api("POST", "/calendar", role=Role.zone_admin, json=worked | {"reason": "补录"}).status_code == 201
    weekday = worked | {"day": "2026-09-24", "reason": "x"}  # a Thursday is already a working day
    assert api("POST", "/calendar", role=Role.zone_admin, json=weekday).status_code == 422
    assert (
        api("POST", "/calendar", role=Role.zone_admin, json=body | {"day": "2026-02-30"}).status_code == 422
    )
    listed = api(
        "GET", "/calendar", role=Role.auditor, params={"from": "2026-09-01", "to": "2026-09-30"}
    ).json()
    assert [(e["day"], e["kind"]) for e in listed["items"]] == [(str(holiday), "holiday"), (str(saturday), "make_up_workday")]  # fmt: skip
    assert api("GET", f"/calendar/{saturday}", role=Role.auditor).json()["working"] is True
    assert api("DELETE", f"/calendar/{saturday}", role=Role.zone_admin).status_code == 409  # past: kept

    assert grid not in owed(api, "grid_daily_patrol", holiday)
    assert owed(api, "grid_daily_patrol", saturday)[grid] == "missed"
    assert grid not in owed(api, "grid_daily_patrol", date(2026, 9, 27))  # an ordinary Sunday
    assert owed(api, "grid_daily_patrol", date(2026, 9, 24))[grid] == "missed"


def test_catch_up_after_downtime_checks_each_closed_period_once_and_names_who_owed_it(api):
    grid = grid_from(date(2026, 9, 1))
    first = staff(grid, "grid_member", date(2026, 9, 1), date(2026, 9, 9))  # leaves on the 9th
    second = staff(grid, "grid_member", date(2026, 9, 10))
    leader = staff(grid, "grid_leader", date(2026, 9, 1))
    unit = unit_with([(date(2026, 9, 1), None, OPERATING, True, grid)])
    with runtime.transaction() as session:
        check_missed(session, date(2026, 9, 7))  # Monday: the days to Sunday the 6th, week 36 closed
    with runtime.transaction() as session:  # down from the 8th to the 14th
        check_missed(session, date(2026, 9, 15))
    with runtime.transaction() as session:
        assert check_missed(session, date(2026, 9, 15)) == 0
    rows = sql_rows(
        "SELECT envelope->'data'->>'rule_code', envelope->'data'->>'period', envelope->'data'->>'owed_by', "
        "envelope->'data'->'responsible_person_ids' FROM inspections.outbox WHERE event_type = 'inspection.missed' "
        "AND envelope->'data'->>'subject_id' IN (:g, :u)",
        g=str(grid),
        u=str(unit),
    )
    patrols = {period: people for code, period, _, people in rows if code == "grid_daily_patrol"}
    working = [d for d in (date(2026, 9, 1) + timedelta(days=n) for n in range(14)) if d.weekday() < 5]
    assert sorted(patrols) == [str(d) for d in working]  # each working day once, none twice
    assert len([r for r in rows if r[0] == "grid_daily_patrol"]) == len(working)
    for day in working:
        assert patrols[str(day)] == [str(first if day <= date(2026, 9, 9) else second)]
    weekly = sorted(
        (period, owner, people) for code, period, owner, people in rows if code == "grid_weekly_check"
    )
    # weeks 36 (from Monday the 31st of August: the unit did not exist yet) and 37
    assert weekly == [("2026-W37", "grid_member", [str(second)])]
    self_checks = [r for r in rows if r[0] == "unit_daily_self_check"]
    assert len(self_checks) == len(working) and {(r[2], tuple(r[3])) for r in self_checks} == {
        ("enterprise", ())
    }
    assert leader  # the leader's monthly duty is not closed yet


def test_a_rule_change_from_a_future_day_leaves_past_periods_unchanged(api):
    grid = uuid.uuid4()
    unit = str(unit_with([(date(2026, 8, 1), None, OPERATING, True, grid)]))
    today = local_today()
    next_month = containing(PeriodKind.month, today).next()
    before = {day: owed(api, "leader_key_unit_monthly", day) for day in (SEPTEMBER.start, today)}
    change = {"valid_from": str(next_month.start), "required": 2, "source": "管委会 2026 年第 9 号文"}
    changed = api("PATCH", "/cadences/rules/leader_key_unit_monthly", role=Role.zone_admin, json=change)
    assert changed.status_code == 200, changed.text
    assert [v["required"] for v in changed.json()["versions"]] == [1, 2] and changed.json()["required"] == 2
    assert {day: owed(api, "leader_key_unit_monthly", day) for day in before} == before
    rows = api("GET", "/cadences/status", role=Role.zone_admin, params={"rule": "leader_key_unit_monthly", "on": str(next_month.start)}).json()["items"]  # fmt: skip
    assert {r["subject_id"]: r["required"] for r in rows}[unit] == 2
    old = api(
        "GET", "/cadences/rules/leader_key_unit_monthly", role=Role.auditor, params={"on": str(today)}
    ).json()
    assert old["required"] == 1 and old["owed_by"] == "grid_leader"

    past = {"valid_from": "2026-09-01", "required": 3}
    refused = api("PATCH", "/cadences/rules/leader_key_unit_monthly", role=Role.zone_admin, json=past)
    assert refused.status_code == 422 and "reason" in refused.text
    backwards = {"valid_from": str(next_month.start), "valid_to": str(today), "required": 3}
    assert api("PATCH", "/cadences/rules/leader_key_unit_monthly", role=Role.zone_admin, json=backwards).status_code == 422  # fmt: skip
    rewrite = {"valid_from": "2000-01-01", "required": 3, "reason": "错录"}  # the first version has applied
    assert api("PATCH", "/cadences/rules/leader_key_unit_monthly", role=Role.zone_admin, json=rewrite).status_code == 409  # fmt: skip
    # a correction from a past day, with its reason, for a span: the earlier terms resume after it
    span = {
        "valid_from": "2026-09-01",
        "valid_to": "2026-09-30",
        "active": False,
        "reason": "九月暂停",
        "source": "通知",
    }
    assert api("PATCH", "/cadences/rules/leader_key_unit_monthly", role=Role.zone_admin, json=span).status_code == 200  # fmt: skip
    assert owed(api, "leader_key_unit_monthly", SEPTEMBER.start) == {}
    assert owed(api, "leader_key_unit_monthly", date(2026, 10, 1))[unit] == "missed"


def test_rules_are_configurable(api):
    changed = api(
        "PATCH",
        "/cadences/rules/leader_key_unit_monthly",
        role=Role.zone_admin,
        json={"required": 2, "grace_days": 5},
    )
    assert changed.json()["required"] == 2 and changed.json()["grace_days"] == 5
    assert changed.json()["versions"][-1]["valid_from"] == str(local_today())
    assert (
        api(
            "PATCH", "/cadences/rules/leader_key_unit_monthly", role=Role.leader, json={"required": 1}
        ).status_code
        == 403
    )
    assert api("PATCH", "/cadences/rules/nope", role=Role.zone_admin, json={"required": 1}).status_code == 404
    assert (
        api(
            "PATCH", "/cadences/rules/grid_daily_patrol", role=Role.zone_admin, json={"required": 0}
        ).status_code
        == 422
    )
    rules = {r["code"]: r["owed_by"] for r in api("GET", "/cadences/rules", role=Role.auditor).json()}
    assert len(rules) == 9  # 5 inspection, 4 training duties
    assert rules["grid_daily_patrol"] == "grid_member" and rules["unit_daily_self_check"] == "enterprise"


def test_a_late_older_grid_snapshot_never_brings_back_a_deleted_grid(api):
    grid = grid_from(date(2026, 8, 1), version=2)
    tell(GridDeletedV1(grid_id=grid, version=3, valid_to=date(2026, 9, 15)))
    grid_from(date(2026, 8, 1), version=2, grid_id=grid)  # late and older
    assert sql_rows(
        "SELECT deleted, valid_to FROM inspections.supervised_grid WHERE id = :g", g=str(grid)
    ) == [(True, date(2026, 9, 15))]
    assert owed(api, "grid_daily_patrol", date(2026, 9, 15))[str(grid)] == "missed"  # its history stays
    assert str(grid) not in owed(api, "grid_daily_patrol", date(2026, 9, 16))
    never_seen = uuid.uuid4()  # a tombstone first, then the older snapshot: still deleted
    tell(GridDeletedV1(grid_id=never_seen, version=5, valid_to=date(2026, 9, 1)))
    grid_from(date(2026, 8, 1), version=4, grid_id=never_seen)
    assert sql("SELECT deleted FROM inspections.supervised_grid WHERE id = :g", g=str(never_seen)) is True


def test_a_units_older_snapshot_never_rewrites_its_history(api):
    grid = uuid.uuid4()
    unit = unit_with([(date(2026, 8, 1), date(2026, 8, 31), OPERATING, False, grid), (date(2026, 9, 1), None, SUSPENDED, False, grid)], version=4)  # fmt: skip
    tell(EnterpriseUpdatedV1(enterprise_id=unit, name="旧名", credit_code="x", kind=UnitKind.enterprise, industry=None, production_status=OPERATING, key_supervision=False, grid_id=grid, responsible_head=None, responsible_phone=None, version=3, changed=["name"], states=[UnitState(valid_from=date(2026, 8, 1), valid_to=None, production_status=OPERATING, key_supervision=False, grid_id=grid)]))  # fmt: skip
    assert sql_rows(
        "SELECT production_status, valid_from FROM inspections.unit_state WHERE unit_id = :u ORDER BY valid_from",
        u=str(unit),
    ) == [  # fmt: skip
        ("operating", date(2026, 8, 1)),
        ("suspended", date(2026, 9, 1)),
    ]
    assert sql("SELECT name FROM inspections.supervised_unit WHERE id = :u", u=str(unit)) == "宏达化工"


def test_local_rules_are_dated_data_with_their_source(api):
    rules = {r["key"]: r for r in api("GET", "/zone-rules", role=Role.auditor).json()}
    assert rules["training.yearly_hours"]["value"] == 12.0 and "第九条" in rules["training.yearly_hours"]["versions"][0]["source"]  # fmt: skip
    assert rules["penalties.repeat_offender_windows"]["value"] == [{"days": 180, "penalties": 3}, {"days": 365, "penalties": 4}]  # fmt: skip
    next_year = local_today().year + 1
    body = {"valid_from": f"{next_year}-01-01", "value": 16, "source": "市安委会 关于加强培训的通知"}
    assert (
        api("POST", "/zone-rules/training.yearly_hours", role=Role.zone_admin, json=body).status_code == 201
    )
    person = uuid.uuid4()
    hours = {year: api("GET", f"/people/{person}/training-hours", role=Role.zone_admin, params={"year": year}).json()["required_hours"] for year in (next_year - 1, next_year)}  # fmt: skip
    assert hours == {next_year - 1: 12, next_year: 16}
    bad = {"valid_from": f"{next_year}-01-01", "value": [{"days": 0, "penalties": 2}], "source": "x"}
    assert api("POST", "/zone-rules/penalties.repeat_offender_windows", role=Role.zone_admin, json=bad).status_code == 422  # fmt: skip


def test_right_after_the_demo_is_loaded_no_duty_is_missed_or_due(clients):
    from services.inspections.cadence.service import check_due
    from services.registry import demo
    from services.registry.runtime import runtime as registry

    with registry.transaction() as session:
        demo.load(session)
    published = sql_rows("SELECT envelope FROM registry.outbox ORDER BY position")
    for (event,) in published:  # what the inspections worker would hear from the registry
        assert inspections_consumer.process(event) == "applied"
    assert sql("SELECT count(*) FROM inspections.unit_state") > 0
    today = local_today()
    with runtime.transaction() as session:
        assert check_missed(session, today) + check_due(session, today) == 0
    with runtime.transaction() as session:  # a day later, only the days since the demo began
        check_missed(session, today + timedelta(days=1))
    periods = sql_rows("SELECT DISTINCT envelope->'data'->>'period_start' FROM inspections.outbox WHERE event_type LIKE '%.missed'")  # fmt: skip
    assert {p for (p,) in periods} <= {str(today)}
