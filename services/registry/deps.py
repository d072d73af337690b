"""Dependencies every registry API module uses."""

from services.registry.runtime import runtime
from shared.auth import ZoneAdmin
from shared.deps import session_parameter

DbSession = session_parameter(runtime)
Admin = ZoneAdmin
