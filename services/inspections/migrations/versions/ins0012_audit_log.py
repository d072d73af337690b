"""audit log: append-only audit_entry (shared/audit.py)

Revision ID: ins0012
Revises: ins0011

"""

from collections.abc import Sequence

from shared.migrations import create_audit_table, drop_audit_table

# revision identifiers, used by Alembic.
revision: str = "ins0012"
down_revision: str | Sequence[str] | None = "ins0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_audit_table("inspections")


def downgrade() -> None:
    drop_audit_table("inspections")
