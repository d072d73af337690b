"""effective-dated facts: a unit's registration day and dated states, a grid's first and last day,
per-entity versions, and the facts scheduled to take effect on a later day

Revision ID: reg0005
Revises: reg0004

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from shared.settings import get_settings

# revision identifiers, used by Alembic.
revision: str = "reg0005"
down_revision: str | Sequence[str] | None = "reg0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VERSIONED = ("enterprise", "grid", "person", "assignment")


def upgrade() -> None:
    """Upgrade schema; existing units get one state from the day they were created (zone date)."""
    zone = get_settings().zone_timezone.replace("'", "")
    for table in VERSIONED:
        op.add_column(
            table, sa.Column("version", sa.Integer(), server_default="0", nullable=False), schema="registry"
        )

    op.add_column("enterprise", sa.Column("registered_on", sa.Date(), nullable=True), schema="registry")
    op.add_column("enterprise", sa.Column("registered_reason", sa.Text(), nullable=True), schema="registry")
    op.execute(f"UPDATE registry.enterprise SET registered_on = (created_at AT TIME ZONE '{zone}')::date")
    op.alter_column("enterprise", "registered_on", nullable=False, schema="registry")

    op.add_column("enterprise_change", sa.Column("effective_on", sa.Date(), nullable=True), schema="registry")
    op.execute(
        f"UPDATE registry.enterprise_change SET effective_on = (changed_at AT TIME ZONE '{zone}')::date"
    )
    op.alter_column("enterprise_change", "effective_on", nullable=False, schema="registry")

    op.add_column("grid", sa.Column("valid_from", sa.Date(), nullable=True), schema="registry")
    op.add_column("grid", sa.Column("valid_to", sa.Date(), nullable=True), schema="registry")
    op.add_column("grid", sa.Column("change_reason", sa.Text(), nullable=True), schema="registry")
    op.execute(f"UPDATE registry.grid SET valid_from = (created_at AT TIME ZONE '{zone}')::date")
    op.alter_column("grid", "valid_from", nullable=False, schema="registry")
    op.create_check_constraint(
        op.f("ck_grid_ends_after_it_starts"),
        "grid",
        "valid_to IS NULL OR valid_to >= valid_from",
        schema="registry",
    )

    op.create_table(
        "enterprise_state",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("enterprise_id", sa.Uuid(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column(
            "production_status",
            sa.Enum(
                "operating",
                "suspended",
                "under_construction",
                "closed",
                name="productionstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("key_supervision", sa.Boolean(), nullable=False),
        sa.Column("grid_id", sa.Uuid(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "valid_to IS NULL OR valid_to >= valid_from",
            name=op.f("ck_enterprise_state_ends_after_it_starts"),
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["registry.enterprise.id"],
            name=op.f("fk_enterprise_state_enterprise_id_enterprise"),
        ),
        sa.ForeignKeyConstraint(
            ["grid_id"], ["registry.grid.id"], name=op.f("fk_enterprise_state_grid_id_grid")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enterprise_state")),
        postgresql.ExcludeConstraint(
            (sa.text("enterprise_id"), "="),
            (sa.text("daterange(valid_from, valid_to, '[]')"), "&&"),
            using="gist",
            name="ex_enterprise_state_overlap",
        ),
        schema="registry",
    )
    op.create_index(
        op.f("ix_enterprise_state_enterprise_id"),
        "enterprise_state",
        ["enterprise_id"],
        unique=False,
        schema="registry",
    )
    op.create_index(
        op.f("ix_enterprise_state_grid_id"), "enterprise_state", ["grid_id"], unique=False, schema="registry"
    )
    op.execute(
        "INSERT INTO registry.enterprise_state "
        "(enterprise_id, valid_from, valid_to, production_status, key_supervision, grid_id, recorded_at) "
        "SELECT id, registered_on, NULL, production_status, key_supervision, grid_id, created_at "
        "FROM registry.enterprise"
    )

    op.create_table(
        "scheduled_effect",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("entity_id", sa.Uuid(), nullable=False),
        sa.Column("takes_effect_on", sa.Date(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("kind", "entity_id", "takes_effect_on", name=op.f("pk_scheduled_effect")),
        schema="registry",
    )
    op.create_index(
        "ix_scheduled_effect_pending",
        "scheduled_effect",
        ["takes_effect_on"],
        unique=False,
        schema="registry",
        postgresql_where=sa.text("published_at IS NULL"),
    )
    # assignments recorded before this: those starting, or ending, after today take effect then
    today = f"(now() AT TIME ZONE '{zone}')::date"
    op.execute(
        "INSERT INTO registry.scheduled_effect (kind, entity_id, takes_effect_on) "
        f"SELECT 'assignment', id, valid_from FROM registry.assignment WHERE valid_from > {today} "
        "UNION "
        f"SELECT 'assignment', id, valid_to + 1 FROM registry.assignment WHERE valid_to + 1 > {today}"
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("ix_scheduled_effect_pending", table_name="scheduled_effect", schema="registry")
    op.drop_table("scheduled_effect", schema="registry")
    op.drop_index(op.f("ix_enterprise_state_grid_id"), table_name="enterprise_state", schema="registry")
    op.drop_index(op.f("ix_enterprise_state_enterprise_id"), table_name="enterprise_state", schema="registry")
    op.drop_table("enterprise_state", schema="registry")
    op.drop_constraint(op.f("ck_grid_ends_after_it_starts"), "grid", schema="registry")
    for column in ("change_reason", "valid_to", "valid_from"):
        op.drop_column("grid", column, schema="registry")
    op.drop_column("enterprise_change", "effective_on", schema="registry")
    op.drop_column("enterprise", "registered_reason", schema="registry")
    op.drop_column("enterprise", "registered_on", schema="registry")
    for table in VERSIONED:
        op.drop_column(table, "version", schema="registry")
