"""Report events: a filing stops its reminders; an overdue report is told to the unit and its grid."""

from sqlalchemy.orm import Session

from services.notifications.directory.service import known_unit
from services.notifications.inbox.routing import REPORT_OVERDUE_ROUTE, recipients
from services.notifications.inbox.service import Notice, notify
from services.notifications.reports.models import FiledReport
from shared.clock import local_today
from shared.db import columns_from, insert_once
from shared.events.contracts.reporting import ReportFiledV1, ReportOverdueV1
from shared.events.envelope import CloudEvent
from shared.events.handlers import handles
from shared.labels import zh
from shared.periods import parse_period


@handles(ReportFiledV1)
def on_report_filed(session: Session, data: ReportFiledV1, _: CloudEvent) -> None:
    insert_once(session, FiledReport, columns_from(FiledReport, data))


@handles(ReportOverdueV1)
def on_report_overdue(session: Session, data: ReportOverdueV1, event: CloudEvent) -> None:
    unit = known_unit(session, data.unit_id)
    period = parse_period(data.period)
    notice = Notice.of_event(
        event,
        f"【逾期未报】{unit.unit_name} {period.chinese}{zh('report_kind', data.kind)}",
        f"{unit.unit_name}的{period.chinese}{zh('report_kind', data.kind)}应于 {data.due_on} 前报送,至今未报,请尽快补报。",
        urgent=False,
        subject_id=data.unit_id,
    )
    notify(
        session, notice, recipients(session, REPORT_OVERDUE_ROUTE, data.unit_id, data.grid_id, local_today())
    )
