"""Reporting follows what was true on each day: the staff of each month, versioned copies with
tombstones, "on time" as never overdue, local rules as dated data, and a rebuild equal to the
live read models."""

import re
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Any

from sqlalchemy import Engine, event, select

from services.reporting.filings.service import check_overdue
from services.reporting.rebuild import NOT_READ_MODELS, read_models, rebuild
from services.reporting.rules.service import ASSESSMENT_WEIGHTS, due_on
from services.reporting.runtime import runtime
from services.reporting.worker import consumer as reporting_consumer
from shared.auth import Role
from shared.clock import local_today
from shared.events.contracts import contract_for
from shared.events.contracts.inspections import (
    DutyHolder,
    HazardGrade,
    HazardSource,
    HazardState,
    InspectionCompletedV1,
    InspectionMissedV1,
    RiskAssessedV1,
    RiskColour,
    TrainingMissedV1,
    TrainingRecordedV1,
)
from shared.events.contracts.registry import (
    EnterpriseRegisteredV1,
    EnterpriseUpdatedV1,
    GridChangedV1,
    GridDeletedV1,
    PersonChangedV1,
    ProductionStatus,
    UnitKind,
    UnitState,
)
from shared.events.contracts.reporting import ReportKind
from shared.periods import PeriodKind, containing
from shared.settings import get_settings
from tests.support.files import pdf
from tests.support.inspections import sql, sql_rows
from tests.support.paging import walk
from tests.support.reporting import envelope, expected_figures, grid_duty, registry_events, scripted_month

SEPTEMBER, OCTOBER = (
    containing(PeriodKind.month, date(2026, 9, 1)),
    containing(PeriodKind.month, date(2026, 10, 1)),
)
WEIGHTS = ASSESSMENT_WEIGHTS.default


def apply_in_order(envelopes: list[dict]) -> None:
    for env in envelopes:
        assert reporting_consumer.process(env) == "applied", env["type"]


def at(day: date) -> datetime:
    return datetime.combine(day, time(10, 0), tzinfo=get_settings().zone)


def d(month: int, day: int) -> date:
    return date(2026, month, day)


@dataclass
class Hazard:
    """A hazard's script: its steps (event type, state, day, deadline, overdue flag)."""

    reporter: uuid.UUID | None
    steps: list[tuple[str, HazardState, date, date | None, bool]]
    grade: HazardGrade = HazardGrade.general
    hazard_id: uuid.UUID = field(default_factory=uuid.uuid4)

    def envelopes(self, unit: uuid.UUID, grid: uuid.UUID) -> list[dict]:
        out = []
        for event_type, state, day, deadline, overdue in self.steps:
            data = contract_for(event_type, 1)(
                hazard_id=self.hazard_id, unit_id=unit, grid_id=grid, grade=self.grade, source=HazardSource.grid_patrol,
                category="消防", actor_id=self.reporter if event_type == "hazard.reported" else None, reason=None,
                previous_state=None, deadline=deadline, state=state, action=event_type.split(".")[1],
                overdue=overdue, at=at(day),
            )  # fmt: skip
            out.append(envelope(data, "inspections"))
        return out

    # what happened, read from the script, independently of reporting
    def reported_on(self) -> date:
        return next(day for kind, _, day, _, _ in self.steps if kind == "hazard.reported")

    def overdue_on(self) -> date | None:
        return next((day for kind, _, day, _, late in self.steps if late or kind == "hazard.overdue"), None)

    def closed_on_time(self) -> date | None:
        closed = [(day, deadline) for _, state, day, deadline, _ in self.steps if state == HazardState.closed]
        if not closed or self.overdue_on() is not None:
            return None
        day, deadline = closed[0]
        return day if deadline is None or day <= deadline else None

    def escalated_on(self) -> date | None:
        return self.reported_on() if any(kind == "hazard.escalated" for kind, *_ in self.steps) else None


