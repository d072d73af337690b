"""Accounts: the owner of an account locked after failed logins is told at once."""

from sqlalchemy.orm import Session

from services.notifications.inbox.service import Notice, notify
from shared.events.contracts.registry import AccountLockedV1
from shared.events.envelope import CloudEvent
from shared.events.handlers import handles
from shared.settings import get_settings


@handles(AccountLockedV1)
def on_account_locked(session: Session, data: AccountLockedV1, event: CloudEvent) -> None:
    until = data.locked_until.astimezone(get_settings().zone).strftime("%Y-%m-%d %H:%M")
    source = f"(来自 {data.client_address})" if data.client_address else ""
    notice = Notice.of_event(
        event,
        f"【账号锁定】账号 {data.username} 已临时锁定",
        f"您的账号 {data.username} 连续 {data.failures} 次登录失败{source},已锁定至 {until}。"
        "如非本人操作,请尽快修改密码并联系系统管理员。",
        urgent=True,
        subject_id=data.person_id,
    )
    notify(session, notice, {data.person_id: "account_holder"})
