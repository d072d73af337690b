"""Dependencies every reporting API module uses."""

from services.reporting.runtime import runtime
from services.reporting.units.models import GridDuty, ReportingUnit
from shared.access import Gate, grid_duty_tenancy
from shared.deps import session_parameter

DbSession = session_parameter(runtime)
TENANCY = grid_duty_tenancy(ReportingUnit, GridDuty)
permit = Gate(DbSession, TENANCY).permit
