"""Dependencies every registry API module uses."""

from services.registry.enterprise.models import Enterprise
from services.registry.responsibility.models import Assignment
from services.registry.runtime import runtime
from shared.access import GRID_DUTIES, Gate, Tenancy
from shared.deps import session_parameter

DbSession = session_parameter(runtime)

# The registry reads grid scope from its own responsibility ledger.
TENANCY = Tenancy(
    unit_id=Enterprise.id,
    unit_grid=Enterprise.grid_id,
    staff_person=Assignment.person_id,
    staff_grid=Assignment.scope_id,
    staff_from=Assignment.valid_from,
    staff_to=Assignment.valid_to,
    staff_where=Assignment.duty.in_(GRID_DUTIES),
)
permit = Gate(DbSession, TENANCY).permit
