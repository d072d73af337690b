"""Hazard and inspection events that tell people, and the scheduler's reminder pass."""

import structlog
from sqlalchemy.orm import Session

from services.notifications.escalation.service import known_unit, on_hazard_event, run_reminders
from services.notifications.inbox.routing import MISSED_INSPECTION_ROUTE, recipients
from services.notifications.inbox.service import Notice, notify
from services.notifications.reports.service import report_reminders
from services.notifications.worker import celery_app, consumer, runtime
from shared.clock import local_today
from shared.events.contracts import CONTRACTS
from shared.events.contracts.inspections import HazardEventV1, InspectionDueV1, InspectionMissedV1
from shared.events.envelope import CloudEvent

log = structlog.get_logger(__name__)

SEND_REMINDERS_TASK = "notifications.send_reminders"
INSPECTION_KINDS = {
    "daily_patrol": "日巡查",
    "weekly_check": "周检查",
    "leader_inspection": "分管领导检查",
    "self_check": "企业自查",
    "monthly_patrol": "月度全面巡查",
    "special_campaign": "专项治理",
    "look_back": "回头看",
}


def handle_hazard_event(session: Session, data: HazardEventV1, event: CloudEvent) -> None:
    on_hazard_event(session, data, event, local_today())


for contract in CONTRACTS.values():
    if issubclass(contract, HazardEventV1):
        consumer.handles(contract)(handle_hazard_event)


@consumer.handles(InspectionMissedV1)
@consumer.handles(InspectionDueV1)
def on_inspection_missed(session: Session, data: InspectionMissedV1, event: CloudEvent) -> None:
    """A required inspection not done in its period (漏检), or not yet done on its reminder day
    (待检查): the grid's staff hear of it."""
    unit_name = ""
    if data.grid_id != data.subject_id:  # the subject is a unit, not the grid itself
        unit_name = known_unit(session, data.subject_id).unit_name + " "
    missed = event.type == "inspection.missed"
    notice = Notice.of_event(
        event,
        f"【{'漏检' if missed else '待检查'}】{unit_name}{data.period} {INSPECTION_KINDS.get(data.inspection_kind, data.inspection_kind)}",
        f"{unit_name}{data.period}({data.period_start} 至 {data.period_end})应检查 {data.required} 次,"
        f"{'实际' if missed else '目前'} {data.done} 次。",
        urgent=False,
        subject_id=data.subject_id,
    )
    unit_id = data.subject_id if unit_name else None
    notify(
        session, notice, recipients(session, MISSED_INSPECTION_ROUTE, unit_id, data.grid_id, local_today())
    )


@celery_app.task(name=SEND_REMINDERS_TASK)
def send_reminders() -> int:
    """Deadline and report reminders and ladder steps due today."""
    day = local_today()
    with runtime.transaction() as session:
        sent = run_reminders(session, day) + report_reminders(session, day)
    log.info("reminders.sent", day=str(day), messages=sent)
    return sent
