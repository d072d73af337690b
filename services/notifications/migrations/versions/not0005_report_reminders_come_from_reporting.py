"""report reminders come from reporting (report.due): drop the copy of filings and unit kinds

Revision ID: not0005
Revises: not0004

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "not0005"
down_revision: str | Sequence[str] | None = "not0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.drop_column("unit_contact", "production_status", schema="notifications")
    op.drop_column("unit_contact", "kind", schema="notifications")
    op.drop_table("filed_report", schema="notifications")


def downgrade() -> None:
    """Downgrade schema: the tables come back empty (and unit kinds as defaults) until events refill them."""
    op.create_table(
        "filed_report",
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("unit_id", "kind", "period", name=op.f("pk_filed_report")),
        schema="notifications",
    )
    op.add_column(
        "unit_contact",
        sa.Column("kind", sa.String(length=32), nullable=False, server_default="enterprise"),
        schema="notifications",
    )
    op.add_column(
        "unit_contact",
        sa.Column("production_status", sa.String(length=32), nullable=False, server_default="operating"),
        schema="notifications",
    )
