"""Hazard events reach the right people's inboxes (隐患通知), once per event and person."""

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from services.notifications.directory.models import PersonContact, UnitContact
from services.notifications.inbox.models import InboxMessage
from services.notifications.inbox.routing import HAZARD_ROUTES, MAJOR_EXTRA, URGENT_TYPES, recipients
from services.notifications.worker import consumer
from shared.clock import local_today
from shared.events.consumer import RetryLater
from shared.events.contracts import contract_for
from shared.events.contracts.inspections import HazardEventV1, HazardGrade
from shared.events.envelope import CloudEvent

TITLES = {
    "hazard.reported": "新登记隐患",
    "hazard.escalated": "重大隐患上报",
    "hazard.rectification_ordered": "限期整改通知",
    "hazard.due_soon": "整改即将到期",
    "hazard.overdue": "隐患整改逾期",
    "hazard.refused": "拒不整改,已移交执法",
    "hazard.closed": "隐患已销号",
}
GRADES = {HazardGrade.general: "一般隐患", HazardGrade.major: "重大隐患"}


def on_hazard_event(session: Session, data: HazardEventV1, event: CloudEvent) -> None:
    unit = session.get(UnitContact, data.unit_id)
    if unit is None:  # the registry's event has not arrived yet: try again later, never drop
        raise RetryLater(f"unit {data.unit_id} not yet known to notifications")
    audiences = HAZARD_ROUTES[event.type]
    if data.grade == HazardGrade.major:
        audiences = (*audiences, *MAJOR_EXTRA)
    chosen = recipients(session, audiences, data.unit_id, data.grid_id, local_today())
    deadline = f",整改期限 {data.deadline}" if data.deadline else ""
    title = f"【{GRADES[data.grade]}】{TITLES[event.type]}:{unit.unit_name}"
    body = f"{unit.unit_name} {data.category}类{GRADES[data.grade]},当前状态 {data.state.value}{deadline}。{data.reason or ''}"
    for person_id, audience in chosen.items():
        contact = session.get(PersonContact, person_id)
        session.execute(
            insert(InboxMessage)
            .values(
                person_id=person_id,
                user_id=contact.user_id if contact else None,
                event_id=event.id,
                event_type=event.type,
                subject_id=data.hazard_id,
                title=title,
                body=body,
                urgent=event.type in URGENT_TYPES or data.grade == HazardGrade.major,
                why=audience,
            )
            .on_conflict_do_nothing()
        )


for event_type in HAZARD_ROUTES:
    consumer.handles(contract_for(event_type, 1))(on_hazard_event)
