"""Least privilege in PostgreSQL: each service connects as a role of its own that may use only its
own schema (its tables, outbox, processed-event and dead-letter tables included).

The owner (the user that runs the migrations) keeps owning the schemas and grants each service's
role what it needs there: schema usage, reading and writing its rows, its sequences and functions.
Default privileges give the role the same on every table a later migration creates, so no
migration grants anything. A role has no usage on any other schema, so it cannot even name
another service's tables ("permission denied for schema").

Each service's role, with its password, is named by its URL (`REGISTRY_DATABASE_URL`...); the
run command generates them (`<database>_<service>`, e.g. `gridsafe_registry`), compose takes the
passwords from the environment, the tests make roles per test database.
"""

import secrets

import psycopg2
from psycopg2 import sql
from sqlalchemy.engine import make_url

from shared.settings import SERVICE_NAMES


def service_role(database: str, service: str) -> str:
    """The role of a service in a database: `gridsafe_registry`, or `gridsafe_test_123_gw0_registry`."""
    return f"{database}_{service}"


def role_url(owner_url: str, role: str, password: str) -> str:
    """The owner's URL with the role and its password in place of the owner."""
    return make_url(owner_url).set(username=role, password=password).render_as_string(hide_password=False)


def generated_role_urls(owner_url: str) -> dict[str, str]:
    """A fresh role and password per service, in the owner's database."""
    database = make_url(owner_url).database
    assert database, "the owner's URL must name the database"
    return {
        service: role_url(owner_url, service_role(database, service), secrets.token_urlsafe(24))
        for service in SERVICE_NAMES
    }


def _admin_dsn(owner_url: str) -> str:
    return make_url(owner_url).set(drivername="postgresql").render_as_string(hide_password=False)


def grant_service_roles(owner_url: str, service_urls: dict[str, str]) -> None:
    """Create (or update the password of) each service's role and give it its own schema alone.

    Runs as the owner of the schemas, after or before the migrations: what exists now is granted,
    and default privileges cover what the owner creates later.
    """
    conn = psycopg2.connect(_admin_dsn(owner_url))
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("SELECT current_database(), current_user")
            database, owner = cur.fetchone() or ("", "")
            for service, url in service_urls.items():
                parsed = make_url(url)
                role, password = parsed.username, parsed.password or secrets.token_urlsafe(24)
                if not role or role == owner:
                    raise ValueError(
                        f"{service.upper()}_DATABASE_URL must name a role of the service's own, not {role or 'none'}"
                    )
                _create_or_update_role(cur, role, password)
                _grant_own_schema(cur, database, service, role)
    finally:
        conn.close()


def _create_or_update_role(cur: "psycopg2.extensions.cursor", role: str, password: str) -> None:
    cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,))
    verb = "ALTER" if cur.fetchone() else "CREATE"
    cur.execute(
        sql.SQL(
            verb + " ROLE {} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT PASSWORD %s"
        ).format(sql.Identifier(role)),
        (password,),
    )


def _grant_own_schema(cur: "psycopg2.extensions.cursor", database: str, schema: str, role: str) -> None:
    names = {
        "database": sql.Identifier(database),
        "schema": sql.Identifier(schema),
        "role": sql.Identifier(role),
    }
    for statement in (
        "GRANT CONNECT, TEMPORARY ON DATABASE {database} TO {role}",
        "CREATE SCHEMA IF NOT EXISTS {schema}",
        "GRANT USAGE ON SCHEMA {schema} TO {role}",
        "GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA {schema} TO {role}",
        "GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
        "GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA {schema} TO {role}",
        "ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} "
        "GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON TABLES TO {role}",
        "ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {role}",
        "ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT EXECUTE ON FUNCTIONS TO {role}",
    ):
        cur.execute(sql.SQL(statement).format(**names))


def drop_service_roles(owner_url: str, roles: list[str]) -> None:
    """Drop roles whose database is already dropped (its grants went with it)."""
    conn = psycopg2.connect(_admin_dsn(owner_url))
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            for role in roles:
                cur.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))
    finally:
        conn.close()
