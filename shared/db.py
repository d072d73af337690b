"""Database plumbing: one engine per process and URL, one PostgreSQL schema per service."""

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import (
    ARRAY,
    Connection,
    CursorResult,
    Delete,
    Engine,
    MetaData,
    Select,
    Table,
    Update,
    bindparam,
    create_engine,
    func,
    tuple_,
)
from sqlalchemy import cast as cast_
from sqlalchemy.dialects.postgresql import Insert, insert
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql.selectable import TableValuedAlias
from sqlalchemy.types import TypeEngine

from shared.settings import get_settings

# Stable constraint names, so Alembic migrations are reproducible.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def service_metadata(schema: str) -> MetaData:
    return MetaData(schema=schema, naming_convention=NAMING_CONVENTION)


@lru_cache(maxsize=8)
def get_engine(url: str) -> Engine:
    """At most DB_POOL_SIZE + DB_MAX_OVERFLOW connections per process and URL.

    No ping at every checkout (a round trip per transaction): connections are replaced after
    DB_POOL_RECYCLE_SECONDS, and a statement that finds its connection cut (a database restart)
    invalidates the whole pool, so only the transactions then under way fail (an API answers 503,
    a consumer retries) and the next ones connect afresh. TCP keepalives notice a dead server.
    """
    settings = get_settings()
    return create_engine(
        url,
        pool_recycle=settings.db_pool_recycle_seconds,
        connect_args={
            "keepalives": 1,
            "keepalives_idle": 30,
            "keepalives_interval": 10,
            "keepalives_count": 3,
        },
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        future=True,
    )


@lru_cache(maxsize=8)
def get_session_factory(url: str) -> sessionmaker[Session]:
    return sessionmaker(get_engine(url), expire_on_commit=False)


@contextmanager
def sessions_joined_to(url: str, connection: Connection) -> Iterator[None]:
    """Seam for tests: while open, every session this process makes for `url` joins the open
    transaction of `connection` (a session's commit only releases a savepoint), so the caller can
    undo everything at once by rolling that transaction back. Nothing in production calls it."""
    factory = get_session_factory(url)
    factory.configure(bind=connection, join_transaction_mode="create_savepoint")
    try:
        yield
    finally:
        factory.configure(bind=get_engine(url), join_transaction_mode="conditional_savepoint")  # the default


@contextmanager
def transaction(url: str) -> Iterator[Session]:
    """A session in one transaction: committed on success, rolled back on any error."""
    with get_session_factory(url)() as session, session.begin():
        yield session


def upsert_snapshot(
    session: Session, model: Any, values: dict[str, Any], *, key: str = "id", order_by: str = "source_time"
) -> None:
    """Keep an event-fed copy of an entity: insert it, or overwrite it with a newer snapshot.

    `values` must hold `source_time`, the time of the event carrying the snapshot. Which snapshot
    is newer is decided by `order_by`:

    - `"source_time"`: the later event wins;
    - `"version"`: the higher per-entity `version` wins (the publisher raises it at every change,
      a delete included, so a tombstone outranks every older snapshot); equal versions fall back
      to `source_time`, which orders the unversioned (version 0) snapshots sent before versions
      existed. `values` must then hold `version` too, and the model needs both columns.

    An older snapshot arriving late (a retry, a slower worker) never overwrites a newer one.
    """
    session.execute(snapshot_upsert(model, tuple(values), key=key, order_by=order_by), values)


@lru_cache(maxsize=128)
def snapshot_upsert(
    model: Any, columns: tuple[str, ...], *, key: str = "id", order_by: str = "source_time"
) -> Insert:
    """`upsert_snapshot`'s statement for these columns, built once (consumers run it for every
    event), each value bound by its column's name: executed with the values, or within a statement
    of the caller's own (a CTE) whose parameters include them."""
    table = model.__table__
    statement = insert(table).values({name: bindparam(name, type_=table.c[name].type) for name in columns})
    new = statement.excluded
    if order_by == "version":
        newer = tuple_(table.c.version, table.c.source_time) < tuple_(new.version, new.source_time)
    else:
        newer = table.c[order_by] < new[order_by]
    return statement.on_conflict_do_update(
        index_elements=[key], set_={name: new[name] for name in columns if name != key}, where=newer
    )


def upsert_row(session: Session, model: Any, values: dict[str, Any], *, keys: tuple[str, ...]) -> None:
    """Insert a row or overwrite the one with the same key columns."""
    statement = insert(model)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=list(keys),
            set_={name: statement.excluded[name] for name in values if name not in keys},
        ),
        [values],
    )


def insert_once(session: Session, model: Any, values: dict[str, Any]) -> None:
    """Insert a row unless one with the same key is there (a fact recorded once, however often told)."""
    session.execute(_insert_once_statement(model.__table__), values)


@lru_cache(maxsize=64)
def _insert_once_statement(table: Table) -> Insert:
    # one statement per table, built once: consumers insert a fact for every event
    return insert(table).on_conflict_do_nothing()


def rows_affected(session: Session, statement: Update | Delete) -> int:
    """Run an UPDATE or DELETE without RETURNING and say how many rows it changed.

    The session returns a `CursorResult` for these, though `Session.execute` is typed as `Result`.
    """
    return cast(CursorResult[Any], session.execute(statement)).rowcount


def columns_from(model: Any, source: Any) -> dict[str, Any]:
    """The values of a model's columns, taken from the like-named attributes of `source` (an event)."""
    return {column.key: getattr(source, column.key) for column in model.__table__.columns}


def where_given(query: Select[Any], filters: dict[Any, Any]) -> Select[Any]:
    """Add `column == value` for each filter whose value was given (not None)."""
    for column, value in filters.items():
        if value is not None:
            query = query.where(column == value)
    return query


def array_rows(name: str, **columns: tuple[str, TypeEngine[Any]]) -> TableValuedAlias:
    """Rows from parallel array parameters (`unnest(:a, :b) AS name(x, y)`), column name ->
    (parameter, element type): one statement, compiled once, for however many rows."""
    arrays = [
        cast_(bindparam(parameter, type_=ARRAY(kind)), ARRAY(kind)) for parameter, kind in columns.values()
    ]
    return func.unnest(*arrays).table_valued(*columns).render_derived(name=name)
