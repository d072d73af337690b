"""hazard indexes for grade and state lists

Revision ID: ins0003
Revises: ins0002

"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "ins0003"
down_revision: str | Sequence[str] | None = "ins0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_index(
        "ix_hazard_grade_reported",
        "hazard",
        ["grade", "reported_at", "id"],
        unique=False,
        schema="inspections",
    )
    op.create_index(
        "ix_hazard_state_reported",
        "hazard",
        ["state", "reported_at", "id"],
        unique=False,
        schema="inspections",
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("ix_hazard_state_reported", table_name="hazard", schema="inspections")
    op.drop_index("ix_hazard_grade_reported", table_name="hazard", schema="inspections")
