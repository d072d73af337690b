"""Risk assessment by LEC or LS, graded with the table in force; the unit's colour follows."""

import uuid

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.inspections.risk.bands import COLOUR_ORDER, TABLES
from services.inspections.risk.models import RiskAssessment
from services.inspections.runtime import runtime
from services.inspections.units.service import unit_for
from shared.access import Access
from shared.clock import utc_now
from shared.errors import InvalidInput
from shared.events.contracts.inspections import RiskAssessedV1
from shared.pagination import Keyset, Page, PageRequest

NEWEST_FIRST = Keyset("risk-assessments", RiskAssessment.assessed_at, RiskAssessment.id, descending=True)


class AssessmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    unit_id: uuid.UUID
    target: str = Field(min_length=1, max_length=200, title="评估对象 / hazard source, area or activity")
    method: str = Field(title="方法 / LEC or LS")
    factors: dict[str, float] = Field(title="LEC: L, E, C; LS: L, S")

    @field_validator("method")
    @classmethod
    def _known_method(cls, value: str) -> str:
        if value.upper() not in TABLES:
            raise ValueError(f"未知方法 / unknown method; known: {', '.join(TABLES)}")
        return value.upper()


def _check_factors(data: AssessmentIn) -> None:
    table = TABLES[data.method]
    missing = [name for name in table.factors if name not in data.factors]
    extra = [name for name in data.factors if name not in table.factors]
    if missing or extra:
        raise InvalidInput(
            f"{data.method} 需要因子 / needs factors {', '.join(table.factors)}"
            + (f"; missing {', '.join(missing)}" if missing else "")
            + (f"; unknown {', '.join(extra)}" if extra else ""),
            field="factors",
        )
    for name, allowed in table.factors.items():
        if data.factors[name] not in allowed:
            raise InvalidInput(
                f"{name}={data.factors[name]:g} 不在取值表中 / not an allowed value; allowed: "
                f"{', '.join(f'{v:g}' for v in allowed)}",
                field=f"factors.{name}",
            )


def unit_colour(session: Session, unit_id: uuid.UUID) -> str:
    """The highest colour among the latest assessment of each target of the unit."""
    latest = (
        select(
            RiskAssessment.colour,
            func.row_number()
            .over(partition_by=RiskAssessment.target, order_by=RiskAssessment.assessed_at.desc())
            .label("n"),
        )
        .where(RiskAssessment.unit_id == unit_id)
        .subquery()
    )
    colours = set(session.scalars(select(latest.c.colour).where(latest.c.n == 1)))
    return max(colours, key=COLOUR_ORDER.index)


def assess(session: Session, data: AssessmentIn, user: Access) -> RiskAssessment:
    unit = unit_for(session, data.unit_id, user)
    _check_factors(data)
    table = TABLES[data.method]
    score = table.score(data.factors)
    band = table.band(score)
    assessment = RiskAssessment(
        id=uuid.uuid4(),
        unit_id=unit.id,
        target=data.target,
        method=data.method,
        factors=data.factors,
        score=score,
        colour=band.colour,
        band_label=band.label,
        table_version=table.version,
        assessed_by=user.user_id,
        assessed_at=utc_now(),
    )
    session.add(assessment)
    session.flush()
    runtime.publish(
        session,
        RiskAssessedV1(
            assessment_id=assessment.id,
            unit_id=unit.id,
            target=data.target,
            method=data.method,
            score=score,
            colour=band.colour,
            table_version=table.version,
            unit_colour=unit_colour(session, unit.id),
        ),
        subject=str(unit.id),
    )
    return assessment


def assessments(
    session: Session, unit_id: uuid.UUID, user: Access, page: PageRequest
) -> Page[RiskAssessment]:
    unit_for(session, unit_id, user)
    return NEWEST_FIRST.fetch(session, select(RiskAssessment).where(RiskAssessment.unit_id == unit_id), page)
