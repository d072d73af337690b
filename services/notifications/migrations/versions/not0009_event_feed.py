"""event feed: the outbox's transaction order and the consumer's cursor per publisher

Revision ID: not0009
Revises: not0008

"""

from collections.abc import Sequence

from shared.migrations import add_event_feed, drop_event_feed

# revision identifiers, used by Alembic.
revision: str = "not0009"
down_revision: str | Sequence[str] | None = "not0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    add_event_feed("notifications")


def downgrade() -> None:
    drop_event_feed("notifications")