@dataclass
class History:
    """A grid's two months: a leader handover on 10-01, a member leaving on 10-10."""

    grid: uuid.UUID = field(default_factory=uuid.uuid4)
    unit: uuid.UUID = field(default_factory=uuid.uuid4)
    other_unit: uuid.UUID = field(default_factory=uuid.uuid4)
    people: dict[str, uuid.UUID] = field(default_factory=dict)
    users: dict[str, uuid.UUID] = field(default_factory=dict)
    # person -> (duty, first day, last day or None)
    spans: dict[str, tuple[str, date, date | None]] = field(default_factory=dict)
    hazards: list[Hazard] = field(default_factory=list)
    inspections: list[tuple[str, date]] = field(default_factory=list)  # (who, day)
    missed: list[dict[str, Any]] = field(default_factory=list)
    envelopes: list[dict] = field(default_factory=list)

    def holders(self, day: date, duty: str | None = None) -> set[str]:
        return {
            who
            for who, (role, first, last) in self.spans.items()
            if first <= day and (last is None or day <= last) and duty in (None, role)
        }

    def expected(self, month: Any) -> dict[str, dict[str, int]]:
        """Each person's counts in `month`, by the rule: own work on duty days, a grid outcome for
        whoever held the grid that day, a missed duty for who owed it (else the holders that day)."""
        counts: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(WEIGHTS, 0))
        for who, (_, first, last) in self.spans.items():
            if first <= month.last_day and (last is None or last >= month.start):
                counts[who]  # noqa: B018 - scored, even with nothing counted
        for who, day in self.inspections:
            if month.start <= day <= month.last_day and who in self.holders(day):
                counts[who]["inspections_done"] += 1
        for hazard in self.hazards:
            reporter = next((w for w, u in self.users.items() if u == hazard.reporter), None)
            found = hazard.reported_on()
            if reporter and month.start <= found <= month.last_day and reporter in self.holders(found):
                counts[reporter]["hazards_found"] += 1
            for metric, day in (
                ("closed_on_time", hazard.closed_on_time()),
                ("overdue", hazard.overdue_on()),
                ("escalated", hazard.escalated_on()),
            ):
                if day is not None and month.start <= day <= month.last_day:
                    for who in self.holders(day):
                        counts[who][metric] += 1
        for missed in self.missed:
            if missed["owed_by"] == "enterprise" or not month.start <= missed["end"] <= month.last_day:
                continue
            for who in missed["responsible"] or self.holders(missed["end"], missed["owed_by"]):
                counts[who][missed["metric"]] += 1
        return counts


