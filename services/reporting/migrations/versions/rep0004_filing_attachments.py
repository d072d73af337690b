"""filing attachments

Revision ID: rep0004
Revises: rep0003

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "rep0004"
down_revision: str | Sequence[str] | None = "rep0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "filing_attachment",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("filing_id", sa.Uuid(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=50), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by", sa.Uuid(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["filing_id"],
            ["reporting.report_filing.id"],
            name=op.f("fk_filing_attachment_filing_id_report_filing"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_filing_attachment")),
        schema="reporting",
    )
    op.create_index(
        op.f("ix_filing_attachment_filing_id"),
        "filing_attachment",
        ["filing_id"],
        unique=False,
        schema="reporting",
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(op.f("ix_filing_attachment_filing_id"), table_name="filing_attachment", schema="reporting")
    op.drop_table("filing_attachment", schema="reporting")
