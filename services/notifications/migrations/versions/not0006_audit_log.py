"""audit log: append-only audit_entry (shared/audit.py)

Revision ID: not0006
Revises: not0005

"""

from collections.abc import Sequence

from shared.migrations import create_audit_table, drop_audit_table

# revision identifiers, used by Alembic.
revision: str = "not0006"
down_revision: str | Sequence[str] | None = "not0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_audit_table("notifications")


def downgrade() -> None:
    drop_audit_table("notifications")
