"""Each service's migrations produce exactly the schema its models describe, and go back down."""

import importlib
import os
from collections.abc import Iterator

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, create_engine, inspect

from shared.migrations import alembic_config
from shared.settings import SERVICE_NAMES
from tests.support.servers import create_database, drop_database


def migration_differences(conn: Connection, service: str) -> list:
    models = importlib.import_module(f"services.{service}.models")
    context = MigrationContext.configure(
        conn,
        opts={
            "include_schemas": True,
            "include_name": lambda name, type_, _: type_ != "schema" or name == service,
            "version_table_schema": service,
            "compare_type": True,
        },
    )
    return compare_metadata(context, models.metadata)


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_models_and_migrations_agree(service):
    runtime = importlib.import_module(f"services.{service}.runtime").runtime
    with runtime.engine.connect() as conn:
        diff = migration_differences(conn, service)
    assert diff == [], f"{service}: models differ from migrations; add a migration: {diff}"


@pytest.fixture
def empty_database(request: pytest.FixtureRequest) -> Iterator[Connection]:
    """A connection to a new, empty database next to the test database (dropped afterwards)."""
    name = f"{os.environ['DATABASE_URL'].rsplit('/', 1)[-1]}_{request.node.callspec.id}"
    engine = create_engine(create_database(os.environ["DATABASE_URL"], name))
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()
        drop_database(os.environ["DATABASE_URL"], name)


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_migrations_go_down_to_base_and_up_again(service, empty_database):
    config = alembic_config(service)
    config.attributes["connection"] = empty_database

    def tables() -> set[str]:
        return set(inspect(empty_database).get_table_names(schema=service))

    command.upgrade(config, "head")
    assert len(tables()) > 4  # the event tables and the service's own
    command.downgrade(config, "base")
    assert tables() == {"alembic_version"}, f"{service}: downgrade to base left tables behind"
    command.upgrade(config, "head")
    diff = migration_differences(empty_database, service)
    assert diff == [], f"{service}: upgrade after a downgrade differs from the models: {diff}"
