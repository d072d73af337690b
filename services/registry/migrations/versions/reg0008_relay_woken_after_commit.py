"""relay woken after commit (no NOTIFY trigger on the outbox)

Revision ID: reg0008
Revises: reg0007

"""

from collections.abc import Sequence

from shared.migrations import add_outbox_notify, drop_outbox_notify

# revision identifiers, used by Alembic.
revision: str = "reg0008"
down_revision: str | Sequence[str] | None = "reg0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    drop_outbox_notify("registry")


def downgrade() -> None:
    add_outbox_notify("registry")
