"""Hazard notices: told at once on each lifecycle step, reminded before the deadline, and climbed
up the escalation ladder (逐级上报) while overdue.

Every notice has an occasion key naming the hazard, its current deadline and the step, so each
is sent once per recipient however often the scheduler runs or an event is redelivered; a new
deadline (a failed verification) starts the reminders and the ladder afresh, and a hazard that is
no longer awaiting rectification leaves them.
"""

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.notifications.directory.models import UnitContact
from services.notifications.directory.service import known_unit
from services.notifications.hazard_notices.models import HazardWatch
from services.notifications.inbox.routing import (
    DEADLINE_REMINDER_ROUTE,
    HAZARD_ROUTES,
    LADDER_STEPS,
    MAJOR_EXTRA,
    MAJOR_ROUTES,
    REPEAT_OFFENDER_ROUTE,
    URGENT_TYPES,
    recipients,
    unit_and_recipients,
)
from services.notifications.inbox.service import NewMessage, Notice, notify
from services.notifications.settings import get_notifications_settings
from shared.db import snapshot_upsert
from shared.events.contracts.inspections import (
    AWAITING_RECTIFICATION,
    HazardEventV1,
    HazardGrade,
    HazardListedV1,
    HazardRegradedV1,
    HazardReviewLateV1,
    RepeatOffenderV1,
)
from shared.events.envelope import CloudEvent
from shared.labels import zh

TITLES = {
    "hazard.reported": "新登记隐患",
    "hazard.escalated": "重大隐患上报",
    "hazard.rectification_ordered": "限期整改通知",
    "hazard.fixed_on_spot": "已立改立销,待复查验收",
    "hazard.rectified": "整改完成,待复查验收",
    "hazard.verification_failed": "复查未通过,需重新整改",
    "hazard.verified": "复查验收通过,待销号",
    "hazard.refused": "拒不整改,已移交执法",
    "hazard.closed": "隐患已销号",
    "hazard.listed": "重大隐患挂牌督办",
    "hazard.review_late": "复产审查超期",
    "hazard.regraded": "隐患等级已调整",
    "hazard.voided": "隐患误报作废",
    "hazard.unacted_reminded": "登记隐患尚未处置",
    "hazard.unacted_escalated": "登记隐患长期未处置,已上报",
}


def on_hazard_event(session: Session, data: HazardEventV1, event: CloudEvent, today: date) -> None:
    """Keep the hazard's copy, tell whoever this step concerns, and run its reminders.

    Two statements: the unit and the step's recipients read together, then the copy's upsert and
    the inbox messages written together."""
    audiences = HAZARD_ROUTES.get(event.type, ())
    if audiences and data.grade == HazardGrade.major:
        audiences = MAJOR_ROUTES.get(event.type, (*audiences, *MAJOR_EXTRA))
    unit, chosen = unit_and_recipients(session, audiences, data.unit_id, data.grid_id, today)
    copy = {
        "hazard_id": data.hazard_id,
        "unit_id": data.unit_id,
        "grid_id": data.grid_id,
        "grade": data.grade.value,
        "category": data.category,
        "state": data.state.value,
        "open": data.state in AWAITING_RECTIFICATION,
        "deadline": data.deadline,
        "source_time": event.time,
    }
    keep_copy = (snapshot_upsert(HazardWatch, tuple(copy), key="hazard_id"), copy)
    if audiences:
        deadline = f",整改期限 {data.deadline}" if data.deadline else ""
        grade = zh("hazard_grade", data.grade)
        notice = Notice.of_event(
            event,
            f"【{grade}】{TITLES[event.type]}:{unit.unit_name}",
            f"{unit.unit_name} {data.category}类{grade},当前状态 {zh('hazard_state', data.state)}{deadline}。"
            f"{_particulars(data)}{data.reason or ''}",
            urgent=event.type in URGENT_TYPES or data.grade == HazardGrade.major,
            subject_id=data.hazard_id,
        )
        notify(session, notice, chosen, along=keep_copy)
    else:
        session.execute(*keep_copy)
    if data.deadline is not None and data.state in AWAITING_RECTIFICATION:
        watch = session.get_one(HazardWatch, data.hazard_id)  # upserted just above
        if watch.source_time == event.time:  # this event is the latest word on the hazard
            remind_and_escalate(session, today, [watch])


