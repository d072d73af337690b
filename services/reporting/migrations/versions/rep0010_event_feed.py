"""event feed: the outbox's transaction order and the consumer's cursor per publisher

Revision ID: rep0010
Revises: rep0009

"""

from collections.abc import Sequence

from shared.migrations import add_event_feed, drop_event_feed

# revision identifiers, used by Alembic.
revision: str = "rep0010"
down_revision: str | Sequence[str] | None = "rep0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    add_event_feed("reporting")


def downgrade() -> None:
    drop_event_feed("reporting")
