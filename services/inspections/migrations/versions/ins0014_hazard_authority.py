"""hazard authority: the fixer's organisations, listing for supervision, the stop order, the review

Revision ID: ins0014
Revises: ins0013

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "ins0014"
down_revision: str | Sequence[str] | None = "ins0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS: tuple[sa.Column, ...] = (
    sa.Column(
        "rectified_by_organisations", sa.ARRAY(sa.String(length=80)), server_default="{}", nullable=False
    ),
    sa.Column("listing_authority", sa.String(length=100), nullable=True),
    sa.Column("listed_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("stop_ordered", sa.Boolean(), server_default="false", nullable=False),
    sa.Column("authority_review_on", sa.Date(), nullable=True),
    sa.Column("review_late", sa.Boolean(), server_default="false", nullable=False),
)


def upgrade() -> None:
    """Upgrade schema."""
    for column in COLUMNS:
        op.add_column("hazard", column, schema="inspections")
    # hazards already stopped keep the duty of an evaluation and a restart application
    op.execute(
        "UPDATE inspections.hazard SET stop_ordered = true WHERE id IN "
        "(SELECT hazard_id FROM inspections.hazard_transition WHERE action = 'suspend')"
    )


def downgrade() -> None:
    """Downgrade schema."""
    for column in reversed(COLUMNS):
        op.drop_column("hazard", column.name, schema="inspections")
