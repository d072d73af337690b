"""hazard basis: the clause a hazard was found under (a standard checklist item's basis)

Revision ID: ins0018
Revises: ins0017

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "ins0018"
down_revision: str | Sequence[str] | None = "ins0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("hazard", sa.Column("basis", sa.String(300), nullable=True), schema="inspections")


def downgrade() -> None:
    op.drop_column("hazard", "basis", schema="inspections")
