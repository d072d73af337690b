"""Duties and certificates: a missed or due inspection reaches the grid staff who owed it (§4.4), or
the enterprise's head when the enterprise owed it; a missed or due training duty or a failed exam
reaches the enterprise's head; a certificate about to expire,
or expired, reaches its holder and the enterprise's head (§4.5)."""

import uuid

from sqlalchemy.orm import Session

from services.notifications.directory.models import UnitContact
from services.notifications.directory.service import known_unit
from services.notifications.inbox.routing import (
    MISSED_INSPECTION_ROUTE,
    OWN_DUTY_ROUTE,
    TRAINING_ROUTE,
    recipients,
)
from services.notifications.inbox.service import Notice, notify
from shared.clock import local_today
from shared.events.contracts.inspections import (
    DutyHolder,
    ExamFailedV1,
    InspectionDueV1,
    InspectionMissedV1,
    TrainingDueV1,
    TrainingMissedV1,
)
from shared.events.contracts.registry import CertificateDeadlineV1
from shared.events.envelope import CloudEvent
from shared.events.handlers import handles
from shared.labels import zh


def _tell_unit(
    session: Session,
    event: CloudEvent,
    unit: UnitContact,
    title: str,
    body: str,
    extra: dict | None = None,
    route: dict[uuid.UUID, str] | None = None,
) -> None:
    """Tell the unit's head (or the people `route` names), and the `extra` people."""
    chosen = (
        route
        if route is not None
        else recipients(session, TRAINING_ROUTE, unit.unit_id, unit.grid_id, local_today())
    )
    notice = Notice.of_event(
        event,
        title,
        body,
        urgent=False,
        subject_id=unit.unit_id,
    )
    notify(session, notice, chosen | (extra or {}))  # the holder is told as the holder


@handles(InspectionMissedV1)
@handles(InspectionDueV1)
def on_inspection_missed(session: Session, data: InspectionMissedV1, event: CloudEvent) -> None:
    """A required inspection not done in its period (漏检), or not yet done on its reminder day
    (待检查): the grid's staff hear of it."""
    unit_name = ""
    if data.grid_id != data.subject_id:  # the subject is a unit, not the grid itself
        unit_name = known_unit(session, data.subject_id).unit_name + " "
    missed = event.type == "inspection.missed"
    notice = Notice.of_event(
        event,
        f"【{'漏检' if missed else '待检查'}】{unit_name}{data.period} {zh('inspection_kind', data.inspection_kind)}",
        f"{unit_name}{data.period}({data.period_start} 至 {data.period_end})应检查 {data.required} 次,"
        f"{'实际' if missed else '目前'} {data.done} 次。",
        urgent=False,
        subject_id=data.subject_id,
    )
    unit_id = data.subject_id if unit_name else None
    notify(session, notice, _owing(session, data, unit_id))


def _owing(session: Session, data: InspectionMissedV1, unit_id: uuid.UUID | None) -> dict[uuid.UUID, str]:
    """Who owed the duty: the unit's people for its own duty; the grid staff the event names (those
    who held the duty then); else, for an event that names no one, the grid's staff of today."""
    if data.owed_by == DutyHolder.enterprise:
        return recipients(session, OWN_DUTY_ROUTE, unit_id or data.subject_id, data.grid_id, local_today())
    if data.responsible_person_ids:
        why = "grid_leader" if data.owed_by == DutyHolder.grid_leader else "grid_members"
        return dict.fromkeys(data.responsible_person_ids, why)
    return recipients(session, MISSED_INSPECTION_ROUTE, unit_id, data.grid_id, local_today())


@handles(TrainingMissedV1)
@handles(TrainingDueV1)
def on_training_missed(session: Session, data: TrainingMissedV1, event: CloudEvent) -> None:
    """A training duty not done in its period, or not yet done on its reminder day."""
    activity = zh("training_activity", data.activity)
    unit = known_unit(session, data.unit_id)
    missed = event.type == "training.missed"
    staff = data.owed_by != DutyHolder.enterprise and data.responsible_person_ids  # grid staff owed it
    why = "grid_leader" if data.owed_by == DutyHolder.grid_leader else "grid_members"
    _tell_unit(
        session,
        event,
        unit,
        f"【{'未完成' if missed else '待完成'}】{unit.unit_name} {data.period} {activity}",
        f"{unit.unit_name}在 {data.period_start} 至 {data.period_end} 应完成{activity} {data.required} 次,"
        f"{'实际' if missed else '目前'} {data.done} 次。",
        route=dict.fromkeys(data.responsible_person_ids, why) if staff else None,
    )


@handles(ExamFailedV1)
def on_exam_failed(session: Session, data: ExamFailedV1, event: CloudEvent) -> None:
    unit = known_unit(session, data.unit_id)
    _tell_unit(
        session,
        event,
        unit,
        f"【考试不合格】{unit.unit_name} 安全考试有人员需补考",
        f"{unit.unit_name} {data.held_on} 的安全考试(及格线 {data.pass_mark:g} 分)有 {len(data.failed_person_ids)} 人不合格,须组织补考。",
    )


@handles(CertificateDeadlineV1)  # expiring and expired
def on_certificate_deadline(session: Session, data: CertificateDeadlineV1, event: CloudEvent) -> None:
    name = zh("certificate_kind", data.kind) + (f"({data.category})" if data.category else "")
    state = "已过期" if event.type == "certificate.expired" else f"将于 {data.days_left} 天后到期"
    holder = {data.person_id: "certificate_holder"}
    if data.enterprise_id is None:
        notice = Notice.of_event(
            event,
            f"【证书提醒】{name} {state}",
            f"证书 {data.number} 有效期至 {data.expires_on},{state},请及时复审或换证。",
            urgent=False,
            subject_id=data.person_id,
        )
        notify(session, notice, holder)
        return
    unit = known_unit(session, data.enterprise_id)
    _tell_unit(
        session,
        event,
        unit,
        f"【证书提醒】{unit.unit_name} {name} {state}",
        f"{unit.unit_name}人员持有的{name}(编号 {data.number})有效期至 {data.expires_on},{state},请及时组织复审或换证。",
        extra=holder,
    )
