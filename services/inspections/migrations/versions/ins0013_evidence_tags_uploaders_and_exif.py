"""evidence tags, uploaders' names and photos' EXIF time and position

Revision ID: ins0013
Revises: ins0012

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "ins0013"
down_revision: str | Sequence[str] | None = "ins0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FILE_TABLES = ("evidence_file", "training_evidence")


def upgrade() -> None:
    """Upgrade schema: evidence uploaded before is tagged `other`."""
    for table in FILE_TABLES:
        op.add_column(
            table, sa.Column("uploaded_by_name", sa.String(length=100), nullable=True), schema="inspections"
        )
        op.add_column(
            table, sa.Column("taken_at", sa.DateTime(timezone=True), nullable=True), schema="inspections"
        )
        op.add_column(table, sa.Column("latitude", sa.Float(), nullable=True), schema="inspections")
        op.add_column(table, sa.Column("longitude", sa.Float(), nullable=True), schema="inspections")
    op.add_column(
        "evidence_file",
        sa.Column(
            "tag",
            sa.Enum("before", "after", "other", name="evidencetag", native_enum=False, length=30),
            nullable=False,
            server_default="other",
        ),
        schema="inspections",
    )
    op.alter_column("evidence_file", "tag", server_default=None, schema="inspections")


def downgrade() -> None:
    """Downgrade schema: tags, uploaders' names and EXIF are forgotten."""
    op.drop_column("evidence_file", "tag", schema="inspections")
    for table in FILE_TABLES:
        for column in ("longitude", "latitude", "taken_at", "uploaded_by_name"):
            op.drop_column(table, column, schema="inspections")
