"""relay woken after commit (no NOTIFY trigger on the outbox)

Revision ID: rep0013
Revises: rep0012

"""

from collections.abc import Sequence

from shared.migrations import add_outbox_notify, drop_outbox_notify

# revision identifiers, used by Alembic.
revision: str = "rep0013"
down_revision: str | Sequence[str] | None = "rep0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    drop_outbox_notify("reporting")


def downgrade() -> None:
    add_outbox_notify("reporting")
