"""reminders of duties not done by a day

Revision ID: ins0009
Revises: ins0008

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "ins0009"
down_revision: str | Sequence[str] | None = "ins0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.add_column(
        "cadence_rule", sa.Column("remind_after_days", sa.Integer(), nullable=True), schema="inspections"
    )
    # the leader's monthly inspection of each key unit and the monthly exam: reminded from the 20th
    op.execute(
        "UPDATE inspections.cadence_rule SET remind_after_days = 19 "
        "WHERE code IN ('leader_key_unit_monthly', 'unit_monthly_exam')"
    )
    op.add_column(
        "missed_notice",
        sa.Column("notice", sa.String(length=10), nullable=False, server_default="missed"),
        schema="inspections",
    )
    op.drop_constraint(
        op.f("uq_missed_notice_rule_code_subject_id_period_start"),
        "missed_notice",
        schema="inspections",
        type_="unique",
    )
    op.create_unique_constraint(
        op.f("uq_missed_notice_rule_code_subject_id_period_start_notice"),
        "missed_notice",
        ["rule_code", "subject_id", "period_start", "notice"],
        schema="inspections",
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_constraint(
        op.f("uq_missed_notice_rule_code_subject_id_period_start_notice"),
        "missed_notice",
        schema="inspections",
        type_="unique",
    )
    op.create_unique_constraint(
        op.f("uq_missed_notice_rule_code_subject_id_period_start"),
        "missed_notice",
        ["rule_code", "subject_id", "period_start"],
        schema="inspections",
        postgresql_nulls_not_distinct=False,
    )
    op.drop_column("missed_notice", "notice", schema="inspections")
    op.drop_column("cadence_rule", "remind_after_days", schema="inspections")
