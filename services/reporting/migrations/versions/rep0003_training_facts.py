"""training facts

Revision ID: rep0003
Revises: rep0002

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "rep0003"
down_revision: str | Sequence[str] | None = "rep0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "missed_training_fact",
        sa.Column("rule_code", sa.String(length=60), nullable=False),
        sa.Column("subject_id", sa.Uuid(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("grid_id", sa.Uuid(), nullable=True),
        sa.Column("activity", sa.String(length=30), nullable=False),
        sa.PrimaryKeyConstraint(
            "rule_code", "subject_id", "period_start", name=op.f("pk_missed_training_fact")
        ),
        schema="reporting",
    )
    op.create_table(
        "training_fact",
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("grid_id", sa.Uuid(), nullable=True),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("session_id", name=op.f("pk_training_fact")),
        schema="reporting",
    )
    op.create_index(
        "ix_training_fact_held_on", "training_fact", ["held_on"], unique=False, schema="reporting"
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("ix_training_fact_held_on", table_name="training_fact", schema="reporting")
    op.drop_table("training_fact", schema="reporting")
    op.drop_table("missed_training_fact", schema="reporting")
