"""relay woken after commit (no NOTIFY trigger on the outbox)

Revision ID: ins0021
Revises: ins0020

"""

from collections.abc import Sequence

from shared.migrations import add_outbox_notify, drop_outbox_notify

# revision identifiers, used by Alembic.
revision: str = "ins0021"
down_revision: str | Sequence[str] | None = "ins0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    drop_outbox_notify("inspections")


def downgrade() -> None:
    add_outbox_notify("inspections")
