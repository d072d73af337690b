"""three-post annual re-examination

Revision ID: ins0010
Revises: ins0009

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "ins0010"
down_revision: str | Sequence[str] | None = "ins0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "post_holder",
        sa.Column("assignment_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("duty", sa.String(length=40), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("source_time", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("assignment_id", name=op.f("pk_post_holder")),
        schema="inspections",
    )
    op.create_index(
        op.f("ix_post_holder_person_id"), "post_holder", ["person_id"], unique=False, schema="inspections"
    )
    op.create_index(
        op.f("ix_post_holder_unit_id"), "post_holder", ["unit_id"], unique=False, schema="inspections"
    )
    # principal persons and safety managers: re-examination training once a year, reminded from November
    op.execute(
        "INSERT INTO inspections.cadence_rule (code, label, record, activity, subject, period, required, "
        "grace_days, remind_after_days, active) VALUES ('three_post_annual_reexam', "
        "'三岗人员年度复审培训 / annual re-examination training of principal persons and safety managers', "
        "'training', 'three_post_reexam', 'three_post_people', 'year', 1, 0, 304, true)"
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.execute("DELETE FROM inspections.cadence_rule WHERE code = 'three_post_annual_reexam'")
    op.drop_index(op.f("ix_post_holder_unit_id"), table_name="post_holder", schema="inspections")
    op.drop_index(op.f("ix_post_holder_person_id"), table_name="post_holder", schema="inspections")
    op.drop_table("post_holder", schema="inspections")
