"""event feed: the outbox's transaction order and the consumer's cursor per publisher

Revision ID: ins0017
Revises: ins0016

"""

from collections.abc import Sequence

from shared.migrations import add_event_feed, drop_event_feed

# revision identifiers, used by Alembic.
revision: str = "ins0017"
down_revision: str | Sequence[str] | None = "ins0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    add_event_feed("inspections")


def downgrade() -> None:
    drop_event_feed("inspections")
