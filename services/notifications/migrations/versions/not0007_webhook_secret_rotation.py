"""webhook secrets can be rotated: the previous secret signs too until its grace period ends

Revision ID: not0007
Revises: not0006

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "not0007"
down_revision: str | Sequence[str] | None = "not0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column(
        "webhook_subscription",
        sa.Column("previous_secret", sa.String(100), nullable=True),
        schema="notifications",
    )
    op.add_column(
        "webhook_subscription",
        sa.Column("previous_secret_until", sa.DateTime(timezone=True), nullable=True),
        schema="notifications",
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_column("webhook_subscription", "previous_secret_until", schema="notifications")
    op.drop_column("webhook_subscription", "previous_secret", schema="notifications")
