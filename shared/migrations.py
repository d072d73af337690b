"""Alembic: each service keeps its own migration history and version table in its own schema."""

from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import Connection, MetaData, text

from shared.audit import audit_table
from shared.db import get_engine, service_metadata
from shared.db_roles import grant_service_roles
from shared.events.tables import event_tables
from shared.jobs import job_table
from shared.settings import SERVICE_NAMES, get_settings

SERVICES_DIR = Path(__file__).resolve().parent.parent / "services"


def alembic_config(service: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(SERVICES_DIR / service / "migrations"))
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", str(SERVICES_DIR / service / "migrations" / "versions"))
    config.attributes["service"] = service
    return config


def run_env(metadata: MetaData) -> None:
    """Body of every service's migrations/env.py (online mode only).

    It migrates the database of DATABASE_URL, or the one of a connection the caller put in
    `config.attributes["connection"]` (Alembic's documented way to migrate another database).
    """
    given = context.config.attributes.get("connection")
    if given is not None:
        _migrate(given, metadata)
        return
    with get_engine(get_settings().database_url).connect() as connection:
        _migrate(connection, metadata)


def _migrate(connection: Connection, metadata: MetaData) -> None:
    schema = metadata.schema
    assert schema, "service metadata must name its schema"
    connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    connection.commit()
    context.configure(
        connection=connection,
        target_metadata=metadata,
        version_table_schema=schema,
        include_schemas=True,
        include_name=lambda name, type_, _: type_ != "schema" or name == schema,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def upgrade_all(services: tuple[str, ...] = SERVICE_NAMES) -> None:
    for service in services:
        command.upgrade(alembic_config(service), "head")


def migrate_database() -> None:
    """`python -m shared.migrations`: every service's migrations as the owner (DATABASE_URL), then
    each service's role (named by REGISTRY_DATABASE_URL...) given its own schema alone."""
    upgrade_all()
    settings = get_settings()
    service_urls = {
        service: settings.service_database_url(service)
        for service in SERVICE_NAMES
        if settings.service_database_url(service) != settings.database_url
    }
    if service_urls:
        grant_service_roles(settings.database_url, service_urls)


if __name__ == "__main__":
    migrate_database()


def create_event_tables(schema: str) -> None:
    """Create a service's outbox, processed-event and dead-letter tables (its first migration)."""
    metadata = service_metadata(schema)
    event_tables(metadata)
    metadata.create_all(context.get_bind())
    add_outbox_notify(schema)


def add_outbox_notify(schema: str) -> None:
    """The outbox's first way to wake the relay: a statement trigger NOTIFYing at commit.

    Dropped again by `drop_outbox_notify` (NOTIFY serialises commits); kept for the history.
    """
    context.get_bind().execute(
        text(
            f"""
            CREATE FUNCTION "{schema}".wake_outbox_relay() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_notify('gridsafe_outbox_{schema}', '');
                RETURN NULL;
            END $$;
            CREATE TRIGGER outbox_wakes_relay AFTER INSERT ON "{schema}".outbox
                FOR EACH STATEMENT EXECUTE FUNCTION "{schema}".wake_outbox_relay();
            """
        )
    )


def drop_outbox_notify(schema: str) -> None:
    """No NOTIFY at commit: it takes PostgreSQL's global notification lock, so commits queued one
    behind another. Writers wake the relay through Redis after commit (shared.events.wake)."""
    context.get_bind().execute(
        text(
            f"""
            DROP TRIGGER IF EXISTS outbox_wakes_relay ON "{schema}".outbox;
            DROP FUNCTION IF EXISTS "{schema}".wake_outbox_relay();
            """
        )
    )


def drop_event_tables(schema: str) -> None:
    metadata = service_metadata(schema)
    event_tables(metadata)
    bind = context.get_bind()
    metadata.drop_all(bind)
    bind.execute(text(f'DROP FUNCTION IF EXISTS "{schema}".wake_outbox_relay()'))


def create_audit_table(schema: str) -> None:
    """Create a service's audit log (shared/audit.py) with a trigger refusing UPDATE and DELETE."""
    bind = context.get_bind()
    audit_table(service_metadata(schema)).create(bind)
    bind.execute(
        text(
            f"""
            CREATE FUNCTION "{schema}".refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'the audit log is append-only (% refused)', TG_OP;
            END $$;
            CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON "{schema}".audit_entry
                FOR EACH ROW EXECUTE FUNCTION "{schema}".refuse_audit_change();
            """
        )
    )


def drop_audit_table(schema: str) -> None:
    bind = context.get_bind()
    audit_table(service_metadata(schema)).drop(bind)
    bind.execute(text(f'DROP FUNCTION "{schema}".refuse_audit_change()'))


def add_event_feed(schema: str) -> None:
    """The event feed's order on the outbox (`txid`, shared.events.feed) and the consumer's cursors.

    Written to be a no-op where the first migration already made them (it creates the event tables
    as they are now).
    """
    bind = context.get_bind()
    bind.execute(
        text(
            f"""
            ALTER TABLE "{schema}".outbox ADD COLUMN IF NOT EXISTS txid BIGINT
                DEFAULT (pg_current_xact_id())::text::bigint NOT NULL;
            CREATE INDEX IF NOT EXISTS ix_outbox_feed ON "{schema}".outbox (txid, position);
            """
        )
    )
    metadata = service_metadata(schema)
    event_tables(metadata).cursor.create(bind, checkfirst=True)


def drop_event_feed(schema: str) -> None:
    bind = context.get_bind()
    bind.execute(text(f'DROP TABLE IF EXISTS "{schema}".event_cursor'))
    bind.execute(text(f'DROP INDEX IF EXISTS "{schema}".ix_outbox_feed'))
    bind.execute(text(f'ALTER TABLE "{schema}".outbox DROP COLUMN IF EXISTS txid'))


def create_job_table(schema: str) -> None:
    """Create a service's background job table (shared/jobs.py)."""
    job_table(schema).create(context.get_bind())


def drop_job_table(schema: str) -> None:
    job_table(schema).drop(context.get_bind())
