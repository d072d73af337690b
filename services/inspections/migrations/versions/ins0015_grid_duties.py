"""grid duties: the copy of the grid assignments the access policy reads grid scope from

Revision ID: ins0015
Revises: ins0014

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "ins0015"
down_revision: str | Sequence[str] | None = "ins0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema (filled by the assignment.changed events, replayed from the registry's outbox)."""
    op.create_table(
        "grid_duty",
        sa.Column("assignment_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("grid_id", sa.Uuid(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("source_time", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("assignment_id", name=op.f("pk_grid_duty")),
        schema="inspections",
    )
    op.create_index(
        op.f("ix_grid_duty_person_id"), "grid_duty", ["person_id"], unique=False, schema="inspections"
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(op.f("ix_grid_duty_person_id"), table_name="grid_duty", schema="inspections")
    op.drop_table("grid_duty", schema="inspections")