def scripted_history() -> History:
    h = History()
    zone = uuid.uuid4()
    h.envelopes.append(envelope(GridChangedV1(grid_id=h.grid, zone_id=zone, code="H1", name="历史网格", boundary={}, leader_person_id=None, member_person_ids=[], version=1, valid_from=d(8, 1)), "registry"))  # fmt: skip
    for unit, name in ((h.unit, "宏达化工"), (h.other_unit, "顺风物流")):
        h.envelopes.append(envelope(EnterpriseRegisteredV1(enterprise_id=unit, name=name, credit_code="x", kind=UnitKind.enterprise, industry="化工", production_status=ProductionStatus.operating, key_supervision=False, grid_id=h.grid, responsible_head=None, responsible_phone=None, version=1, states=[UnitState(valid_from=d(8, 1), valid_to=None, production_status=ProductionStatus.operating, key_supervision=False, grid_id=h.grid)]), "registry"))  # fmt: skip
    h.spans = {
        "old_leader": ("grid_leader", d(8, 1), d(9, 30)),
        "new_leader": ("grid_leader", d(10, 1), None),  # took the grid on the 1st
        "leaving_member": ("grid_member", d(8, 1), d(10, 10)),  # left on the 10th
        "staying_member": ("grid_member", d(8, 1), None),
    }
    for who, (duty, first, last) in h.spans.items():
        h.people[who], h.users[who] = uuid.uuid4(), uuid.uuid4()
        h.envelopes.append(envelope(PersonChangedV1(person_id=h.people[who], name=who, phone=None, email=None, enterprise_id=None, user_id=h.users[who], version=1), "registry"))  # fmt: skip
        assignment = uuid.uuid4()
        if last is None:
            h.envelopes.append(grid_duty(h.people[who], h.grid, duty, first, assignment_id=assignment))
        else:  # started open, ended later (version 2); the older snapshot arrives late and changes nothing
            opened = grid_duty(h.people[who], h.grid, duty, first, assignment_id=assignment, version=1)
            h.envelopes += [grid_duty(h.people[who], h.grid, duty, first, last, assignment_id=assignment, version=2), opened]  # fmt: skip
    rectifying, closed, reported = HazardState.rectifying, HazardState.closed, HazardState.reported
    u = h.users
    h.hazards = [
        Hazard(
            u["leaving_member"],
            [
                ("hazard.reported", reported, d(9, 10), None, False),
                ("hazard.rectification_ordered", rectifying, d(9, 10), d(9, 25), False),
                ("hazard.closed", closed, d(9, 20), d(9, 25), False),
            ],
        ),  # fmt: skip
        Hazard(
            u["leaving_member"],
            [
                ("hazard.reported", reported, d(10, 1), None, False),
                ("hazard.rectification_ordered", rectifying, d(10, 1), d(10, 15), False),
                ("hazard.closed", closed, d(10, 5), d(10, 15), False),
            ],
        ),  # fmt: skip
        Hazard(
            u["staying_member"],
            [
                ("hazard.reported", reported, d(10, 12), None, False),
                ("hazard.rectification_ordered", rectifying, d(10, 12), d(10, 25), False),
                ("hazard.closed", closed, d(10, 20), d(10, 25), False),
            ],
        ),  # fmt: skip
        Hazard(
            None,
            [
                ("hazard.reported", reported, d(10, 2), None, False),
                ("hazard.rectification_ordered", rectifying, d(10, 2), d(10, 8), False),
                ("hazard.overdue", rectifying, d(10, 9), d(10, 8), True),
            ],
        ),  # fmt: skip
        # reported by the member after they left: the grid's escalation, not their find
        Hazard(
            u["leaving_member"],
            [
                ("hazard.reported", reported, d(10, 15), None, False),
                ("hazard.escalated", reported, d(10, 15), None, False),
            ],
            grade=HazardGrade.major,
        ),  # fmt: skip
        # overdue on 10-04, given a new deadline, closed before it: not on time
        Hazard(
            None,
            [
                ("hazard.reported", reported, d(10, 1), None, False),
                ("hazard.rectification_ordered", rectifying, d(10, 1), d(10, 3), False),
                ("hazard.overdue", rectifying, d(10, 4), d(10, 3), True),
                ("hazard.rectification_ordered", rectifying, d(10, 5), d(10, 12), True),
                ("hazard.closed", closed, d(10, 9), d(10, 12), True),
            ],
        ),  # fmt: skip
    ]
    for hazard in h.hazards:
        h.envelopes += hazard.envelopes(h.unit, h.grid)
    h.inspections = [("leaving_member", d(10, 5)), ("leaving_member", d(10, 12)), ("new_leader", d(10, 20)), ("old_leader", d(9, 3))]  # fmt: skip
    for who, day in h.inspections:
        h.envelopes.append(envelope(InspectionCompletedV1(inspection_id=uuid.uuid4(), unit_id=h.unit, grid_id=h.grid, kind="daily_patrol", inspector_id=u[who], inspected_on=day, items=5, failed=0, hazard_ids=[]), "inspections"))  # fmt: skip
    p = h.people
    missed = [
        (
            "missed_inspections",
            "member_daily_patrol",
            DutyHolder.grid_member,
            d(10, 3),
            d(10, 3),
            ["leaving_member", "staying_member"],
        ),  # fmt: skip
        (
            "missed_inspections",
            "leader_key_unit_monthly",
            DutyHolder.grid_leader,
            d(9, 1),
            d(9, 30),
            ["old_leader"],
        ),
        (
            "missed_inspections",
            "leader_key_unit_monthly",
            DutyHolder.grid_leader,
            d(10, 1),
            d(10, 31),
            ["new_leader"],
        ),
        ("missed_inspections", "enterprise_self_check", DutyHolder.enterprise, d(10, 1), d(10, 31), []),
        ("missed_training", "pre_shift_daily", DutyHolder.enterprise, d(10, 6), d(10, 6), []),
        ("missed_training", "pre_shift_daily", DutyHolder.enterprise, d(10, 7), d(10, 7), []),
        # sent without who owed it: whoever held the grid as a member on its last day
        ("missed_training", "grid_publicity", DutyHolder.grid_member, d(10, 1), d(10, 31), []),
    ]
    for metric, rule, owed_by, start, end, responsible in missed:
        h.missed.append({"metric": metric, "owed_by": owed_by.value, "end": end, "responsible": responsible})
        common = {"rule_code": rule, "subject_id": h.unit, "grid_id": h.grid, "period": start.isoformat(), "period_start": start, "period_end": end, "done": 0, "required": 1, "owed_by": owed_by, "responsible_person_ids": [p[w] for w in responsible]}  # fmt: skip
        if metric == "missed_inspections":
            data: Any = InspectionMissedV1(inspection_kind="patrol", **common)
        else:
            data = TrainingMissedV1(activity="pre_shift", unit_id=h.unit, **common)
        h.envelopes.append(envelope(data, "inspections"))
    return h


