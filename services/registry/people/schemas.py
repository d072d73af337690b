import uuid

from pydantic import MISSING, BaseModel, ConfigDict, EmailStr, Field

from shared.auth import Role


class PersonCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=100, title="姓名 / name")
    phone: str | None = Field(None, pattern=r"^\+?[0-9][0-9\- ]{4,28}$", title="电话 / phone")
    email: EmailStr | None = Field(None, title="邮箱 / email")
    title: str | None = Field(None, max_length=100, title="职务 / title")
    enterprise_id: uuid.UUID | None = Field(None, title="所属企业 / enterprise, for enterprise staff")


class PersonUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    # A field left out stays as it is; null clears only what may be empty (typed `| None`).
    name: str | MISSING = Field(MISSING, min_length=1, max_length=100)
    phone: str | None = Field(None, pattern=r"^\+?[0-9][0-9\- ]{4,28}$")
    email: EmailStr | None = None
    title: str | None = Field(None, max_length=100)


class PersonOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    phone: str | None
    email: str | None
    title: str | None
    enterprise_id: uuid.UUID | None


class AccountCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person_id: uuid.UUID
    username: str = Field(min_length=3, max_length=64, pattern=r"^[A-Za-z0-9_.@-]+$", title="用户名")
    password: str = Field(min_length=8, max_length=128, title="密码 / password, at least 8 characters")
    roles: list[Role] = Field(min_length=1, title="角色 / roles")


class AccountOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    person_id: uuid.UUID
    username: str
    roles: list[Role]
    is_active: bool


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
