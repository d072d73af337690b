"""the hazard ledger's words in the hazard facts: location, description, who found, the measures,
who answers for them, when fixed, who verified and when

Revision ID: rep0012
Revises: rep0011

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "rep0012"
down_revision: str | Sequence[str] | None = "rep0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (
    ("location", sa.String(length=300)),
    ("description", sa.Text()),
    ("found_by", sa.String(length=100)),
    ("measures", sa.Text()),
    ("responsible_person", sa.String(length=100)),
    ("rectified_on", sa.Date()),
    ("verified_by", sa.String(length=100)),
    ("verified_on", sa.Date()),
)


def upgrade() -> None:
    for name, kind in COLUMNS:
        op.add_column("hazard_fact", sa.Column(name, kind, nullable=True), schema="reporting")


def downgrade() -> None:
    for name, _ in reversed(COLUMNS):
        op.drop_column("hazard_fact", name, schema="reporting")
