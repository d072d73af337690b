"""report.due notices: the overdue-notice table records either notice

Revision ID: rep0005
Revises: rep0004

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "rep0005"
down_revision: str | Sequence[str] | None = "rep0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.rename_table("report_overdue_notice", "report_notice", schema="reporting")
    op.add_column(
        "report_notice",
        sa.Column("event_type", sa.String(length=30), nullable=False, server_default="report.overdue"),
        schema="reporting",
    )
    op.alter_column("report_notice", "event_type", server_default=None, schema="reporting")
    op.drop_constraint("pk_report_overdue_notice", "report_notice", type_="primary", schema="reporting")
    op.create_primary_key(
        op.f("pk_report_notice"),
        "report_notice",
        ["event_type", "unit_id", "kind", "period"],
        schema="reporting",
    )


def downgrade() -> None:
    """Downgrade schema: report.due notices are forgotten."""
    op.execute("DELETE FROM reporting.report_notice WHERE event_type <> 'report.overdue'")
    op.drop_constraint("pk_report_notice", "report_notice", type_="primary", schema="reporting")
    op.drop_column("report_notice", "event_type", schema="reporting")
    op.rename_table("report_notice", "report_overdue_notice", schema="reporting")
    op.create_primary_key(
        op.f("pk_report_overdue_notice"),
        "report_overdue_notice",
        ["unit_id", "kind", "period"],
        schema="reporting",
    )
