"""initial schema

Revision ID: ins0001
Revises:

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shared.migrations import create_event_tables, drop_event_tables

# revision identifiers, used by Alembic.
revision: str = "ins0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    create_event_tables("inspections")
    op.create_table(
        "supervised_grid",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("zone_id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("leader_person_id", sa.Uuid(), nullable=True),
        sa.Column("member_person_ids", sa.ARRAY(sa.Uuid()), nullable=False),
        sa.Column("source_time", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervised_grid")),
        schema="inspections",
    )
    op.create_table(
        "supervised_unit",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "enterprise",
                "construction_site",
                name="unitkind",
                native_enum=False,
                length=32,
                schema="inspections",
            ),
            nullable=False,
        ),
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
                schema="inspections",
            ),
            nullable=False,
        ),
        sa.Column("key_supervision", sa.Boolean(), nullable=False),
        sa.Column("grid_id", sa.Uuid(), nullable=True),
        sa.Column("source_time", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervised_unit")),
        schema="inspections",
    )


def downgrade() -> None:
    """Downgrade schema."""
    drop_event_tables("inspections")
    op.drop_table("supervised_unit", schema="inspections")
    op.drop_table("supervised_grid", schema="inspections")
