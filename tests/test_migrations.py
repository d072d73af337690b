"""Each service's migrations produce exactly the schema its models describe."""

import importlib

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from shared.settings import SERVICE_NAMES


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_models_and_migrations_agree(service):
    models = importlib.import_module(f"services.{service}.models")
    runtime = importlib.import_module(f"services.{service}.runtime").runtime
    with runtime.engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={
                "include_schemas": True,
                "include_name": lambda name, type_, _: type_ != "schema" or name == service,
                "version_table_schema": service,
                "compare_type": True,
            },
        )
        diff = compare_metadata(context, models.metadata)
    assert diff == [], f"{service}: models differ from migrations; add a migration: {diff}"
