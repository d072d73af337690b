"""Reports units owe (月度风险分析报告、季度和年度统计报表): reporting says when one is soon due and not
yet filed (report.due) or overdue (report.overdue); the unit's head and grid member are told."""

from sqlalchemy.orm import Session

from services.notifications.directory.service import known_unit
from services.notifications.inbox.routing import REPORT_ROUTE, recipients
from services.notifications.inbox.service import Notice, notify
from shared.clock import local_today
from shared.events.contracts.reporting import ReportDueV1, ReportOverdueV1
from shared.events.envelope import CloudEvent
from shared.events.handlers import handles
from shared.labels import zh
from shared.periods import parse_period


@handles(ReportDueV1)
@handles(ReportOverdueV1)
def on_report_due_or_overdue(session: Session, data: ReportOverdueV1, event: CloudEvent) -> None:
    unit = known_unit(session, data.unit_id)
    report = f"{parse_period(data.period).chinese}{zh('report_kind', data.kind)}"
    if event.type == ReportDueV1.event_type:
        title = f"【报送提醒】{unit.unit_name} {report}请于 {data.due_on} 前报送"
        body = f"{unit.unit_name}尚未报送{report},截止日期 {data.due_on}。"
    else:
        title = f"【逾期未报】{unit.unit_name} {report}"
        body = f"{unit.unit_name}的{report}应于 {data.due_on} 前报送,至今未报,请尽快补报。"
    notice = Notice.of_event(event, title, body, urgent=False, subject_id=data.unit_id)
    notify(session, notice, recipients(session, REPORT_ROUTE, data.unit_id, data.grid_id, local_today()))
