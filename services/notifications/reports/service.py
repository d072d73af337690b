"""Reminders about the reports units owe (月度风险分析报告、季度和年度统计报表): before the due
date to those who have not filed, and after it when reporting says one is overdue."""

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.notifications.directory.models import UnitContact
from services.notifications.inbox.routing import REPORT_DUE_ROUTE, recipients
from services.notifications.inbox.service import Notice, notify
from services.notifications.reports.models import FiledReport
from services.notifications.settings import get_notifications_settings
from shared.labels import zh
from shared.periods import REPORT_PERIOD, containing, owes_report, report_due_on


def report_reminders(session: Session, today: date) -> int:
    """Remind each unit that has not yet filed a report due within the next few days, once."""
    horizon = today + timedelta(days=get_notifications_settings().report_reminder_days_before)
    sent = 0
    for kind, period_kind in REPORT_PERIOD.items():
        period = containing(period_kind, today)
        for candidate in (period.previous(), period):
            due = report_due_on(kind, candidate)
            if not today <= due <= horizon:
                continue
            filed = select(FiledReport.unit_id).where(
                FiledReport.kind == kind, FiledReport.period == candidate.label
            )
            for unit in session.scalars(select(UnitContact).where(UnitContact.unit_id.not_in(filed))):
                if not owes_report(kind, unit.kind, unit.production_status):
                    continue
                notice = Notice(
                    occasion=f"report_due:{kind}:{candidate.label}:{unit.unit_id}",
                    event_type="reminder.report_due",
                    title=f"【报送提醒】{unit.unit_name} {candidate.chinese}{zh('report_kind', kind)}请于 {due} 前报送",
                    body=f"{unit.unit_name}尚未报送{candidate.chinese}{zh('report_kind', kind)},截止日期 {due}。",
                    urgent=False,
                    subject_id=unit.unit_id,
                )
                sent += len(
                    notify(
                        session,
                        notice,
                        recipients(session, REPORT_DUE_ROUTE, unit.unit_id, unit.grid_id, today),
                    )
                )
    return sent
