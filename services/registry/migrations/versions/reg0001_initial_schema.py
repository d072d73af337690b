"""initial schema

Revision ID: reg0001
Revises:

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shared.migrations import create_event_tables, drop_event_tables

# revision identifiers, used by Alembic.
revision: str = "reg0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    create_event_tables("registry")
    op.create_table(
        "enterprise",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "enterprise",
                "construction_site",
                name="unitkind",
                native_enum=False,
                length=32,
                schema="registry",
            ),
            nullable=False,
        ),
        sa.Column("industry", sa.String(length=100), nullable=True),
        sa.Column("address", sa.String(length=300), nullable=True),
        sa.Column("longitude", sa.Double(), nullable=True),
        sa.Column("latitude", sa.Double(), nullable=True),
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
                schema="registry",
            ),
            nullable=False,
        ),
        sa.Column("key_supervision", sa.Boolean(), nullable=False),
        sa.Column("legal_representative", sa.String(length=100), nullable=True),
        sa.Column("responsible_head", sa.String(length=100), nullable=True),
        sa.Column("responsible_phone", sa.String(length=30), nullable=True),
        sa.Column("grid_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enterprise")),
        sa.UniqueConstraint("credit_code", name=op.f("uq_enterprise_credit_code")),
        schema="registry",
    )


def downgrade() -> None:
    """Downgrade schema."""
    drop_event_tables("registry")
    op.drop_table("enterprise", schema="registry")
