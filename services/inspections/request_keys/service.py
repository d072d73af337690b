"""Idempotency keys (幂等键): a phone that sends a write again (offline queue, lost answer) sends the
same `Idempotency-Key`; the write's own transaction first records the key with the id of what it
will make, or finds the key recorded already, so a resend returns the first result and nothing is
recorded twice."""

import hashlib
import json
import uuid
from datetime import datetime
from typing import Annotated, Any, cast

from fastapi import Header
from sqlalchemy import Table, bindparam, delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from services.inspections.request_keys.models import RequestKey
from shared.access import Access
from shared.errors import Conflict

IdempotencyKey = Annotated[
    str | None,
    Header(
        min_length=1,
        max_length=100,
        description="the same key and body give the first result (200); the key with another body gives 409",
    ),
]


def fingerprint(*parts: Any) -> str:
    """The body's hash: JSON-able parts and bytes (an upload's content)."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(
            part if isinstance(part, bytes) else json.dumps(part, sort_keys=True, default=str).encode()
        )
        digest.update(b"\x00")
    return digest.hexdigest()


_keys = cast(Table, RequestKey.__table__)
# built once, their values parameters: SQLAlchemy neither builds nor keys them again
_CLAIM = (
    insert(_keys)
    .on_conflict_do_nothing(index_elements=[_keys.c.user_id, _keys.c.key])
    .returning(_keys.c.result_id)
)
_EARLIER = select(_keys.c.operation, _keys.c.body_sha256, _keys.c.result_id).where(
    _keys.c.user_id == bindparam("user_id"), _keys.c.key == bindparam("key")
)


def claim(
    session: Session, user: Access, key: str | None, operation: str, body: str, result_id: uuid.UUID
) -> uuid.UUID | None:
    """Keep the key with what this request is about to make (`result_id`), in the request's
    transaction; or, if an earlier request with this key made something, its id (and nothing kept).

    One statement the first time: the key's insert. A concurrent resend with the same key waits on
    that insert until the first request's transaction ends: committed, it finds the first result;
    rolled back (a refused request), it goes ahead itself. The lookup after a conflict is a
    statement of its own, so it sees a row committed while the insert waited."""
    if key is None:
        return None
    kept = session.scalar(
        _CLAIM,
        {
            "user_id": user.user_id,
            "key": key,
            "operation": operation,
            "body_sha256": body,
            "result_id": result_id,
        },
    )
    if kept is not None:
        return None
    previous = session.execute(_EARLIER, {"user_id": user.user_id, "key": key}).one()
    if previous.operation != operation or previous.body_sha256 != body:
        raise Conflict(
            f"幂等键已用于另一份不同的请求 / this Idempotency-Key was used for a different request ({previous.operation})",
            field="Idempotency-Key",
        )
    return previous.result_id


def forget_before(session: Session, moment: datetime) -> int:
    """Delete the keys kept before `moment` (a phone resends within days, not weeks); how many."""
    forgotten = session.execute(delete(RequestKey).where(RequestKey.created_at < moment))
    return forgotten.rowcount  # type: ignore[attr-defined]
