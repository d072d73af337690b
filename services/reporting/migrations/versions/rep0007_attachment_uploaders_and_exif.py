"""filing attachments: uploaders' names and photos' EXIF time and position

Revision ID: rep0007
Revises: rep0006

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "rep0007"
down_revision: str | Sequence[str] | None = "rep0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column(
        "filing_attachment",
        sa.Column("uploaded_by_name", sa.String(length=100), nullable=True),
        schema="reporting",
    )
    op.add_column(
        "filing_attachment",
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=True),
        schema="reporting",
    )
    op.add_column("filing_attachment", sa.Column("latitude", sa.Float(), nullable=True), schema="reporting")
    op.add_column("filing_attachment", sa.Column("longitude", sa.Float(), nullable=True), schema="reporting")


def downgrade() -> None:
    """Downgrade schema: uploaders' names and EXIF are forgotten."""
    for column in ("longitude", "latitude", "taken_at", "uploaded_by_name"):
        op.drop_column("filing_attachment", column, schema="reporting")
