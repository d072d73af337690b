"""Least privilege: each service's database role works in its own schema and cannot read another's."""

import os
import uuid

import psycopg2
import pytest
from psycopg2 import errors
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from shared.db_roles import grant_service_roles, service_role
from shared.settings import SERVICE_NAMES
from tests.support.processes import service_role_urls


def _connect(url: str) -> "psycopg2.extensions.connection":
    return psycopg2.connect(make_url(url).set(drivername="postgresql").render_as_string(hide_password=False))


def test_roles_are_named_for_the_test_database():
    database = make_url(os.environ["DATABASE_URL"]).database or ""
    for service, url in service_role_urls().items():
        assert make_url(url).username == service_role(database, service)


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_a_service_role_cannot_select_from_another_services_schema(service):
    conn = _connect(service_role_urls()[service])
    try:
        for other in SERVICE_NAMES:
            if other == service:
                continue
            with conn.cursor() as cur, pytest.raises(errors.InsufficientPrivilege, match="permission denied"):
                cur.execute(f'SELECT count(*) FROM "{other}".outbox')
            conn.rollback()
    finally:
        conn.close()


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_a_service_role_does_its_own_work_in_its_own_schema(service):
    """Its outbox, processed events and dead letters."""
    conn = _connect(service_role_urls()[service])
    try:
        with conn.cursor() as cur:
            event_id = str(uuid.uuid4())
            cur.execute(
                f'INSERT INTO "{service}".outbox (event_id, event_type, envelope) VALUES (%s, %s, %s)',
                (event_id, "test.event", "{}"),
            )
            cur.execute(
                f'UPDATE "{service}".outbox SET published_at = now() WHERE event_id = %s', (event_id,)
            )
            cur.execute(f'SELECT count(*) FROM "{service}".outbox WHERE published_at IS NOT NULL')
            assert cur.fetchone() == (1,)
            cur.execute(f'SELECT count(*) FROM "{service}".processed_event')
            cur.execute(f'SELECT count(*) FROM "{service}".dead_letter')
            with pytest.raises(errors.InsufficientPrivilege):  # no DDL: the owner migrates
                cur.execute(f'DROP TABLE "{service}".outbox')
        conn.rollback()
    finally:
        conn.close()


@pytest.mark.committed  # the owner's new table must be committed for the role to see it
def test_tables_a_later_migration_creates_are_the_services_alone_without_grants():
    owner = create_engine(os.environ["DATABASE_URL"])
    try:
        with owner.begin() as conn:
            conn.execute(text("CREATE TABLE registry.later_table (id int PRIMARY KEY)"))
        registry = _connect(service_role_urls()["registry"])
        inspections = _connect(service_role_urls()["inspections"])
        try:
            with registry.cursor() as cur:
                cur.execute("INSERT INTO registry.later_table VALUES (1)")
                cur.execute("SELECT id FROM registry.later_table")
                assert cur.fetchall() == [(1,)]
            registry.rollback()
            with inspections.cursor() as cur, pytest.raises(errors.InsufficientPrivilege):
                cur.execute("SELECT id FROM registry.later_table")
        finally:
            registry.close()
            inspections.close()
    finally:
        with owner.begin() as conn:
            conn.execute(text("DROP TABLE registry.later_table"))
        owner.dispose()


def test_a_service_url_naming_the_owner_is_refused_not_stripped_of_its_rights():
    owner = os.environ["DATABASE_URL"]

    def owner_rights() -> tuple:
        conn = _connect(owner)
        try:
            with conn.cursor() as cur:
                cur.execute(
                    "SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = current_user"
                )
                return cur.fetchone()
        finally:
            conn.close()

    before = owner_rights()
    with pytest.raises(ValueError, match="REGISTRY_DATABASE_URL must name a role of the service's own"):
        grant_service_roles(owner, {"registry": owner})
    assert owner_rights() == before
