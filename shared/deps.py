"""FastAPI dependencies shared by the services."""

from collections.abc import Callable, Iterator

from sqlalchemy.orm import Session

from shared.runtime import ServiceRuntime


def transactional_session(runtime: ServiceRuntime) -> Callable[[], Iterator[Session]]:
    """A dependency yielding a session in one transaction, committed when the endpoint returns."""

    def dependency() -> Iterator[Session]:
        with runtime.transaction() as session:
            yield session

    return dependency
