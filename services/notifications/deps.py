"""Dependencies every notifications API module uses."""

from services.notifications.runtime import runtime
from shared.deps import session_parameter

DbSession = session_parameter(runtime)
