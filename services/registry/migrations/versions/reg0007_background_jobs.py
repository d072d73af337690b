"""background jobs

Revision ID: reg0007
Revises: reg0006

"""

from collections.abc import Sequence

from shared.migrations import create_job_table, drop_job_table

# revision identifiers, used by Alembic.
revision: str = "reg0007"
down_revision: str | Sequence[str] | None = "reg0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_job_table("registry")


def downgrade() -> None:
    drop_job_table("registry")
