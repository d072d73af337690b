"""penalties

Revision ID: ins0005
Revises: ins0004

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "ins0005"
down_revision: str | Sequence[str] | None = "ins0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "penalty",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("hazard_id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("decision_number", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.Uuid(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["hazard_id"], ["inspections.hazard.id"], name=op.f("fk_penalty_hazard_id_hazard")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_penalty")),
        sa.UniqueConstraint("decision_number", name=op.f("uq_penalty_decision_number")),
        schema="inspections",
    )
    op.create_index(
        op.f("ix_penalty_hazard_id"), "penalty", ["hazard_id"], unique=False, schema="inspections"
    )
    op.create_index(op.f("ix_penalty_unit_id"), "penalty", ["unit_id"], unique=False, schema="inspections")


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(op.f("ix_penalty_unit_id"), table_name="penalty", schema="inspections")
    op.drop_index(op.f("ix_penalty_hazard_id"), table_name="penalty", schema="inspections")
    op.drop_table("penalty", schema="inspections")
