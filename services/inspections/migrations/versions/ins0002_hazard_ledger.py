"""hazard ledger

Revision ID: ins0002
Revises: ins0001

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision: str = "ins0002"
down_revision: str | Sequence[str] | None = "ins0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


HISTORY_IS_APPEND_ONLY = """
CREATE FUNCTION inspections.refuse_history_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'hazard history is append-only (% refused)', TG_OP;
END $$;
CREATE TRIGGER hazard_transition_append_only BEFORE UPDATE OR DELETE ON inspections.hazard_transition
    FOR EACH ROW EXECUTE FUNCTION inspections.refuse_history_change();
"""


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "hazard",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("grid_id", sa.Uuid(), nullable=True),
        sa.Column(
            "source",
            sa.Enum(
                "self_report",
                "superior_inspection",
                "grid_patrol",
                name="hazardsource",
                native_enum=False,
                length=30,
                schema="inspections",
            ),
            nullable=False,
        ),
        sa.Column("category", sa.String(length=60), nullable=False),
        sa.Column(
            "grade",
            sa.Enum(
                "general", "major", name="hazardgrade", native_enum=False, length=30, schema="inspections"
            ),
            nullable=False,
        ),
        sa.Column("location", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "reported",
                "rectifying",
                "suspended",
                "rectified",
                "verified",
                "closed",
                "with_enforcement",
                name="hazardstate",
                native_enum=False,
                length=30,
                schema="inspections",
            ),
            nullable=False,
        ),
        sa.Column("reporter_id", sa.Uuid(), nullable=False),
        sa.Column("reporter_name", sa.String(length=100), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("responsible_person", sa.String(length=100), nullable=True),
        sa.Column("measures", sa.Text(), nullable=True),
        sa.Column("plan", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("rectified_by", sa.Uuid(), nullable=True),
        sa.Column("verified_by", sa.Uuid(), nullable=True),
        sa.Column("restart_applied_on", sa.Date(), nullable=True),
        sa.Column("enforcement_owner", sa.String(length=100), nullable=True),
        sa.Column("overdue_since", sa.Date(), nullable=True),
        sa.Column("overdue_explanation", sa.Text(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["inspections.supervised_unit.id"], name=op.f("fk_hazard_unit_id_supervised_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hazard")),
        schema="inspections",
    )
    op.create_index(
        "ix_hazard_grid_reported",
        "hazard",
        ["grid_id", "reported_at", "id"],
        unique=False,
        schema="inspections",
    )
    op.create_index("ix_hazard_reported", "hazard", ["reported_at", "id"], unique=False, schema="inspections")
    op.create_index(
        "ix_hazard_state_deadline", "hazard", ["state", "deadline"], unique=False, schema="inspections"
    )
    op.create_index(
        "ix_hazard_unit_reported",
        "hazard",
        ["unit_id", "reported_at", "id"],
        unique=False,
        schema="inspections",
    )
    op.create_table(
        "deadline_notice",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("hazard_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("emitted_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["hazard_id"], ["inspections.hazard.id"], name=op.f("fk_deadline_notice_hazard_id_hazard")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deadline_notice")),
        sa.UniqueConstraint(
            "hazard_id", "kind", "deadline", name=op.f("uq_deadline_notice_hazard_id_kind_deadline")
        ),
        schema="inspections",
    )
    op.create_table(
        "evidence_file",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("hazard_id", sa.Uuid(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=50), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by", sa.Uuid(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["hazard_id"], ["inspections.hazard.id"], name=op.f("fk_evidence_file_hazard_id_hazard")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_file")),
        schema="inspections",
    )
    op.create_index(
        op.f("ix_evidence_file_hazard_id"), "evidence_file", ["hazard_id"], unique=False, schema="inspections"
    )
    op.create_table(
        "hazard_submission",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("body_sha256", sa.String(length=64), nullable=False),
        sa.Column("hazard_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["hazard_id"], ["inspections.hazard.id"], name=op.f("fk_hazard_submission_hazard_id_hazard")
        ),
        sa.PrimaryKeyConstraint("key", "user_id", name=op.f("pk_hazard_submission")),
        schema="inspections",
    )
    op.create_table(
        "hazard_transition",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("hazard_id", sa.Uuid(), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column(
            "from_state",
            sa.Enum(
                "reported",
                "rectifying",
                "suspended",
                "rectified",
                "verified",
                "closed",
                "with_enforcement",
                name="hazardstate",
                native_enum=False,
                length=30,
                schema="inspections",
            ),
            nullable=True,
        ),
        sa.Column(
            "to_state",
            sa.Enum(
                "reported",
                "rectifying",
                "suspended",
                "rectified",
                "verified",
                "closed",
                "with_enforcement",
                name="hazardstate",
                native_enum=False,
                length=30,
                schema="inspections",
            ),
            nullable=False,
        ),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("actor_name", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("details", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("evidence_ids", sa.ARRAY(sa.Uuid()), nullable=False),
        sa.ForeignKeyConstraint(
            ["hazard_id"], ["inspections.hazard.id"], name=op.f("fk_hazard_transition_hazard_id_hazard")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hazard_transition")),
        schema="inspections",
    )
    op.create_index(
        op.f("ix_hazard_transition_hazard_id"),
        "hazard_transition",
        ["hazard_id"],
        unique=False,
        schema="inspections",
    )
    op.execute(HISTORY_IS_APPEND_ONLY)


def downgrade() -> None:
    """Downgrade schema."""
    op.execute("DROP TRIGGER hazard_transition_append_only ON inspections.hazard_transition")
    op.execute("DROP FUNCTION inspections.refuse_history_change()")
    op.drop_index(
        op.f("ix_hazard_transition_hazard_id"), table_name="hazard_transition", schema="inspections"
    )
    op.drop_table("hazard_transition", schema="inspections")
    op.drop_table("hazard_submission", schema="inspections")
    op.drop_index(op.f("ix_evidence_file_hazard_id"), table_name="evidence_file", schema="inspections")
    op.drop_table("evidence_file", schema="inspections")
    op.drop_table("deadline_notice", schema="inspections")
    op.drop_index("ix_hazard_unit_reported", table_name="hazard", schema="inspections")
    op.drop_index("ix_hazard_state_deadline", table_name="hazard", schema="inspections")
    op.drop_index("ix_hazard_reported", table_name="hazard", schema="inspections")
    op.drop_index("ix_hazard_grid_reported", table_name="hazard", schema="inspections")
    op.drop_table("hazard", schema="inspections")