def scores_of(clients, auth, month, people: dict[str, uuid.UUID]) -> dict[str, dict]:
    answer = clients["reporting"].get(
        "/assessment", params={"month": month.label}, headers=auth(Role.zone_admin)
    )
    assert answer.status_code == 200, answer.text
    names = {str(v): k for k, v in people.items()}
    return {names[s["person_id"]]: s for s in answer.json()["scores"] if s["person_id"] in names}


def test_the_assessment_scores_the_staff_of_each_day_across_a_handover_and_a_member_leaving(clients, auth):
    history = scripted_history()
    apply_in_order(history.envelopes)
    for month in (SEPTEMBER, OCTOBER):
        expected = history.expected(month)
        got = scores_of(clients, auth, month, history.people)
        assert set(got) == set(expected), month.label
        for who, counts in expected.items():
            items = {i["metric"]: i for i in got[who]["items"]}
            assert {m: i["count"] for m, i in items.items()} == counts, (month.label, who)
            assert all(i["points"] == round(i["count"] * WEIGHTS[m], 2) for m, i in items.items())
            assert got[who]["score"] == round(sum(c * WEIGHTS[m] for m, c in counts.items()), 2)

    october = scores_of(clients, auth, OCTOBER, history.people)
    september = scores_of(clients, auth, SEPTEMBER, history.people)
    # the leader who took the grid on 11-01's equivalent here (10-01) is not scored for September;
    # the one who led it then is, and not for October
    assert "new_leader" not in september and "old_leader" not in october
    assert {i["metric"]: i["count"] for i in september["old_leader"]["items"]}["missed_inspections"] == 1
    # the member who left on the 10th: their days, and nothing after
    leaving = october["leaving_member"]
    assert [(x["valid_from"], x["valid_to"], x["days"]) for x in leaving["duties"]] == [
        ("2026-10-01", "2026-10-10", 10)
    ]
    counts = {i["metric"]: i["count"] for i in leaving["items"]}
    assert counts == {"inspections_done": 1, "hazards_found": 1, "closed_on_time": 1, "overdue": 2, "escalated": 0, "missed_inspections": 1, "missed_training": 0}  # fmt: skip
    staying = {i["metric"]: i["count"] for i in october["staying_member"]["items"]}
    # the enterprise's own pre-shift trainings are not the member's; the grid's publicity is
    assert (
        staying["missed_training"] == 1 and staying["closed_on_time"] == 2
    )  # the overdue-then-closed one is not
    assert october["new_leader"]["roles"] == ["网格长 leader"] and october["new_leader"]["grids"] == [
        "历史网格"
    ]


def test_enterprises_own_missed_duties_are_in_their_compliance_table_not_in_staff_scores(clients, auth):
    history = scripted_history()
    apply_in_order(history.envelopes)
    get = partial(clients["reporting"].get, "/assessment/enterprises", headers=auth(Role.zone_admin))
    rows = [r for r in walk(get, month=OCTOBER.label, limit=1) if r["unit_id"] in {str(history.unit), str(history.other_unit)}]  # fmt: skip
    assert rows == [
        {
            "unit_id": str(history.unit),
            "unit_name": "宏达化工",
            "grid_id": str(history.grid),
            "missed_inspections": 1,
            "missed_training": 2,
            "by_rule": {"enterprise_self_check": 1, "pre_shift_daily": 2},
        }
    ]

    # grid staff see their grids' units, no other; the units themselves are not graders
    def seen_by(role: Role, **kwargs: Any) -> Any:
        return clients["reporting"].get("/assessment/enterprises", params={"month": OCTOBER.label}, headers=auth(role, **kwargs))  # fmt: skip

    assert [r["unit_id"] for r in seen_by(Role.grid_member, grid_ids=[history.grid]).json()["items"]] == [str(history.unit)]  # fmt: skip
    assert seen_by(Role.grid_member, grid_ids=[uuid.uuid4()]).json()["items"] == []
    assert seen_by(Role.enterprise_user, enterprise_id=history.unit).status_code == 403
    assert clients["reporting"].get("/assessment/enterprises", params={"month": "2026-13"}, headers=auth()).status_code == 422  # fmt: skip


