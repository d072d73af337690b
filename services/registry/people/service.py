"""People, their user accounts, and logging in."""

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.registry.enterprise.models import Enterprise
from services.registry.people.models import Person, UserAccount
from services.registry.people.passwords import hash_password, verify_password
from services.registry.people.schemas import AccountCreate, PersonCreate, PersonUpdate
from services.registry.responsibility.models import Assignment
from services.registry.responsibility.service import on_day
from services.registry.runtime import runtime
from shared.access import Access
from shared.auth import Principal, Role
from shared.clock import local_today
from shared.errors import Conflict, InvalidInput, NotFound
from shared.events.contracts.registry import PersonChangedV1
from shared.pagination import Keyset, Page, PageRequest

PEOPLE_BY_ID = Keyset("people", Person.id)


def get_person(session: Session, person_id: uuid.UUID) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"人员不存在 / person {person_id} not found")
    return person


def _publish(session: Session, person: Person) -> None:
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
        ),
        subject=str(person.id),
    )


def create_person(session: Session, data: PersonCreate, user: Access) -> Person:
    user.ensure_unit(data.enterprise_id)
    if data.enterprise_id is not None and session.get(Enterprise, data.enterprise_id) is None:
        raise InvalidInput(
            f"企业不存在 / enterprise {data.enterprise_id} does not exist", field="enterprise_id"
        )
    person = Person(id=uuid.uuid4(), **data.model_dump())
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


def create_account(session: Session, data: AccountCreate) -> UserAccount:
    person = session.get(Person, data.person_id)
    if person is None:
        raise InvalidInput(f"人员不存在 / person {data.person_id} does not exist", field="person_id")
    if Role.enterprise_user in data.roles and person.enterprise_id is None:
        raise InvalidInput(
            "企业用户须属于某企业 / an enterprise user must be a person of an enterprise", field="roles"
        )
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


def authenticate(session: Session, username: str, password: str) -> Principal | None:
    account = session.scalar(select(UserAccount).where(UserAccount.username == username))
    if not verify_password(account.password_hash if account else None, password):
        return None
    if account is None or not account.is_active:
        return None
    return principal_for(session, account)
