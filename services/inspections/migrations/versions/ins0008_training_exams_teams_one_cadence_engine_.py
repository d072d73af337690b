"""training, exams, teams; one cadence engine for every duty

Revision ID: ins0008
Revises: ins0007

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# The work plan's recurring training duties (§4.5), with its values as defaults.
TRAINING_RULES = [
    ("team_pre_shift_training", "班组每日班前培训 / each team's pre-shift training, every day",
     "training", "pre_shift", "teams", "day", 1, 0),
    ("unit_monthly_exam", "企业每月安全考试 / each enterprise's safety exam, every month",
     "exam", "exam", "all_units", "month", 1, 0),
    ("unit_half_year_publicity", "企业每半年全员安全宣传 / each enterprise's all-staff publicity, every half year",
     "training", "publicity", "all_units", "half_year", 1, 0),
]  # fmt: skip


# revision identifiers, used by Alembic.
revision: str = "ins0008"
down_revision: str | Sequence[str] | None = "ins0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "exam",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("topic", sa.String(length=300), nullable=False),
        sa.Column("pass_mark", sa.Double(), nullable=False),
        sa.Column("recorded_by", sa.Uuid(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exam")),
        schema="inspections",
    )
    op.create_index("ix_exam_held_on", "exam", ["held_on"], unique=False, schema="inspections")
    op.create_index(op.f("ix_exam_unit_id"), "exam", ["unit_id"], unique=False, schema="inspections")
    op.create_table(
        "team",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team")),
        sa.UniqueConstraint("unit_id", "name", name=op.f("uq_team_unit_id_name")),
        schema="inspections",
    )
    op.create_index(op.f("ix_team_unit_id"), "team", ["unit_id"], unique=False, schema="inspections")
    op.create_table(
        "unit_person",
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("enterprise_id", sa.Uuid(), nullable=True),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("source_time", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_unit_person")),
        schema="inspections",
    )
    op.create_index(
        op.f("ix_unit_person_enterprise_id"),
        "unit_person",
        ["enterprise_id"],
        unique=False,
        schema="inspections",
    )
    op.create_table(
        "exam_result",
        sa.Column("exam_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("score", sa.Double(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["exam_id"], ["inspections.exam.id"], name=op.f("fk_exam_result_exam_id_exam")
        ),
        sa.PrimaryKeyConstraint("exam_id", "person_id", name=op.f("pk_exam_result")),
        schema="inspections",
    )
    op.create_table(
        "training_session",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("team_id", sa.Uuid(), nullable=True),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("topic", sa.String(length=300), nullable=False),
        sa.Column("trainer", sa.String(length=100), nullable=False),
        sa.Column("attendee_ids", sa.ARRAY(sa.Uuid()), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("evidence_kind", sa.String(length=20), nullable=False),
        sa.Column("evidence_ref", sa.String(length=500), nullable=False),
        sa.Column("recorded_by", sa.Uuid(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"], ["inspections.team.id"], name=op.f("fk_training_session_team_id_team")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_session")),
        schema="inspections",
    )
    op.create_index(
        "ix_training_session_kind_held_on",
        "training_session",
        ["kind", "held_on"],
        unique=False,
        schema="inspections",
    )
    op.create_index(
        op.f("ix_training_session_unit_id"),
        "training_session",
        ["unit_id"],
        unique=False,
        schema="inspections",
    )
    # the inspection rules keep their kind as the activity; training and exams join them
    op.alter_column("cadence_rule", "inspection_kind", new_column_name="activity", schema="inspections")
    op.add_column(
        "cadence_rule",
        sa.Column("record", sa.String(length=20), nullable=False, server_default="inspection"),
        schema="inspections",
    )
    rules = sa.table(
        "cadence_rule",
        sa.column("code"), sa.column("label"), sa.column("record"), sa.column("activity"), sa.column("subject"),
        sa.column("period"), sa.column("required"), sa.column("grace_days"), sa.column("active"),
        schema="inspections",
    )  # fmt: skip
    op.bulk_insert(
        rules,
        [
            dict(
                zip(
                    ("code", "label", "record", "activity", "subject", "period", "required", "grace_days"),
                    rule,
                    strict=True,
                )
            )
            | {"active": True}
            for rule in TRAINING_RULES
        ],
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.execute("DELETE FROM inspections.cadence_rule WHERE record <> 'inspection'")
    op.drop_column("cadence_rule", "record", schema="inspections")
    op.alter_column("cadence_rule", "activity", new_column_name="inspection_kind", schema="inspections")
    op.drop_index(op.f("ix_training_session_unit_id"), table_name="training_session", schema="inspections")
    op.drop_index("ix_training_session_kind_held_on", table_name="training_session", schema="inspections")
    op.drop_table("training_session", schema="inspections")
    op.drop_table("exam_result", schema="inspections")
    op.drop_index(op.f("ix_unit_person_enterprise_id"), table_name="unit_person", schema="inspections")
    op.drop_table("unit_person", schema="inspections")
    op.drop_index(op.f("ix_team_unit_id"), table_name="team", schema="inspections")
    op.drop_table("team", schema="inspections")
    op.drop_index(op.f("ix_exam_unit_id"), table_name="exam", schema="inspections")
    op.drop_index("ix_exam_held_on", table_name="exam", schema="inspections")
    op.drop_table("exam", schema="inspections")