def test_a_hazard_that_went_overdue_is_never_closed_on_time_in_any_order(clients, auth):
    zone = registry_events(grid_count=1, units_per_grid=1)
    apply_in_order(zone.envelopes)
    unit, grid = next(iter(zone.units.items()))
    rectifying, closed, reported = HazardState.rectifying, HazardState.closed, HazardState.reported
    late = Hazard(None, [("hazard.reported", reported, d(10, 1), None, False), ("hazard.rectification_ordered", rectifying, d(10, 1), d(10, 3), False), ("hazard.overdue", rectifying, d(10, 4), d(10, 3), True), ("hazard.rectification_ordered", rectifying, d(10, 5), d(10, 12), True), ("hazard.closed", closed, d(10, 9), d(10, 12), True)])  # fmt: skip
    reversed_late = Hazard(None, late.steps)
    honest = Hazard(None, [("hazard.reported", reported, d(10, 1), None, False), ("hazard.rectification_ordered", rectifying, d(10, 1), d(10, 8), False), ("hazard.closed", closed, d(10, 6), d(10, 8), False)])  # fmt: skip
    apply_in_order(late.envelopes(unit, grid) + list(reversed(reversed_late.envelopes(unit, grid))) + honest.envelopes(unit, grid))  # fmt: skip
    row = "SELECT closed_on_time::text || ' ' || coalesce(overdue_on::text, '-') FROM reporting.hazard_fact WHERE hazard_id = :h"
    assert sql(row, h=str(late.hazard_id)) == "false 2026-10-04"
    assert sql(row, h=str(reversed_late.hazard_id)) == "false 2026-10-04"  # closed first, told overdue later
    assert sql(row, h=str(honest.hazard_id)) == "true -"
    figures = clients["reporting"].get("/statistics/hazards", params={"period": "2026-10", "group_by": "grid"}, headers=auth(Role.auditor))  # fmt: skip
    by_grid = {r["key"]: r for r in figures.json()["items"]}
    assert by_grid[str(grid)]["closed"] == 3 and by_grid[str(grid)]["on_time_rate"] == round(1 / 3, 4)


