"""training evidence files

Revision ID: ins0011
Revises: ins0010

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "ins0011"
down_revision: str | Sequence[str] | None = "ins0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "training_evidence",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=50), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by", sa.Uuid(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["inspections.training_session.id"],
            name=op.f("fk_training_evidence_session_id_training_session"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_evidence")),
        schema="inspections",
    )
    op.create_index(
        op.f("ix_training_evidence_session_id"),
        "training_evidence",
        ["session_id"],
        unique=False,
        schema="inspections",
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(
        op.f("ix_training_evidence_session_id"), table_name="training_evidence", schema="inspections"
    )
    op.drop_table("training_evidence", schema="inspections")