def on_repeat_offender(session: Session, data: RepeatOffenderV1, event: CloudEvent, today: date) -> None:
    """A unit penalised for major hazards 3 times in 180 days or 4 in a year: the safety office and
    enforcement, who may propose closing it (安全生产法第113条)."""
    unit = known_unit(session, data.unit_id)
    major = zh("hazard_grade", HazardGrade.major)
    notice = Notice.of_event(
        event,
        f"【第113条】屡因{major}受罚:{unit.unit_name}",
        f"{unit.unit_name} 近180日因{major}受行政处罚 {data.penalties_180_days} 次、近一年 "
        f"{data.penalties_365_days} 次(最近一次决定于 {data.decided_on}),已达安全生产法第113条情形,"
        "请依法研究提请关闭等措施。",
        urgent=True,
        subject_id=data.unit_id,
    )
    notify(session, notice, recipients(session, REPEAT_OFFENDER_ROUTE, data.unit_id, unit.grid_id, today))


def _particulars(data: HazardEventV1) -> str:
    """What a step's own contract adds that the reader needs."""
    match data:
        case HazardListedV1():
            return f"挂牌督办单位:{data.listing_authority}。"
        case HazardReviewLateV1():
            return f"复产申请 {data.restart_applied_on},现场审查 {data.authority_review_on},超过规定期限。"
        case HazardRegradedV1():
            return f"原等级 {zh('hazard_grade', data.previous_grade)}。"
    return ""


def _hazard_notice(watch: HazardWatch, unit: UnitContact, occasion: str, title: str, urgent: bool) -> Notice:
    grade = zh("hazard_grade", watch.grade)
    return Notice(
        occasion=f"{occasion}:{watch.hazard_id}:{watch.deadline}",
        event_type=f"reminder.{occasion}",
        title=f"【{grade}】{title}:{unit.unit_name}",
        body=f"{unit.unit_name} {watch.category}类{grade},整改期限 {watch.deadline}。请督促按期整改并上传整改证据。",
        urgent=urgent or watch.grade == HazardGrade.major.value,
        subject_id=watch.hazard_id,
    )


def remind_and_escalate(session: Session, today: date, watches: list[HazardWatch]) -> list[NewMessage]:
    """Deadline reminders and ladder steps due on `today` for these hazards; returns new messages."""
    settings = get_notifications_settings()
    sent: list[NewMessage] = []
    for watch in watches:
        if not watch.open or watch.deadline is None:
            continue
        unit = session.get(UnitContact, watch.unit_id)
        if unit is None:
            continue
        days_left = (watch.deadline - today).days
        notices: list[tuple[Notice, tuple[str, ...]]] = []
        if days_left >= 0:  # the deadline day itself still counts as in time
            due = [d for d in settings.reminder_days_before_deadline if days_left <= d]
            if due:
                title = f"整改期限还剩 {days_left} 天" if days_left else "今天是整改期限"
                notices.append(
                    (_hazard_notice(watch, unit, f"due{min(due)}d", title, False), DEADLINE_REMINDER_ROUTE)
                )
        else:
            overdue_days = -days_left
            after = {1: 1, 2: settings.ladder_leader_after_days, 3: settings.ladder_enforcement_after_days}
            for step, audiences, urgent in LADDER_STEPS:
                if overdue_days >= after[step]:
                    title = f"整改逾期 {overdue_days} 天,逐级上报(第{step}级)"
                    notices.append((_hazard_notice(watch, unit, f"ladder{step}", title, urgent), audiences))
            if overdue_days > 1:  # a daily reminder after the first step's notice
                title = f"整改已逾期 {overdue_days} 天"
                notices.append(
                    (_hazard_notice(watch, unit, f"overdue{today}", title, False), DEADLINE_REMINDER_ROUTE)
                )
        for notice, audiences in notices:
            chosen = recipients(session, audiences, watch.unit_id, watch.grid_id, today)
            sent += notify(session, notice, chosen)
    return sent


def run_reminders(session: Session, today: date) -> int:
    """The scheduler's pass over every hazard awaiting rectification whose reminders may be due."""
    horizon = max(get_notifications_settings().reminder_days_before_deadline, default=0)
    watches = session.scalars(
        select(HazardWatch).where(HazardWatch.open, HazardWatch.deadline <= today + timedelta(days=horizon))
    ).all()
    return len(remind_and_escalate(session, today, list(watches)))
