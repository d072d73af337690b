import uuid

from pydantic import BaseModel, ConfigDict, Field

from services.registry.organisation.models import OrgLevel


class OrgUnitCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    level: OrgLevel = Field(title="层级 / company, workshop or team")
    name: str = Field(min_length=1, max_length=200)
    parent_id: uuid.UUID | None = Field(
        None, title="上级 / the company (for a workshop) or workshop (for a team)"
    )


class PostCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200, title="岗位 / post")
    responsibility_statement: str | None = Field(None, max_length=20_000, title="岗位责任书")
    operating_rules: str | None = Field(None, max_length=50_000, title="安全操作规程")


class PostOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    org_unit_id: uuid.UUID
    name: str
    responsibility_statement: str | None
    operating_rules: str | None
    responsible_person_id: uuid.UUID | None = None


class OrgUnitOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    enterprise_id: uuid.UUID
    parent_id: uuid.UUID | None
    level: OrgLevel
    name: str
    head_person_id: uuid.UUID | None = None
    posts: list[PostOut] = []
    children: list["OrgUnitOut"] = []
