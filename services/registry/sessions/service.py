"""Login sessions: short access tokens, and rotating refresh tokens kept hashed in the registry.

A refresh token is used once: `POST /auth/refresh` answers a new access token and a new refresh
token of the same family. A used token presented again revokes its family (someone copied it).
Logout revokes the family; a password or role change revokes every family of the account. Access
tokens already issued stay valid until their short expiry (ACCESS_TOKEN_MINUTES).
"""

import hashlib
import secrets
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from services.registry.people.models import Person, UserAccount
from services.registry.responsibility.models import Assignment
from services.registry.responsibility.service import on_day
from services.registry.sessions.models import RefreshToken
from services.registry.sessions.schemas import TokenOut
from shared.auth import Principal, Role, issue_token
from shared.clock import local_today
from shared.settings import get_settings


class RefreshRefused(Exception):
    """The refresh token is unknown, expired, revoked or reused; the message says which."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def principal_for(session: Session, account: UserAccount) -> Principal:
    """What a token says about an account today: roles, enterprise, and the grids they staff."""
    person = session.get_one(Person, account.person_id)  # a foreign key
    grid_ids = session.scalars(
        select(Assignment.scope_id).where(
            Assignment.person_id == person.id,
            Assignment.duty.in_(("grid_leader", "grid_member")),
            on_day(local_today()),
        )
    ).all()
    return Principal(
        user_id=account.id,
        name=person.name,
        person_id=person.id,
        roles=frozenset(Role(r) for r in account.roles),
        enterprise_id=person.enterprise_id,
        grid_ids=frozenset(grid_ids),
    )


def issue_tokens(session: Session, principal: Principal, family_id: uuid.UUID | None = None) -> TokenOut:
    """An access token for `principal` and a new refresh token (of a new family, or of `family_id`)."""
    settings = get_settings()
    refresh_token = secrets.token_urlsafe(32)
    lifetime = timedelta(days=settings.refresh_token_days)
    session.add(
        RefreshToken(
            id=uuid.uuid4(),
            family_id=family_id or uuid.uuid4(),
            account_id=principal.user_id,
            token_hash=_hash(refresh_token),
            expires_at=datetime.now(UTC) + lifetime,
        )
    )
    session.flush()
    return TokenOut(
        access_token=issue_token(principal, settings),
        expires_in=settings.access_token_minutes * 60,
        refresh_token=refresh_token,
        refresh_expires_in=int(lifetime.total_seconds()),
    )


def _revoke(session: Session, *where: object) -> None:
    session.execute(
        update(RefreshToken)
        .where(RefreshToken.revoked_at.is_(None), *where)  # type: ignore[arg-type]
        .values(revoked_at=datetime.now(UTC))
    )


def refresh(session: Session, refresh_token: str) -> TokenOut:
    """Exchange a refresh token for new tokens; RefreshRefused says why not.

    A refused reuse has revoked the family in `session`: the caller commits before answering.
    """
    token = session.scalar(
        select(RefreshToken).where(RefreshToken.token_hash == _hash(refresh_token)).with_for_update()
    )
    if token is None:
        raise RefreshRefused("刷新令牌无效 / unknown refresh token")
    if token.revoked_at is not None:
        raise RefreshRefused("刷新令牌已撤销 / refresh token revoked; log in again")
    if token.used_at is not None:
        _revoke(session, RefreshToken.family_id == token.family_id)
        raise RefreshRefused(
            "刷新令牌已被使用, 本次登录已撤销 / refresh token reused; the session is revoked"
        )
    now = datetime.now(UTC)
    if token.expires_at <= now:
        raise RefreshRefused("刷新令牌已过期 / refresh token expired; log in again")
    account = session.get_one(UserAccount, token.account_id)
    if not account.is_active:
        _revoke(session, RefreshToken.account_id == account.id)
        raise RefreshRefused("账号已停用 / account disabled")
    token.used_at = now
    return issue_tokens(session, principal_for(session, account), family_id=token.family_id)


def logout(session: Session, refresh_token: str) -> None:
    """Revoke the session (family) of a refresh token; an unknown token changes nothing."""
    family = select(RefreshToken.family_id).where(RefreshToken.token_hash == _hash(refresh_token))
    _revoke(session, RefreshToken.family_id.in_(family.scalar_subquery()))


def revoke_account(session: Session, account_id: uuid.UUID) -> None:
    """Revoke every session of an account (its password, roles or status changed)."""
    _revoke(session, RefreshToken.account_id == account_id)


def purge_expired(session: Session) -> int:
    """Delete refresh tokens past their expiry (they can refresh nothing any more); how many."""
    deleted = session.execute(delete(RefreshToken).where(RefreshToken.expires_at < datetime.now(UTC)))
    return deleted.rowcount  # type: ignore[attr-defined]
