"""relay woken after commit (no NOTIFY trigger on the outbox)

Revision ID: not0010
Revises: not0009

"""

from collections.abc import Sequence

from shared.migrations import add_outbox_notify, drop_outbox_notify

# revision identifiers, used by Alembic.
revision: str = "not0010"
down_revision: str | Sequence[str] | None = "not0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    drop_outbox_notify("notifications")


def downgrade() -> None:
    add_outbox_notify("notifications")
