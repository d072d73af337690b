import uuid
from datetime import date

from pydantic import BaseModel, ConfigDict

from shared.events.contracts.registry import ProductionStatus, UnitKind


class SupervisedUnitOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    kind: UnitKind
    production_status: ProductionStatus
    key_supervision: bool
    grid_id: uuid.UUID | None


class UnitStateOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    valid_from: date
    valid_to: date | None  # inclusive; None: still true
    production_status: ProductionStatus
    key_supervision: bool
    grid_id: uuid.UUID | None
