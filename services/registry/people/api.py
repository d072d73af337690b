import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, status
from fastapi.security import OAuth2PasswordRequestForm

from services.registry.deps import Admin, DbSession
from services.registry.people import service
from services.registry.people.schemas import (
    AccountCreate,
    AccountOut,
    PersonCreate,
    PersonOut,
    PersonUpdate,
    TokenOut,
)
from shared.auth import CurrentUser, Principal, UnitEditor, issue_token
from shared.pagination import Page, PageQuery
from shared.settings import get_settings

router = APIRouter(tags=["people 人员与账号"])


@router.post(
    "/auth/token",
    summary="登录 / OAuth2 password flow: username and password for a bearer token",
    responses={
        401: {"description": "用户名或密码错误 / wrong username or password"},
        429: {"description": "尝试过多 / too many attempts: wait the Retry-After seconds"},
    },
)
def login(form: Annotated[OAuth2PasswordRequestForm, Depends()], session: DbSession) -> TokenOut:
    principal = service.authenticate(session, form.username, form.password)
    if principal is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="用户名或密码错误 / wrong username or password",
            headers={"WWW-Authenticate": "Bearer"},
        )
    settings = get_settings()
    return TokenOut(access_token=issue_token(principal), expires_in=settings.access_token_minutes * 60)


@router.get("/auth/me", summary="当前用户 / who the token says you are")
def me(user: CurrentUser) -> Principal:
    return user


@router.post("/people", status_code=status.HTTP_201_CREATED, summary="登记人员 / register a person")
def create_person(data: PersonCreate, session: DbSession, user: UnitEditor) -> PersonOut:
    return PersonOut.model_validate(service.create_person(session, data, user))


@router.get("/people", summary="人员列表 / people, by id")
def list_people(
    session: DbSession,
    user: CurrentUser,
    page: PageQuery,
    enterprise_id: Annotated[uuid.UUID | None, Query()] = None,
) -> Page[PersonOut]:
    return service.list_people(session, user, page, enterprise_id=enterprise_id).map(PersonOut.model_validate)


@router.get("/people/{person_id}", summary="人员详情 / one person")
def get_person(person_id: uuid.UUID, session: DbSession, user: CurrentUser) -> PersonOut:
    person = service.get_person(session, person_id)
    user.ensure_may_see_enterprise(person.enterprise_id)
    return PersonOut.model_validate(person)


@router.patch("/people/{person_id}", summary="修改人员信息 / update a person")
def update_person(
    person_id: uuid.UUID, data: PersonUpdate, session: DbSession, user: UnitEditor
) -> PersonOut:
    return PersonOut.model_validate(service.update_person(session, person_id, data, user))


@router.post("/accounts", status_code=status.HTTP_201_CREATED, summary="开通账号 / create a login")
def create_account(data: AccountCreate, session: DbSession, _: Admin) -> AccountOut:
    return AccountOut.model_validate(service.create_account(session, data))
