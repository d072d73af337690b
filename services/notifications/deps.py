"""Dependencies every notifications API module uses."""

from typing import Annotated

from services.notifications.runtime import runtime
from shared.auth import Principal, Role, require_roles
from shared.deps import session_parameter

DbSession = session_parameter(runtime)

# The committee's safety office and auditors see every notice and delivery (谁被通知了什么).
ZoneReader = Annotated[Principal, require_roles(Role.zone_admin, Role.auditor)]
