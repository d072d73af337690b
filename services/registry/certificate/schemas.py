import uuid
from datetime import date

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shared.events.contracts.registry import CertificateKind

SPECIAL_OPERATION_VALID_YEARS, SPECIAL_OPERATION_REVIEW_YEARS = 6, 3


def years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class CertificateIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: CertificateKind
    category: str | None = Field(None, max_length=100, title="作业类别 / special operation's category")
    number: str = Field(min_length=1, max_length=60, title="证书编号")
    issuing_authority: str = Field(min_length=1, max_length=200, title="发证机关")
    issued_on: date
    expires_on: date | None = Field(None, description="special operations: 6 years after issue if left out")

    @model_validator(mode="after")
    def _dates_and_category(self) -> "CertificateIn":
        if self.kind == CertificateKind.special_operation:
            if not self.category:
                raise ValueError(
                    "特种作业证须注明作业类别 / a special-operation certificate names its category"
                )
            self.expires_on = self.expires_on or years_later(self.issued_on, SPECIAL_OPERATION_VALID_YEARS)
        if self.expires_on is None:
            raise ValueError("须填写有效期至 / expires_on is required")
        if self.expires_on <= self.issued_on:
            raise ValueError("有效期至须晚于发证日期 / the certificate expires before it was issued")
        return self


class CertificateOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    person_id: uuid.UUID
    kind: CertificateKind
    category: str | None
    number: str
    issuing_authority: str
    issued_on: date
    expires_on: date
    review_on: date | None


class ExpiringCertificate(CertificateOut):
    """A holder's newest certificate of its kind, expiring soon or already expired (to renew)."""

    holder_name: str = Field(title="持证人")
    days_left: int = Field(title="剩余天数 / days until it expires; negative: expired that many days ago")


class MissingCertificate(BaseModel):
    person_id: uuid.UUID
    name: str
    enterprise_id: uuid.UUID
    duty: str
    needs: CertificateKind
