"""Helpers for notification tests: a zone's people as the notifications service hears of them
(through its real consumer), hazard events, and queries of what was sent."""

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from services.notifications.worker import consumer
from shared.events.contracts import EventContract, contract_for
from shared.events.contracts.inspections import HazardGrade, HazardSource, HazardState
from shared.events.contracts.registry import (
    AssignmentChangedV1,
    EnterpriseRegisteredV1,
    GridChangedV1,
    PersonChangedV1,
    ProductionStatus,
    UnitKind,
)
from shared.events.envelope import CloudEvent
from tests.support.inspections import sql

ROLES = ("principal", "member", "leader", "office", "officer")


@dataclass
class Person:
    person_id: uuid.UUID
    user_id: uuid.UUID
    email: str | None
    phone: str | None


@dataclass
class Zone:
    unit_id: uuid.UUID = field(default_factory=uuid.uuid4)
    grid_id: uuid.UUID = field(default_factory=uuid.uuid4)
    zone_id: uuid.UUID = field(default_factory=uuid.uuid4)
    people: dict[str, Person] = field(default_factory=dict)


def feed(data: EventContract, subject: str | None = None) -> dict[str, Any]:
    """Hand one event to the notifications consumer, as a worker would; returns its envelope."""
    envelope = CloudEvent.wrap(data, source="test", subject=subject, correlation_id=None).model_dump(
        mode="json"
    )
    assert consumer.process(envelope) == "applied"
    return envelope


def zone_with_people(*, without_email: tuple[str, ...] = ()) -> Zone:
    """A unit in a grid, its principal person, the grid's member and leader, the safety office and
    an enforcement officer, each with an account, a phone and (unless told) an email address."""
    zone = Zone()
    feed(
        EnterpriseRegisteredV1(
            enterprise_id=zone.unit_id,
            name="宏达化工有限公司",
            credit_code="x",
            kind=UnitKind.enterprise,
            industry="化工",
            production_status=ProductionStatus.operating,
            key_supervision=True,
            grid_id=zone.grid_id,
            responsible_head="王总",
            responsible_phone="13800000000",
        )
    )
    for index, role in enumerate(ROLES):
        person = Person(
            uuid.uuid4(),
            uuid.uuid4(),
            None if role in without_email else f"{role}.{uuid.uuid4().hex[:6]}@example.cn",
            f"1390000000{index}",
        )
        zone.people[role] = person
        feed(PersonChangedV1(person_id=person.person_id, name=f"{role}-姓名", phone=person.phone, email=person.email, enterprise_id=None, user_id=person.user_id))  # fmt: skip
    feed(
        GridChangedV1(
            grid_id=zone.grid_id,
            zone_id=zone.zone_id,
            code="G1",
            name="第一网格",
            boundary={},
            leader_person_id=zone.people["leader"].person_id,
            member_person_ids=[zone.people["member"].person_id],
        )
    )
    for role, duty, scope_type, scope in (
        ("principal", "principal_person", "enterprise", zone.unit_id),
        ("office", "safety_office", "zone", zone.zone_id),
        ("officer", "enforcement_officer", "zone", zone.zone_id),
    ):
        feed(
            AssignmentChangedV1(
                assignment_id=uuid.uuid4(),
                person_id=zone.people[role].person_id,
                duty=duty,
                scope_type=scope_type,
                scope_id=scope,
                valid_from=date(2020, 1, 1),
                valid_to=None,
            )
        )
    return zone


def hazard_event(
    zone: Zone,
    event_type: str,
    *,
    hazard_id: uuid.UUID,
    state: HazardState,
    grade: HazardGrade = HazardGrade.general,
    deadline: date | None = None,
    **extra: Any,
) -> EventContract:
    """A hazard event as inspections publishes it; `extra`: the fields its own contract adds."""
    return contract_for(event_type, 1)(
        **extra,
        hazard_id=hazard_id,
        unit_id=zone.unit_id,
        grid_id=zone.grid_id,
        grade=grade,
        source=HazardSource.grid_patrol,
        category="消防",
        state=state,
        previous_state=None,
        action=event_type.split(".")[1],
        deadline=deadline,
        overdue=False,
        actor_id=None,
        reason=None,
        at=datetime.now(UTC),
    )


def told(person: Person, occasion_prefix: str = "") -> int:
    """How many inbox messages a person has, of occasions starting with the prefix."""
    return sql(
        "SELECT count(*) FROM notifications.inbox_message WHERE person_id = :p AND occasion LIKE :o",
        p=str(person.person_id),
        o=f"{occasion_prefix}%",
    )
