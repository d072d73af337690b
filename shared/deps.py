"""FastAPI dependencies shared by the services."""

from collections.abc import Callable, Iterator

from sqlalchemy.orm import Session

from shared.runtime import ServiceRuntime


def transactional_session(runtime: ServiceRuntime) -> Callable[[], Iterator[Session]]:
    """A dependency yielding a session in one transaction, committed when the endpoint returns.

    Use it with `Depends(..., scope="function")`, so the commit happens before the response is
    sent: a transaction that fails to commit must never have answered 2xx.
    """

    def dependency() -> Iterator[Session]:
        with runtime.transaction() as session:
            yield session

    return dependency
