"""Dependencies every registry API module uses."""

from typing import Annotated

from fastapi import Depends
from sqlalchemy.orm import Session

from services.registry.runtime import runtime
from shared.auth import Principal, Role, require_roles
from shared.deps import transactional_session

DbSession = Annotated[Session, Depends(transactional_session(runtime), scope="function")]
Admin = Annotated[Principal, require_roles(Role.zone_admin)]
