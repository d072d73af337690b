"""Dependencies every reporting API module uses."""

from typing import Annotated

from services.reporting.runtime import runtime
from shared.auth import Principal, Role, require_roles
from shared.deps import session_parameter

DbSession = session_parameter(runtime)

# Those who read the zone's statistics: the committee, grid staff (their own grids), enforcement, auditors.
Supervisor = Annotated[
    Principal,
    require_roles(Role.zone_admin, Role.leader, Role.grid_member, Role.enforcement_officer, Role.auditor),
]
