import uuid

from pydantic import MISSING, BaseModel, ConfigDict, EmailStr, Field

from shared.auth import PersonRole, Principal, Role


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
    password: str = Field(
        max_length=128,
        title="密码 / password: at least PASSWORD_MIN_LENGTH (10) characters of two kinds or more, "
        "not containing the user name, not a common password",
    )
    roles: list[PersonRole] = Field(min_length=1, title="角色 / roles")


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    current_password: str = Field(max_length=128, title="当前密码 / the password now")
    new_password: str = Field(max_length=128, title="新密码 / the new password, under the same policy")


class AccountUpdate(BaseModel):
    """A new password, roles or status; any of them ends the account's login sessions."""

    model_config = ConfigDict(extra="forbid")

    password: str | None = Field(
        None, max_length=128, title="新密码 / new password, under the password policy"
    )
    roles: list[PersonRole] | None = Field(None, min_length=1, title="角色 / roles")
    is_active: bool | None = Field(None, title="启用 / active")


class AccountOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    person_id: uuid.UUID
    username: str
    roles: list[Role]
    is_active: bool


class Me(Principal):
    """Who the token says the caller is, and the zone's time zone, in which the screens show times
    and dates whatever the device's own."""

    time_zone: str = Field(description="the zone's IANA time zone, e.g. Asia/Shanghai")