def test_a_late_older_snapshot_never_brings_a_deleted_grid_back_nor_overwrites_a_newer_unit(clients, auth):
    grid, zone, unit, member = uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    created = envelope(GridChangedV1(grid_id=grid, zone_id=zone, code="T1", name="撤销网格", boundary={}, leader_person_id=None, member_person_ids=[], version=1, valid_from=d(9, 1)), "registry")  # fmt: skip
    deleted = envelope(GridDeletedV1(grid_id=grid, version=2, valid_to=d(10, 20)), "registry")
    late = envelope(GridChangedV1(grid_id=grid, zone_id=zone, code="T1", name="撤销网格", boundary={}, leader_person_id=None, member_person_ids=[], version=1, valid_from=d(9, 1)), "registry")  # fmt: skip
    late_but_newer_clock = dict(late, id=str(uuid.uuid4()), time=(datetime.now(get_settings().zone) + timedelta(hours=1)).isoformat())  # fmt: skip
    apply_in_order([created, deleted, late, late_but_newer_clock])
    grid_row = "SELECT deleted::text || ' ' || version || ' ' || valid_to FROM reporting.reporting_grid WHERE id = :g"
    assert sql(grid_row, g=str(grid)) == "true 2 2026-10-20"

    # a tombstone that arrives before any snapshot of the grid holds too
    early_gone = uuid.uuid4()
    apply_in_order([envelope(GridDeletedV1(grid_id=early_gone, version=3, valid_to=d(10, 1)), "registry"), envelope(GridChangedV1(grid_id=early_gone, zone_id=zone, code="T2", name="早删网格", boundary={}, leader_person_id=None, member_person_ids=[], version=2), "registry")])  # fmt: skip
    assert sql("SELECT deleted FROM reporting.reporting_grid WHERE id = :g", g=str(early_gone)) is True

    # a member's days end with the grid's last day
    apply_in_order([envelope(PersonChangedV1(person_id=member, name="撤销网格网格员", phone=None, email=None, enterprise_id=None), "registry"), grid_duty(member, grid, "grid_member", d(9, 1))])  # fmt: skip
    duties = scores_of(clients, auth, OCTOBER, {"member": member})["member"]["duties"]
    assert [(x["valid_to"], x["days"]) for x in duties] == [("2026-10-20", 20)]

    # a unit: version 3 kept with its dated states, a late version 2 changes nothing
    def unit_event(version: int, status: ProductionStatus, states: list[UnitState]) -> dict:
        return envelope(EnterpriseUpdatedV1(enterprise_id=unit, name=f"v{version}", credit_code="x", kind=UnitKind.enterprise, industry=None, production_status=status, key_supervision=True, grid_id=None, responsible_head=None, responsible_phone=None, version=version, states=states, changed=["production_status"]), "registry")  # fmt: skip

    newest = [
        UnitState(
            valid_from=d(8, 1),
            valid_to=d(10, 4),
            production_status=ProductionStatus.operating,
            key_supervision=False,
            grid_id=None,
        ),  # fmt: skip
        UnitState(
            valid_from=d(10, 5),
            valid_to=None,
            production_status=ProductionStatus.suspended,
            key_supervision=True,
            grid_id=None,
        ),  # fmt: skip
    ]
    older = [UnitState(valid_from=d(8, 1), valid_to=None, production_status=ProductionStatus.operating, key_supervision=False, grid_id=None)]  # fmt: skip
    apply_in_order(
        [unit_event(3, ProductionStatus.suspended, newest), unit_event(2, ProductionStatus.operating, older)]
    )
    assert sql("SELECT name || ' ' || production_status FROM reporting.reporting_unit WHERE id = :u", u=str(unit)) == "v3 suspended"  # fmt: skip
    states = sql_rows("SELECT valid_from, valid_to, production_status FROM reporting.unit_state WHERE unit_id = :u ORDER BY valid_from", u=str(unit))  # fmt: skip
    assert states == [(d(8, 1), d(10, 4), "operating"), (d(10, 5), None, "suspended")]


WRITES = re.compile(r"^\s*(?:INSERT INTO|UPDATE|DELETE FROM|TRUNCATE)\s+reporting\.(\w+)", re.IGNORECASE)


def test_a_rebuild_equals_the_live_read_models_table_by_table_and_covers_every_table_handlers_write(
    clients, auth
):
    written: set[str] = set()

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        if match := WRITES.match(statement):
            written.add(match[1])

    history = scripted_history()
    zone = registry_events(grid_count=2, units_per_grid=2)
    month = scripted_month(zone, OCTOBER.start, hazards=30, seed=13)
    grid, unit = zone.grids[0], next(iter(zone.units))
    varied = [
        envelope(
            TrainingRecordedV1(
                session_id=uuid.uuid4(),
                unit_id=unit,
                grid_id=grid,
                team_id=None,
                kind="pre_shift",
                held_on=d(10, 3),
                attendees=9,
                duration_minutes=20,
            ),
            "inspections",
        ),  # fmt: skip
        envelope(
            RiskAssessedV1(
                assessment_id=uuid.uuid4(),
                unit_id=unit,
                target="储罐区",
                method="LEC",
                score=160,
                colour=RiskColour.orange,
                table_version="2026",
                unit_colour=RiskColour.orange,
            ),
            "inspections",
        ),  # fmt: skip
        envelope(GridDeletedV1(grid_id=zone.grids[1], version=5, valid_to=d(10, 31)), "registry"),
        dict(zone.envelopes[0], id=str(uuid.uuid4())),  # a late older snapshot of a live grid
    ]
    event.listen(Engine, "before_cursor_execute", record)
    try:
        apply_in_order(zone.envelopes + history.envelopes + month + varied)
    finally:
        event.remove(Engine, "before_cursor_execute", record)

    rebuilt = {table.name for table in read_models()}
    plumbing = {"processed_event", "event_journal"}  # the consumer's own: which events it applied
    assert written - plumbing <= rebuilt, (
        f"handlers write tables the rebuild leaves out: {written - plumbing - rebuilt}"
    )
    assert {"training_fact", "missed_training_fact", "grid_duty", "unit_state"} <= written & rebuilt
    assert not {t.name for t in NOT_READ_MODELS} & (written - plumbing)

    def snapshot() -> dict[str, list]:
        with runtime.transaction() as session:
            return {
                table.name: sorted(map(repr, session.execute(select(table)).all())) for table in read_models()
            }

    live = snapshot()
    assert all(
        live[name] for name in ("training_fact", "missed_training_fact", "unit_state", "reporting_grid")
    )
    assert rebuild(progress=False) > 0
    again = snapshot()
    for name in live:
        assert again[name] == live[name], name
    assert expected_figures(month, None)  # the month had figures to rebuild


