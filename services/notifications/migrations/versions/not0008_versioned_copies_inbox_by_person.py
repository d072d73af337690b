"""copies of the registry keep each entity's version, and a grid's first and last day (an abolished
grid is a tombstone); the inbox is read by person, not by account

Revision ID: not0008
Revises: not0007

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "not0008"
down_revision: str | Sequence[str] | None = "not0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COPIES = ("unit_contact", "grid_staff", "person_contact", "duty_holder")


def upgrade() -> None:
    """Upgrade schema. Every message already names its person: the account id it copied at write
    time goes, so an account created later sees the messages of its person."""
    for table in COPIES:
        op.add_column(
            table,
            sa.Column("version", sa.Integer(), server_default="0", nullable=False),
            schema="notifications",
        )
    op.add_column("grid_staff", sa.Column("valid_from", sa.Date(), nullable=True), schema="notifications")
    op.add_column("grid_staff", sa.Column("valid_to", sa.Date(), nullable=True), schema="notifications")
    op.alter_column("grid_staff", "grid_name", nullable=True, schema="notifications")
    op.drop_index("ix_inbox_message_user_created", table_name="inbox_message", schema="notifications")
    op.drop_column("inbox_message", "user_id", schema="notifications")
    op.create_index(
        "ix_inbox_message_person_created",
        "inbox_message",
        ["person_id", "created_at"],
        unique=False,
        schema="notifications",
    )


def downgrade() -> None:
    """Downgrade schema (the account ids come back from the directory's copy of people)."""
    op.drop_index("ix_inbox_message_person_created", table_name="inbox_message", schema="notifications")
    op.add_column("inbox_message", sa.Column("user_id", sa.Uuid(), nullable=True), schema="notifications")
    op.execute(
        "UPDATE notifications.inbox_message m SET user_id = p.user_id "
        "FROM notifications.person_contact p WHERE p.person_id = m.person_id"
    )
    op.create_index(
        "ix_inbox_message_user_created",
        "inbox_message",
        ["user_id", "created_at"],
        unique=False,
        schema="notifications",
    )
    op.execute("UPDATE notifications.grid_staff SET grid_name = '' WHERE grid_name IS NULL")
    op.alter_column("grid_staff", "grid_name", nullable=False, schema="notifications")
    op.drop_column("grid_staff", "valid_to", schema="notifications")
    op.drop_column("grid_staff", "valid_from", schema="notifications")
    for table in COPIES:
        op.drop_column(table, "version", schema="notifications")
