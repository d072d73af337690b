import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, status
from fastapi.security import OAuth2PasswordRequestForm

from services.registry.deps import DbSession, permit
from services.registry.people import logins, service
from services.registry.people.models import Person
from services.registry.people.schemas import (
    AccountCreate,
    AccountOut,
    AccountUpdate,
    Me,
    PasswordChange,
    PersonCreate,
    PersonOut,
    PersonUpdate,
)
from services.registry.sessions import service as sessions
from services.registry.sessions.schemas import TokenOut
from shared import audit
from shared.access import Access, Scope, actions_of
from shared.audit import AuditAction
from shared.pagination import Page, PageQuery
from shared.settings import get_settings

router = APIRouter(tags=["people 人员与账号"])
Editor = Annotated[Access, permit("unit.edit")]
PersonReader = Annotated[Access, permit("person.read")]
AccountAdmin = Annotated[Access, permit("account.manage")]


def person_out(person: Person, user: Access) -> PersonOut:
    """A person as the caller may see them: phone and e-mail only for those who must reach them."""
    shown = PersonOut.model_validate(person)
    if user.may_reach_person(person.id, person.enterprise_id):
        return shown
    return shown.model_copy(update={"phone": None, "email": None})


@router.post(
    "/auth/token",
    summary="登录 / OAuth2 password flow: username and password for a bearer token",
    responses={
        401: {"description": "用户名或密码错误 / wrong username or password"},
        429: {"description": "尝试过多 / too many attempts: wait the Retry-After seconds"},
    },
)
def login(
    form: Annotated[OAuth2PasswordRequestForm, Depends()], request: Request, session: DbSession
) -> TokenOut:
    principal = logins.log_in(form.username, form.password, request)  # 401, or 429 while locked out
    audit.record(session, principal, AuditAction.login, f"account:{form.username}", request)
    return sessions.issue_tokens(session, principal)


@router.get("/auth/me", summary="当前用户 / who the token says you are")
def me(user: Annotated[Access, permit("account.me")]) -> Me:
    return Me(**user.principal.model_dump(), time_zone=get_settings().zone_timezone)


@router.get(
    "/auth/actions",
    summary="本人可做的操作 / the actions of the access policy you may take, each with its scope",
)
def my_actions(user: Annotated[Access, permit("account.me")]) -> dict[str, Scope]:
    return actions_of(user.principal)


@router.post(
    "/auth/password",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="修改本人密码 / change your own password (the current one required)",
)
def change_password(
    data: PasswordChange, request: Request, session: DbSession, user: Annotated[Access, permit("account.me")]
) -> None:
    logins.confirm_own_password(user, data.current_password, request)  # 422 if wrong, 429 while locked out
    account = service.change_password(session, user, data)
    audit.record(session, user, AuditAction.password_changed, f"account:{account.username}", request)


@router.post("/people", status_code=status.HTTP_201_CREATED, summary="登记人员 / register a person")
def create_person(data: PersonCreate, session: DbSession, user: Editor) -> PersonOut:
    return person_out(service.create_person(session, data, user), user)


@router.get("/people", summary="人员列表 / people, by id")
def list_people(
    request: Request,
    session: DbSession,
    user: PersonReader,
    page: PageQuery,
    enterprise_id: Annotated[uuid.UUID | None, Query()] = None,
) -> Page[PersonOut]:
    audit.record(session, user, AuditAction.personal_data_read, f"people:enterprise={enterprise_id}", request)
    return service.list_people(session, user, page, enterprise_id=enterprise_id).map(
        lambda p: person_out(p, user)
    )


@router.get("/people/{person_id}", summary="人员详情 / one person")
def get_person(person_id: uuid.UUID, session: DbSession, user: PersonReader) -> PersonOut:
    person = service.get_person(session, person_id)
    user.ensure_person(person.id, person.enterprise_id)
    return person_out(person, user)


@router.patch("/people/{person_id}", summary="修改人员信息 / update a person")
def update_person(person_id: uuid.UUID, data: PersonUpdate, session: DbSession, user: Editor) -> PersonOut:
    return person_out(service.update_person(session, person_id, data, user), user)


@router.get("/accounts", summary="账号列表 / logins, by user name")
def list_accounts(
    session: DbSession,
    _: AccountAdmin,
    page: PageQuery,
    person_id: Annotated[uuid.UUID | None, Query()] = None,
) -> Page[AccountOut]:
    return service.list_accounts(session, page, person_id=person_id).map(AccountOut.model_validate)


@router.post("/accounts", status_code=status.HTTP_201_CREATED, summary="开通账号 / create a login")
def create_account(
    data: AccountCreate, request: Request, session: DbSession, user: AccountAdmin
) -> AccountOut:
    account = service.create_account(session, data)
    audit.record(
        session,
        user,
        AuditAction.account_created,
        f"account:{account.username} roles={','.join(account.roles)}",
        request,
    )
    return AccountOut.model_validate(account)


@router.patch(
    "/accounts/{account_id}",
    summary="修改账号 / change an account's password, roles or status (ends its login sessions)",
)
def update_account(
    account_id: uuid.UUID, data: AccountUpdate, request: Request, session: DbSession, user: AccountAdmin
) -> AccountOut:
    account = service.update_account(session, account_id, data)
    changed = ",".join(sorted(data.model_dump(exclude_none=True)))
    audit.record(
        session,
        user,
        AuditAction.account_changed,
        f"account:{account.username} changed={changed} roles={','.join(account.roles)}",
        request,
    )
    return AccountOut.model_validate(account)
