"""login throttle and audit log

Revision ID: reg0003
Revises: reg0002

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shared.migrations import create_audit_table, drop_audit_table

# revision identifiers, used by Alembic.
revision: str = "reg0003"
down_revision: str | Sequence[str] | None = "reg0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "login_throttle",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_throttle")),
        schema="registry",
    )
    create_audit_table("registry")


def downgrade() -> None:
    drop_audit_table("registry")
    op.drop_table("login_throttle", schema="registry")
