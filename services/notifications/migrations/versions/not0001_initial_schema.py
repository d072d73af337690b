"""initial schema

Revision ID: not0001
Revises:

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shared.migrations import create_event_tables, drop_event_tables

# revision identifiers, used by Alembic.
revision: str = "not0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    create_event_tables("notifications")
    op.create_table(
        "unit_contact",
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("unit_name", sa.String(length=200), nullable=False),
        sa.Column("grid_id", sa.Uuid(), nullable=True),
        sa.Column("responsible_head", sa.String(length=100), nullable=True),
        sa.Column("responsible_phone", sa.String(length=30), nullable=True),
        sa.Column("synced_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("unit_id", name=op.f("pk_unit_contact")),
        schema="notifications",
    )


def downgrade() -> None:
    """Downgrade schema."""
    drop_event_tables("notifications")
    op.drop_table("unit_contact", schema="notifications")
