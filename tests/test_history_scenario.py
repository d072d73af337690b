"""A scripted zone history, day by day through the registry's and inspections' APIs with real
workers and relays: who owed which recurring duty on each day, and who was told they missed it.

The script (all on their own day, the clock travelling):

- 08-31 (Mon): grid A set up; leader L1 (to 09-30, recorded on 09-28), member M1; units U1 (not
  key) and U2 (key) registered in A.
- 09-01: the calendar gets a holiday (Fri 10-02) and a make-up working Saturday (10-10).
- 09-03: member M2 recorded for A from 09-11 (a future-dated start).
- 09-10: M1 leaves A that day (the 10th is his last).
- 09-16 (Wed): grid B set up mid-month, with leader L3 and member M3; U3 (key) registered in B;
  U1 becomes key that day.
- 09-21: U2 suspended; 09-28: U2 restarted; L2 recorded to lead A from 10-01 (the handover on
  the 1st), L1's duty ended on 09-30.

Nobody inspects anything, so every owed duty is missed. Each day (08-31 to 11-02) the registry's
job publishing the facts of the day and the inspections' missed-duty check run; the test computes
from the script alone which periods each grid and unit owed (the rules of README "Duties over
time") and who was responsible, and checks each day the status API (yesterday's patrol, today's
self-check, this month's leader duty) and every missed event so far (rule, subject, period,
responsible people); at the end, the grid staff's inboxes hold exactly the missed and due notices
the script implies, per person.
"""

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import pytest
import time_machine

from services.inspections.cadence.jobs import check_missed_inspections
from services.registry.effective.jobs import publish_effective_changes
from shared.auth import Role
from shared.settings import get_settings
from tests.factories import enterprise_payload, square
from tests.support.inspections import sql, sql_rows
from tests.support.processes import wait_until

START, END = date(2026, 8, 31), date(2026, 11, 2)
HOLIDAY, MAKE_UP = date(2026, 10, 2), date(2026, 10, 10)
REGISTRY_TO_INSPECTIONS = ("enterprise.registered", "enterprise.updated", "grid.changed", "grid.deleted",
                           "assignment.changed", "person.changed")  # fmt: skip


@dataclass
class Zone:
    """The script's facts as the test itself keeps them."""

    grids: dict[str, date] = field(default_factory=dict)  # grid -> first day
    # unit -> [(from, status, key, grid)], each until the next
    units: dict[str, list[tuple[date, str, bool, str]]] = field(default_factory=dict)
    duties: list[tuple[str, str, str, date, date | None]] = field(
        default_factory=list
    )  # person, duty, grid, from, to

    def state(self, unit: str, day: date) -> tuple[str, bool, str] | None:
        found = None
        for first, status, key, grid in self.units[unit]:
            if first <= day:
                found = (status, key, grid)
        return found

    def holders(self, grid: str, duty: str, first: date, last: date) -> list[str]:
        held = [(p, to) for p, d, g, f, to in self.duties if g == grid and d == duty and f <= last and (to is None or to >= first)]  # fmt: skip
        on_last = sorted({p for p, to in held if to is None or to >= last})
        if on_last or not held:
            return on_last
        latest = max(to for _, to in held if to is not None)
        return sorted({p for p, to in held if to == latest})


def working(day: date) -> bool:
    return day == MAKE_UP or (day.weekday() < 5 and day != HOLIDAY)


def month_of(day: date) -> tuple[date, date]:
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def owed(zone: Zone, rule: str, first: date, last: date) -> dict[str, tuple[str, list[str]]]:
    """Subject -> (grid, responsible people) for each subject owing the rule's period [first, last]."""
    result: dict[str, tuple[str, list[str]]] = {}
    if rule == "grid_daily_patrol":
        if not working(first):
            return {}
        for grid, since in zone.grids.items():
            if since <= first:
                result[grid] = (grid, zone.holders(grid, "grid_member", first, last))
        return result
    daily = first == last
    for unit in zone.units:
        at_start, at_end = zone.state(unit, first), zone.state(unit, last)
        if at_start is None or at_end is None or "closed" in (at_start[0], at_end[0]):
            continue
        if daily and (not working(first) or at_start[0] == "suspended"):
            continue
        if rule == "leader_key_unit_monthly" and not at_start[1]:
            continue
        grid = at_end[2]
        duty = {"leader_key_unit_monthly": "grid_leader", "grid_weekly_check": "grid_member"}.get(rule)
        result[unit] = (grid, zone.holders(grid, duty, first, last) if duty else [])
    return result


