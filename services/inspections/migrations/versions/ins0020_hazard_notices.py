"""hazard notices: the notices issued for a hazard, kept as issued, and their numbering

Revision ID: ins0020
Revises: ins0019

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision: str = "ins0020"
down_revision: str | Sequence[str] | None = "ins0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "notice_sequence",
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("zone_key", sa.String(length=40), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "zone_key", "year", name=op.f("pk_notice_sequence")),
        schema="inspections",
    )
    op.create_table(
        "hazard_notice",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("hazard_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("transition_id", sa.BigInteger(), nullable=False),
        sa.Column("zone_key", sa.String(length=40), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("serial", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_by_name", sa.String(length=100), nullable=False),
        sa.Column("context", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.ForeignKeyConstraint(
            ["hazard_id"], ["inspections.hazard.id"], name=op.f("fk_hazard_notice_hazard_id_hazard")
        ),
        sa.ForeignKeyConstraint(
            ["transition_id"],
            ["inspections.hazard_transition.id"],
            name=op.f("fk_hazard_notice_transition_id_hazard_transition"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hazard_notice")),
        sa.UniqueConstraint(
            "kind", "zone_key", "year", "serial", name=op.f("uq_hazard_notice_kind_zone_key_year_serial")
        ),
        sa.UniqueConstraint("transition_id", "kind", name=op.f("uq_hazard_notice_transition_id_kind")),
        schema="inspections",
    )
    op.create_index(
        op.f("ix_hazard_notice_hazard_id"), "hazard_notice", ["hazard_id"], unique=False, schema="inspections"
    )
    # an issued notice is never rewritten (the function refuses any change of the hazard's history)
    op.execute(
        "CREATE TRIGGER hazard_notice_as_issued BEFORE UPDATE OR DELETE ON inspections.hazard_notice "
        "FOR EACH ROW EXECUTE FUNCTION inspections.refuse_history_change()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER hazard_notice_as_issued ON inspections.hazard_notice")
    op.drop_index(op.f("ix_hazard_notice_hazard_id"), table_name="hazard_notice", schema="inspections")
    op.drop_table("hazard_notice", schema="inspections")
    op.drop_table("notice_sequence", schema="inspections")
