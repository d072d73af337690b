"""Dependencies every inspections API module uses."""

from services.inspections.runtime import runtime
from shared.deps import session_parameter

DbSession = session_parameter(runtime)
