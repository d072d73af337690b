"""The cadence engine: due, done and missed per subject and period; inspection.missed once each."""

from datetime import date, timedelta

import pytest

from services.inspections.cadence.service import check_missed, last_closed_period_day
from services.inspections.runtime import runtime
from shared.auth import Role
from shared.clock import local_today
from shared.periods import PeriodKind, containing, parse_period
from tests.support.inspections import known_unit, sql

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


def test_last_closed_period_is_the_latest_one_past_its_grace():
    from services.inspections.cadence.models import CadenceRule

    def month_of(day: date) -> date:
        return containing(PeriodKind.month, day).start

    monthly = CadenceRule(period=PeriodKind.month, grace_days=0)
    assert month_of(last_closed_period_day(monthly, date(2026, 12, 1))) == date(2026, 11, 1)
    assert month_of(last_closed_period_day(monthly, date(2026, 11, 30))) == date(2026, 10, 1)
    graceful = CadenceRule(period=PeriodKind.month, grace_days=3)
    assert month_of(last_closed_period_day(graceful, date(2026, 12, 3))) == date(2026, 10, 1)
    assert month_of(last_closed_period_day(graceful, date(2026, 12, 4))) == date(2026, 11, 1)


def test_leader_inspections_of_key_units_due_done_and_missed(api):
    key_done, key_missed = known_unit(), known_unit()  # both key-supervision units
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
    # the second run finds the next day's self-checks of both units (and a new week's checks on a
    # Monday), but never this month's leader duty again
    new_week = (next_month + timedelta(days=1)).weekday() == 0
    assert missed == 1 and emitted >= 1 and again == 2 * (2 if new_week else 1)
    subject = sql("SELECT envelope->'data'->>'subject_id' FROM inspections.outbox WHERE event_type = 'inspection.missed' "
                  "AND envelope->'data'->>'rule_code' = 'leader_key_unit_monthly'")  # fmt: skip
    assert subject == str(key_missed)
    member = api("GET", "/cadences/status", role=Role.grid_member, grid_ids=[grid_of[key_done]],
                 params={"rule": "leader_key_unit_monthly"}).json()["items"]  # fmt: skip
    assert [o["subject_id"] for o in member] == [str(key_done)]


def test_rules_are_configurable(api):
    changed = api(
        "PATCH",
        "/cadences/rules/leader_key_unit_monthly",
        role=Role.zone_admin,
        json={"required": 2, "grace_days": 5},
    )
    assert changed.json()["required"] == 2 and changed.json()["grace_days"] == 5
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
    assert (
        len(api("GET", "/cadences/rules", role=Role.auditor).json()) == 9
    )  # 5 inspection, 3 training duties
