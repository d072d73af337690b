"""Dependencies every notifications API module uses."""

from services.notifications.directory.models import DutyHolder, UnitContact
from services.notifications.runtime import runtime
from shared.access import GRID_DUTIES, Gate, Tenancy
from shared.deps import session_parameter

DbSession = session_parameter(runtime)
TENANCY = Tenancy(
    unit_id=UnitContact.unit_id,
    unit_grid=UnitContact.grid_id,
    staff_person=DutyHolder.person_id,
    staff_grid=DutyHolder.scope_id,
    staff_from=DutyHolder.valid_from,
    staff_to=DutyHolder.valid_to,
    staff_where=DutyHolder.duty.in_(GRID_DUTIES),
)
permit = Gate(DbSession, TENANCY).permit
