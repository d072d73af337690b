"""initial schema

Revision ID: rep0001
Revises:

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shared.migrations import create_event_tables, drop_event_tables

# revision identifiers, used by Alembic.
revision: str = "rep0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    create_event_tables("reporting")
    op.create_table(
        "reporting_grid",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("zone_id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("source_time", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reporting_grid")),
        schema="reporting",
    )
    op.create_table(
        "reporting_unit",
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
                schema="reporting",
            ),
            nullable=False,
        ),
        sa.Column("industry", sa.String(length=100), nullable=True),
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
                schema="reporting",
            ),
            nullable=False,
        ),
        sa.Column("grid_id", sa.Uuid(), nullable=True),
        sa.Column("source_time", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reporting_unit")),
        schema="reporting",
    )


def downgrade() -> None:
    """Downgrade schema."""
    drop_event_tables("reporting")
    op.drop_table("reporting_unit", schema="reporting")
    op.drop_table("reporting_grid", schema="reporting")
