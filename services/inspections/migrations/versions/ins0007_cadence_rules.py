"""cadence rules

Revision ID: ins0007
Revises: ins0006

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# The work plan's cadences (§3.3, §4.3, phase two of §5): the initial rules, changeable by API.
DEFAULT_RULES = [
    # code, label, inspection kind, subject, period, required, grace days
    ("leader_key_unit_monthly", "分管领导每月检查重点监管企业 / leader inspects each key unit monthly",
     "leader_inspection", "key_units", "month", 1, 0),
    ("grid_weekly_check", "网格员周检查 / weekly check of each unit by grid staff",
     "weekly_check", "all_units", "week", 1, 0),
    ("grid_daily_patrol", "网格员日巡查 / daily patrol in each grid", "daily_patrol", "grids", "day", 1, 0),
    ("unit_daily_self_check", "企业每日安全检查 / each enterprise's daily safety check",
     "self_check", "all_units", "day", 1, 0),
    ("unit_monthly_patrol", "企业每月全面巡查 / each enterprise's monthly patrol of its premises",
     "monthly_patrol", "all_units", "month", 1, 0),
]  # fmt: skip


# revision identifiers, used by Alembic.
revision: str = "ins0007"
down_revision: str | Sequence[str] | None = "ins0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "cadence_rule",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("inspection_kind", sa.String(length=30), nullable=False),
        sa.Column("subject", sa.String(length=20), nullable=False),
        sa.Column(
            "period",
            sa.Enum(
                "day",
                "week",
                "month",
                "quarter",
                "half_year",
                "year",
                name="period",
                native_enum=False,
                length=20,
                schema="inspections",
            ),
            nullable=False,
        ),
        sa.Column("required", sa.Integer(), nullable=False),
        sa.Column("grace_days", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_cadence_rule")),
        schema="inspections",
    )
    op.create_table(
        "missed_notice",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("rule_code", sa.String(length=40), nullable=False),
        sa.Column("subject_id", sa.Uuid(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("emitted_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_missed_notice")),
        sa.UniqueConstraint(
            "rule_code",
            "subject_id",
            "period_start",
            name=op.f("uq_missed_notice_rule_code_subject_id_period_start"),
        ),
        schema="inspections",
    )
    rules = sa.table(
        "cadence_rule",
        sa.column("code"), sa.column("label"), sa.column("inspection_kind"), sa.column("subject"),
        sa.column("period"), sa.column("required"), sa.column("grace_days"), sa.column("active"),
        schema="inspections",
    )  # fmt: skip
    op.bulk_insert(
        rules,
        [
            dict(
                zip(
                    ("code", "label", "inspection_kind", "subject", "period", "required", "grace_days"),
                    rule,
                    strict=True,
                )
            )
            | {"active": True}
            for rule in DEFAULT_RULES
        ],
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("missed_notice", schema="inspections")
    op.drop_table("cadence_rule", schema="inspections")
