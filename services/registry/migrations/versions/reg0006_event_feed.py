"""event feed: the outbox's transaction order and the consumer's cursor per publisher

Revision ID: reg0006
Revises: reg0005

"""

from collections.abc import Sequence

from shared.migrations import add_event_feed, drop_event_feed

# revision identifiers, used by Alembic.
revision: str = "reg0006"
down_revision: str | Sequence[str] | None = "reg0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    add_event_feed("registry")


def downgrade() -> None:
    drop_event_feed("registry")