def test_local_rules_change_from_a_day_and_never_rewrite_the_past(clients, auth):
    today = local_today()
    this_month = containing(PeriodKind.month, today)
    next_month = containing(PeriodKind.month, this_month.end)
    last_month = this_month.previous()
    rules = clients["reporting"]

    def assessment_weights(month) -> dict:
        return rules.get("/assessment", params={"month": month.label}, headers=auth()).json()["weights"]

    heavier = {**WEIGHTS, "missed_inspections": -5.0}
    changed = rules.post("/zone-rules/assessment_weights", json={"valid_from": str(next_month.start), "value": heavier, "source": "2027年考核办法"}, headers=auth())  # fmt: skip
    assert changed.status_code == 201, changed.text
    assert changed.json()["value"] == heavier and changed.json()["versions"][0]["source"]
    assert assessment_weights(last_month) == WEIGHTS and assessment_weights(this_month) == WEIGHTS
    assert assessment_weights(next_month) == heavier

    due_day = rules.post("/zone-rules/monthly_report_due_day", json={"valid_from": str(next_month.start), "value": 25, "source": "区安委办通知"}, headers=auth())  # fmt: skip
    assert due_day.status_code == 201, due_day.text
    with runtime.transaction() as session:
        assert due_on(session, ReportKind.monthly_risk, this_month) == this_month.start.replace(day=20)
        assert due_on(session, ReportKind.monthly_risk, last_month) == last_month.start.replace(day=20)
        assert due_on(session, ReportKind.monthly_risk, next_month) == next_month.start.replace(day=25)
    listed = {r["key"]: r for r in rules.get("/zone-rules", headers=auth(Role.grid_member)).json()}
    assert set(listed) == {"assessment_weights", "monthly_report_due_day", "report_reminder_days_before"}
    assert listed["monthly_report_due_day"]["value"] == 20  # today's

    def versions(key: str) -> int:
        return len(rules.get(f"/zone-rules/{key}", headers=auth()).json()["versions"])

    before = {key: versions(key) for key in listed}
    past = str(last_month.start)
    no_reason = rules.post("/zone-rules/report_reminder_days_before", json={"valid_from": past, "value": 5, "source": "通知"}, headers=auth())  # fmt: skip
    assert no_reason.status_code == 422 and [e["loc"] for e in no_reason.json()["errors"]] == ["reason"]
    unknown = rules.post("/zone-rules/assessment_weights", json={"valid_from": str(today), "value": {**WEIGHTS, "attendance": 1.0}, "source": "x"}, headers=auth())  # fmt: skip
    assert (
        unknown.status_code == 422
        and [e["loc"] for e in unknown.json()["errors"]] == ["value"]
        and "attendance" in unknown.text
    )
    missing = {k: v for k, v in WEIGHTS.items() if k != "overdue"}
    assert rules.post("/zone-rules/assessment_weights", json={"valid_from": str(today), "value": missing, "source": "x"}, headers=auth()).status_code == 422  # fmt: skip
    assert rules.post("/zone-rules/monthly_report_due_day", json={"valid_from": str(today), "value": 31, "source": "x"}, headers=auth()).status_code == 422  # fmt: skip
    assert rules.post("/zone-rules/monthly_report_due_day", json={"valid_from": str(next_month.start), "value": 22, "source": "x"}, headers=auth()).status_code == 409  # fmt: skip
    assert rules.post("/zone-rules/no_such_rule", json={"valid_from": str(today), "value": 1, "source": "x"}, headers=auth()).status_code == 404  # fmt: skip
    assert rules.post("/zone-rules/monthly_report_due_day", json={"valid_from": str(today), "value": 15, "source": "x"}, headers=auth(Role.grid_member)).status_code == 403  # fmt: skip
    assert {key: versions(key) for key in listed} == before  # nothing recorded
    corrected = rules.post("/zone-rules/report_reminder_days_before", json={"valid_from": past, "value": 5, "source": "通知", "reason": "补录上月起执行的通知"}, headers=auth())  # fmt: skip
    assert corrected.status_code == 201 and corrected.json()["value"] == 5


