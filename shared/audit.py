"""The audit log (审计日志): who did what, to what, when and from where; append-only.

Every service keeps the table `audit_entry` in its own schema (`ServiceRuntime.audit`), created by
its migration with a trigger that refuses UPDATE and DELETE. Logins and failed logins, account
changes, and exports and downloads of personal data or ledgers each write one row with
`record(...)`, in the transaction of the act they record. Auditors and zone admins read it through
`GET /audit` (shared/audit_api.py).
"""

from enum import StrEnum

from fastapi import Request
from sqlalchemy import (
    ARRAY,
    BigInteger,
    Column,
    DateTime,
    Identity,
    Index,
    MetaData,
    String,
    Table,
    func,
)
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Session

from shared.auth import Principal
from shared.clock import utc_now


class AuditAction(StrEnum):
    login = "login"  # a token was issued
    login_failed = "login_failed"  # wrong user name or password
    login_refused = "login_refused"  # refused unheard: the account or the address is locked out
    account_locked = "account_locked"  # too many failures: the account is locked for a while
    account_created = "account_created"
    account_changed = "account_changed"  # password, roles or status set by an administrator
    password_changed = "password_changed"
    personal_data_read = "personal_data_read"  # a list of people
    export = "export"  # a ledger, statistics table or report written out as a file
    download = "download"  # a stored file (attachment, evidence)


TABLE_NAME = "audit_entry"
LENGTHS = {"actor_name": 100, "target": 300, "path": 500, "client_address": 64, "user_agent": 300}


def audit_table(metadata: MetaData) -> Table:
    return Table(
        TABLE_NAME,
        metadata,
        Column("id", BigInteger, Identity(), primary_key=True),
        Column("at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("actor_id", UUID(as_uuid=True)),  # none for a failed login
        Column("actor_name", String(LENGTHS["actor_name"]), nullable=False),
        Column("actor_roles", ARRAY(String(40)), nullable=False),
        Column("action", String(40), nullable=False),
        Column("target", String(LENGTHS["target"]), nullable=False),  # what was acted on
        Column("method", String(10), nullable=False),
        Column("path", String(LENGTHS["path"]), nullable=False),  # with the query string
        Column("client_address", String(LENGTHS["client_address"])),
        Column("user_agent", String(LENGTHS["user_agent"])),
        Index("ix_audit_entry_at_id", "at", "id"),
        Index("ix_audit_entry_actor_id_at", "actor_id", "at"),
    )


def _cut(name: str, value: str | None) -> str | None:
    return None if value is None else value[: LENGTHS[name]]


def record(
    session: Session, principal: Principal | None, action: AuditAction, target: str, request: Request
) -> None:
    """Write one audit entry in the caller's transaction.

    `principal` is who acted (None when nobody is known yet, as in a failed login: the target then
    names the account tried). The client address is the peer's, as the server saw it (behind a
    proxy, run uvicorn with --proxy-headers so it is the client's).
    """
    table: Table = request.app.state.runtime.audit
    path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    session.execute(
        table.insert().values(
            at=utc_now(),
            actor_id=principal.user_id if principal else None,
            actor_name=_cut("actor_name", principal.name if principal else ""),
            actor_roles=sorted(principal.roles) if principal else [],
            action=action.value,
            target=_cut("target", target),
            method=request.method,
            path=_cut("path", path),
            client_address=_cut("client_address", request.client.host if request.client else None),
            user_agent=_cut("user_agent", request.headers.get("user-agent")),
        )
    )
