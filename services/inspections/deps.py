"""Dependencies every inspections API module uses."""

from services.inspections.runtime import runtime
from services.inspections.units.models import GridDuty, SupervisedUnit
from shared.access import Gate, grid_duty_tenancy
from shared.deps import session_parameter

DbSession = session_parameter(runtime)
TENANCY = grid_duty_tenancy(SupervisedUnit, GridDuty)
permit = Gate(DbSession, TENANCY).permit
