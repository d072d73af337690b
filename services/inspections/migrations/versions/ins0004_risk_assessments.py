"""risk assessments

Revision ID: ins0004
Revises: ins0003

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision: str = "ins0004"
down_revision: str | Sequence[str] | None = "ins0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "risk_assessment",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("factors", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("score", sa.Double(), nullable=False),
        sa.Column(
            "colour",
            sa.Enum(
                "red",
                "orange",
                "yellow",
                "blue",
                name="riskcolour",
                native_enum=False,
                length=10,
                schema="inspections",
            ),
            nullable=False,
        ),
        sa.Column("band_label", sa.String(length=100), nullable=False),
        sa.Column("table_version", sa.String(length=40), nullable=False),
        sa.Column("assessed_by", sa.Uuid(), nullable=False),
        sa.Column("assessed_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["inspections.supervised_unit.id"],
            name=op.f("fk_risk_assessment_unit_id_supervised_unit"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_assessment")),
        schema="inspections",
    )
    op.create_index(
        "ix_risk_assessment_unit_target",
        "risk_assessment",
        ["unit_id", "target", "assessed_at"],
        unique=False,
        schema="inspections",
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("ix_risk_assessment_unit_target", table_name="risk_assessment", schema="inspections")
    op.drop_table("risk_assessment", schema="inspections")
