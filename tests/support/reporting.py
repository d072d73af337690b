"""A scripted month of hazard lifecycles as events, and the figures expected from them, computed
here from the raw events, independently of the reporting service."""

import random
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from shared.events.contracts import EventContract, contract_for
from shared.events.contracts.inspections import HazardGrade, HazardSource, HazardState
from shared.events.contracts.registry import (
    AssignmentChangedV1,
    EnterpriseRegisteredV1,
    GridChangedV1,
    ProductionStatus,
    ScopeType,
    UnitKind,
)
from shared.events.envelope import CloudEvent
from shared.settings import get_settings

CATEGORIES = ("消防", "用电", "特种设备", "危化品", "有限空间")


def envelope(data: EventContract, source: str) -> dict[str, Any]:
    return CloudEvent.wrap(data, source=source, subject=None, correlation_id=None).model_dump(mode="json")


def grid_duty(
    person_id: uuid.UUID,
    grid_id: uuid.UUID,
    duty: str,
    valid_from: date,
    valid_to: date | None = None,
    *,
    assignment_id: uuid.UUID | None = None,
    version: int = 1,
) -> dict[str, Any]:
    """assignment.changed for a grid duty (grid_leader or grid_member) from one day to another."""
    data = AssignmentChangedV1(
        assignment_id=assignment_id or uuid.uuid4(),
        person_id=person_id,
        duty=duty,
        scope_type=ScopeType.grid,
        scope_id=grid_id,
        valid_from=valid_from,
        valid_to=valid_to,
        version=version,
    )
    return envelope(data, "registry")


@dataclass
class ScriptedZone:
    grids: list[uuid.UUID]
    units: dict[uuid.UUID, uuid.UUID]  # unit -> grid
    envelopes: list[dict[str, Any]] = field(default_factory=list)


def registry_events(grid_count: int = 3, units_per_grid: int = 4) -> ScriptedZone:
    zone_id = uuid.uuid4()
    zone = ScriptedZone(grids=[uuid.uuid4() for _ in range(grid_count)], units={})
    for index, grid_id in enumerate(zone.grids):
        zone.envelopes.append(envelope(GridChangedV1(grid_id=grid_id, zone_id=zone_id, code=f"G{index}", name=f"第{index + 1}网格", boundary={}, leader_person_id=None, member_person_ids=[]), "registry"))  # fmt: skip
        for number in range(units_per_grid):
            unit_id = uuid.uuid4()
            zone.units[unit_id] = grid_id
            zone.envelopes.append(envelope(EnterpriseRegisteredV1(enterprise_id=unit_id, name=f"企业{index}-{number}", credit_code="x", kind=UnitKind.enterprise, industry="化工", production_status=ProductionStatus.operating, key_supervision=False, grid_id=grid_id, responsible_head=None, responsible_phone=None), "registry"))  # fmt: skip
    return zone


PATHS = (
    "on_spot",
    "on_time",
    "overdue_then_closed",
    "still_rectifying",
    "refused",
    "reported_only",
    "voided",
)


def scripted_month(zone: ScriptedZone, month_start: date, hazards: int, seed: int) -> list[dict[str, Any]]:
    """Hazard lifecycles reported during the month, each as the events inspections would publish."""
    rng = random.Random(seed)
    reporter = uuid.uuid4()
    return [env for _ in range(hazards) for env in _lifecycle(rng, zone, month_start, reporter)]


