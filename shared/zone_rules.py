"""Local rules as effective-dated data (地方规定): each value applies from a date and keeps its source.

A zone changes a local rule (training hours, the art. 113 windows, the report due day, the
assessment weights...) by recording a new version from a date. The value in force on a day is the
latest version starting on or before it, else the rule's default (the work plan's or the law's).
Versions are never edited or removed, so a period already past keeps the rule it was judged by;
a version starting in the past is a correction and must say why.

Each service declares its rules (`ZoneRule`), keeps their versions in its own table
(`ZoneRuleVersionRow` mixin) and serves them with `zone_rules_router`.
"""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError
from sqlalchemy import BigInteger, Date, DateTime, Identity, String, Text, UniqueConstraint, func, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, Session, declared_attr, mapped_column

from shared.access import Access
from shared.clock import local_today
from shared.errors import Conflict, InvalidInput, NotFound
from shared.inputs import Day, StorableText


class ZoneRuleVersionRow:
    """A mixin for a service's `zone_rule_version` table: one value of one rule from one day on."""

    __tablename__ = "zone_rule_version"

    @declared_attr.directive
    def __table_args__(cls) -> tuple:
        return (UniqueConstraint("key", "valid_from"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    key: Mapped[str] = mapped_column(String(60))
    valid_from: Mapped[date] = mapped_column(Date)
    value: Mapped[Any] = mapped_column(JSONB)
    source: Mapped[str] = mapped_column(Text)  # the document or decision the value comes from
    reason: Mapped[str | None] = mapped_column(Text)  # why, for a version starting in the past
    recorded_by: Mapped[uuid.UUID | None]
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


@dataclass(frozen=True)
class ZoneRule:
    """A local rule: its key, what it is, the type of its value and the default with its source."""

    key: str
    label: str
    value_type: Any  # a type or Annotated type Pydantic validates the value with
    default: Any
    source: str
    adapter: TypeAdapter = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "adapter", TypeAdapter(self.value_type))

    def value_on(self, session: Session, model: type[ZoneRuleVersionRow], day: date) -> Any:
        """The value in force on `day`."""
        stored = session.scalar(
            select(model.value)
            .where(model.key == self.key, model.valid_from <= day)
            .order_by(model.valid_from.desc())
            .limit(1)
        )
        return self.default if stored is None else self.adapter.validate_python(stored)


class ZoneRuleChange(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    valid_from: Day = Field(title="生效日期 / the first day the value applies")
    value: Any = Field(title="新值 / the new value, in the rule's type")
    source: StorableText = Field(min_length=1, max_length=500, title="依据 / the document or decision")
    reason: StorableText | None = Field(
        None, max_length=2000, title="原因 / why; required when the first day is in the past"
    )


class ZoneRuleVersionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    valid_from: date | None  # None: the default, in force before any version
    value: Any
    source: str
    reason: str | None = None
    recorded_by: uuid.UUID | None = None
    recorded_at: datetime | None = None


class ZoneRuleOut(BaseModel):
    key: str
    label: str
    value_schema: dict[str, Any]
    on: date
    value: Any  # in force on `on`
    versions: list[ZoneRuleVersionOut]  # the default first, then each version by its first day


def change_rule(
    session: Session, model: type[ZoneRuleVersionRow], rule: ZoneRule, data: ZoneRuleChange, user: Access
) -> ZoneRuleVersionRow:
    try:
        value = rule.adapter.validate_python(data.value)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'value'}: {e['msg']}" for e in error.errors())
        raise InvalidInput(f"规则 {rule.key} 的取值无效 / invalid value: {problems}", field="value") from None
    if data.valid_from < local_today() and not data.reason:
        raise InvalidInput(
            "生效日期早于今天,须说明原因 / a first day in the past needs a reason", field="reason"
        )
    if session.scalar(select(model.id).where(model.key == rule.key, model.valid_from == data.valid_from)):
        raise Conflict(
            f"规则 {rule.key} 在 {data.valid_from} 已有版本,历史不可改写 / a version from that day exists; "
            "record one from another day",
            field="valid_from",
        )
    row = model(  # the mixin declares no constructor; the service's mapped class does
        **{
            "key": rule.key,
            "valid_from": data.valid_from,
            "value": rule.adapter.dump_python(value, mode="json"),
            "source": data.source,
            "reason": data.reason,
            "recorded_by": user.user_id,
        }
    )
    session.add(row)
    session.flush()
    return row


def describe(session: Session, model: type[ZoneRuleVersionRow], rule: ZoneRule, on: date) -> ZoneRuleOut:
    rows = session.scalars(select(model).where(model.key == rule.key).order_by(model.valid_from))
    default = ZoneRuleVersionOut(valid_from=None, value=rule.default, source=rule.source)
    return ZoneRuleOut(
        key=rule.key,
        label=rule.label,
        value_schema=rule.adapter.json_schema(),
        on=on,
        value=rule.value_on(session, model, on),
        versions=[default, *(ZoneRuleVersionOut.model_validate(r) for r in rows)],
    )


def zone_rules_router(
    rules: Mapping[str, ZoneRule], model: type[ZoneRuleVersionRow], db_session: Any, permit: Any
) -> APIRouter:
    """`GET /zone-rules`, `GET /zone-rules/{key}`, `POST /zone-rules/{key}` for a service's rules."""
    router = APIRouter(prefix="/zone-rules", tags=["zone rules 地方规定"])

    def known(key: str) -> ZoneRule:
        if key not in rules:
            raise NotFound(f"没有规则 {key} / no zone rule {key}; known: {', '.join(rules)}")
        return rules[key]

    OnDay = Annotated[
        Day | None, Query(description="the day whose value is shown (zone date); today if empty")
    ]

    @router.get("", summary="地方规定 / the local rules, each with its versions")
    def list_rules(
        session: db_session, _: Annotated[Access, permit("catalogue.read")], on: OnDay = None
    ) -> list[ZoneRuleOut]:
        return [describe(session, model, rule, on or local_today()) for rule in rules.values()]

    @router.get("/{key}", summary="一条地方规定 / one local rule and its versions")
    def get_rule(
        key: str, session: db_session, _: Annotated[Access, permit("catalogue.read")], on: OnDay = None
    ) -> ZoneRuleOut:
        return describe(session, model, known(key), on or local_today())

    @router.post("/{key}", status_code=201, summary="新版本 / a new value from a day on")
    def change(
        key: str, data: ZoneRuleChange, session: db_session, user: Annotated[Access, permit("catalogue.edit")]
    ) -> ZoneRuleOut:
        rule = known(key)
        change_rule(session, model, rule, data, user)
        return describe(session, model, rule, data.valid_from)

    return router
