"""FastAPI dependencies shared by the services."""

from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any

from fastapi import Depends
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from shared.runtime import ServiceRuntime


def _commit(session: Session) -> None:
    with session:
        session.commit()


def transactional_session(runtime: ServiceRuntime) -> Callable[[], AsyncIterator[Session]]:
    """A dependency yielding a session in one transaction, committed when the endpoint returns.

    It first waits for one of the process's database slots (`ServiceRuntime.database_slots`).
    Making the session and beginning its transaction touch no database (it connects at its first
    statement), so they happen on the event loop; only the commit, or the rollback after an error,
    runs in the thread pool.
    """

    async def session_in_transaction() -> AsyncIterator[Session]:
        async with runtime.database_slots():
            session = runtime.session_factory()
            session.begin()
            try:
                yield session
            except BaseException:
                await run_in_threadpool(session.close)  # rolls back
                raise
            await run_in_threadpool(_commit, session)

    return session_in_transaction


def session_parameter(runtime: ServiceRuntime) -> Any:
    """`DbSession = session_parameter(runtime)`: the annotated endpoint parameter of a service.

    The commit happens before the response is sent (scope="function"): a transaction that fails
    to commit never answers 2xx.
    """
    return Annotated[Session, Depends(transactional_session(runtime), scope="function")]
