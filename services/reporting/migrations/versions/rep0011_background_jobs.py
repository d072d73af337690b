"""background jobs

Revision ID: rep0011
Revises: rep0010

"""

from collections.abc import Sequence

from shared.migrations import create_job_table, drop_job_table

# revision identifiers, used by Alembic.
revision: str = "rep0011"
down_revision: str | Sequence[str] | None = "rep0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_job_table("reporting")


def downgrade() -> None:
    drop_job_table("reporting")
