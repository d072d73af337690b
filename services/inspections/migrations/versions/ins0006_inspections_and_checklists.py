"""inspections and checklists

Revision ID: ins0006
Revises: ins0005

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision: str = "ins0006"
down_revision: str | Sequence[str] | None = "ins0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "checklist_template",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("items", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checklist_template")),
        sa.UniqueConstraint("code", "version", name=op.f("uq_checklist_template_code_version")),
        schema="inspections",
    )
    op.create_table(
        "inspection",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("grid_id", sa.Uuid(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(
                "daily_patrol",
                "weekly_check",
                "leader_inspection",
                "self_check",
                "monthly_patrol",
                "special_campaign",
                "look_back",
                name="inspectionkind",
                native_enum=False,
                length=30,
                schema="inspections",
            ),
            nullable=False,
        ),
        sa.Column("template_id", sa.Uuid(), nullable=False),
        sa.Column("inspector_id", sa.Uuid(), nullable=False),
        sa.Column("inspector_name", sa.String(length=100), nullable=False),
        sa.Column("inspected_on", sa.Date(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["inspections.checklist_template.id"],
            name=op.f("fk_inspection_template_id_checklist_template"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["inspections.supervised_unit.id"],
            name=op.f("fk_inspection_unit_id_supervised_unit"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection")),
        schema="inspections",
    )
    op.create_index(
        "ix_inspection_unit_date",
        "inspection",
        ["unit_id", "inspected_on", "id"],
        unique=False,
        schema="inspections",
    )
    op.create_table(
        "inspection_item",
        sa.Column("inspection_id", sa.Uuid(), nullable=False),
        sa.Column("item_key", sa.String(length=40), nullable=False),
        sa.Column(
            "result",
            sa.Enum(
                "passed",
                "failed",
                "not_applicable",
                name="itemresult",
                native_enum=False,
                length=20,
                schema="inspections",
            ),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("hazard_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["hazard_id"], ["inspections.hazard.id"], name=op.f("fk_inspection_item_hazard_id_hazard")
        ),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.inspection.id"],
            name=op.f("fk_inspection_item_inspection_id_inspection"),
        ),
        sa.PrimaryKeyConstraint("inspection_id", "item_key", name=op.f("pk_inspection_item")),
        schema="inspections",
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("inspection_item", schema="inspections")
    op.drop_index("ix_inspection_unit_date", table_name="inspection", schema="inspections")
    op.drop_table("inspection", schema="inspections")
    op.drop_table("checklist_template", schema="inspections")