def test_reports_are_owed_only_for_periods_the_unit_existed_and_was_not_closed_in():
    new, closing = uuid.uuid4(), uuid.uuid4()
    operating, closed = ProductionStatus.operating, ProductionStatus.closed
    apply_in_order([
        envelope(EnterpriseRegisteredV1(enterprise_id=new, name="新登记企业", credit_code="x", kind=UnitKind.enterprise, industry=None, production_status=operating, key_supervision=False, grid_id=None, responsible_head=None, responsible_phone=None, version=1, states=[UnitState(valid_from=d(10, 15), valid_to=None, production_status=operating, key_supervision=False, grid_id=None)]), "registry"),
        envelope(EnterpriseRegisteredV1(enterprise_id=closing, name="关闭企业", credit_code="x", kind=UnitKind.enterprise, industry=None, production_status=closed, key_supervision=False, grid_id=None, responsible_head=None, responsible_phone=None, version=2, states=[UnitState(valid_from=d(1, 1), valid_to=d(9, 4), production_status=operating, key_supervision=False, grid_id=None), UnitState(valid_from=d(9, 5), valid_to=None, production_status=closed, key_supervision=False, grid_id=None)]), "registry"),
    ])  # fmt: skip
    with runtime.transaction() as session:
        check_overdue(session, d(10, 25))  # September's and October's monthly reports are overdue
    overdue = (
        "SELECT envelope->'data'->>'period' FROM reporting.outbox WHERE event_type = 'report.overdue' "
        "AND envelope->'data'->>'kind' = 'monthly_risk' AND envelope->'data'->>'unit_id' = :u"
    )
    assert [p for (p,) in sql_rows(overdue, u=str(new))] == ["2026-10"]  # registered on 10-15
    assert [p for (p,) in sql_rows(overdue, u=str(closing))] == ["2026-09"]  # closed from 09-05


def test_filings_and_their_attachments_page_on_a_stable_key_within_one_transaction(clients, auth):
    zone = registry_events(grid_count=1, units_per_grid=1)
    apply_in_order(zone.envelopes)
    unit = next(iter(zone.units))
    mine = auth(Role.enterprise_user, enterprise_id=unit)
    last_month = containing(PeriodKind.month, local_today()).previous().label
    body = {"unit_id": str(unit), "kind": "monthly_risk", "period": last_month, "monthly_risk": {"shortcomings": "无", "weak_points": "无", "difficulties": "无", "main_risks": [{"risk": "火灾", "measures": "巡查"}]}}  # fmt: skip
    filed = [clients["reporting"].post("/filings", json=body, headers=mine).json() for _ in range(3)]
    # every row shares the transaction's now(): the key's id keeps a page boundary from skipping any
    listed = walk(partial(clients["reporting"].get, "/filings", headers=mine), unit_id=str(unit), limit=1)
    assert [f["version"] for f in listed] == [3, 2, 1]
    attach = f"/filings/{filed[0]['id']}/attachments"
    for pages in (1, 2, 3):
        assert clients["reporting"].post(attach, files={"file": (f"扫描{pages}.pdf", pdf(pages))}, headers=mine).status_code == 201  # fmt: skip
    attachments = walk(partial(clients["reporting"].get, attach, headers=mine), limit=1)
    assert sorted(a["filename"] for a in attachments) == ["扫描1.pdf", "扫描2.pdf", "扫描3.pdf"]
