"""FastAPI dependencies shared by the services."""

from collections.abc import Callable, Iterator
from typing import Annotated, Any

from fastapi import Depends
from sqlalchemy.orm import Session

from shared.runtime import ServiceRuntime


def transactional_session(runtime: ServiceRuntime) -> Callable[[], Iterator[Session]]:
    """A dependency yielding a session in one transaction, committed when the endpoint returns."""

    def dependency() -> Iterator[Session]:
        with runtime.transaction() as session:
            yield session

    return dependency


def session_parameter(runtime: ServiceRuntime) -> Any:
    """`DbSession = session_parameter(runtime)`: the annotated endpoint parameter of a service.

    The commit happens before the response is sent (scope="function"): a transaction that fails
    to commit never answers 2xx.
    """
    return Annotated[Session, Depends(transactional_session(runtime), scope="function")]