def periods_closing(day: date) -> list[tuple[str, date, date]]:
    """(rule, first, last) of the periods the check run on `day` closes (grace 0: they ended yesterday)."""
    yesterday = day - timedelta(days=1)
    closing = [(rule, yesterday, yesterday) for rule in ("grid_daily_patrol", "unit_daily_self_check")]
    if day.weekday() == 0:
        closing.append(("grid_weekly_check", day - timedelta(days=7), yesterday))
    if day.day == 1:
        first, last = month_of(yesterday)
        closing += [(rule, first, last) for rule in ("leader_key_unit_monthly", "unit_monthly_patrol", "unit_monthly_exam")]  # fmt: skip
    return closing


@pytest.mark.committed
def test_nine_weeks_of_a_zone_give_the_duties_and_notices_the_script_implies(
    clients, workers, relay, make_token
):
    relay("registry")
    relay("inspections")
    registry, inspections = clients["registry"], clients["inspections"]
    zone = Zone()
    ids: dict[str, str] = {}  # script name -> id
    names: dict[str, str] = {}  # id -> script name
    assignment_of: dict[str, str] = {}
    expected_missed: Counter[tuple[str, str]] = Counter()  # (rule, subject) -> events
    expected_told: Counter[tuple[str, str]] = Counter()  # (person, 漏检 | 待检查) -> inbox messages
    expected_events: list[tuple[str, str, str, tuple[str, ...]]] = []  # rule, subject, period start, people

    def admin() -> dict[str, str]:
        return {"Authorization": f"Bearer {make_token(Role.zone_admin)}"}

    def post(client, path: str, body: dict, status: int = 201) -> dict:
        answer = client.post(path, json=body, headers=admin())
        assert answer.status_code == status, (path, answer.text)
        return answer.json()

    def person(name: str) -> None:
        ids[name] = post(registry, "/people", {"name": f"{name} 测试"})["id"]
        names[ids[name]] = name

    def assign(name: str, duty: str, grid: str, first: date, last: date | None = None) -> None:
        body = {"person_id": ids[name], "duty": duty, "scope_id": ids[grid], "valid_from": str(first)}
        if last is not None:
            body["valid_to"] = str(last)
        assignment_of[name + grid] = post(registry, "/responsibilities", body)["id"]
        zone.duties.append((name, duty, grid, first, last))

    def end(name: str, grid: str, last: date) -> None:
        post(registry, f"/responsibilities/{assignment_of[name + grid]}/end", {"valid_to": str(last), "reason": "调整"}, 200)  # fmt: skip
        zone.duties = [(p, d, g, f, last if (p, g) == (name, grid) else t) for p, d, g, f, t in zone.duties]

    def new_grid(name: str, day: date, west: float) -> None:
        zone_id = post(
            registry, "/zones", {"code": f"Z-{name}-{uuid.uuid4().hex[:4]}", "name": "测试经开区"}
        )["id"]
        grid = post(registry, "/grids", {"zone_id": zone_id, "code": f"{name}{uuid.uuid4().hex[:4]}", "name": f"{name}网格", "boundary": square(west, 31.0)})  # fmt: skip
        ids[name], names[grid["id"]] = grid["id"], name
        zone.grids[name] = day

    def register(name: str, grid: str, key: bool, day: date) -> None:
        unit = post(registry, "/enterprises", enterprise_payload(ids[grid], key_supervision=key))
        ids[name], names[unit["id"]] = unit["id"], name
        zone.units[name] = [(day, "operating", key, grid)]

    def change(name: str, day: date, **facts) -> None:
        post(registry, f"/enterprises/{ids[name]}/states", {**facts, "reason": "变更"}, 200)
        status, key, grid = zone.state(name, day)
        changed = (facts.get("production_status", status), facts.get("key_supervision", key), grid)
        zone.units[name].append((day, *changed))

    script = {
        date(2026, 8, 31): lambda day: (
            new_grid("A", day, 117.0), *(person(p) for p in ("L1", "L2", "L3", "M1", "M2", "M3")),
            assign("L1", "grid_leader", "A", day), assign("M1", "grid_member", "A", day),
            register("U1", "A", False, day), register("U2", "A", True, day),
        ),
        date(2026, 9, 1): lambda day: (
            post(inspections, "/calendar", {"day": str(HOLIDAY), "kind": "holiday", "name": "测试假日", "source": "测试通知"}),
            post(inspections, "/calendar", {"day": str(MAKE_UP), "kind": "make_up_workday", "name": "测试调休", "source": "测试通知"}),
        ),
        date(2026, 9, 3): lambda day: assign("M2", "grid_member", "A", date(2026, 9, 11)),
        date(2026, 9, 10): lambda day: end("M1", "A", day),
        date(2026, 9, 16): lambda day: (
            new_grid("B", day, 117.2), assign("L3", "grid_leader", "B", day), assign("M3", "grid_member", "B", day),
            register("U3", "B", True, day), change("U1", day, key_supervision=True),
        ),
        date(2026, 9, 21): lambda day: change("U2", day, production_status="suspended"),
        date(2026, 9, 28): lambda day: (
            change("U2", day, production_status="operating"),
            end("L1", "A", date(2026, 9, 30)), assign("L2", "grid_leader", "A", date(2026, 10, 1)),
        ),
    }  # fmt: skip

    def caught_up(source: str, consumer: str, types: tuple[str, ...]) -> bool:
        return not sql(
            f"SELECT count(*) FROM {source}.outbox o WHERE o.event_type = ANY(:types) AND NOT EXISTS "
            f"(SELECT 1 FROM {consumer}.processed_event p WHERE p.event_id = o.event_id)",
            types=list(types),
        )

    def status(rule: str, on: date) -> dict[str, str]:
        rows = inspections.get(
            "/cadences/status", params={"rule": rule, "on": str(on), "limit": 500}, headers=admin()
        )
        return {names[r["subject_id"]]: r["status"] for r in rows.json()["items"] if r["subject_id"] in names}

    zone_time = get_settings().zone
    day = START
    while day <= END:
        with time_machine.travel(datetime.combine(day, time(9), zone_time), tick=False):
            if day in script:
                script[day](day)
            publish_effective_changes()
            wait_until(lambda: caught_up("registry", "inspections", REGISTRY_TO_INSPECTIONS))
            check_missed_inspections()
            # what the check must have found: the periods that closed last night
            for rule, first, last in periods_closing(day):
                for subject, (_, people) in owed(zone, rule, first, last).items():
                    expected_missed[(rule, subject)] += 1
                    expected_events.append((rule, subject, str(first), tuple(people)))
                    for person_name in people:
                        expected_told[(person_name, "漏检")] += 1
            month_first, month_last = month_of(day)
            if day.day == 20:  # the leader's monthly inspection of each key unit, reminded from the 20th
                for _, people in owed(zone, "leader_key_unit_monthly", month_first, month_last).values():
                    for person_name in people:
                        expected_told[(person_name, "待检查")] += 1
            # the cadence status of yesterday's patrol, today's self-check and this month's leader duty
            yesterday = day - timedelta(days=1)
            assert status("grid_daily_patrol", yesterday) == dict.fromkeys(owed(zone, "grid_daily_patrol", yesterday, yesterday), "missed"), day  # fmt: skip
            assert status("unit_daily_self_check", day) == dict.fromkeys(owed(zone, "unit_daily_self_check", day, day), "due"), day  # fmt: skip
            assert status("leader_key_unit_monthly", day) == dict.fromkeys(owed(zone, "leader_key_unit_monthly", month_first, month_last), "due"), day  # fmt: skip
        emitted = sql_rows(
            "SELECT envelope->'data'->>'rule_code', envelope->'data'->>'subject_id', envelope->'data'->>'period_start', "
            "envelope->'data'->'responsible_person_ids' FROM inspections.outbox WHERE event_type IN "
            "('inspection.missed', 'training.missed')"
        )
        got = sorted((rule, names[s], start, tuple(sorted(names[p] for p in people))) for rule, s, start, people in emitted if s in names)  # fmt: skip
        assert got == sorted(expected_events), day
        day += timedelta(days=1)

    wait_until(
        lambda: caught_up("inspections", "notifications", ("inspection.missed", "inspection.due")),
        timeout=120,
    )

    def told() -> Counter[tuple[str, str]]:
        rows = sql_rows(
            "SELECT person_id::text, title FROM notifications.inbox_message WHERE person_id::text = ANY(:people)",
            people=[ids[p] for p in ("L1", "L2", "L3", "M1", "M2", "M3")],
        )
        return Counter((names[p], "漏检" if title.startswith("【漏检】") else "待检查") for p, title in rows if title.startswith(("【漏检】", "【待检查】")))  # fmt: skip

    wait_until(lambda: told() == expected_told, timeout=120)
    # the figures the script implies, spelled out for a reader
    assert expected_told[("M1", "漏检")] > 0 and expected_told[("M2", "漏检")] > 0
    assert expected_missed[("leader_key_unit_monthly", "U1")] == 1  # October only: key from 09-16
    assert expected_missed[("leader_key_unit_monthly", "U2")] == 2  # September (L1) and October (L2)
    assert [e[3] for e in expected_events if e[:2] == ("leader_key_unit_monthly", "U2")] == [("L1",), ("L2",)]
    assert ("grid_daily_patrol", "B", "2026-09-15", ()) not in expected_events  # B did not exist yet
