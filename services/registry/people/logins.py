"""Logging in (登录), and confirming one's password to change it: the password is checked behind
the throttle (throttle.py), and every attempt is audited with the client's address.

A failure is counted and audited in a transaction of its own, committed although the request
fails. A locked account or address is refused without looking at the password, so the answer
says nothing about it.
"""

from fastapi import HTTPException, Request, status
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.registry.people import service, throttle
from services.registry.people.models import UserAccount
from services.registry.runtime import runtime
from services.registry.settings import get_registry_settings
from shared import audit
from shared.audit import AuditAction
from shared.auth import Principal
from shared.clock import utc_now
from shared.errors import InvalidInput, NotFound
from shared.events.contracts.registry import AccountLockedV1


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _locked_out(seconds: int) -> HTTPException:
    return HTTPException(
        status.HTTP_429_TOO_MANY_REQUESTS,
        detail=f"登录尝试过多,请 {seconds} 秒后再试 / too many failed logins; try again in {seconds} s",
        headers={"Retry-After": str(seconds)},
    )


def log_in(username: str, password: str, request: Request) -> Principal:
    """Who a right user name and password belong to; 401 if they are wrong, 429 while locked out."""
    principal = _checked(username, password, request)
    if principal is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="用户名或密码错误 / wrong username or password",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return principal


def confirm_own_password(user: Principal, password: str, request: Request) -> None:
    """Check the caller's current password as a login is checked (throttled, counted, audited): a
    stolen token alone cannot guess it. 422 naming `current_password` if wrong, 429 while locked out."""
    with runtime.transaction() as session:
        username = session.scalar(select(UserAccount.username).where(UserAccount.id == user.user_id))
    if username is None:
        raise NotFound("账号不存在 / this token belongs to no account")
    if _checked(username, password, request) is None:
        raise InvalidInput("当前密码错误 / the current password is wrong", field="current_password")


def _checked(username: str, password: str, request: Request) -> Principal | None:
    """Who the password belongs to, or None (the failure counted); 429 while locked out."""
    now = utc_now()
    address = client_address(request)
    keys = (throttle.account_key(username), throttle.address_key(address))
    with runtime.transaction() as session:
        wait = throttle.seconds_locked(session, keys, now)
        principal = None if wait else service.authenticate(session, username, password)
        if principal is not None:
            throttle.forget(session, throttle.account_key(username))
    if principal is not None:
        return principal
    with runtime.transaction() as session:
        if wait:
            audit.record(session, None, AuditAction.login_refused, f"account:{username}", request)
        else:
            _count_failure(session, username, address, request)
    if wait:
        raise _locked_out(wait)
    return None


def _count_failure(session: Session, username: str, address: str, request: Request) -> None:
    """Count a failed login against the account and the address, and tell the owner of an account it locks."""
    settings = get_registry_settings()
    now = utc_now()
    audit.record(session, None, AuditAction.login_failed, f"account:{username}", request)
    throttle.count_failure(session, throttle.address_key(address), settings.login_address_max_failures, now)
    # counted for unknown names too, so a lockout does not tell which names exist
    failures, locked_until = throttle.count_failure(
        session, throttle.account_key(username), settings.login_max_failures, now
    )
    account = session.scalar(select(UserAccount).where(UserAccount.username == username))
    if locked_until is None or account is None:
        return
    audit.record(session, None, AuditAction.account_locked, f"account:{username}", request)
    runtime.publish(
        session,
        AccountLockedV1(
            user_id=account.id,
            person_id=account.person_id,
            username=username,
            failures=failures,
            locked_until=locked_until,
            client_address=address,
        ),
        subject=str(account.person_id),
    )
