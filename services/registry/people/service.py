"""People, their user accounts, and logging in."""

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.registry.enterprise.models import Enterprise
from services.registry.people.models import Person, UserAccount
from services.registry.people.passwords import hash_password, password_problem, verify_password
from services.registry.people.schemas import (
    AccountCreate,
    AccountUpdate,
    PasswordChange,
    PersonCreate,
    PersonUpdate,
)
from services.registry.runtime import runtime
from services.registry.sessions.service import principal_for, revoke_account
from services.registry.settings import get_registry_settings
from shared.access import Access
from shared.auth import Principal, Role
from shared.errors import Conflict, InvalidInput, NotFound
from shared.events.contracts.registry import PersonChangedV1
from shared.pagination import Keyset, Page, PageRequest

PEOPLE_BY_ID = Keyset("people", Person.id)
ACCOUNTS_BY_NAME = Keyset("accounts", UserAccount.username)


def get_person(session: Session, person_id: uuid.UUID) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"人员不存在 / person {person_id} not found")
    return person


def _publish(session: Session, person: Person) -> None:
    """Raise the person's version and publish them (person.changed)."""
    person.version += 1
    session.flush()
    account_id = session.scalar(select(UserAccount.id).where(UserAccount.person_id == person.id))
    runtime.publish(
        session,
        PersonChangedV1(
            person_id=person.id,
            name=person.name,
            phone=person.phone,
            email=person.email,
            enterprise_id=person.enterprise_id,
            user_id=account_id,
            version=person.version,
        ),
        subject=str(person.id),
    )


def create_person(session: Session, data: PersonCreate, user: Access) -> Person:
    user.ensure_unit(data.enterprise_id)
    if data.enterprise_id is not None and session.get(Enterprise, data.enterprise_id) is None:
        raise InvalidInput(
            f"企业不存在 / enterprise {data.enterprise_id} does not exist", field="enterprise_id"
        )
    person = Person(id=uuid.uuid4(), **data.model_dump(), version=0)
    session.add(person)
    session.flush()
    _publish(session, person)
    return person


def update_person(session: Session, person_id: uuid.UUID, data: PersonUpdate, user: Access) -> Person:
    person = get_person(session, person_id)
    user.ensure_unit(person.enterprise_id)
    for name, value in data.model_dump(exclude_unset=True).items():
        setattr(person, name, value)
    session.flush()
    _publish(session, person)
    return person


def list_people(
    session: Session, user: Access, page: PageRequest, *, enterprise_id: uuid.UUID | None
) -> Page[Person]:
    query = user.narrow(select(Person), unit=Person.enterprise_id, person=Person.id)
    if enterprise_id is not None:
        query = query.where(Person.enterprise_id == enterprise_id)
    return PEOPLE_BY_ID.fetch(session, query, page)


def list_accounts(session: Session, page: PageRequest, *, person_id: uuid.UUID | None) -> Page[UserAccount]:
    query = select(UserAccount)
    if person_id is not None:
        query = query.where(UserAccount.person_id == person_id)
    return ACCOUNTS_BY_NAME.fetch(session, query, page)


def create_account(session: Session, data: AccountCreate) -> UserAccount:
    person = session.get(Person, data.person_id)
    if person is None:
        raise InvalidInput(f"人员不存在 / person {data.person_id} does not exist", field="person_id")
    if Role.enterprise_user in data.roles and person.enterprise_id is None:
        raise InvalidInput(
            "企业用户须属于某企业 / an enterprise user must be a person of an enterprise", field="roles"
        )
    _check_policy(data.password, data.username, "password")
    if session.scalar(select(UserAccount.id).where(UserAccount.username == data.username)):
        raise Conflict(f"用户名已存在 / username {data.username} is taken", field="username")
    if session.scalar(select(UserAccount.id).where(UserAccount.person_id == data.person_id)):
        raise Conflict("该人员已有账号 / this person already has an account", field="person_id")
    account = UserAccount(
        id=uuid.uuid4(),
        person_id=person.id,
        username=data.username,
        password_hash=hash_password(data.password),
        roles=[r.value for r in data.roles],
    )
    session.add(account)
    session.flush()
    _publish(session, person)
    return account


def _check_policy(password: str, username: str, field: str) -> None:
    problem = password_problem(password, username, get_registry_settings().password_min_length)
    if problem:
        raise InvalidInput(problem, field=field)


def change_password(session: Session, user: Principal, data: PasswordChange) -> UserAccount:
    """A user sets their own new password (the current one confirmed by logins.confirm_own_password);
    every login session of the account ends."""
    account = session.get_one(UserAccount, user.user_id)  # the confirmation found it
    if data.new_password == data.current_password:
        raise InvalidInput("新密码须与当前密码不同 / the new password must differ", field="new_password")
    _check_policy(data.new_password, account.username, "new_password")
    account.password_hash = hash_password(data.new_password)
    revoke_account(session, account.id)
    session.flush()
    return account


def update_account(session: Session, account_id: uuid.UUID, data: AccountUpdate) -> UserAccount:
    """Change an account's password, roles or status; any of these ends its login sessions."""
    account = session.get(UserAccount, account_id)
    if account is None:
        raise NotFound(f"账号不存在 / account {account_id} not found")
    if data.password is not None:
        _check_policy(data.password, account.username, "password")
        account.password_hash = hash_password(data.password)
    if data.roles is not None:
        if (
            Role.enterprise_user in data.roles
            and session.get_one(Person, account.person_id).enterprise_id is None
        ):
            raise InvalidInput(
                "企业用户须属于某企业 / an enterprise user must be a person of an enterprise", field="roles"
            )
        account.roles = [r.value for r in data.roles]
    if data.is_active is not None:
        account.is_active = data.is_active
    if data.model_dump(exclude_none=True):
        revoke_account(session, account.id)
    session.flush()
    return account


def authenticate(session: Session, username: str, password: str) -> Principal | None:
    account = session.scalar(select(UserAccount).where(UserAccount.username == username))
    if not verify_password(account.password_hash if account else None, password):
        return None
    if account is None or not account.is_active:
        return None
    return principal_for(session, account)
