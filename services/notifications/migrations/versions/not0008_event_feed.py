"""event feed: the outbox's transaction order and the consumer's cursor per publisher

Revision ID: not0008
Revises: not0007

"""

from collections.abc import Sequence

from shared.migrations import add_event_feed, drop_event_feed

# revision identifiers, used by Alembic.
revision: str = "not0008"
down_revision: str | Sequence[str] | None = "not0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    add_event_feed("notifications")


def downgrade() -> None:
    drop_event_feed("notifications")
