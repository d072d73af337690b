"""inbox

Revision ID: not0002
Revises: not0001

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "not0002"
down_revision: str | Sequence[str] | None = "not0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "inbox_message",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("event_type", sa.String(length=60), nullable=False),
        sa.Column("subject_id", sa.Uuid(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("why", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox_message")),
        sa.UniqueConstraint("event_id", "person_id", name=op.f("uq_inbox_message_event_id_person_id")),
        schema="notifications",
    )
    op.create_index(
        "ix_inbox_message_user_created",
        "inbox_message",
        ["user_id", "created_at"],
        unique=False,
        schema="notifications",
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("ix_inbox_message_user_created", table_name="inbox_message", schema="notifications")
    op.drop_table("inbox_message", schema="notifications")
