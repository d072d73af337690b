"""Idempotency keys (幂等键): a phone that sends a write again (offline queue, lost answer) sends the
same `Idempotency-Key`; the write's own transaction looks the key up first and records it with the
result, so a resend returns the first result and nothing is recorded twice."""

import hashlib
import json
import uuid
from typing import Annotated, Any

from fastapi import Header
from sqlalchemy import func, select
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


def earlier(session: Session, user: Access, key: str | None, operation: str, body: str) -> uuid.UUID | None:
    """What an earlier request with this key made, or None (first time, or no key).

    A concurrent resend with the same key waits on the lock until the first one's transaction ends,
    then finds its result."""
    if key is None:
        return None
    session.execute(select(func.pg_advisory_xact_lock(func.hashtext(f"request-key:{user.user_id}:{key}"))))
    previous = session.get(RequestKey, (user.user_id, key))
    if previous is None:
        return None
    if previous.operation != operation or previous.body_sha256 != body:
        raise Conflict(
            f"幂等键已用于另一份不同的请求 / this Idempotency-Key was used for a different request ({previous.operation})",
            field="Idempotency-Key",
        )
    return previous.result_id


def remember(
    session: Session, user: Access, key: str | None, operation: str, body: str, result_id: uuid.UUID
) -> None:
    """Keep the key with what this request made, in the request's transaction."""
    if key is not None:
        session.add(
            RequestKey(
                user_id=user.user_id, key=key, operation=operation, body_sha256=body, result_id=result_id
            )
        )