def _lifecycle(
    rng: random.Random, zone: ScriptedZone, month_start: date, reporter: uuid.UUID
) -> list[dict[str, Any]]:
    unit_id = rng.choice(list(zone.units))
    grade = HazardGrade.major if rng.random() < 0.15 else HazardGrade.general
    path = rng.choice(PATHS[1:] if grade == HazardGrade.major else PATHS)
    day = month_start + timedelta(days=rng.randrange(0, 20))
    common = {
        "hazard_id": uuid.uuid4(),
        "unit_id": unit_id,
        "grid_id": zone.units[unit_id],
        "grade": grade,
        "source": rng.choice(list(HazardSource)),
        "category": rng.choice(CATEGORIES),
        "actor_id": reporter,
        "reason": None,
        "previous_state": None,
        "deadline": None,
    }
    envelopes = []

    def emit(event_type: str, state: HazardState, offset: int, overdue: bool = False) -> None:
        at = datetime.combine(day + timedelta(days=offset), time(9, 0), tzinfo=get_settings().zone)
        data = contract_for(event_type, 1)(
            **common, state=state, action=event_type.split(".")[1], overdue=overdue, at=at
        )
        envelopes.append(envelope(data, "inspections"))

    emit("hazard.reported", HazardState.reported, 0)
    if grade == HazardGrade.major:
        emit("hazard.escalated", HazardState.reported, 0)
    if path == "on_spot":
        emit("hazard.fixed_on_spot", HazardState.rectified, 0)
        emit("hazard.verified", HazardState.verified, 1)
        emit("hazard.closed", HazardState.closed, 2)
    if path == "voided":  # 误报: never a hazard, in no figure
        common["reason"] = "误报"
        emit("hazard.voided", HazardState.voided, 1)
    if path in ("on_spot", "reported_only", "voided"):
        return envelopes
    common["deadline"] = day + timedelta(days=5)
    emit("hazard.rectification_ordered", HazardState.rectifying, 0)
    if path == "on_time":
        emit("hazard.rectified", HazardState.rectified, 3)
        emit("hazard.verified", HazardState.verified, 4)
        emit("hazard.closed", HazardState.closed, 5)
    elif path == "overdue_then_closed":
        emit("hazard.overdue", HazardState.rectifying, 6, overdue=True)
        emit("hazard.rectified", HazardState.rectified, 7, overdue=True)
        emit("hazard.verified", HazardState.verified, 8, overdue=True)
        emit("hazard.closed", HazardState.closed, 9, overdue=True)
    elif path == "refused":
        emit("hazard.refused", HazardState.with_enforcement, 2)
    return envelopes


def expected_figures(envelopes: list[dict[str, Any]], key: str) -> dict[str | None, dict[str, object]]:
    """The statistics of the hazards in these events, grouped by `key` (a data field, or None)."""
    by_hazard: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for env in envelopes:
        if env["type"].startswith("hazard."):
            by_hazard[env["data"]["hazard_id"]].append(env)
    groups: dict[str | None, dict[str, Any]] = {}
    for events in by_hazard.values():
        events.sort(key=lambda e: e["time"])
        types = {e["type"] for e in events}
        last = events[-1]["data"]
        if last["state"] == "voided":
            continue
        group = groups.setdefault(
            None if key is None else last[key],
            {"found": 0, "fixed_on_spot": 0, "under_deadline": 0, "overdue": 0, "escalated": 0,
             "rectified": 0, "closed": 0, "on_time": 0, "days": []},
        )  # fmt: skip
        group["found"] += 1
        group["fixed_on_spot"] += "hazard.fixed_on_spot" in types
        group["under_deadline"] += "hazard.rectification_ordered" in types
        group["overdue"] += "hazard.overdue" in types
        group["escalated"] += bool(types & {"hazard.escalated", "hazard.refused"})
        group["rectified"] += last["state"] in ("rectified", "verified", "closed")
        if last["state"] == "closed":
            reported = date.fromisoformat(events[0]["data"]["at"][:10])
            closed = date.fromisoformat(last["at"][:10])
            group["closed"] += 1
            group["on_time"] += last["deadline"] is None or closed <= date.fromisoformat(last["deadline"])
            group["days"].append((closed - reported).days)
    return {
        k: {
            "found": g["found"],
            "fixed_on_spot": g["fixed_on_spot"],
            "under_deadline": g["under_deadline"],
            "overdue": g["overdue"],
            "escalated": g["escalated"],
            "rectified": g["rectified"],
            "closed": g["closed"],
            "rectification_rate": round(g["rectified"] / g["found"], 4),
            "on_time_rate": round(g["on_time"] / g["closed"], 4) if g["closed"] else None,
            "average_days_to_close": round(sum(g["days"]) / len(g["days"]), 2) if g["days"] else None,
        }
        for k, g in groups.items()
    }
